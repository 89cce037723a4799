//! The wire rules (SSE2xx, SSE304) where the line they judge is longer than the excerpt
//! window, was dropped by a limit, or ends the stream; and the parser's own account of a
//! stream cut off at its end, which SSE203 follows.

use ssert_core::validate::{validate, EndKind, Report, ValidateOptions};
use ssert_core::{parse, ErrorKind};

#[path = "common/heads.rs"]
mod heads;

#[path = "common/cuts.rs"]
mod cuts;
use cuts::{connection, findings, same_for_every_cut, session};

fn report(body: &[u8], options: &ValidateOptions) -> Report {
    validate(&session(vec![connection(vec![body], None, None)]), options).unwrap()
}

/// Options with the smallest excerpt window (120 bytes), so long lines stay short tests.
fn small_window() -> ValidateOptions {
    let mut options = ValidateOptions::default();
    options.window.excerpt_bytes = Some(120);
    options
}

// --- SSE208 and SSE207: the field name is at the start of the line, however long it is ------

#[test]
fn miscased_name_on_a_line_longer_than_the_window_is_field_name_case() {
    let line = format!("Data: {}", "x".repeat(400));
    let body = format!("id: 1\ndata: a\n\n{line}\n\nid: 2\ndata: b\n\n");
    let report = same_for_every_cut(body.as_bytes(), None, &small_window());
    let case = findings(&report, "SSE208");
    assert_eq!(case.len(), 1, "{report}");
    assert_eq!(case[0].offset, Some(15));
    assert!(case[0].message.contains("\"Data\""), "{}", case[0].message);
    assert_eq!(
        case[0].excerpt, None,
        "a line over the window is not quoted"
    );
    assert!(findings(&report, "SSE207").is_empty(), "{report}");
    assert!(!report.passed);
}

#[test]
fn unknown_name_on_a_long_line_is_named_when_it_fits_the_kept_head() {
    let body = format!("id: 1\ndata: a\n\nfoo: {}\n\n", "x".repeat(400));
    let report = same_for_every_cut(body.as_bytes(), None, &small_window());
    let unknown = findings(&report, "SSE207");
    assert_eq!(unknown.len(), 1, "{report}");
    assert_eq!(
        unknown[0].message,
        "unknown field \"foo\": clients ignore it"
    );
}

// --- SSE201: a BOM at the start of a line, however long the line --------------------------

#[test]
fn bom_on_a_line_longer_than_the_window_is_one_bom_finding_in_every_chunking() {
    let body = format!(
        "id: 1\ndata: a\n\n\u{feff}data: {}\n\nid: 3\ndata: c\n\n",
        "x".repeat(400)
    );
    let report = same_for_every_cut(body.as_bytes(), None, &small_window());
    let bom = findings(&report, "SSE201");
    assert_eq!(bom.len(), 1, "{report}");
    assert_eq!(bom[0].offset, Some(15));
    assert!(
        findings(&report, "SSE207").is_empty(),
        "the BOM line is reported once, as SSE201: {report}"
    );
}

#[test]
fn long_lines_are_judged_alike_in_every_chunking_with_id_not_resumable_off() {
    // The first bytes of a long line are kept for every rule that reads them, not only for
    // SSE212.
    let mut options = small_window();
    options.disable = vec!["id-not-resumable".into(), "buffered-transport".into()];
    let body = format!(
        "id: 1\ndata: a\n\n\u{feff}data: {x}\n\nData: {x}\n\nid: 3\ndata: c\n\n",
        x = "x".repeat(400)
    );
    let report = same_for_every_cut(body.as_bytes(), None, &options);
    assert_eq!(report.codes(), ["SSE201", "SSE208"], "{report}");
}

// --- SSE209/210/211: the id of a block the parser discards is never delivered -------------

/// Options with `limits.max_line_len`; every chunk arrives at one instant, so SSE311 is off.
fn limited(max_line_len: usize) -> ValidateOptions {
    let mut options = ValidateOptions::default();
    options.limits.max_line_len = Some(max_line_len);
    options.disable = vec!["buffered-transport".into()];
    options
}

#[test]
fn id_after_a_too_long_line_in_the_same_block_is_no_checkpoint() {
    let body = format!(
        "id: 1\ndata: a\n\ndata: {}\nid: 2\n\nid: 2\ndata: short\n\n",
        "x".repeat(30)
    );
    let report = same_for_every_cut(body.as_bytes(), None, &limited(20));
    assert_eq!(report.codes(), ["SSE209"], "{report}");
}

#[test]
fn id_before_a_too_long_line_in_the_same_block_is_no_checkpoint() {
    let body = format!(
        "id: 1\ndata: a\n\nid: 2\ndata: {}\n\nid: 2\ndata: short\n\n",
        "x".repeat(30)
    );
    let report = same_for_every_cut(body.as_bytes(), None, &limited(20));
    assert_eq!(report.codes(), ["SSE209"], "{report}");
}

#[test]
fn id_of_a_block_over_max_event_size_is_no_checkpoint() {
    let mut options = limited(4096);
    options.limits.max_event_size = Some(8);
    let body = b"id: 1\ndata: a\n\nid: 2\ndata: too large\n\nid: 2\ndata: short\n\n";
    let report = same_for_every_cut(body, None, &options);
    assert_eq!(report.codes(), ["SSE210"], "{report}");
}

#[test]
fn a_reconnect_after_a_discarded_block_resumes_from_the_last_delivered_id() {
    // The parser's last event id after the first connection is 1 (the id 2 was discarded
    // with its block): the client sends 1 and the server rightly resumes with 2.
    let first = format!("id: 1\ndata: a\n\ndata: {}\nid: 2\n\n", "x".repeat(30));
    let recording = session(vec![
        connection(vec![first.as_bytes()], None, Some(EndKind::Eof)),
        connection(vec![b"id: 2\ndata: b\n\n"], Some("1"), Some(EndKind::Eof)),
    ]);
    let mut options = limited(20);
    options.ids.consecutive = Some(true);
    let report = validate(&recording, &options).unwrap();
    assert_eq!(report.codes(), ["SSE209"], "{report}");
}

// --- SSE203 and INCOMPLETE_EVENT: a tail that loses nothing is no unterminated event -------

#[test]
fn parser_reports_a_cut_off_tail_only_when_it_loses_an_event_or_an_id() {
    let incomplete = |body: &[u8]| {
        parse(body)
            .errors
            .iter()
            .filter(|e| e.kind() == ErrorKind::IncompleteEvent)
            .map(|e| e.offset())
            .collect::<Vec<u64>>()
    };
    // Without data no event is dispatched, blank line or not.
    assert_eq!(incomplete(b"data: a\n\nevent: x\n"), [0u64; 0]);
    assert_eq!(incomplete(b"data: a\n\nevent: x"), [0u64; 0]);
    assert_eq!(incomplete(b"data: a\n\nfoo"), [0u64; 0]);
    assert_eq!(incomplete(b"data: a\n\nfoo: 1\n"), [0u64; 0]);
    // The id would have become the last event id; `d` may be a `data` line cut short.
    assert_eq!(incomplete(b"data: a\n\nid: 7\n"), [9]);
    assert_eq!(incomplete(b"data: a\n\nevent: x\nid: 7"), [9]);
    assert_eq!(incomplete(b"data: a\n\nd"), [9]);
    assert_eq!(incomplete(b"data: a\n\nretry: 5"), [9]);
}

#[test]
fn unterminated_event_is_not_reported_for_a_tail_that_loses_nothing() {
    let options = ValidateOptions::default();
    for tail in ["event: x\n", "foo", "event: x\nfoo: 1\n"] {
        let body = format!("id: 1\ndata: a\n\n{tail}");
        let report = same_for_every_cut(body.as_bytes(), Some(EndKind::Eof), &options);
        assert!(findings(&report, "SSE203").is_empty(), "{tail:?}: {report}");
    }
    // An id-only tail loses the checkpoint: still reported.
    let report = same_for_every_cut(b"id: 1\ndata: a\n\nid: 2\n", Some(EndKind::Eof), &options);
    assert_eq!(findings(&report, "SSE203").len(), 1, "{report}");
}

// --- SSE304: at its `retry` line, with the value as written ---------------------------------

#[test]
fn retry_out_of_range_is_placed_and_quoted_at_its_line() {
    let options = ValidateOptions::default();
    for body in [
        "id: 1\ndata: a\n\nretry: 10\n\n",
        "id: 1\rdata: a\r\rretry: 10\r\r",
        "id: 1\r\ndata: a\r\n\r\nretry: 10\r\n\r\n",
    ] {
        let report = same_for_every_cut(body.as_bytes(), None, &options);
        let retry = findings(&report, "SSE304");
        assert_eq!(retry.len(), 1, "{body:?}: {report}");
        let offset = body.find("retry").unwrap() as u64;
        assert_eq!(retry[0].offset, Some(offset), "{body:?}");
        assert_eq!(retry[0].excerpt.as_deref(), Some("retry: 10"), "{body:?}");
        assert_eq!(retry[0].message, "retry 10 ms is outside [100, 600000] ms");
    }
}

#[test]
fn retry_too_large_for_u64_is_shown_as_written() {
    let report = report(
        b"id: 1\ndata: a\n\nretry: 99999999999999999999999\n\n",
        &ValidateOptions::default(),
    );
    let retry = findings(&report, "SSE304");
    assert_eq!(retry.len(), 1, "{report}");
    assert_eq!(
        retry[0].message,
        "retry 99999999999999999999999 ms is outside [100, 600000] ms"
    );
    assert_eq!(retry[0].offset, Some(15));
}

#[test]
fn retry_too_large_on_a_line_longer_than_the_window_is_said_too_large() {
    let body = format!("id: 1\ndata: a\n\nretry: {}\n\n", "9".repeat(300));
    let report = same_for_every_cut(body.as_bytes(), None, &small_window());
    let retry = findings(&report, "SSE304");
    assert_eq!(retry.len(), 1, "{report}");
    assert_eq!(
        retry[0].message,
        "retry of 20 digits or more is outside [100, 600000] ms"
    );
    assert_eq!(
        (retry[0].offset, retry[0].excerpt.as_deref()),
        (Some(15), None)
    );
}

// --- SSE312: data lines a limit dropped are counted as dropped -----------------------------

#[test]
fn no_events_counts_a_data_line_dropped_for_its_length() {
    let body = format!("data: {}\n\ndata: x", "x".repeat(40));
    let report = same_for_every_cut(body.as_bytes(), Some(EndKind::Eof), &limited(20));
    let none = findings(&report, "SSE312");
    assert_eq!(none.len(), 1, "{report}");
    assert!(
        none[0].message.contains(
            "2 data lines: 1 never ended by a blank line, 1 dropped (see the other findings)"
        ),
        "{}",
        none[0].message
    );
}

#[test]
fn no_events_counts_a_dropped_data_line_longer_than_the_window() {
    let mut options = small_window();
    options.limits.max_line_len = Some(200);
    let body = format!(": hi\n\ndata: {}\n\n", "x".repeat(400));
    let report = same_for_every_cut(body.as_bytes(), Some(EndKind::Eof), &options);
    let none = findings(&report, "SSE312");
    assert_eq!(none.len(), 1, "{report}");
    assert!(
        none[0]
            .message
            .contains("1 data line: 1 dropped (see the other findings)"),
        "{}",
        none[0].message
    );
}

// --- SSE212: the whole `Last-Event-ID` header line must fit in 8192 bytes ------------------

#[test]
fn id_whose_header_line_is_over_8192_bytes_is_not_resumable() {
    // `Last-Event-ID: ` (15 bytes) + the id + CRLF: an id of 8175 bytes makes a line of 8192.
    let options = ValidateOptions::default();
    let body = |len: usize| format!("id: {}\ndata: a\n\n", "y".repeat(len));
    let fits = report(body(8175).as_bytes(), &options);
    assert!(findings(&fits, "SSE212").is_empty(), "{fits}");
    let over = report(body(8176).as_bytes(), &options);
    let long = findings(&over, "SSE212");
    assert_eq!(long.len(), 1, "{over}");
    assert!(
        long[0].message.starts_with(
            "id is 8176 bytes long: a reconnect's `Last-Event-ID` header line would be 8193 bytes with its CRLF"
        ),
        "{}",
        long[0].message
    );
}
