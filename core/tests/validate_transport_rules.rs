//! The transport rules (SSE1xx), the timing rules that depend on what the transport did
//! (SSE305, SSE306, SSE311), the session's grammar end (SSE309), and the bounds on what the
//! validator holds while a connection is open.

use ssert_core::validate::{
    validate, Chunk, Connection, End, EndKind, Recording, Report, Request, Response, Rule,
    ValidateOptions, Validator,
};

#[path = "common/heads.rs"]
mod heads;
use heads::{request, response};

// --- memory ---------------------------------------------------------------------------------

/// A line of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`: the resident set now, and at its
/// peak); `None` where there is no such file.
fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len()..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib << 10)
}

/// Runs `f` and returns its result and how far the process's peak resident set rose above what
/// was resident before (an upper bound on what `f` held at once; other tests of this file run
/// alongside, but hold little). `None` where the kernel does not say.
fn peak_growth<R>(f: impl FnOnce() -> R) -> (R, Option<u64>) {
    let before = proc_status_bytes("VmRSS");
    let result = f();
    let peak = proc_status_bytes("VmHWM");
    (result, before.zip(peak).map(|(b, p)| p.saturating_sub(b)))
}

const MIB: u64 = 1 << 20;

// --- helpers --------------------------------------------------------------------------------

fn text_chunk(t: u64, text: &str) -> Chunk {
    Chunk {
        t,
        data: text.as_bytes().to_vec(),
    }
}

fn end(kind: EndKind, t: u64) -> Option<End> {
    Some(End {
        kind,
        t,
        message: None,
    })
}

fn head(status: u16, t: u64, headers: &[(&str, &str)]) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect(),
        t: Some(t),
    }
}

fn connection(
    request: Request,
    response: Option<Response>,
    chunks: Vec<Chunk>,
    end: Option<End>,
) -> Connection {
    Connection {
        request,
        response,
        chunks,
        end,
    }
}

fn run(connections: Vec<Connection>, options: &ValidateOptions) -> Report {
    let recording = Recording {
        connections,
        ..Recording::default()
    };
    validate(&recording, options).unwrap()
}

fn options(json: &str) -> ValidateOptions {
    ValidateOptions::from_json(json).unwrap()
}

/// One 200 stream with the good heads and these response headers instead, two events apart.
fn with_response_headers(headers: &[(&str, &str)]) -> Report {
    let chunks = vec![
        text_chunk(10, "id: 1\ndata: a\n\n"),
        text_chunk(20, "id: 2\ndata: b\n\n"),
    ];
    run(
        vec![connection(
            request(0, None),
            Some(head(200, 5, headers)),
            chunks,
            end(EndKind::Eof, 30),
        )],
        &ValidateOptions::default(),
    )
}

fn with_accept(lines: &[&str]) -> Report {
    let mut req = request(0, None);
    req.headers = Some(
        lines
            .iter()
            .map(|&v| ("Accept".to_owned(), v.to_owned()))
            .collect(),
    );
    let chunks = vec![
        text_chunk(10, "id: 1\ndata: a\n\n"),
        text_chunk(20, "id: 2\ndata: b\n\n"),
    ];
    run(
        vec![connection(
            req,
            Some(response(5)),
            chunks,
            end(EndKind::Eof, 30),
        )],
        &ValidateOptions::default(),
    )
}

fn messages(report: &Report, rule: Rule) -> Vec<&str> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.as_str())
        .collect()
}

// --- SSE106 accept-header -------------------------------------------------------------------

#[test]
fn accept_media_ranges_take_parameters_and_weights() {
    for accept in [
        "text/event-stream;q=0.9, */*;q=0.1",
        "text/event-stream; charset=utf-8",
        "Text/Event-Stream ; Q=1",
        "application/json;q=0.5, text/event-stream;q=0.001",
        r#"text/plain; x="a, text/html", text/event-stream"#,
    ] {
        let report = with_accept(&[accept]);
        assert!(!report.has(Rule::AcceptHeader), "{accept}: {report}");
    }
}

#[test]
fn accept_on_two_field_lines_is_one_list() {
    let report = with_accept(&["application/json", "text/event-stream"]);
    assert!(!report.has(Rule::AcceptHeader), "{report}");
}

#[test]
fn accept_with_weight_zero_or_only_wildcards_is_reported() {
    let report = with_accept(&["text/event-stream;q=0, */*"]);
    assert_eq!(
        messages(&report, Rule::AcceptHeader),
        ["request's `Accept` (\"text/event-stream;q=0, */*\") gives text/event-stream q=0, which refuses it"],
        "{report}"
    );
    for accept in ["*/*", "text/*", "text/event-stream-x", "0.0"] {
        let report = with_accept(&[accept]);
        assert!(report.has(Rule::AcceptHeader), "{accept}: {report}");
    }
    let report = with_accept(&["text/event-stream;q=0.000"]);
    assert!(report.has(Rule::AcceptHeader), "{report}");
}

// --- SSE102 content-type, SSE103 cache-control, SSE104 content-encoding ----------------------

#[test]
fn cache_control_on_two_field_lines_is_one_list() {
    let report = with_response_headers(&[
        ("content-type", "text/event-stream"),
        ("cache-control", "no-transform"),
        ("Cache-Control", "no-cache"),
        ("x-accel-buffering", "no"),
    ]);
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
fn a_no_cache_that_names_fields_keeps_only_those_out_of_caches() {
    let report = with_response_headers(&[
        ("content-type", "text/event-stream"),
        (
            "cache-control",
            r#"private, no-cache="set-cookie, set-cookie2", max-age=0"#,
        ),
        ("x-accel-buffering", "no"),
    ]);
    assert_eq!(report.codes(), ["SSE103"], "{report}");
    assert!(
        messages(&report, Rule::CacheControl)[0].contains("names fields"),
        "{report}"
    );
    // no-store needs no argument, and an unqualified no-cache next to a qualified one counts.
    for value in [
        r#"no-cache="set-cookie", no-store"#,
        r#"no-cache="a", no-cache"#,
    ] {
        let report = with_response_headers(&[
            ("content-type", "text/event-stream"),
            ("cache-control", value),
            ("x-accel-buffering", "no"),
        ]);
        assert!(report.findings.is_empty(), "{value}: {report}");
    }
}

#[test]
fn content_encoding_on_two_field_lines_is_one_list() {
    let report = with_response_headers(&[
        ("content-type", "text/event-stream"),
        ("cache-control", "no-cache"),
        ("x-accel-buffering", "no"),
        ("content-encoding", "identity"),
        ("content-encoding", "gzip"),
    ]);
    assert_eq!(
        messages(&report, Rule::ContentEncoding),
        ["`Content-Encoding: identity, gzip`: compressors and proxies buffer, delaying events"],
        "{report}"
    );
    let report = with_response_headers(&[
        ("content-type", "text/event-stream"),
        ("cache-control", "no-cache"),
        ("x-accel-buffering", "no"),
        ("content-encoding", "Identity"),
        ("content-encoding", ""),
    ]);
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
fn every_whatwg_label_of_utf8_is_a_utf8_charset() {
    for label in [
        "utf8",
        "UTF-8",
        "\"Unicode-1-1-UTF-8\"",
        "unicode11utf8",
        "unicode20utf8",
        "x-unicode20utf8",
    ] {
        let value = format!("text/event-stream; charset={label}");
        let report = with_response_headers(&[
            ("content-type", &value),
            ("cache-control", "no-cache"),
            ("x-accel-buffering", "no"),
        ]);
        assert!(report.findings.is_empty(), "{label}: {report}");
    }
    let report = with_response_headers(&[
        ("content-type", "text/event-stream; charset=utf-16"),
        ("cache-control", "no-cache"),
        ("x-accel-buffering", "no"),
    ]);
    assert_eq!(report.codes(), ["SSE102"], "{report}");
}

#[test]
fn two_content_type_lines_are_reported_and_the_last_valid_one_decides() {
    // A browser reads the last value that parses (Fetch, "extract a MIME type").
    let last_is_stream = with_response_headers(&[
        ("content-type", "text/html"),
        ("content-type", "text/event-stream"),
        ("cache-control", "no-cache"),
        ("x-accel-buffering", "no"),
    ]);
    assert_eq!(
        messages(&last_is_stream, Rule::ContentType),
        ["`Content-Type` has 2 values (\"text/html, text/event-stream\") but takes one (RFC 9110, section 8.3): a browser uses the last valid one, text/event-stream, but other clients and proxies may not"],
        "{last_is_stream}"
    );
    assert_eq!(last_is_stream.stats.events, 2, "{last_is_stream}");
    let last_is_html = with_response_headers(&[
        ("content-type", "text/event-stream"),
        ("content-type", "text/html"),
        ("cache-control", "no-cache"),
        ("x-accel-buffering", "no"),
    ]);
    assert_eq!(last_is_html.codes(), ["SSE102"], "{last_is_html}");
    assert!(
        messages(&last_is_html, Rule::ContentType)[0].ends_with("is not text/event-stream"),
        "{last_is_html}"
    );
    assert_eq!(last_is_html.stats.events, 0, "{last_is_html}");
}

// --- C1: a 200 that is no event stream is not read -------------------------------------------

#[test]
fn a_200_that_is_no_event_stream_is_not_parsed() {
    let html = "<html>\nid: 7\ndata: looks like an event\n\n</html>\n";
    let report = run(
        vec![
            connection(
                request(0, None),
                Some(head(
                    200,
                    5,
                    &[
                        ("content-type", "text/html"),
                        ("cache-control", "no-cache"),
                        ("x-accel-buffering", "no"),
                    ],
                )),
                vec![text_chunk(10, html), text_chunk(16000, "\n")],
                end(EndKind::NetworkError, 16001),
            ),
            // An EventSource read none of it: it has no last event id to send.
            connection(
                request(19000, None),
                Some(response(19005)),
                vec![text_chunk(19010, "id: 1\ndata: a\n\n")],
                end(EndKind::ClientClosed, 19020),
            ),
        ],
        &options(r#"{"grammar":{"pattern":"message","scope":"connection"}}"#),
    );
    assert_eq!(report.codes(), ["SSE102"], "{report}");
    assert_eq!(report.stats.events, 1, "{report}");
    assert_eq!(report.stats.per_connection[0].events, 0, "{report}");
    assert_eq!(report.stats.per_connection[0].last_event_id, "", "{report}");
    // Its bytes still count: they arrived.
    assert_eq!(report.stats.per_connection[0].bytes, html.len() as u64 + 1);
}

#[test]
fn a_200_without_content_type_is_not_parsed() {
    let report = run(
        vec![connection(
            request(0, None),
            Some(head(
                200,
                5,
                &[("cache-control", "no-cache"), ("x-accel-buffering", "no")],
            )),
            vec![
                text_chunk(10, "data: no id\n\n"),
                text_chunk(15000, ": late\n"),
            ],
            end(EndKind::Eof, 15001),
        )],
        &ValidateOptions::default(),
    );
    assert_eq!(report.codes(), ["SSE102"], "{report}");
    assert_eq!(report.stats.events, 0, "{report}");
}

// --- SSE305 heartbeat, SSE306, SSE311 buffered-transport --------------------------------------

fn burst_then(later: &[u64], end_t: u64) -> Report {
    let mut chunks = vec![text_chunk(5, "id: 1\ndata: a\n\nid: 2\ndata: b\n\n")];
    chunks.extend(later.iter().map(|&t| text_chunk(t, ": ping\n\n")));
    run(
        vec![connection(
            request(0, None),
            Some(response(1)),
            chunks,
            end(EndKind::ClientClosed, end_t),
        )],
        &ValidateOptions::default(),
    )
}

#[test]
fn a_burst_then_heartbeats_is_not_buffering() {
    let report = burst_then(&[15000, 30000, 45000], 45001);
    assert!(report.findings.is_empty(), "{report}");
    assert!(report.not_checked.is_empty(), "{report}");
}

#[test]
fn a_burst_then_silence_is_a_measured_silence() {
    let report = burst_then(&[50000], 50001);
    assert_eq!(report.codes(), ["SSE305"], "{report}");
    assert!(
        messages(&report, Rule::Heartbeat)[0].starts_with("no bytes for 49995 ms (t=5..50000)"),
        "{report}"
    );
}

#[test]
fn a_whole_body_at_one_instant_is_still_buffered() {
    let report = run(
        vec![connection(
            request(0, None),
            Some(response(1)),
            vec![
                text_chunk(5, "id: 1\ndata: a\n\n"),
                text_chunk(5, "id: 2\ndata: b\n\n: done\n"),
            ],
            end(EndKind::ClientClosed, 60000),
        )],
        &ValidateOptions::default(),
    );
    assert_eq!(report.codes(), ["SSE311"], "{report}");
    assert_eq!(
        messages(&report, Rule::BufferedTransport),
        ["the whole body (2 events) arrived at t=5 ms: something buffered the stream, so timing rules could not be checked"]
    );
}

#[test]
fn only_a_200_event_stream_owes_heartbeats() {
    let late = |status: u16, chunks: Vec<Chunk>, end_t: u64| {
        run(
            vec![connection(
                request(0, None),
                Some(head(status, 60000, &[("content-type", "text/html")])),
                chunks,
                end(EndKind::Eof, end_t),
            )],
            &ValidateOptions::default(),
        )
    };
    let report = late(504, vec![], 60001);
    assert_eq!(report.codes(), ["SSE101"], "{report}");
    let report = late(
        500,
        vec![text_chunk(60002, "oops"), text_chunk(100000, " again")],
        100001,
    );
    assert_eq!(report.codes(), ["SSE101"], "{report}");
    let report = late(204, vec![], 60001);
    assert!(report.findings.is_empty(), "{report}");
    // No answer at all: nothing to keep alive.
    let report = run(
        vec![
            connection(request(0, None), None, vec![], end(EndKind::Timeout, 40000)),
            connection(
                request(43000, None),
                Some(response(43001)),
                vec![text_chunk(43002, "id: 1\ndata: a\n\n")],
                end(EndKind::ClientClosed, 43003),
            ),
        ],
        &ValidateOptions::default(),
    );
    assert!(report.findings.is_empty(), "{report}");
    // A 200 that is no event stream owes neither heartbeats nor an event (its headers still
    // lack the stream's Cache-Control and X-Accel-Buffering).
    let report = late(200, vec![text_chunk(60001, "<html>")], 120000);
    assert_eq!(report.codes(), ["SSE102", "SSE103", "SSE105"], "{report}");
}

// --- SSE309 grammar, session scope ----------------------------------------------------------

fn stage_then(second: Connection, first_end: EndKind) -> Report {
    run(
        vec![
            connection(
                request(0, None),
                Some(response(1)),
                vec![text_chunk(2, "event: stage\ndata: x\n\n")],
                end(first_end, 10),
            ),
            second,
        ],
        &options(
            r#"{"grammar":{"pattern":"stage+ token* (done | error)","scope":"session"},"ids":{"required":false}}"#,
        ),
    )
}

#[test]
fn session_grammar_end_is_not_held_to_a_stream_the_server_did_not_end() {
    let report = stage_then(
        connection(
            request(3000, None),
            Some(head(500, 3001, &[("content-type", "text/plain")])),
            vec![],
            end(EndKind::Eof, 3005),
        ),
        EndKind::NetworkError,
    );
    assert_eq!(report.codes(), ["SSE101"], "{report}");
}

#[test]
fn session_grammar_end_is_checked_when_the_last_stream_ended_eof() {
    for second in [
        connection(
            request(3000, None),
            None,
            vec![],
            end(EndKind::NetworkError, 3005),
        ),
        connection(
            request(3000, None),
            Some(head(503, 3001, &[])),
            vec![],
            end(EndKind::Eof, 3005),
        ),
    ] {
        let report = stage_then(second, EndKind::Eof);
        assert!(report.has(Rule::Grammar), "{report}");
    }
}

// --- bounds: what an open connection holds --------------------------------------------------

/// A validator of one open 200 stream.
fn open_stream(options: &ValidateOptions) -> Validator {
    let mut v = Validator::new(options).unwrap();
    v.request(&request(0, None));
    v.response(&response(1));
    v
}

#[test]
fn a_line_of_invalid_utf8_holds_no_more_than_the_finding_window() {
    // 1.5 MiB of 0xFF on one line (over `max_line_len`, which the parser skips): 1.5 Mi
    // invalid sequences, each one SSE204, of which the report keeps `window.findings`.
    const CHUNK: usize = 64 << 10;
    const CHUNKS: usize = 24;
    let options = options(r#"{"limits":{"max_line_len":65536},"ids":{"required":false}}"#);
    let (report, grew) = peak_growth(|| {
        let mut v = open_stream(&options);
        v.chunk(2, b"data: ");
        let bad = vec![0xFF; CHUNK];
        for i in 0..CHUNKS {
            v.chunk(3 + i as u64, &bad);
        }
        v.chunk(100, b"\n\nid: 1\ndata: ok\n\n");
        v.end(&End {
            kind: EndKind::Eof,
            t: 101,
            message: None,
        });
        v.finish()
    });
    let invalid = (CHUNK * CHUNKS) as u64;
    // Every SSE204, and the SSE209 of the line: all counted, the first 1000 kept.
    assert_eq!(report.errors, invalid + 1);
    assert_eq!(report.findings.len(), 1000);
    assert_eq!(report.findings_dropped, invalid + 1 - 1000);
    assert_eq!(report.findings[0].rule, Rule::LineTooLong, "{report}");
    let offsets: Vec<u64> = report.findings[1..]
        .iter()
        .map(|f| f.offset.unwrap())
        .collect();
    assert_eq!(offsets, (6..6 + 999).collect::<Vec<u64>>());
    // Each invalid byte held a finding of ~90 bytes until its line ended (~140 MB here).
    if let Some(grew) = grew {
        assert!(
            grew < 64 * MIB,
            "the resident set grew by {} MiB",
            grew >> 20
        );
    }
}

#[test]
fn the_silences_of_a_long_connection_hold_no_more_than_the_finding_window() {
    // A gap of 30001 ms before every chunk: one deferred SSE305 each.
    const GAPS: u64 = 1_000_000;
    let (report, grew) = peak_growth(|| {
        let mut v = open_stream(&options(r#"{"ids":{"required":false}}"#));
        v.chunk(2, b"data: a\n\n");
        for i in 1..=GAPS {
            v.chunk(2 + i * 30_001, b": ping\n\n");
        }
        v.end(&End {
            kind: EndKind::ClientClosed,
            t: 3 + GAPS * 30_001,
            message: None,
        });
        v.finish()
    });
    assert_eq!(report.warnings, GAPS, "{report}");
    assert_eq!(report.findings.len(), 1000);
    assert_eq!(report.findings_dropped, GAPS - 1000);
    let last = report.findings.last().unwrap();
    assert_eq!(last.t, Some(2 + 1000 * 30_001));
    // Each silence held a finding of ~250 bytes until the connection closed (~250 MB here).
    if let Some(grew) = grew {
        assert!(
            grew < 64 * MIB,
            "the resident set grew by {} MiB",
            grew >> 20
        );
    }
}

/// The report with a small finding window is the one with a large window, cut: the same first
/// findings, the rest counted as dropped, the same totals.
fn assert_window_cuts_exactly(
    chunks: &[(u64, &[u8])],
    end_kind: EndKind,
    json: &str,
    window: usize,
) {
    let report = |findings: usize| {
        let mut o = options(json);
        o.window.findings = Some(findings);
        let mut v = open_stream(&o);
        for &(t, data) in chunks {
            v.chunk(t, data);
        }
        v.end(&End {
            kind: end_kind,
            t: chunks.last().map_or(10, |c| c.0 + 1),
            message: None,
        });
        v.finish()
    };
    let all = report(usize::MAX);
    let cut = report(window);
    assert_eq!(all.findings_dropped, 0);
    let kept = window.min(all.findings.len());
    assert_eq!(
        cut.findings,
        all.findings[..kept],
        "window {window}:\n{cut}\nvs\n{all}"
    );
    assert_eq!(cut.findings_dropped, (all.findings.len() - kept) as u64);
    assert_eq!(
        (cut.errors, cut.warnings, cut.infos),
        (all.errors, all.warnings, all.infos)
    );
}

#[test]
fn bounded_findings_are_cut_exactly_where_the_window_ends() {
    // Invalid UTF-8 mixed with the parser's own findings on the same lines, which it reports
    // after the UTF-8 errors of later bytes (a too-long line is known at its third byte).
    let body: &[u8] = b"\xff\xff\xc3\x00\n\nretry: x\xff\nid: a\x00\xfe\ndata: \xe2\x82\xff\xff\xff\xff\n\n\xf0\x9f\x98";
    let cuts: Vec<Vec<(u64, &[u8])>> = vec![
        vec![(2, body)],
        body.chunks(1)
            .enumerate()
            .map(|(i, c)| (2 + i as u64, c))
            .collect(),
        body.chunks(3)
            .enumerate()
            .map(|(i, c)| (2 + i as u64, c))
            .collect(),
    ];
    for chunks in &cuts {
        for json in [r#"{"limits":{"max_line_len":2}}"#, "{}"] {
            for end_kind in [EndKind::Eof, EndKind::ClientClosed] {
                for window in 0..12 {
                    assert_window_cuts_exactly(chunks, end_kind, json, window);
                }
            }
        }
    }
    // Deferred timing findings after other findings of the connection.
    let gaps: Vec<(u64, &[u8])> = (0..20)
        .map(|i| (11_000 + i * 31_000, b"\xff: ping\n".as_slice()))
        .collect();
    for window in 0..25 {
        assert_window_cuts_exactly(&gaps, EndKind::ClientClosed, "{}", window);
    }
}

#[test]
fn a_retry_waiting_for_its_line_is_counted_as_itself() {
    // The SSE304 of `retry: 5` waits for its line's trace, which a chunk ending in its CR holds
    // back until the next byte, when the invalid bytes after it have been scanned: a window
    // full of those must neither drop it nor count it as one of them (an error). And lines of
    // invalid bytes in one chunk, each reported when its own line ends.
    let bodies: [&[u8]; 2] = [
        b"retry: 5\r\xff\xff\xff\xff\r\r",
        b"data: \xff\xff\rretry: 7\r\xfe\rdata: \xc3\r\xff: x\rretry: 9\r\r\xf0\x9f",
    ];
    for body in bodies {
        let mut cuts: Vec<Vec<(u64, &[u8])>> = (1..body.len())
            .map(|at| {
                let (head, tail) = body.split_at(at);
                vec![(2, head), (2, tail)]
            })
            .collect();
        cuts.push(vec![(2, body)]);
        cuts.push(body.chunks(1).map(|c| (2, c)).collect());
        for chunks in &cuts {
            for window in 0..10 {
                assert_window_cuts_exactly(chunks, EndKind::Eof, "{}", window);
            }
        }
    }
}

#[test]
fn session_grammar_end_is_not_checked_when_the_last_stream_body_was_not_recorded() {
    // The stream that ended may have sent `done`: its body is unknown.
    let recording = Recording {
        connections: vec![
            connection(
                request(0, None),
                Some(response(1)),
                vec![text_chunk(2, "id: 1\nevent: stage\ndata: x\n\n")],
                end(EndKind::NetworkError, 5),
            ),
            connection(
                request(10, Some("1")),
                Some(response(11)),
                vec![],
                end(EndKind::Eof, 20),
            ),
        ],
        unknown_bodies: [1].into(),
        ..Recording::default()
    };
    let options = options(
        r#"{"grammar":{"pattern":"stage+ (done | error)","scope":"session"},"ids":{"required":false}}"#,
    );
    let report = validate(&recording, &options).unwrap();
    assert!(!report.has(Rule::Grammar), "{report}");
    let session = report
        .not_checked
        .iter()
        .find(|n| n.rule == Rule::Grammar && n.connection.is_none());
    assert_eq!(
        session.map(|n| n.reason.as_str()),
        Some("the body of connection 1 was not recorded: the session's events are unknown from there on"),
        "{report}"
    );
}
