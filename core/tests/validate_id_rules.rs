//! The id rules: SSE302 `id-order`, SSE303 `duplicate-id` and the replay rules SSE402-SSE404.
//! An id the order cannot place is reported once, at the event or checkpoint that carries it;
//! a checkpoint that repeats the last event id the client holds is no duplicate; integer ids
//! are ordered and accounted by value, at any size, but `01` and `1` are two ids to the client
//! (a repeat is the same string).
#![cfg(feature = "json")]

use ssert_core::validate::{
    validate, Chunk, Connection, End, EndKind, Finding, Recording, Report, ValidateOptions,
};

#[path = "common/heads.rs"]
mod heads;

#[path = "common/cuts.rs"]
mod cuts;
use cuts::findings;
use heads::{request, response};

/// ULIDs of three successive milliseconds (their order is their time).
const ULID_1: &str = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
const ULID_2: &str = "01ARZ3NDEMTSV4RRFFQ69G5FAV";
const ULID_3: &str = "01ARZ3NDENTSV4RRFFQ69G5FAV";

/// A connection at `t0` ms (sending `Last-Event-ID: sent` if given) whose body is `body`, one
/// chunk per block 10 ms apart, that ends in a network error.
fn connection(t0: u64, sent: Option<&str>, body: &str) -> Connection {
    let chunks: Vec<Chunk> = body
        .split_inclusive("\n\n")
        .enumerate()
        .map(|(i, block)| Chunk {
            t: t0 + 2 + 10 * i as u64,
            data: block.as_bytes().to_vec(),
        })
        .collect();
    let end = chunks.last().map_or(t0 + 2, |c| c.t) + 10;
    Connection {
        request: request(t0, sent),
        response: Some(response(t0 + 1)),
        chunks,
        end: Some(End {
            kind: EndKind::NetworkError,
            t: end,
            message: None,
        }),
    }
}

fn run(options: &str, connections: Vec<Connection>) -> Report {
    let recording = Recording {
        connections,
        ..Recording::default()
    };
    validate(&recording, &ValidateOptions::from_json(options).unwrap()).unwrap()
}

/// A one-connection session of `body`.
fn one(options: &str, body: &str) -> Report {
    run(options, vec![connection(0, None, body)])
}

/// Where a finding is: (connection, event, offset, excerpt).
fn place(f: &Finding) -> (Option<usize>, Option<u64>, Option<u64>, Option<&str>) {
    (f.connection, f.event, f.offset, f.excerpt.as_deref())
}

// SSE302: an id of the wrong form, once, where it is.

#[test]
fn a_malformed_integer_id_is_reported_once_at_its_own_event() {
    let report = one(
        "",
        "id: 1\ndata: a\n\nid: abc\ndata: b\n\nid: 2\ndata: c\n\n",
    );
    assert_eq!(report.codes(), ["SSE302"], "{report}");
    let bad = findings(&report, "SSE302");
    assert_eq!(bad.len(), 1, "{report}");
    assert_eq!(bad[0].message, "id \"abc\" is not a decimal integer");
    assert_eq!(place(bad[0]), (Some(0), Some(1), Some(15), Some("id: abc")));
}

#[test]
fn a_malformed_first_id_is_reported_at_the_first_event() {
    let report = one(
        r#"{"ids":{"order":"integer"}}"#,
        "id: abc\ndata: a\n\nid: 1\ndata: b\n\nid: 2\ndata: c\n\n",
    );
    let bad = findings(&report, "SSE302");
    assert_eq!(bad.len(), 1, "{report}");
    assert_eq!(bad[0].message, "id \"abc\" is not a decimal integer");
    assert_eq!(place(bad[0]), (Some(0), Some(0), Some(0), Some("id: abc")));
}

#[test]
fn a_malformed_ulid_is_reported_once_and_the_next_id_is_ordered_after_the_last_good_one() {
    let body = format!(
        "id: {ULID_2}\ndata: a\n\nid: nope\ndata: b\n\nid: {ULID_3}\ndata: c\n\nid: {ULID_1}\ndata: d\n\n"
    );
    let report = one(r#"{"ids":{"order":"ulid"}}"#, &body);
    let messages: Vec<_> = findings(&report, "SSE302")
        .iter()
        .map(|f| (f.event, f.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (Some(1), "id \"nope\" is not a ULID"),
            (
                Some(3),
                &*format!(
                    "id \"{ULID_1}\" does not come after the previous id \"{ULID_3}\" (Ulid order)"
                )
            ),
        ],
        "{report}"
    );
}

#[test]
fn a_malformed_checkpoint_id_is_reported_at_its_id_line() {
    let report = one("", "id: 1\ndata: a\n\nid: x\n\nid: 2\ndata: b\n\n");
    let bad = findings(&report, "SSE302");
    assert_eq!(bad.len(), 1, "{report}");
    assert_eq!(bad[0].message, "id \"x\" is not a decimal integer");
    assert_eq!(place(bad[0]), (Some(0), None, Some(15), Some("id: x")));
}

#[test]
fn a_malformed_first_id_after_a_resume_is_no_resume_point_finding() {
    for options in ["", r#"{"ids":{"consecutive":true}}"#] {
        let report = run(
            options,
            vec![
                connection(0, None, "id: 1\ndata: a\n\n"),
                connection(100, Some("1"), "id: x\ndata: b\n\nid: 2\ndata: c\n\n"),
            ],
        );
        assert_eq!(report.codes(), ["SSE302"], "{options}: {report}");
        let bad = findings(&report, "SSE302");
        assert_eq!(bad.len(), 1, "{options}: {report}");
        assert_eq!(place(bad[0]), (Some(1), Some(0), Some(0), Some("id: x")));
        let reasons: Vec<_> = report
            .not_checked
            .iter()
            .filter(|n| n.rule.code() == "SSE402")
            .map(|n| (n.connection, n.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [(
                Some(1),
                "id \"x\" is not a decimal integer, so the resume point cannot be ordered"
            )],
            "{options}: {report}"
        );
    }
}

#[test]
fn malformed_id_findings_do_not_depend_on_the_chunking() {
    // The bad id was reported when the next id came, there: at a checkpoint whose id line a
    // long comment had pushed out of the kept window before its blank line, the excerpt was
    // there when the body came whole, and gone when it came byte by byte.
    let body = format!(
        "id: {ULID_1}\ndata: a\n\nid: nope\ndata: b\n\nid: {ULID_2}\n: {}\n\nid: {ULID_3}\ndata: c\n\n",
        "c".repeat(200),
    );
    let options =
        ValidateOptions::from_json(r#"{"ids":{"order":"ulid"},"window":{"excerpt_bytes":120}}"#)
            .unwrap();
    let whole = cuts::same_for_every_cut(body.as_bytes(), None, &options);
    let bad: Vec<_> = findings(&whole, "SSE302")
        .iter()
        .map(|f| (f.message.as_str(), place(f)))
        .collect();
    assert_eq!(
        bad,
        [(
            "id \"nope\" is not a ULID",
            (Some(0), Some(1), Some(40), Some("id: nope"))
        )],
        "{whole}"
    );
}

// SSE303 and checkpoints: setting the last event id the client already holds repeats nothing.

#[test]
fn a_checkpoint_repeating_the_last_event_id_is_no_duplicate() {
    let report = one(
        r#"{"ids":{"consecutive":true}}"#,
        "id: 5\ndata: x\n\nid: 5\n\nid: 5\n\nid: 6\ndata: y\n\nid: 6\n\n",
    );
    assert_eq!(report.codes(), [] as [&str; 0], "{report}");
}

#[test]
fn a_checkpoint_repeating_the_resumed_id_is_no_duplicate_and_no_resume() {
    let report = run(
        r#"{"ids":{"consecutive":true}}"#,
        vec![
            connection(0, None, "id: 5\ndata: x\n\n"),
            connection(100, Some("5"), "id: 5\n\nid: 6\ndata: y\n\n"),
        ],
    );
    assert_eq!(report.codes(), [] as [&str; 0], "{report}");
}

#[test]
fn a_checkpoint_going_back_to_an_older_id_is_still_a_duplicate() {
    let report = one("", "id: 5\ndata: x\n\nid: 6\ndata: y\n\nid: 5\n\n");
    assert_eq!(report.codes(), ["SSE303"], "{report}");
    let dup = findings(&report, "SSE303");
    assert_eq!(
        dup[0].message,
        "id \"5\" was already used in this connection"
    );
    assert_eq!(place(dup[0]), (Some(0), None, Some(30), Some("id: 5")));
}

// Integer ids: by value for order and accounting, by string for "the same id".

#[test]
fn a_zero_padded_repeat_of_a_value_is_an_order_error_not_a_duplicate() {
    let report = one("", "id: 1\ndata: a\n\nid: 01\ndata: b\n\n");
    assert_eq!(report.codes(), ["SSE302"], "{report}");
    assert_eq!(
        findings(&report, "SSE302")[0].message,
        "id \"01\" has the value of an id already used in this connection, so ids do not increase (integer order)"
    );
    // The other way round, and further back.
    let report = one(
        "",
        "id: 01\ndata: a\n\nid: 2\ndata: b\n\nid: 1\ndata: c\n\n",
    );
    assert_eq!(report.codes(), ["SSE302"], "{report}");
    // The same spelling again is a duplicate, padded or not.
    for body in [
        "id: 007\ndata: a\n\nid: 008\ndata: b\n\nid: 007\ndata: c\n\n",
        "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 1\ndata: c\n\n",
    ] {
        let report = one("", body);
        assert_eq!(report.codes(), ["SSE303"], "{body:?}: {report}");
    }
}

#[test]
fn the_same_spelling_again_is_a_duplicate_in_any_order_of_spellings() {
    // Each body: the second id has the first one's value in another spelling (SSE302), and
    // the third repeats a string already used (SSE303), whichever spelling came first.
    for (body, repeated) in [
        (
            "id: 01\ndata: a\n\nid: 1\ndata: b\n\nid: 1\ndata: c\n\n",
            "1",
        ),
        (
            "id: 1\ndata: a\n\nid: 01\ndata: b\n\nid: 01\ndata: c\n\n",
            "01",
        ),
        (
            "id: 1\ndata: a\n\nid: 01\ndata: b\n\nid: 1\ndata: c\n\n",
            "1",
        ),
        (
            "id: 01\ndata: a\n\nid: 1\ndata: b\n\nid: 01\ndata: c\n\n",
            "01",
        ),
    ] {
        let report = one("", body);
        assert_eq!(report.codes(), ["SSE302", "SSE303"], "{body:?}: {report}");
        let dup = findings(&report, "SSE303");
        assert_eq!(
            dup[0].message,
            format!("id {repeated:?} was already used in this connection"),
        );
        assert_eq!(dup[0].event, Some(2), "{body:?}");
    }
}

#[test]
fn the_same_spelling_from_an_earlier_connection_is_a_replay_duplicate_in_any_order() {
    // The first connection writes value 1 both ways; the second sends `1` again after
    // resuming correctly: the string `1` was delivered before, so it is SSE403 (not SSE302).
    for first in [
        "id: 01\ndata: a\n\nid: 1\ndata: b\n\nid: 2\ndata: c\n\n",
        "id: 1\ndata: a\n\nid: 01\ndata: b\n\nid: 2\ndata: c\n\n",
    ] {
        let report = run(
            "",
            vec![
                connection(0, None, first),
                connection(100, Some("2"), "id: 3\ndata: d\n\nid: 1\ndata: e\n\n"),
            ],
        );
        assert_eq!(report.codes(), ["SSE302", "SSE403"], "{first:?}: {report}");
        let replay = findings(&report, "SSE403");
        assert_eq!(
            replay[0].message,
            "event \"1\" was already delivered on an earlier connection"
        );
        assert_eq!(replay[0].connection, Some(1));
    }
}

#[test]
fn a_zero_padded_value_from_an_earlier_connection_is_no_replay_duplicate() {
    let report = run(
        "",
        vec![
            connection(0, None, "id: 1\ndata: a\n\nid: 2\ndata: b\n\n"),
            connection(100, Some("2"), "id: 3\ndata: c\n\nid: 01\ndata: d\n\n"),
        ],
    );
    assert_eq!(report.codes(), ["SSE302"], "{report}");
    // The same string again is one.
    let report = run(
        "",
        vec![
            connection(0, None, "id: 01\ndata: a\n\nid: 02\ndata: b\n\n"),
            connection(100, Some("02"), "id: 03\ndata: c\n\nid: 01\ndata: d\n\n"),
        ],
    );
    assert_eq!(report.codes(), ["SSE403"], "{report}");
}

#[test]
fn zero_padded_ids_resume_and_count_by_value() {
    let options = r#"{"ids":{"consecutive":true}}"#;
    let report = run(
        options,
        vec![
            connection(0, None, "id: 006\ndata: a\n\nid: 007\ndata: b\n\n"),
            connection(100, Some("007"), "id: 008\ndata: c\n\nid: 010\ndata: d\n\n"),
        ],
    );
    assert_eq!(report.codes(), ["SSE404"], "{report}");
    assert_eq!(
        findings(&report, "SSE404")[0].message,
        "event 9 was never delivered (ids are consecutive)"
    );
    // Resuming at the id sent, spelled otherwise, is resuming at it.
    let report = run(
        options,
        vec![
            connection(0, None, "id: 006\ndata: a\n\nid: 007\ndata: b\n\n"),
            connection(100, Some("007"), "id: 7\ndata: b\n\nid: 8\ndata: c\n\n"),
        ],
    );
    assert_eq!(report.codes(), ["SSE402"], "{report}");
}

#[test]
fn integer_ids_beyond_u64_are_ordered_by_value() {
    let report = one(
        "",
        "id: 18446744073709551615\ndata: a\n\nid: 18446744073709551616\ndata: b\n\nid: 100000000000000000000000\ndata: c\n\n",
    );
    assert_eq!(report.codes(), [] as [&str; 0], "{report}");
    // A first id that large still makes `auto` integer order.
    let report = one(
        "",
        "id: 99999999999999999999999\ndata: a\n\nid: 99999999999999999999998\ndata: b\n\nid: 99999999999999999999999\ndata: c\n\n",
    );
    let messages: Vec<_> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "id \"99999999999999999999998\" does not come after the previous id \"99999999999999999999999\" (Integer order)",
            "id \"99999999999999999999999\" was already used in this connection",
        ],
        "{report}"
    );
    assert!(report.not_checked.is_empty(), "{report}");
    // Resumes: the next value is right, the same one is not, also past u64.
    let options = r#"{"ids":{"consecutive":true}}"#;
    for (last, next, wrong) in [
        ("18446744073709551615", "18446744073709551616", false),
        ("18446744073709551616", "18446744073709551617", false),
        ("18446744073709551616", "18446744073709551616", true),
        ("18446744073709551614", "18446744073709551614", true),
    ] {
        let report = run(
            options,
            vec![
                connection(0, None, &format!("id: {last}\ndata: a\n\n")),
                connection(100, Some(last), &format!("id: {next}\ndata: b\n\n")),
            ],
        );
        assert_eq!(
            report.codes().contains(&"SSE402"),
            wrong,
            "{last} then {next}: {report}"
        );
    }
}
