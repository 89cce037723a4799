//! Connections whose body was not recorded (`"chunks": null`, `Validator::body_unknown`): the
//! validator claims nothing that depends on the missing events, says so in `not_checked`, and
//! still checks everything else.
#![cfg(feature = "json")]

use ssert_core::validate::{
    validate, End, EndKind, Profile, Recording, Report, Response, Rule, ValidateOptions, Validator,
};

#[path = "common/heads.rs"]
mod heads;
use heads::request;

const HEAD: &str = r#"[["content-type","text/event-stream"],["cache-control","no-cache"],["x-accel-buffering","no"]]"#;

/// A timed session: ids 1 and 2 (retry 1000), then a connection whose body is `middle`, which
/// ends after 90 s, then a resume after 4 that delivers 5 and 6.
fn session(middle: &str) -> Recording {
    let text = format!(
        r#"{{"format":"ssert-recording","version":1,"connections":[
 {{"request":{{"t":0,"headers":[["accept","text/event-stream"]]}},"response":{{"status":200,"t":5,"headers":{HEAD}}},
  "chunks":[{{"t":10,"text":"retry: 1000\nid: 1\ndata: a\n\n"}},{{"t":20,"text":"id: 2\ndata: b\n\n"}}],
  "end":{{"kind":"network_error","t":30}}}},
 {{"request":{{"t":1030,"headers":[["accept","text/event-stream"],["last-event-id","2"]]}},"response":{{"status":200,"t":1035,"headers":{HEAD}}},
  "chunks":{middle},"end":{{"kind":"network_error","t":90000}}}},
 {{"request":{{"t":90100,"headers":[["accept","text/event-stream"],["last-event-id","4"]]}},"response":{{"status":200,"t":90105,"headers":{HEAD}}},
  "chunks":[{{"t":90110,"text":"id: 5\ndata: e\n\n"}},{{"t":90120,"text":"id: 6\ndata: f\n\n"}}],
  "end":{{"kind":"client_closed","t":90130}}}}]}}"#
    );
    Recording::from_json(&text).unwrap()
}

fn replay_options() -> ValidateOptions {
    ValidateOptions::from_json(r#"{"ids":{"consecutive":true},"retry":{"required":true}}"#).unwrap()
}

fn not_checked(report: &Report, rule: Rule, connection: Option<usize>) -> Option<&str> {
    report
        .not_checked
        .iter()
        .find(|n| n.rule == rule && n.connection == connection)
        .map(|n| n.reason.as_str())
}

#[test]
fn what_the_missing_body_decides_is_not_checked() {
    // Read as an empty body, the same session is full of findings the recording cannot back.
    let empty = validate(&session("[]"), &replay_options()).unwrap();
    assert_eq!(empty.codes(), ["SSE305", "SSE401", "SSE405"], "{empty}");

    let recording = session("null");
    assert_eq!(recording.unknown_bodies.len(), 1);
    let report = validate(&recording, &replay_options()).unwrap();
    assert_eq!(report.codes(), Vec::<&str>::new(), "{report}");
    let reason = not_checked(&report, Rule::LastEventId, Some(2)).unwrap();
    assert_eq!(
        reason,
        "the body of connection 1 was not recorded, so the client's last event id is unknown"
    );
    // The retry in force may have come in the missing body.
    assert!(not_checked(&report, Rule::ReconnectDelay, Some(2)).is_some());
    for rule in [
        Rule::UnterminatedEvent,
        Rule::Heartbeat,
        Rule::TimeToFirstEvent,
        Rule::Retry,
        Rule::ResumePoint,
        Rule::ReplayDuplicate,
        Rule::LostEvent,
    ] {
        assert_eq!(
            not_checked(&report, rule, Some(1)),
            Some("the body was not recorded"),
            "{rule}"
        );
    }
    // The head and the request of the connection were checked, and nothing else is missing.
    assert!(not_checked(&report, Rule::CacheControl, Some(1)).is_none());
    assert!(not_checked(&report, Rule::LastEventId, Some(1)).is_none());
    assert_eq!(report.not_checked.len(), 24, "{report}");

    let stats = &report.stats;
    assert_eq!((stats.events, stats.bytes, stats.reconnects), (4, 72, 2));
    assert_eq!(stats.throughput_bytes_per_s, None);
    let middle = &stats.per_connection[1];
    assert!(middle.body_unknown);
    assert_eq!((middle.events, middle.bytes), (0, 0));
    assert_eq!((middle.last_event_id.as_str(), middle.retry_ms), ("", None));
    assert_eq!(middle.reconnect_delay_ms, Some(1000));
    assert!(!stats.per_connection[2].body_unknown);
    let json = report.to_json();
    assert_eq!(json.matches(r#""body_unknown":true"#).count(), 1, "{json}");
    assert!(!json.contains(r#""body_unknown":false"#));
    assert!(!empty.to_json().contains("body_unknown"));
}

fn response(t: u64, cache_control: bool) -> Response {
    let mut headers = vec![
        ("content-type".to_owned(), "text/event-stream".to_owned()),
        ("x-accel-buffering".into(), "no".into()),
    ];
    if cache_control {
        headers.push(("cache-control".into(), "no-cache".into()));
    }
    Response {
        status: 200,
        headers,
        t: Some(t),
    }
}

fn end(t: u64) -> End {
    End {
        kind: EndKind::NetworkError,
        t,
        message: None,
    }
}

#[test]
fn what_does_not_need_the_missing_body_is_still_checked() {
    let mut v = Validator::new(&replay_options()).unwrap();
    v.request(&request(0, None));
    v.response(&response(1, true));
    v.chunk(2, b"retry: 100\nid: 1\ndata: a\n\n");
    v.chunk(3, b"id: 2\ndata: b\n\n");
    v.end(&end(4));
    // Its own Last-Event-ID is held to what came before it (2), and its head is checked.
    v.request(&request(200, Some("1")));
    v.response(&response(201, false));
    v.body_unknown();
    v.chunk(202, b"id: 9\ndata: ignored\n\n");
    v.end(&end(300));
    // The server's resume is held to the id it was sent; a known event sent again is a
    // duplicate whatever the missing body held.
    v.request(&request(500, Some("4")));
    v.response(&response(501, true));
    v.chunk(502, b"id: 4\ndata: d\n\nid: 5\ndata: e\n\n");
    v.chunk(503, b"id: 1\ndata: a\n\n");
    v.end(&end(504));
    // After a known body, the client's last event id is known again: 1, the last it received.
    v.request(&request(700, Some("3")));
    v.response(&response(701, true));
    v.end(&end(702));
    let report = v.finish();
    let found: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.rule.code(), f.connection))
        .collect();
    assert_eq!(
        found,
        [
            ("SSE401", Some(1)),
            ("SSE103", Some(1)),
            ("SSE402", Some(2)),
            ("SSE403", Some(2)),
            ("SSE401", Some(3)),
        ],
        "{report}"
    );
    assert!(not_checked(&report, Rule::LastEventId, Some(2)).is_some());
    assert!(not_checked(&report, Rule::LastEventId, Some(3)).is_none());
    assert!(
        report.findings[4].message.contains(r#"was "1""#),
        "{report}"
    );
    // The chunk given for the unknown body counts for nothing.
    assert_eq!(report.stats.events, 5);
    assert_eq!(report.stats.per_connection[1].bytes, 0);
}

#[test]
fn json_lines_say_it_with_a_body_unknown_record() {
    let recording = session("null");
    let lines = recording.to_json_lines();
    assert!(lines.contains("\n{\"type\":\"body_unknown\"}\n"), "{lines}");
    assert_eq!(Recording::from_json(&lines).unwrap(), recording);
    assert_eq!(
        Recording::from_json(&recording.to_json()).unwrap(),
        recording
    );
    let whole = validate(&recording, &replay_options()).unwrap().to_json();
    let mut v = Validator::new(&replay_options()).unwrap();
    for line in lines.lines() {
        v.record_json(line).unwrap();
    }
    assert_eq!(v.finish().to_json(), whole);

    let header = r#"{"type":"header","format":"ssert-recording","version":1}"#;
    let read = |body: &[&str]| {
        let mut text = format!("{header}\n{{\"type\":\"request\",\"t\":0}}\n");
        for line in body {
            text.push_str(line);
            text.push('\n');
        }
        Recording::from_json_lines(&text)
    };
    let chunk = r#"{"type":"chunk","t":1,"text":"data: x\n\n"}"#;
    let unknown = r#"{"type":"body_unknown"}"#;
    assert!(read(&[unknown]).unwrap().unknown_bodies.contains(&0));
    let error = read(&[unknown, chunk]).unwrap_err();
    assert_eq!(error.line, Some(4));
    assert!(error.message.contains("body is unknown"), "{error}");
    let error = read(&[chunk, unknown]).unwrap_err();
    assert!(error.message.contains("after a `chunk`"), "{error}");
    // A connection line cannot carry it: a connection alone has no place for it.
    let line = r#"{"type":"connection","request":{"t":0},"chunks":null}"#;
    let error = read(&[line]).unwrap_err();
    assert!(error.message.contains("body_unknown"), "{error}");
    // Absent `chunks` still means an empty body.
    let absent = Recording::from_json(
        r#"{"format":"ssert-recording","version":1,"connections":[{"request":{}}]}"#,
    )
    .unwrap();
    assert!(absent.unknown_bodies.is_empty());
}

fn mcp_post(v: &mut Validator, t: u64, last_event_id: Option<&str>) {
    let mut r = request(t, last_event_id);
    r.method = if last_event_id.is_some() {
        "GET"
    } else {
        "POST"
    }
    .into();
    r.headers.as_mut().unwrap()[0].1 = "application/json, text/event-stream".into();
    v.request(&r);
    v.response(&response(t + 1, true));
}

#[test]
fn an_mcp_stream_whose_body_was_not_recorded_may_be_resumed() {
    let options = ValidateOptions {
        profile: Some(Profile::Mcp),
        ..ValidateOptions::default()
    };
    let mut v = Validator::new(&options).unwrap();
    mcp_post(&mut v, 0, None);
    v.body_unknown();
    v.end(&end(10));
    // The id is the last of the unknown stream, for all the validator knows.
    mcp_post(&mut v, 100, Some("s1-7"));
    v.chunk(
        102,
        b"id: s1-8\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n",
    );
    v.end(&end(103));
    let report = v.finish();
    assert!(report.findings.is_empty(), "{report}");
    let reason = not_checked(&report, Rule::LastEventId, Some(1)).unwrap();
    assert!(reason.contains("connection 0"), "{reason}");
    // The POST stream's missing response is not claimed either.
    assert!(not_checked(&report, Rule::Mcp, Some(0)).is_some());
    assert_eq!(report.stats.reconnects, 1);
}

/// After the connection `v` is reading ended at 3 ms: a connection whose body was not recorded
/// (200 to 300 ms), then a third one opened at 500 ms, its response head in.
fn after_an_unknown_body(v: &mut Validator) {
    v.request(&request(200, None));
    v.response(&response(201, true));
    v.body_unknown();
    v.end(&end(300));
    v.request(&request(500, None));
    v.response(&response(501, true));
}

#[test]
fn a_session_sequence_is_unknown_after_a_missing_body() {
    let options = ValidateOptions::from_json(
        r#"{"ids":{"required":false},"grammar":{"pattern":"stage+ token* done","scope":"session"},
            "terminal":{"types":["done"],"scope":"session"}}"#,
    )
    .unwrap();
    let mut v = Validator::new(&options).unwrap();
    v.request(&request(0, None));
    v.response(&response(1, true));
    v.chunk(2, b"event: stage\ndata: a\n\n");
    v.end(&end(3));
    // The missing body may have held `done`: the token after it, and the end without one,
    // prove nothing.
    after_an_unknown_body(&mut v);
    v.chunk(502, b"event: token\ndata: b\n\n");
    v.end(&End {
        kind: EndKind::Eof,
        t: 503,
        message: None,
    });
    let report = v.finish();
    assert!(report.findings.is_empty(), "{report}");
    assert!(
        not_checked(&report, Rule::Grammar, None).is_some(),
        "{report}"
    );
    assert!(not_checked(&report, Rule::AfterTerminal, None).is_some());
}

#[test]
fn a_session_scoped_profile_forgets_what_the_missing_body_opened() {
    let options = ValidateOptions::from_json(
        r#"{"profile":"anthropic-messages","grammar":{"scope":"session"}}"#,
    )
    .unwrap();
    let event = |kind: &str, payload: &str| format!("event: {kind}\ndata: {payload}\n\n");
    let mut v = Validator::new(&options).unwrap();
    v.request(&request(0, None));
    v.response(&response(1, true));
    v.chunk(
        2,
        event("message_start", r#"{"type":"message_start","message":{}}"#).as_bytes(),
    );
    v.end(&end(3));
    // Block 0 started in the missing body; its delta and stop follow in the next one.
    after_an_unknown_body(&mut v);
    for (kind, payload) in [
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":0}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":1}"#,
        ),
    ] {
        v.chunk(502, event(kind, payload).as_bytes());
    }
    v.end(&end(503));
    let report = v.finish();
    assert!(!report.has(Rule::AnthropicMessages), "{report}");
}
