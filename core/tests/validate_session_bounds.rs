//! What a session may hold and what a recording may say: the not-checked notes stay within
//! `window.findings` however many connections a session has (audit W #4), and the expected log
//! is given whole, before the first connection (#5), may be empty (#7) and names each id once
//! (C3), read the same way by the JSON, JSON Lines and streaming paths.

use ssert_core::validate::{
    validate, validate_json, Chunk, Connection, End, EndKind, ExpectedEvent, Record, Recording,
    Request, Rule, Timing, ValidateJsonError, ValidateOptions, Validator,
};

#[path = "common/heads.rs"]
mod heads;
use heads::{request, response};

/// A connection whose request headers were not recorded (an in-page `EventSource`): SSE106 and,
/// on a reconnect, SSE401 are not checked on it.
fn unobserved(i: u64) -> Connection {
    let t = i * 10;
    Connection {
        request: Request {
            t,
            headers: None,
            ..Request::default()
        },
        response: Some(response(t + 1)),
        chunks: vec![Chunk {
            t: t + 2,
            data: format!("id: {}\ndata: x\n\n", i + 1).into_bytes(),
        }],
        end: Some(End {
            kind: EndKind::NetworkError,
            t: t + 3,
            message: None,
        }),
    }
}

fn session(connections: Vec<Connection>) -> Recording {
    Recording {
        connections,
        ..Recording::default()
    }
}

fn with_findings_window(n: usize) -> ValidateOptions {
    let mut options = ValidateOptions::default();
    options.window.findings = Some(n);
    options
}

fn entry(id: &str) -> ExpectedEvent {
    ExpectedEvent {
        id: id.into(),
        ..ExpectedEvent::default()
    }
}

// ---------------------------------------------------------------------------------------------
// #4: not-checked notes are bounded

#[test]
fn not_checked_notes_about_connections_stay_within_the_findings_window() {
    let mut options = with_findings_window(5);
    options.window.connections = Some(3);
    let small = validate(&session((0..10).map(unobserved).collect()), &options).unwrap();
    let large = validate(&session((0..2000).map(unobserved).collect()), &options).unwrap();
    for (report, connections) in [(&small, 10u64), (&large, 2000)] {
        // SSE106 on every connection, SSE401 on every reconnect: the first 5 are kept.
        assert_eq!(report.not_checked.len(), 5, "{report}");
        assert_eq!(
            report.not_checked.len() as u64 + report.not_checked_dropped,
            2 * connections - 1,
            "{report}"
        );
        assert_eq!(
            report
                .not_checked
                .iter()
                .map(|n| (n.rule, n.connection))
                .collect::<Vec<_>>(),
            [
                (Rule::AcceptHeader, Some(0)),
                (Rule::AcceptHeader, Some(1)),
                (Rule::LastEventId, Some(1)),
                (Rule::AcceptHeader, Some(2)),
                (Rule::LastEventId, Some(2)),
            ]
        );
    }
    // The report of 2000 reconnects is as small as that of 10, but for its counters.
    assert!(large.to_json().len() < small.to_json().len() + 200);
    assert!(large
        .to_json()
        .contains(r#""not_checked_dropped":3994,"stats""#));
    let text = large.to_string();
    assert!(
        text.contains(
            "note[SSE106 accept-header]: not checked on 3 connections (0-2): request headers were not recorded\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("... 3994 more not-checked notes not kept (window.findings)\n"),
        "{text}"
    );
}

#[test]
fn the_default_window_keeps_1000_not_checked_notes() {
    let report = validate(
        &session((0..3000).map(unobserved).collect()),
        &ValidateOptions::default(),
    )
    .unwrap();
    assert_eq!(report.not_checked.len(), 1000);
    assert_eq!(report.not_checked_dropped, 5999 - 1000);
}

#[test]
fn session_wide_notes_are_kept_past_the_window() {
    // Without timing, heartbeat, time to first event, buffered transport and reconnect delay
    // are not checked for the whole session: one note each, whatever the window holds.
    let recording = Recording {
        timing: Timing::None,
        ..session((0..50).map(unobserved).collect())
    };
    let report = validate(&recording, &with_findings_window(1)).unwrap();
    let session_wide: Vec<Rule> = report
        .not_checked
        .iter()
        .filter(|n| n.connection.is_none())
        .map(|n| n.rule)
        .collect();
    assert_eq!(
        session_wide,
        [
            Rule::Heartbeat,
            Rule::TimeToFirstEvent,
            Rule::BufferedTransport,
            Rule::ReconnectDelay
        ],
        "{report}"
    );
    let per_connection = report.not_checked.len() - session_wide.len();
    assert_eq!(per_connection, 1, "{report}");
    assert_eq!(report.not_checked_dropped, 99 - 1);
}

#[test]
fn a_window_of_zero_keeps_only_session_wide_notes() {
    let report = validate(
        &session((0..3).map(unobserved).collect()),
        &with_findings_window(0),
    )
    .unwrap();
    assert!(report.not_checked.is_empty(), "{report}");
    assert_eq!(report.not_checked_dropped, 5);
}

#[test]
fn streaming_and_batch_keep_the_same_notes() {
    let options = with_findings_window(7);
    let recording = session((0..100).map(unobserved).collect());
    let batch = validate(&recording, &options).unwrap();
    let mut v = Validator::new(&options).unwrap();
    for record in recording.records() {
        v.record(&record).unwrap();
    }
    assert_eq!(v.finish(), batch);
}

// ---------------------------------------------------------------------------------------------
// #5: the expected log comes before the first connection

const HEADER: &str =
    r#"{"type":"header","format":"ssert-recording","version":1,"timing":"monotonic"}"#;
const REQUEST: &str = r#"{"type":"request","method":"GET","url":"http://x/e","t":0,"headers":[["accept","text/event-stream"]]}"#;
const RESPONSE: &str = r#"{"type":"response","status":200,"t":1,"headers":[["content-type","text/event-stream"],["cache-control","no-cache"],["x-accel-buffering","no"]]}"#;

/// The audit's `exp-late.jsonl`: `expected` lines between two chunks of the first connection.
fn late_log() -> String {
    [
        HEADER,
        REQUEST,
        RESPONSE,
        r#"{"type":"chunk","t":2,"text":"id: 100\ndata: a\n\n"}"#,
        r#"{"type":"expected","event":{"id":"100"}}"#,
        r#"{"type":"expected","event":{"id":"101"}}"#,
        r#"{"type":"chunk","t":3,"text":"id: 101\ndata: b\n\n"}"#,
        r#"{"type":"end","kind":"eof","t":4}"#,
    ]
    .join("\n")
}

#[test]
fn json_lines_reject_an_expected_line_after_the_first_request() {
    let error = Recording::from_json(&late_log()).unwrap_err();
    assert_eq!(error.line, Some(5), "{error}");
    assert!(
        error
            .message
            .contains("`expected` record after the first connection"),
        "{error}"
    );
    assert_eq!(Recording::from_json_lines(&late_log()).unwrap_err(), error);
    match validate_json(&late_log(), "") {
        Err(ValidateJsonError::Recording(e)) => assert_eq!(e, error),
        other => panic!("{other:?}"),
    }
    // After a whole `connection` line too.
    let connection = r#"{"type":"connection","request":{"t":0},"chunks":[]}"#;
    let text = [
        HEADER,
        connection,
        r#"{"type":"expected","event":{"id":"1"}}"#,
    ]
    .join("\n");
    assert_eq!(Recording::from_json(&text).unwrap_err().line, Some(3));
}

#[test]
fn streaming_rejects_an_expected_record_after_the_first_request() {
    let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    let lines = late_log();
    let mut lines = lines.lines();
    for line in lines.by_ref().take(4) {
        v.record_json(line).unwrap();
    }
    let error = v.record_json(lines.next().unwrap()).unwrap_err();
    assert!(
        error
            .message
            .contains("the expected log comes before the first connection"),
        "{error}"
    );
    // The same through `expect`, which leaves the session without a log.
    assert!(v.expect(entry("101")).is_err());
    for line in lines.skip(1) {
        v.record_json(line).unwrap();
    }
    let report = v.finish();
    assert!(!report.has(Rule::LostEvent), "{report}");
    assert!(!report.has(Rule::ExpectedLog), "{report}");
}

#[test]
fn the_expected_log_before_the_first_request_streams_as_it_validates() {
    let text = [
        HEADER,
        r#"{"type":"expected","event":{"id":"100"}}"#,
        r#"{"type":"expected","event":{"id":"101"}}"#,
        REQUEST,
        RESPONSE,
        r#"{"type":"chunk","t":2,"text":"id: 100\ndata: a\n\n"}"#,
        r#"{"type":"end","kind":"eof","t":4}"#,
    ]
    .join("\n");
    let batch = validate_json(&text, "").unwrap();
    let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    for line in text.lines() {
        v.record_json(line).unwrap();
    }
    let streamed = v.finish();
    assert_eq!(streamed.to_json(), batch);
    assert!(streamed.has(Rule::LostEvent), "{streamed}");
    // A JSON document's `expected` member may come anywhere: the writer puts it last.
    let recording = Recording::from_json(&text).unwrap();
    let document = recording.to_json();
    assert!(document.find("\"expected\"") > document.find("\"connections\""));
    assert_eq!(Recording::from_json(&document).unwrap(), recording);
    assert_eq!(validate_json(&document, "").unwrap(), batch);
}

// ---------------------------------------------------------------------------------------------
// #7: an empty expected log says that nothing was published

fn delivers_c(expected: &str) -> String {
    format!(
        r#"{{"format":"ssert-recording","version":1,"connections":[
          {{"request":{{"t":0,"headers":[["accept","text/event-stream"]]}},
           "response":{{"status":200,"t":1,"headers":[["content-type","text/event-stream"],["cache-control","no-cache"],["x-accel-buffering","no"]]}},
           "chunks":[{{"t":2,"text":"id: c\ndata: x\n\n"}}],
           "end":{{"kind":"eof","t":3}}}}]{expected}}}"#
    )
}

#[test]
fn an_empty_expected_log_makes_every_delivered_event_unexpected() {
    let empty = Recording::from_json(&delivers_c(r#","expected":[]"#)).unwrap();
    assert_eq!(empty.expected, Some(vec![]));
    let report = validate(&empty, &ValidateOptions::default()).unwrap();
    assert_eq!(report.codes(), ["SSE407"], "{report}");
    assert_eq!(
        report.findings[0].message,
        "id \"c\" is not in the expected log"
    );
    assert!(!report.passed);
    // No log at all checks nothing.
    let none = Recording::from_json(&delivers_c("")).unwrap();
    assert_eq!(none.expected, None);
    assert!(validate(&none, &ValidateOptions::default())
        .unwrap()
        .codes()
        .is_empty());
    // The document keeps the empty log.
    assert!(empty.to_json().ends_with(r#""expected":[]}"#));
    // Streaming: `expect_log` with no entries.
    let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    v.expect_log(&[]).unwrap();
    for record in none.records() {
        v.record(&record).unwrap();
    }
    assert_eq!(v.finish(), report);
}

// ---------------------------------------------------------------------------------------------
// C3: an expected log names each id once

#[test]
fn a_json_document_whose_expected_log_repeats_an_id_is_rejected() {
    let text = delivers_c(r#","expected":[{"id":"a"},{"id":"b"},{"id":"a"}]"#);
    let error = Recording::from_json(&text).unwrap_err();
    assert_eq!(error.line, None);
    assert!(
        error
            .message
            .starts_with("`expected` entry 2 repeats the id \"a\" of entry 0"),
        "{error}"
    );
    assert!(matches!(
        validate_json(&text, ""),
        Err(ValidateJsonError::Recording(_))
    ));
}

#[test]
fn json_lines_whose_expected_log_repeats_an_id_are_rejected() {
    let text = [
        HEADER,
        r#"{"type":"expected","event":{"id":"a"}}"#,
        r#"{"type":"expected","event":{"id":"b","data":"x"}}"#,
        r#"{"type":"expected","event":{"id":"b","data":"y"}}"#,
        REQUEST,
    ]
    .join("\n");
    let error = Recording::from_json(&text).unwrap_err();
    assert_eq!(error.line, Some(4), "{error}");
    assert!(
        error
            .message
            .starts_with("`expected` entry 2 repeats the id \"b\" of entry 1"),
        "{error}"
    );
    let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for line in &lines[..3] {
        v.record_json(line).unwrap();
    }
    let streamed = v.record_json(lines[3]).unwrap_err();
    assert_eq!(streamed.message, error.message);
}

#[test]
fn validate_rejects_a_log_built_in_code_that_repeats_an_id() {
    let recording = Recording {
        expected: Some(vec![entry("a"), entry("b"), entry("a")]),
        ..session(vec![Connection {
            request: request(0, None),
            response: Some(response(1)),
            chunks: vec![],
            end: None,
        }])
    };
    let error = validate(&recording, &ValidateOptions::default()).unwrap_err();
    assert!(
        error.message.contains("entry 2 repeats the id \"a\""),
        "{error}"
    );
    let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    assert!(v.expect_log(&[entry("a"), entry("a")]).is_err());
    // What was given before the repeat stays; an id given again is still refused.
    assert!(v.expect(entry("a")).is_err());
    v.expect(entry("b")).unwrap();
}

#[test]
fn records_write_the_expected_log_first() {
    let recording = Recording {
        expected: Some(vec![entry("1"), entry("2")]),
        ..session(vec![unobserved(0)])
    };
    let records = recording.records();
    assert!(matches!(records[0], Record::Header(_)));
    assert!(matches!(records[1], Record::Expected { .. }));
    assert!(matches!(records[2], Record::Expected { .. }));
    assert!(matches!(records[3], Record::Request(_)));
    let reread = Recording::from_json_lines(&recording.to_json_lines()).unwrap();
    assert_eq!(reread, recording);
}
