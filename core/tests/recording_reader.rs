//! The recording reader against `testdata/recording.schema.json`: what the schema calls valid
//! the reader reads, a leading byte order mark is ignored, and format auto-detection reports
//! the error of the reader the text was meant for.
#![cfg(feature = "json")]

use serde_json::Value;
use ssert_core::validate::Recording;

const HEADER: &str = r#"{"type":"header","format":"ssert-recording","version":1}"#;

fn document(connection: &str) -> String {
    format!(r#"{{"format":"ssert-recording","version":1,"connections":[{connection}]}}"#)
}

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/recording.schema.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_schema_requires_what_the_reader_requires_of_an_end() {
    // The reader needs `end.t` (a default would end the connection before its request).
    let schema = schema();
    let required = schema["$defs"]["end"]["required"].as_array().unwrap();
    assert!(required.contains(&Value::from("kind")));
    assert!(required.contains(&Value::from("t")));
    let error =
        Recording::from_json(&document(r#"{"request":{},"end":{"kind":"eof"}}"#)).unwrap_err();
    assert!(error.message.contains("missing field `t`"), "{error}");
}

#[test]
fn integral_floats_are_the_schema_integers_they_are() {
    let text = document(
        r#"{"request":{"t":0.0},"response":{"status":200.0,"t":1e1,"headers":[]},
            "chunks":[{"t":10.0,"text":"data: a\n\n"}],"end":{"kind":"eof","t":1e3}}"#,
    );
    let recording = Recording::from_json(&text).unwrap();
    let connection = &recording.connections[0];
    assert_eq!(connection.response.as_ref().unwrap().status, 200);
    assert_eq!(connection.response.as_ref().unwrap().t, Some(10));
    assert_eq!(connection.chunks[0].t, 10);
    assert_eq!(connection.end.as_ref().unwrap().t, 1000);
    let version = r#"{"format":"ssert-recording","version":1.0}"#;
    assert_eq!(Recording::from_json(version).unwrap().version, 1);

    // The same in JSON Lines.
    let lines = format!(
        "{HEADER}\n{{\"type\":\"request\",\"t\":5.0}}\n{{\"type\":\"chunk\",\"t\":6.0,\"text\":\"x\"}}\n{{\"type\":\"end\",\"kind\":\"eof\",\"t\":7.0}}\n"
    );
    let recording = Recording::from_json_lines(&lines).unwrap();
    assert_eq!(recording.connections[0].request.t, 5);
    assert_eq!(recording.connections[0].end.as_ref().unwrap().t, 7);

    // Integers written as integers keep their full range.
    let huge = document(r#"{"request":{"t":18446744073709551615}}"#);
    assert_eq!(
        Recording::from_json(&huge).unwrap().connections[0]
            .request
            .t,
        u64::MAX
    );
}

#[test]
fn numbers_that_are_no_such_integer_are_still_refused() {
    for t in ["10.5", "-5", "-1.0", "1e20", "9007199254740993.0", "\"10\""] {
        let text = document(&format!(r#"{{"request":{{"t":{t}}}}}"#));
        assert!(Recording::from_json(&text).is_err(), "t = {t}");
    }
    for status in ["70000", "200.5", "-1"] {
        let text = document(&format!(
            r#"{{"request":{{}},"response":{{"status":{status}}}}}"#
        ));
        assert!(Recording::from_json(&text).is_err(), "status = {status}");
    }
}

#[test]
fn a_leading_byte_order_mark_is_ignored_once() {
    let doc = document(r#"{"request":{}}"#);
    let lines = format!("{HEADER}\n{{\"type\":\"request\",\"t\":0}}\n");
    for read in [Recording::from_json, Recording::from_json_lines] {
        assert_eq!(
            read(&format!("\u{feff}{lines}")).unwrap().connections.len(),
            1
        );
    }
    assert_eq!(
        Recording::from_json(&format!("\u{feff}{doc}"))
            .unwrap()
            .connections
            .len(),
        1
    );
    assert!(Recording::from_json(&format!("\u{feff}\u{feff}{doc}")).is_err());
}

#[test]
fn json_lines_without_a_header_get_the_json_lines_error() {
    let error = Recording::from_json("{\"type\":\"request\",\"t\":0}\n").unwrap_err();
    assert_eq!(error.line, Some(1));
    assert!(error.message.contains("`header`"), "{error}");
    let bad_second = format!("{HEADER}\n{{\"type\":\"nope\"}}\n");
    let error = Recording::from_json(&bad_second).unwrap_err();
    assert_eq!(error.line, Some(2));
    assert!(error.message.contains("unknown variant `nope`"), "{error}");
}

#[test]
fn a_document_that_is_neither_keeps_the_document_error() {
    let error = Recording::from_json(r#"{"version":1,"connections":[]}"#).unwrap_err();
    assert!(error.message.contains("missing field `format`"), "{error}");
}
