//! Where a body was cut into chunks is a transport accident: the validator's report must be the
//! same for every cut of the same bytes arriving at the same instant. (The fuzz target
//! `validate_session` checks this on generated sessions; these are the cases it found.)

use ssert_core::validate::ValidateOptions;

#[path = "common/heads.rs"]
mod heads;

#[path = "common/cuts.rs"]
mod cuts;
use cuts::same_for_every_cut;

#[test]
fn utf8_and_line_limit_findings_come_out_in_stream_order() {
    // The UTF-8 check knows `C3 00` is invalid only when the 00 arrives; the too-long line is
    // known when its third byte does: byte by byte, the two came out in another order.
    let mut options = ValidateOptions::default();
    options.limits.max_line_len = Some(2);
    let report = same_for_every_cut(b"\n\n\xff\xff\xc3\x00", None, &options);
    let found: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| Some((f.rule.code(), f.offset?)))
        .collect();
    assert_eq!(
        found,
        [("SSE204", 2), ("SSE209", 2), ("SSE204", 3), ("SSE204", 4)],
        "{report}"
    );
}

#[test]
fn a_retry_waiting_for_its_line_keeps_its_place_among_invalid_utf8() {
    // A chunk ending in the CR after `retry: 5` holds that line's trace, and the SSE304 that
    // waits for it, until the next byte: the invalid bytes after it are scanned meanwhile. The
    // SSE304 comes first in the stream, so it is the one a window of 1 keeps, and it stays a
    // warning in the counts, however the body was cut.
    let body = b"retry: 5\r\xff\xff\xff\xff\r\r";
    for findings in [1, 2, 3, 1000] {
        let mut options = ValidateOptions::default();
        options.window.findings = Some(findings);
        let report = same_for_every_cut(body, None, &options);
        assert_eq!(report.findings[0].rule.code(), "SSE304", "{report}");
        assert_eq!((report.errors, report.warnings), (5, 2), "{report}");
    }
}

#[test]
fn a_checkpoint_quotes_its_id_line_however_the_body_was_cut() {
    // The comment after the id pushes the id line out of the kept window (120 bytes) before
    // the blank line ends the id-only block: its findings quote the copy kept of the line.
    let mut options = ValidateOptions::default();
    options.window.excerpt_bytes = Some(80);
    let id = "x".repeat(45);
    let comment = "c".repeat(100);
    let body = format!("id: 1\ndata: a\n\nid: {id}\n:{comment}\n\n");
    let report = same_for_every_cut(body.as_bytes(), None, &options);
    let found: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.rule.code(), f.offset, f.excerpt.clone()))
        .collect();
    assert_eq!(
        found,
        [("SSE302", Some(15), Some(format!("id: {id}")))],
        "{report}"
    );
}
