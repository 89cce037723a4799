//! `Recording::from_har`: how HAR entries become connections, and that what a HAR leaves out
//! (an uncaptured body, a failed request) is never read as a clean stream.
#![cfg(feature = "json")]

use std::collections::BTreeSet;

use serde_json::{json, Value};
use ssert_core::validate::{validate, EndKind, Recording, Rule, ValidateOptions};

const BODY: &str = "id: 1\ndata: a\n\nid: 2\ndata: b\n\n";

fn entry(content: Value) -> Value {
    json!({
        "startedDateTime": "2026-01-01T00:00:00.000Z",
        "time": 5,
        "request": {
            "method": "GET",
            "url": "http://127.0.0.1/events",
            "headers": [{"name": "Accept", "value": "text/event-stream"}]
        },
        "response": {
            "status": 200,
            "headers": [
                {"name": "Content-Type", "value": "text/event-stream"},
                {"name": "Cache-Control", "value": "no-cache"},
                {"name": "X-Accel-Buffering", "value": "no"}
            ],
            "content": content
        }
    })
}

fn stream(text: &str) -> Value {
    entry(json!({"size": text.len(), "mimeType": "text/event-stream", "text": text}))
}

fn har(entries: &[Value]) -> String {
    json!({"log": {"version": "1.2", "entries": entries}}).to_string()
}

fn codes(recording: &Recording) -> Vec<&'static str> {
    validate(recording, &ValidateOptions::default())
        .unwrap()
        .codes()
}

#[test]
fn an_entry_whose_body_was_not_captured_is_kept_as_unknown_not_read_as_empty() {
    // Chrome leaves `text` out for an EventSource; the reconnect then resumes after id 2,
    // which the client did receive, in the body the HAR does not hold.
    let resumed = with_last_event_id(stream("id: 3\ndata: c\n\n"), "2");
    for uncaptured in [
        json!({"size": 0, "mimeType": "text/event-stream"}),
        json!({"size": 0, "mimeType": "text/event-stream", "text": null}),
    ] {
        let recording = Recording::from_har(&har(&[entry(uncaptured), resumed.clone()])).unwrap();
        assert_eq!(recording.connections.len(), 2);
        assert!(recording.connections[0].chunks.is_empty());
        assert_eq!(recording.connections[1].chunks.len(), 1);
        assert_eq!(recording.unknown_bodies, BTreeSet::from([0]));
        assert_eq!(recording.source.as_deref(), Some("har"));
        assert_eq!(codes(&recording), Vec::<&str>::new());
        // The JSON says so per connection, as request headers say they were not seen.
        let json = recording.to_json();
        assert!(json.contains(r#""chunks":null"#), "{json}");
        assert_eq!(json.matches(r#""chunks":"#).count(), 2, "{json}");
        assert_eq!(Recording::from_json(&json).unwrap(), recording);
    }
    // An empty `text` is a captured empty body, kept as known.
    let empty = Recording::from_har(&har(&[stream("")])).unwrap();
    assert_eq!(empty.connections.len(), 1);
    assert!(empty.connections[0].chunks.is_empty());
    assert!(empty.unknown_bodies.is_empty());
    assert_eq!(empty.source.as_deref(), Some("har"));
    assert!(empty.to_json().contains(r#""chunks":[]"#));
}

#[test]
fn every_uncaptured_entry_is_marked() {
    let uncaptured = entry(json!({"mimeType": "text/event-stream"}));
    let text = har(&[uncaptured.clone(), stream(BODY), uncaptured]);
    let recording = Recording::from_har(&text).unwrap();
    assert_eq!(recording.connections.len(), 3);
    assert_eq!(recording.unknown_bodies, BTreeSet::from([0, 2]));
    assert_eq!(recording.source.as_deref(), Some("har"));
}

#[test]
fn a_browser_error_ends_the_connection_as_a_failure_not_eof() {
    let cut = "id: 1\ndata: a\n\nid: 2\ndata: b";
    let failed = |error: &str| {
        let mut e = stream(cut);
        e["response"]["_error"] = json!(error);
        Recording::from_har(&har(&[e])).unwrap()
    };
    let aborted = failed("net::ERR_ABORTED");
    let end = aborted.connections[0].end.as_ref().unwrap();
    assert_eq!(end.kind, EndKind::ClientClosed);
    assert_eq!(end.message.as_deref(), Some("net::ERR_ABORTED"));
    // A stream the page closed mid-event is no unterminated event of the server's.
    assert!(!codes(&aborted).contains(&"SSE203"));

    let reset = failed("net::ERR_CONNECTION_RESET");
    let end = reset.connections[0].end.as_ref().unwrap();
    assert_eq!(end.kind, EndKind::NetworkError);
    assert_eq!(end.message.as_deref(), Some("net::ERR_CONNECTION_RESET"));
    assert!(!codes(&reset).contains(&"SSE203"));

    // Without `_error` (or with an empty one) the server ended the body: eof, as before.
    for plain in [
        Recording::from_har(&har(&[stream(cut)])).unwrap(),
        failed(""),
    ] {
        assert_eq!(
            plain.connections[0].end.as_ref().unwrap().kind,
            EndKind::Eof
        );
        assert!(codes(&plain).contains(&"SSE203"));
    }
}

#[test]
fn base64_encoding_is_recognised_in_any_case() {
    let b64 = ssert_core::validate::codec::base64_encode(BODY.as_bytes());
    for encoding in ["base64", "Base64", "BASE64"] {
        let e = entry(json!({"mimeType": "text/event-stream", "encoding": encoding, "text": b64}));
        let recording = Recording::from_har(&har(&[e])).unwrap();
        assert_eq!(recording.connections[0].chunks[0].data, BODY.as_bytes());
        assert_eq!(codes(&recording), Vec::<&str>::new());
    }
}

#[test]
fn a_status_that_is_no_status_code_is_an_error_naming_the_entry() {
    for status in [
        json!("200"),
        json!(-1),
        json!(70000),
        json!(200.5),
        json!(true),
    ] {
        let mut e = stream(BODY);
        e["response"]["status"] = status.clone();
        let error = Recording::from_har(&har(&[stream(BODY), e])).unwrap_err();
        assert!(
            error.message.starts_with("entry 1: `response.status` is"),
            "{status}: {}",
            error.message
        );
    }
    // An integral float is the integer (JSON does not tell them apart).
    let mut e = stream(BODY);
    e["response"]["status"] = json!(200.0);
    let recording = Recording::from_har(&har(&[e])).unwrap();
    assert_eq!(
        recording.connections[0].response.as_ref().unwrap().status,
        200
    );
}

#[test]
fn status_zero_or_none_is_a_connection_without_a_response() {
    for status in [Some(json!(0)), Some(Value::Null), None] {
        let mut e = stream(BODY);
        match status {
            Some(status) => e["response"]["status"] = status,
            None => {
                e["response"].as_object_mut().unwrap().remove("status");
            }
        }
        let recording = Recording::from_har(&har(&[e.clone()])).unwrap();
        let connection = &recording.connections[0];
        assert!(connection.response.is_none());
        assert!(connection.chunks.is_empty());
        assert!(connection.end.is_none());
        assert!(!codes(&recording).contains(&"SSE101"));

        e["response"]["_error"] = json!("net::ERR_CONNECTION_REFUSED");
        let recording = Recording::from_har(&har(&[e])).unwrap();
        let end = recording.connections[0].end.as_ref().unwrap();
        assert_eq!(end.kind, EndKind::NetworkError);
    }
}

#[test]
fn the_mime_type_is_checked_like_an_event_source_checks_content_type() {
    let with_mime = |mime: &str, content_type: &str| {
        let mut e = entry(json!({"mimeType": mime, "text": BODY}));
        e["response"]["headers"][0]["value"] = json!(content_type);
        Recording::from_har(&har(&[e])).unwrap().connections.len()
    };
    assert_eq!(with_mime("text/event-stream", "text/event-stream"), 1);
    assert_eq!(
        with_mime("Text/Event-Stream; charset=UTF-8", "text/plain"),
        1
    );
    // An empty mimeType says nothing: the Content-Type header decides.
    assert_eq!(with_mime("", "text/event-stream"), 1);
    assert_eq!(with_mime("  ", "text/event-stream; charset=utf-8"), 1);
    assert_eq!(with_mime("", "text/plain"), 0);
    // Only the essence text/event-stream: not a longer type that starts with it.
    assert_eq!(with_mime("text/event-streaming", "text/event-stream"), 0);
    assert_eq!(with_mime("text/event-stream-x", "text/event-stream"), 0);
    assert_eq!(with_mime("x-unknown", "text/event-stream"), 0);
}

#[test]
fn a_leading_byte_order_mark_is_ignored() {
    let text = format!("\u{feff}{}", har(&[stream(BODY)]));
    assert_eq!(Recording::from_har(&text).unwrap().connections.len(), 1);
    assert_eq!(Recording::from_json(&text).unwrap().connections.len(), 1);
    // Only one: a second is no JSON.
    assert!(Recording::from_har(&format!("\u{feff}{text}")).is_err());
}

#[test]
fn a_har_that_is_no_har_says_what_is_wrong_with_the_har() {
    for text in [
        r#"{"log":{"entries":{}}}"#,
        r#"{"log":{}}"#,
        r#"{"log":{"entries":null}}"#,
    ] {
        for error in [
            Recording::from_har(text).unwrap_err(),
            Recording::from_json(text).unwrap_err(),
        ] {
            assert_eq!(
                error.message,
                "HAR `log.entries` is missing or not an array"
            );
        }
    }
    let error = Recording::from_har(r#"{"entries":[]}"#).unwrap_err();
    assert_eq!(error.message, "not a HAR file: no `log` object");
}

fn with_last_event_id(mut e: Value, id: &str) -> Value {
    e["request"]["headers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Last-Event-ID", "value": id}));
    e
}

fn consecutive() -> ValidateOptions {
    let mut options = ValidateOptions::default();
    options.ids.consecutive = Some(true);
    options
}

#[test]
fn an_uncaptured_body_between_captured_ones_is_unknown_not_a_wrong_last_event_id() {
    // Connection 1 delivered 3 and 4 in the body the HAR left out; connection 2 rightly resumes
    // after 4, an id the validator never saw.
    let text = har(&[
        stream(BODY),
        with_last_event_id(
            entry(json!({"size": 0, "mimeType": "text/event-stream"})),
            "2",
        ),
        with_last_event_id(stream("id: 5\ndata: e\n\n"), "4"),
    ]);
    let recording = Recording::from_har(&text).unwrap();
    let report = validate(&recording, &consecutive()).unwrap();
    assert_eq!(report.codes(), Vec::<&str>::new(), "{report}");
    assert_eq!(recording.connections.len(), 3);
    assert_eq!(recording.source.as_deref(), Some("har"));
    // What the missing body decides is not checked, and the report says why.
    let unchecked = |rule: Rule, connection: usize| {
        report
            .not_checked
            .iter()
            .find(|n| n.rule == rule && n.connection == Some(connection))
            .map(|n| n.reason.as_str())
    };
    let reason = unchecked(Rule::LastEventId, 2).expect("SSE401 not checked on connection 2");
    assert!(reason.contains("connection 1"), "{reason}");
    assert!(unchecked(Rule::LostEvent, 1).is_some(), "{report:?}");
    assert!(
        unchecked(Rule::UnterminatedEvent, 1).is_some(),
        "{report:?}"
    );
    // Its events are not counted: 1, 2 and 5 are the events known.
    assert_eq!(report.stats.events, 3);
}

#[test]
fn an_entry_whose_headers_were_not_captured_gets_its_mime_type_as_content_type() {
    // Ids that go back: SSE302 shows that the body was validated as a stream.
    let body = "id: 2\ndata: a\n\nid: 1\ndata: b\n\n";
    let mut no_list = stream(body);
    no_list["response"]
        .as_object_mut()
        .unwrap()
        .remove("headers");
    let mut empty_list = stream(body);
    empty_list["response"]["headers"] = json!([]);
    for uncaptured in [no_list, empty_list] {
        let recording = Recording::from_har(&har(&[uncaptured])).unwrap();
        let response = recording.connections[0].response.as_ref().unwrap();
        assert_eq!(
            response.headers,
            [("content-type".to_owned(), "text/event-stream".to_owned())]
        );
        let report = validate(&recording, &ValidateOptions::default()).unwrap();
        assert!(!report.has(Rule::ContentType), "{report}");
        assert!(report.has(Rule::IdOrder), "{report}");
        assert_eq!(report.stats.events, 2, "{report}");
    }
    // Headers that were captured stay as they are: without a Content-Type, an EventSource
    // fails the response, and the validator says so and reads no event.
    let mut no_content_type = stream(body);
    no_content_type["response"]["headers"] =
        json!([{"name": "Cache-Control", "value": "no-cache"}]);
    let recording = Recording::from_har(&har(&[no_content_type])).unwrap();
    let response = recording.connections[0].response.as_ref().unwrap();
    assert_eq!(
        response.headers,
        [("Cache-Control".to_owned(), "no-cache".to_owned())]
    );
    let report = validate(&recording, &ValidateOptions::default()).unwrap();
    assert!(report.has(Rule::ContentType), "{report}");
    assert_eq!(report.stats.events, 0, "{report}");
}
