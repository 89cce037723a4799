//! SSE212 `id-not-resumable`: an `id` a reconnect cannot send back as it was. The browser sends
//! the last event ID as the `Last-Event-ID` header, and HTTP field values lose their leading and
//! trailing spaces and tabs (RFC 9110, 5.5), while servers refuse long header lines (nginx's
//! default buffer is 8 KiB per line). The shared manifest (testdata/recordings) has a failing and
//! a passing case; these tests pin the messages, where findings point, how often they are
//! reported, the bound (the `Last-Event-ID` header line, CRLF included, fits in 8192 bytes: ids
//! of at most 8175 bytes), and that none of it depends on the chunking or the excerpt window.
//!
//! Rules are named by code and name strings, not `Rule` variants, so that the file compiles
//! (and fails) on a validator without the rule.
#![cfg(feature = "json")]

use ssert_core::validate::{End, EndKind, Finding, Report, ValidateOptions, Validator};

#[path = "common/heads.rs"]
mod heads;
use heads::{request, response};

const WHY: &str = "a reconnect's Last-Event-ID header loses leading and trailing spaces and tabs";

/// One connection at `t0` (sending `Last-Event-ID: sent` if given) whose body is `chunks`.
fn connection(v: &mut Validator, t0: u64, sent: Option<&str>, chunks: &[Vec<u8>]) {
    v.request(&request(t0, sent));
    v.response(&response(t0 + 1));
    // The chunks are spread over 100 ms (so that they do not look buffered).
    let t = |i: usize| t0 + 2 + (i * 100 / chunks.len().max(1)) as u64;
    for (i, c) in chunks.iter().enumerate() {
        v.chunk(t(i), c);
    }
    v.end(&End {
        kind: EndKind::NetworkError,
        t: t(chunks.len()) + 10,
        message: None,
    });
}

fn validator(options: &str) -> Validator {
    Validator::new(&ValidateOptions::from_json(options).unwrap()).unwrap()
}

/// `body` in one chunk per block.
fn blocks(body: &str) -> Vec<Vec<u8>> {
    body.split_inclusive("\n\n")
        .map(|b| b.as_bytes().to_vec())
        .collect()
}

/// A one-connection session of `body`.
fn one(body: &str) -> Report {
    let mut v = validator("");
    connection(&mut v, 0, None, &blocks(body));
    v.finish()
}

fn found(report: &Report) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule.code() == "SSE212")
        .collect()
}

fn messages(report: &Report) -> Vec<&str> {
    found(report).iter().map(|f| f.message.as_str()).collect()
}

#[test]
fn a_leading_space_is_reported_at_the_id_line_with_an_excerpt() {
    let report = one("id: a\ndata: a\n\nid:  42\ndata: b\n\n");
    assert_eq!(report.codes(), ["SSE212"], "{report}");
    let f = found(&report)[0];
    assert_eq!(f.rule.name(), "id-not-resumable");
    assert_eq!(f.severity.as_str(), "warning");
    assert_eq!(
        f.message,
        format!("id \" 42\" starts with a space: {WHY}, so the server would read \"42\"")
    );
    assert_eq!((f.connection, f.event, f.offset), (Some(0), None, Some(15)));
    assert_eq!(f.excerpt.as_deref(), Some("id:  42"));
    // A warning: the report passes unless `fail_on` says otherwise.
    assert!(report.passed, "{report}");
}

#[test]
fn every_way_of_losing_spaces_and_tabs_is_named() {
    let cases = [
        ("id:\t7\n\n", "id \"\\t7\" starts with a tab", "\"7\""),
        ("id: 7 \n\n", "id \"7 \" ends with a space", "\"7\""),
        (
            "id: 7\t\ndata: x\n\n",
            "id \"7\\t\" ends with a tab",
            "\"7\"",
        ),
        (
            "id:  7 \t\ndata: x\n\n",
            "id \" 7 \\t\" starts with a space and ends with a tab",
            "\"7\"",
        ),
        (
            "id:\t \ndata: x\n\n",
            "id \"\\t \" is only spaces and tabs",
            "\"\"",
        ),
        ("id:  \n\n", "id \" \" is only spaces and tabs", "\"\""),
    ];
    for (body, what, read) in cases {
        let report = one(body);
        assert_eq!(
            messages(&report),
            [format!("{what}: {WHY}, so the server would read {read}")],
            "{body:?}\n{report}"
        );
    }
}

#[test]
fn ids_that_survive_the_header_are_fine() {
    // Inner spaces and tabs, the empty id (`id`, `id:`, `id: `: no header at all), other
    // whitespace that HTTP does not strip, and a CR or CRLF line end (not part of the value).
    for body in [
        "id: a b\ndata: x\n\n",
        "id:a\t b\ndata: x\n\n",
        "id\ndata: x\n\n",
        "id:\ndata: x\n\n",
        "id: \ndata: x\n\n",
        "id: \u{a0}7\u{a0}\ndata: x\n\n",
        "id: 7\r\ndata: x\r\n\r\n",
        "id: 7\rdata: x\r\r",
    ] {
        let report = one(body);
        assert!(found(&report).is_empty(), "{body:?}\n{report}");
    }
}

#[test]
fn an_id_the_parser_ignores_for_nul_is_sse206_only() {
    let report = one("id:  1\0 \ndata: a\n\n");
    assert_eq!(report.codes(), ["SSE206", "SSE301"], "{report}");
}

#[test]
fn reported_once_per_connection_per_reason() {
    // Two ids with a leading space, a long one, one with a trailing space, and a long one in
    // an id-only block: the client's last event id when the connection drops.
    let body = |n: u32, long: &str| {
        format!(
            "id:  {n}\ndata: a\n\nid:  {}\ndata: b\n\nid: {long}\ndata: c\n\nid: {} \ndata: d\n\nid: {long}.\n\n",
            n + 1,
            n + 2
        )
    };
    let (first, second) = ("z".repeat(9000), "y".repeat(9000));
    let mut v = validator("");
    connection(&mut v, 0, None, &blocks(&body(1, &first)));
    // The reconnect sends the id as the client was asked to send it (as ssert's recorders log
    // it): no SSE401. Its own connection is reported again.
    let sent = format!("{first}.");
    connection(&mut v, 5000, Some(&sent), &blocks(&body(4, &second)));
    let report = v.finish();
    let at: Vec<_> = found(&report)
        .iter()
        .map(|f| (f.connection, f.offset, f.message.split(':').next().unwrap()))
        .collect();
    // The third block starts after two of 16 bytes.
    assert_eq!(
        at,
        [
            (Some(0), Some(0), "id \" 1\" starts with a space"),
            (Some(0), Some(32), "id is 9000 bytes long"),
            (Some(1), Some(0), "id \" 4\" starts with a space"),
            (Some(1), Some(32), "id is 9000 bytes long"),
        ],
        "{report}"
    );
    assert_eq!(report.codes(), ["SSE212"], "{report}");
}

/// Bodies with an `id` line of the given prefix and `n` value bytes, cut every way that matters:
/// whole, one byte per chunk (a line longer than the excerpt window loses its first bytes
/// before it ends), and the whole line in one chunk that ends with its first line-end byte (a
/// CR there defers the line's record to the next chunk, when the window has dropped its start).
fn cuts(prefix: &str, n: usize) -> Vec<(String, Vec<Vec<u8>>)> {
    let mut out = Vec::new();
    for end in ["\n", "\r", "\r\n"] {
        let body = format!(
            "id: a{end}data: a{end}{end}{prefix}{}{end}data: b{end}{end}",
            "x".repeat(n)
        );
        let bytes = body.into_bytes();
        let label = format!("{prefix:?} + {n} x, line end {end:?}");
        out.push((format!("{label}, whole"), vec![bytes.clone()]));
        let start = 5 + 7 + 3 * end.len();
        let cut = start + prefix.len() + n + 1;
        out.push((
            format!("{label}, the line alone"),
            vec![
                bytes[..start].to_vec(),
                bytes[start..cut].to_vec(),
                bytes[cut..].to_vec(),
            ],
        ));
        out.push((
            format!("{label}, one byte per chunk"),
            bytes.iter().map(|&b| vec![b]).collect(),
        ));
        out.push((
            format!("{label}, 100-byte chunks"),
            bytes.chunks(100).map(<[u8]>::to_vec).collect(),
        ));
    }
    out
}

#[test]
fn the_bound_is_a_header_line_of_8192_bytes_however_the_body_is_cut() {
    // `Last-Event-ID: ` (15 bytes) + the id + CRLF (2) must fit in 8192 bytes: 8175 bytes of id.
    let cases = [
        // (prefix, value bytes after it, expected messages' starts)
        ("id: ", 8175, vec![]),
        ("id:", 8175, vec![]),
        ("id: ", 8176, vec!["id is 8176 bytes long"]),
        ("id:", 8176, vec!["id is 8176 bytes long"]),
        // The second space is the value's: 8175 bytes, but the first is a space.
        ("id:  ", 8174, vec!["id of 8175 bytes starts with a space"]),
        (
            "id:  ",
            8175,
            vec![
                "id of 8176 bytes starts with a space",
                "id is 8176 bytes long",
            ],
        ),
        (
            "id:\t",
            8175,
            vec![
                "id of 8176 bytes starts with a tab",
                "id is 8176 bytes long",
            ],
        ),
    ];
    for options in ["", r#"{"window": {"excerpt_bytes": 120}}"#] {
        for (prefix, n, want) in &cases {
            for (label, chunks) in cuts(prefix, *n) {
                let mut v = validator(options);
                connection(&mut v, 0, None, &chunks);
                let report = v.finish();
                let got: Vec<_> = found(&report)
                    .iter()
                    .map(|f| {
                        assert_eq!(
                            f.offset,
                            Some(if label.contains("\"\\r\\n\"") { 18 } else { 15 })
                        );
                        // Too long to quote from the window: no excerpt, in every cut.
                        assert_eq!(f.excerpt, None, "{label}");
                        f.message.split(':').next().unwrap()
                    })
                    .collect();
                assert_eq!(
                    &got,
                    want,
                    "{label}, options {options}: {:?}",
                    report.codes()
                );
            }
        }
    }
}

#[test]
fn the_long_message_says_why_the_reconnect_fails() {
    let report = one(&format!("id: {}\ndata: a\n\n", "9".repeat(10_000)));
    assert_eq!(
        messages(&report),
        ["id is 10000 bytes long: a reconnect's `Last-Event-ID` header line would be 10017 bytes with its CRLF, and a header line over 8192 bytes is refused (nginx's default large_client_header_buffers is 8 KiB per line; Node's limit is 16 KiB for the whole request head), so the reconnect would fail"],
        "{report}"
    );
}

#[test]
fn a_leading_bom_does_not_shift_the_value() {
    let report = one("\u{feff}id:  1\ndata: a\n\n");
    assert_eq!(
        messages(&report),
        [format!(
            "id \" 1\" starts with a space: {WHY}, so the server would read \"1\""
        )],
        "{report}"
    );
    let report = one("\u{feff}id: 1\ndata: a\n\n");
    assert!(found(&report).is_empty(), "{report}");
}

#[test]
fn the_rule_can_be_disabled_or_made_an_error() {
    let body = b"id:  1\ndata: a\n\n".to_vec();
    let mut v = validator(r#"{"disable": ["id-not-resumable"]}"#);
    connection(&mut v, 0, None, std::slice::from_ref(&body));
    let report = v.finish();
    assert!(report.findings.is_empty(), "{report}");
    let mut v = validator(r#"{"severity": {"SSE212": "error"}}"#);
    connection(&mut v, 0, None, std::slice::from_ref(&body));
    let report = v.finish();
    assert_eq!(report.codes(), ["SSE212"], "{report}");
    assert!(!report.passed, "{report}");
}
