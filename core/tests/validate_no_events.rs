//! SSE312 `no-events`: a session in which no event was dispatched does not pass silently, and
//! SSE203 for an event left waiting for its blank line until the client gave up. The shared
//! manifest (testdata/recordings) has a case for each; these tests pin the messages, the
//! exemptions and the streaming API.
//!
//! Rules are named by code and name strings, not `Rule` variants, so that the file compiles
//! (and fails) on a validator without the rule.
#![cfg(feature = "json")]

use ssert_core::validate::{
    End, EndKind, Profile, Report, Request, Response, ValidateOptions, Validator,
};

fn request(t: u64, method: &str) -> Request {
    Request {
        method: method.into(),
        url: "http://127.0.0.1:8080/events".into(),
        headers: Some(vec![(
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        )]),
        t,
    }
}

fn response(t: u64, status: u16, content_type: &str) -> Response {
    Response {
        status,
        headers: vec![
            ("content-type".to_owned(), content_type.to_owned()),
            ("cache-control".into(), "no-cache".into()),
            ("x-accel-buffering".into(), "no".into()),
        ],
        t: Some(t),
    }
}

fn end(t: u64, kind: EndKind) -> End {
    End {
        kind,
        t,
        message: None,
    }
}

/// One connection: a GET answered `status` with an event stream, `chunks` at 10 ms steps, then
/// `kind` 10 ms later.
fn stream(v: &mut Validator, t0: u64, status: u16, chunks: &[&str], kind: EndKind) {
    v.request(&request(t0, "GET"));
    v.response(&response(t0 + 1, status, "text/event-stream"));
    let mut t = t0 + 1;
    for c in chunks {
        t += 10;
        v.chunk(t, c.as_bytes());
    }
    v.end(&end(t + 10, kind));
}

/// An attempt that failed before any response.
fn refused(v: &mut Validator, t0: u64, kind: EndKind) {
    v.request(&request(t0, "GET"));
    v.end(&end(t0 + 3, kind));
}

fn defaults() -> Validator {
    Validator::new(&ValidateOptions::default()).unwrap()
}

fn with(options: &str) -> Validator {
    Validator::new(&ValidateOptions::from_json(options).unwrap()).unwrap()
}

/// The messages of the findings of rule `code`.
fn messages<'r>(report: &'r Report, code: &str) -> Vec<&'r str> {
    report
        .findings
        .iter()
        .filter(|f| f.rule.code() == code)
        .map(|f| f.message.as_str())
        .collect()
}

fn not_checked<'r>(report: &'r Report, code: &str) -> Vec<(Option<usize>, &'r str)> {
    report
        .not_checked
        .iter()
        .filter(|n| n.rule.code() == code)
        .map(|n| (n.connection, n.reason.as_str()))
        .collect()
}

/// The only SSE312 finding: an error of the session (no connection, event or offset).
fn the_finding(report: &Report) -> &str {
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.code() == "SSE312")
        .collect();
    assert_eq!(found.len(), 1, "{report}");
    let f = found[0];
    assert_eq!(f.rule.name(), "no-events");
    assert_eq!(f.severity.as_str(), "error");
    assert_eq!((f.connection, f.event, f.offset), (None, None, None));
    assert!(!report.passed, "{report}");
    &f.message
}

#[test]
fn a_recording_with_no_connection_fails() {
    let report = defaults().finish();
    assert_eq!(report.codes(), ["SSE312"], "{report}");
    assert_eq!(
        the_finding(&report),
        "no event was dispatched in the session: the recording has no connection"
    );
    // The JSON round trip every binding uses says the same.
    let json = ssert_core::validate::validate_json(
        r#"{"format":"ssert-recording","version":1,"connections":[]}"#,
        "",
    )
    .unwrap();
    assert!(json.contains(r#""passed":false"#), "{json}");
    assert!(
        json.contains(r#""code":"SSE312","name":"no-events""#),
        "{json}"
    );
}

#[test]
fn a_session_that_never_got_a_response_fails() {
    let mut v = defaults();
    refused(&mut v, 0, EndKind::NetworkError);
    refused(&mut v, 1000, EndKind::NetworkError);
    refused(&mut v, 2000, EndKind::Timeout);
    v.request(&request(3000, "GET")); // still trying when the recording stopped
    let report = v.finish();
    assert_eq!(report.codes(), ["SSE312"], "{report}");
    assert_eq!(
        the_finding(&report),
        "no event was dispatched in the session: no connection got a response (4 attempts: 2 network_error, 1 timeout, 1 still open)"
    );
}

#[test]
fn a_failed_attempt_before_a_good_connection_is_fine() {
    let mut v = defaults();
    refused(&mut v, 0, EndKind::NetworkError);
    stream(&mut v, 3000, 200, &["data: a\n\n"], EndKind::ClientClosed);
    let report = v.finish();
    assert_eq!(report.codes(), ["SSE301"], "{report}");
}

#[test]
fn a_stream_that_never_ends_its_events_fails_even_when_the_client_closed_it() {
    // /buggy/missing-blank-line: one newline after each event, never a blank line.
    let mut v = defaults();
    stream(
        &mut v,
        0,
        200,
        &[
            "retry: 300\n: connected, resuming at 1\n\n",
            "id: 1\nevent: order\ndata: {\"order\": 1000}\n",
            "id: 2\nevent: order\ndata: {\"order\": 1000}\n",
            "id: 3\nevent: order\ndata: {\"order\": 1000}\n",
        ],
        EndKind::ClientClosed,
    );
    let report = v.finish();
    assert_eq!(report.codes(), ["SSE312"], "{report}");
    assert_eq!(
        the_finding(&report),
        "no event was dispatched in the session: 1 connection answered 200 with an event stream but dispatched no event: 162 bytes arrived, 3 data lines never ended by a blank line (an event is dispatched only at a blank line)"
    );
    // A timeout is the client giving up too.
    let mut v = defaults();
    stream(
        &mut v,
        0,
        200,
        &["data: a\n", "data: b\n"],
        EndKind::Timeout,
    );
    let report = v.finish();
    assert!(the_finding(&report).ends_with("16 bytes arrived, 2 data lines never ended by a blank line (an event is dispatched only at a blank line)"), "{report}");
}

#[test]
fn a_stream_of_heartbeats_or_empty_bodies_fails() {
    let mut v = defaults();
    stream(
        &mut v,
        0,
        200,
        &[": ping\n\n", ": ping\n\n"],
        EndKind::ClientClosed,
    );
    stream(&mut v, 1000, 200, &["id: 7\n\nevent: x\n\n"], EndKind::Eof);
    let report = v.finish();
    assert_eq!(
        the_finding(&report),
        "no event was dispatched in the session: 2 connections answered 200 with an event stream but dispatched no event: 33 bytes arrived, no `data` line (comments and `id`, `event` or `retry` fields alone dispatch nothing)"
    );
    let mut v = defaults();
    stream(&mut v, 0, 200, &[], EndKind::Eof);
    refused(&mut v, 1000, EndKind::NetworkError);
    stream(&mut v, 2000, 500, &[], EndKind::Eof);
    let report = v.finish();
    assert_eq!(
        the_finding(&report),
        "no event was dispatched in the session: 1 connection answered 200 with an event stream but dispatched no event: its body was empty; 1 attempt got no response (1 network_error); 1 answered with no event stream (status or Content-Type)"
    );
}

#[test]
fn data_lines_dropped_for_their_size_are_not_called_unterminated() {
    let mut v = with(r#"{"limits":{"max_event_size":4}}"#);
    stream(
        &mut v,
        0,
        200,
        &["data: 0123456789\n\n", "data: x\n"],
        EndKind::ClientClosed,
    );
    let report = v.finish();
    assert!(
        the_finding(&report).ends_with(
            "26 bytes arrived, 2 data lines: 1 never ended by a blank line, 1 dropped (see the other findings)"
        ),
        "{report}"
    );
    let mut v = with(r#"{"limits":{"max_event_size":4}}"#);
    stream(&mut v, 0, 200, &["data: 0123456789\n\n"], EndKind::Eof);
    let report = v.finish();
    assert!(
        the_finding(&report)
            .ends_with("18 bytes arrived, 1 data line: 1 dropped (see the other findings)"),
        "{report}"
    );
}

#[test]
fn responses_that_expect_no_events_are_exempt() {
    // 204 asks the client to stop; a failed attempt before it changes nothing.
    let mut v = defaults();
    refused(&mut v, 0, EndKind::NetworkError);
    stream(&mut v, 1000, 204, &[], EndKind::Eof);
    let report = v.finish();
    assert!(report.passed && report.findings.is_empty(), "{report}");
    // SSE101 and SSE102 already fail every connection: the session's silence is their doing.
    let mut v = defaults();
    stream(&mut v, 0, 500, &[], EndKind::Eof);
    v.request(&request(1000, "GET"));
    v.response(&response(1001, 200, "text/html"));
    v.chunk(1010, b"<html></html>\n");
    v.end(&end(1020, EndKind::Eof));
    let report = v.finish();
    assert_eq!(report.codes(), ["SSE101", "SSE102"], "{report}");
}

#[test]
fn an_mcp_post_answered_with_json_is_no_silent_stream() {
    let options = ValidateOptions {
        profile: Some(Profile::Mcp),
        ..ValidateOptions::default()
    };
    let mut v = Validator::new(&options).unwrap();
    v.request(&request(0, "POST"));
    v.response(&response(1, 200, "application/json"));
    v.chunk(5, br#"{"jsonrpc":"2.0","id":1,"result":{}}"#);
    v.end(&end(6, EndKind::Eof));
    let report = v.finish();
    assert!(messages(&report, "SSE312").is_empty(), "{report}");
    // An event stream that answers a POST with nothing is a silent stream, MCP or not.
    let mut v = Validator::new(&options).unwrap();
    v.request(&request(0, "POST"));
    v.response(&response(1, 200, "text/event-stream"));
    v.end(&end(6, EndKind::ClientClosed));
    let report = v.finish();
    assert!(
        the_finding(&report).ends_with("its body was empty"),
        "{report}"
    );
}

#[test]
fn an_unknown_body_makes_it_not_checked() {
    let mut v = defaults();
    v.request(&request(0, "GET"));
    v.response(&response(1, 200, "text/event-stream"));
    v.body_unknown();
    v.end(&end(50, EndKind::Eof));
    let report = v.finish();
    assert!(messages(&report, "SSE312").is_empty(), "{report}");
    assert_eq!(
        not_checked(&report, "SSE312"),
        [(
            None,
            "the body of connection 0 was not recorded: it may have dispatched events"
        )]
    );
    // With an event elsewhere the rule passed: the unknown body changes nothing.
    let mut v = defaults();
    v.request(&request(0, "GET"));
    v.response(&response(1, 200, "text/event-stream"));
    v.body_unknown();
    v.end(&end(50, EndKind::NetworkError));
    stream(&mut v, 1000, 200, &["data: a\n\n"], EndKind::Eof);
    let report = v.finish();
    assert!(not_checked(&report, "SSE312").is_empty(), "{report}");
    assert!(messages(&report, "SSE312").is_empty(), "{report}");
}

#[test]
fn the_rule_is_configured_like_the_others() {
    for disable in ["no-events", "SSE312", "sse312"] {
        let v = with(&format!(r#"{{"disable":["{disable}"]}}"#));
        let report = v.finish();
        assert!(report.passed && report.findings.is_empty(), "{report}");
    }
    let v = with(r#"{"severity":{"no-events":"warning"}}"#);
    let report = v.finish();
    assert!(report.passed, "{report}");
    assert_eq!(report.warnings, 1);
    // Reported when the session ends: the live view shows nothing before.
    let mut v = defaults();
    stream(&mut v, 0, 200, &[": ping\n\n"], EndKind::ClientClosed);
    assert!(v.findings().is_empty());
    assert_eq!(v.finish().codes(), ["SSE312"]);
}

#[test]
fn an_event_left_waiting_for_its_blank_line_until_the_client_gave_up() {
    // A first event, then a data line whose blank line never comes; heartbeat comments keep
    // the connection alive (comments do not end a block). The client closes 40 s later.
    let body: [(u64, &str); 5] = [
        (10, "id: 1\ndata: a\n\n"),
        (20, "id: 2\ndata: b\n"),
        (10_020, ": ping\n"),
        (20_020, ": ping\n"),
        (30_020, ": ping\n"),
    ];
    let run = |kind: EndKind, end_t: u64, options: &str| {
        let mut v = with(options);
        v.request(&request(0, "GET"));
        v.response(&response(1, 200, "text/event-stream"));
        for (t, text) in body {
            v.chunk(t, text.as_bytes());
        }
        v.end(&end(end_t, kind));
        v.finish()
    };
    let report = run(EndKind::ClientClosed, 40_020, "");
    assert_eq!(report.codes(), ["SSE203"], "{report}");
    assert_eq!(
        messages(&report, "SSE203"),
        ["the connection ended (client_closed) with an event that had waited 40000 ms for the blank line that ends it, longer than heartbeat.max_silence_ms = 30000: the client discards it"]
    );
    let f = &report.findings[0];
    assert_eq!((f.connection, f.offset), (Some(0), Some(15)));
    assert_eq!(f.excerpt.as_deref(), Some("id: 2"));
    for kind in [EndKind::Timeout, EndKind::NetworkError] {
        assert_eq!(run(kind, 40_020, "").codes(), ["SSE203"]);
    }
    // Within the heartbeat window it is a client cutting a stream mid-event: nothing to say.
    assert!(run(EndKind::ClientClosed, 30_020, "").findings.is_empty());
    assert!(run(
        EndKind::ClientClosed,
        40_020,
        r#"{"heartbeat":{"max_silence_ms":60000}}"#
    )
    .findings
    .is_empty());
    // An id line alone (no data) waiting is no event lost.
    let mut v = defaults();
    v.request(&request(0, "GET"));
    v.response(&response(1, 200, "text/event-stream"));
    v.chunk(10, b"id: 1\ndata: a\n\nid: 2\n");
    v.chunk(20_000, b": ping\n");
    v.end(&end(40_020, EndKind::ClientClosed));
    assert!(v.finish().findings.is_empty());
}

#[test]
fn without_timing_how_long_the_event_waited_is_not_checked() {
    let recording = r#"{"format":"ssert-recording","version":1,"timing":"none","connections":[
 {"request":{"t":0,"headers":[["accept","text/event-stream"]]},
  "response":{"status":200,"t":0,"headers":[["content-type","text/event-stream"],["cache-control","no-cache"],["x-accel-buffering","no"]]},
  "chunks":[{"t":0,"text":"id: 1\ndata: a\n\nid: 2\ndata: b\n"}],"end":{"kind":"client_closed","t":0}}]}"#;
    let report: serde_json::Value =
        serde_json::from_str(&ssert_core::validate::validate_json(recording, "").unwrap()).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]), "{report}");
    let sse203: Vec<_> = report["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["code"] == "SSE203")
        .collect();
    assert_eq!(
        sse203,
        [
            &serde_json::json!({"code": "SSE203", "name": "unterminated-event", "connection": 0,
            "reason": "the recording has no timing: how long the unterminated event waited before the connection ended is unknown"})
        ]
    );
}
