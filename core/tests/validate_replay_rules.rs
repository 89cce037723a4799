//! The replay rules across reconnects (SSE401-SSE404, SSE407): what a resume point "after" the
//! id sent means for ids of one millisecond, the consequences of a wrong `Last-Event-ID` or
//! resume reported once at their cause, checkpoints against an expected log, and the bounded
//! id accounting of sparse ids. Every session is also checked in every chunking.
#![cfg(feature = "json")]

use ssert_core::validate::{validate, EndKind, ExpectedEvent, Recording, Report, ValidateOptions};

#[path = "common/heads.rs"]
mod heads;

#[path = "common/cuts.rs"]
mod cuts;
use cuts::{connection, findings, same_for_every_cut, session};

/// ULIDs of one millisecond (`01ARZ3NDEK`), whose random parts increase.
const ULID_A: &str = "01ARZ3NDEKTSV4RRFFQ69G5FA1";
const ULID_B: &str = "01ARZ3NDEKTSV4RRFFQ69G5FA2";
const ULID_C: &str = "01ARZ3NDEKTSV4RRFFQ69G5FA3";
const ULID_D: &str = "01ARZ3NDEKTSV4RRFFQ69G5FA4";
/// UUIDv7s of one millisecond.
const UUID7_A: &str = "0189a4b2-7c00-7000-8000-000000000001";
const UUID7_B: &str = "0189a4b2-7c00-7000-8000-000000000002";
const UUID7_C: &str = "0189a4b2-7c00-7000-8000-000000000003";

/// Options that keep the header hints quiet, plus `extra` members.
fn options(extra: &str) -> ValidateOptions {
    let sep = if extra.is_empty() { "" } else { "," };
    ValidateOptions::from_json(&format!(
        r#"{{"disable":["x-accel-buffering","buffered-transport"]{sep}{extra}}}"#
    ))
    .unwrap()
}

fn expected(log: &[(&str, Option<&str>, Option<&str>)]) -> Vec<ExpectedEvent> {
    log.iter()
        .map(|&(id, event_type, data)| ExpectedEvent {
            id: id.into(),
            event_type: event_type.map(Into::into),
            data: data.map(Into::into),
        })
        .collect()
}

/// The report of a session of connections (`Last-Event-ID` sent, body; every connection but
/// the last ends in a network error, the last with `eof`), after checking that it is the same
/// with every body whole, byte by byte, and each body cut once anywhere.
fn replay(
    conns: &[(Option<&str>, &str)],
    log: Option<Vec<ExpectedEvent>>,
    options: &ValidateOptions,
) -> Report {
    let run = |cut: Cut<'_>| {
        let chunks: Vec<Vec<Vec<u8>>> = conns
            .iter()
            .enumerate()
            .map(|(i, (_, body))| cut(i, body.as_bytes()))
            .collect();
        let connections = conns
            .iter()
            .zip(&chunks)
            .enumerate()
            .map(|(i, ((sent, _), chunks))| {
                let end = if i + 1 == conns.len() {
                    EndKind::Eof
                } else {
                    EndKind::NetworkError
                };
                connection(chunks.iter().map(Vec::as_slice).collect(), *sent, Some(end))
            })
            .collect();
        let recording = Recording {
            expected: log.clone(),
            ..session(connections)
        };
        validate(&recording, options).unwrap()
    };
    let whole = run(&|_, body| vec![body.to_vec()]);
    let bytes = run(&|_, body| body.chunks(1).map(<[u8]>::to_vec).collect());
    assert_eq!(bytes, whole, "byte by byte:\n{bytes}\nvs whole:\n{whole}");
    for (which, (_, body)) in conns.iter().enumerate() {
        for at in 1..body.len() {
            let cut = run(&|i, body| {
                if i == which {
                    vec![body[..at].to_vec(), body[at..].to_vec()]
                } else {
                    vec![body.to_vec()]
                }
            });
            assert_eq!(
                cut, whole,
                "connection {which} cut at {at}:\n{cut}\nvs whole:\n{whole}"
            );
        }
    }
    whole
}

/// How `replay` cuts body `i` into chunks.
type Cut<'a> = &'a dyn Fn(usize, &[u8]) -> Vec<Vec<u8>>;

fn codes(report: &Report) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.rule.code()).collect()
}

fn events(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("id: {id}\ndata: x\n\n"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// #2: a resume point is strictly after the id sent, also within one millisecond

#[test]
fn a_first_request_resumed_at_the_id_it_sent_is_a_resume_point_error_for_ulids_and_uuid7s() {
    for (order, sent, next) in [("ulid", ULID_B, ULID_C), ("uuid7", UUID7_B, UUID7_C)] {
        let opts = options(&format!(r#""ids":{{"order":"{order}"}}"#));
        let report = replay(&[(Some(sent), &events(&[sent, next]))], None, &opts);
        assert_eq!(codes(&report), ["SSE402"], "{order}:\n{report}");
        let f = findings(&report, "SSE402")[0];
        assert_eq!(
            (f.connection, f.event, f.offset),
            (Some(0), Some(0), Some(0))
        );
        assert!(f.message.contains("does not come after"), "{}", f.message);
        // Ids are read in any case: the same id in lower case is still no step.
        let lower = sent.to_ascii_lowercase();
        let report = replay(&[(Some(sent), &events(&[&lower, next]))], None, &opts);
        assert_eq!(codes(&report), ["SSE402"], "{order} lower case:\n{report}");
        // Another id of the same millisecond may follow it (the random part need not grow).
        let report = replay(&[(Some(sent), &events(&[next]))], None, &opts);
        assert!(report.findings.is_empty(), "{order}:\n{report}");
    }
}

#[test]
fn a_server_that_re_sends_the_id_it_was_sent_is_one_resume_point_error_not_a_duplicate() {
    for (order, a, b, c) in [
        ("ulid", ULID_A, ULID_B, ULID_C),
        ("uuid7", UUID7_A, UUID7_B, UUID7_C),
    ] {
        let opts = options(&format!(r#""ids":{{"order":"{order}"}}"#));
        let report = replay(
            &[(None, &events(&[a, b])), (Some(b), &events(&[b, c]))],
            None,
            &opts,
        );
        assert_eq!(codes(&report), ["SSE402"], "{order}:\n{report}");
        assert_eq!(findings(&report, "SSE402")[0].connection, Some(1));
    }
}

#[test]
fn a_resume_before_the_id_sent_within_its_millisecond_is_told_by_the_order_received() {
    let opts = options(r#""ids":{"order":"ulid"}"#);
    // The client received A then B (one millisecond): a server sent B that goes on with A
    // went back. The re-sent A and B are part of that finding.
    let report = replay(
        &[
            (None, &events(&[ULID_A, ULID_B])),
            (Some(ULID_B), &events(&[ULID_A, ULID_B, ULID_C])),
        ],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE402"], "{report}");
    // Equal milliseconds still increase within a connection (SSE302, as documented), in
    // any order of the random part: C before B is fine, and so is a resume at an id the
    // client has not seen.
    let report = replay(
        &[
            (None, &events(&[ULID_A, ULID_C, ULID_B])),
            (Some(ULID_B), &events(&[ULID_D])),
        ],
        None,
        &opts,
    );
    assert!(report.findings.is_empty(), "{report}");
}

// ---------------------------------------------------------------------------------------------
// #6: the duplicates a wrong `Last-Event-ID` or resume caused belong to that finding

#[test]
fn opaque_ids_re_sent_after_a_wrong_last_event_id_are_part_of_the_sse401() {
    let opts = options("");
    // The client sent an older id: the server correctly goes on after it, re-sending b and c.
    let report = replay(
        &[
            (None, &events(&["a", "b", "c"])),
            (Some("a"), &events(&["b", "c", "d"])),
        ],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE401"], "{report}");
    // No header at all: the server replays from the start.
    let report = replay(
        &[
            (None, &events(&["a", "b", "c"])),
            (None, &events(&["a", "b", "c", "d"])),
        ],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE401"], "{report}");
    // Once the server has gone past the client's last event id, a repeat is its own fault.
    let report = replay(
        &[
            (None, &events(&["a", "b", "c"])),
            (Some("a"), &events(&["b", "c", "d", "a"])),
        ],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE401", "SSE403"], "{report}");
    let dup = findings(&report, "SSE403")[0];
    assert_eq!((dup.connection, dup.event), (Some(1), Some(3)));
}

#[test]
fn ulids_of_one_millisecond_re_sent_after_a_wrong_last_event_id_are_part_of_the_sse401() {
    let opts = options(r#""ids":{"order":"ulid"}"#);
    let report = replay(
        &[
            (None, &events(&[ULID_A, ULID_B, ULID_C])),
            (Some(ULID_A), &events(&[ULID_B, ULID_C, ULID_D])),
        ],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE401"], "{report}");
}

#[test]
fn integer_ids_above_u64_re_sent_at_a_wrong_resume_are_part_of_the_sse402() {
    let opts = options(r#""ids":{"consecutive":true}"#);
    let (a, b, c) = (
        "18446744073709551617",
        "18446744073709551618",
        "18446744073709551619",
    );
    let report = replay(
        &[(None, &events(&[a, b])), (Some(b), &events(&[b, c]))],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE402"], "{report}");
    // The same below 2^64 (by position), for comparison.
    let report = replay(
        &[
            (None, &events(&["1", "2"])),
            (Some("2"), &events(&["2", "3"])),
        ],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE402"], "{report}");
}

// ---------------------------------------------------------------------------------------------
// #3 / C2: a checkpoint delivers no expected-log entry that gives a type or data

#[test]
fn a_checkpoint_with_the_id_of_a_logged_event_does_not_deliver_it() {
    let log = expected(&[
        ("1", None, Some("one")),
        ("2", Some("message"), Some("two")),
        ("3", None, Some("three")),
    ]);
    let body = "id: 1\ndata: one\n\nid: 2\n\nid: 3\ndata: three\n\n";
    let report = replay(&[(None, body)], Some(log), &options(""));
    assert_eq!(codes(&report), ["SSE404"], "{report}");
    let lost = findings(&report, "SSE404")[0];
    assert_eq!(lost.message, "expected event \"2\" was never delivered");
    // It points at the checkpoint that carried the id.
    assert_eq!((lost.connection, lost.offset), (Some(0), Some(17)));
    assert_eq!(lost.excerpt.as_deref(), Some("id: 2"));
    // An `event` line alone dispatches nothing either.
    let log = expected(&[
        ("1", None, None),
        ("2", Some("order"), None),
        ("3", None, None),
    ]);
    let body = "id: 1\ndata: one\n\nid: 2\nevent: order\n\nid: 3\ndata: three\n\n";
    let report = replay(&[(None, body)], Some(log), &options(""));
    assert_eq!(codes(&report), ["SSE404"], "{report}");
}

#[test]
fn opaque_ids_follow_the_order_of_the_expected_log() {
    let log = || {
        Some(expected(&[
            ("a", None, None),
            ("b", None, None),
            ("c", None, None),
        ]))
    };
    let body = "id: b\ndata: x\n\nid: a\ndata: x\n\nid: c\ndata: x\n\n";
    let report = replay(&[(None, body)], log(), &options(""));
    assert_eq!(codes(&report), ["SSE302"], "{report}");
    let order = findings(&report, "SSE302")[0];
    assert_eq!(
        order.message,
        "id \"a\" comes before the previous id \"b\" in the expected log"
    );
    assert_eq!(order.excerpt.as_deref(), Some("id: a"));
    // In the log's order: nothing to say, and SSE302 was checked.
    let body = "id: a\ndata: x\n\nid: b\ndata: x\n\nid: c\ndata: x\n\n";
    let report = replay(&[(None, body)], log(), &options(""));
    assert!(report.findings.is_empty(), "{report}");
    assert!(
        !report.not_checked.iter().any(|n| n.rule.code() == "SSE302"),
        "{report}"
    );
    // `ids.order: none` asks for no order check, log or not.
    let body = "id: b\ndata: x\n\nid: a\ndata: x\n\nid: c\ndata: x\n\n";
    let report = replay(
        &[(None, body)],
        log(),
        &options(r#""ids":{"order":"none"}"#),
    );
    assert!(report.findings.is_empty(), "{report}");
    // Without a log opaque ids have no order, which the report says.
    let report = replay(&[(None, body)], None, &options(""));
    assert!(report.findings.is_empty(), "{report}");
    assert!(
        report.not_checked.iter().any(|n| n.rule.code() == "SSE302"),
        "{report}"
    );
}

#[test]
fn a_checkpoint_delivers_a_logged_entry_that_gives_only_its_id() {
    let log = expected(&[("1", None, None), ("2", None, None), ("3", None, None)]);
    let body = "id: 1\ndata: one\n\nid: 2\n\nid: 3\ndata: three\n\n";
    let report = replay(&[(None, body)], Some(log), &options(""));
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
fn a_checkpoint_still_sets_the_resume_point_when_it_delivers_no_logged_event() {
    let log = expected(&[
        ("1", None, Some("one")),
        ("2", None, Some("two")),
        ("3", None, Some("three")),
    ]);
    // The client's last event id is 2 (the checkpoint): it must send it, and the server must
    // go on with 3. Event 2 itself never arrived.
    let report = replay(
        &[
            (None, "id: 1\ndata: one\n\nid: 2\n\n"),
            (Some("2"), "id: 3\ndata: three\n\n"),
        ],
        Some(log.clone()),
        &options(""),
    );
    assert_eq!(codes(&report), ["SSE404"], "{report}");
    // If the server re-sends event 2 after all, it is delivered (once): the resume at it is
    // the server's error, but nothing is lost or duplicated.
    let report = replay(
        &[
            (None, "id: 1\ndata: one\n\nid: 2\n\n"),
            (Some("2"), "id: 2\ndata: two\n\nid: 3\ndata: three\n\n"),
        ],
        Some(log),
        &options(""),
    );
    assert_eq!(codes(&report), ["SSE402"], "{report}");
}

// ---------------------------------------------------------------------------------------------
// #1: sparse ids are accounted in O(1) amortised per id. Speed is not asserted here (see the
// `auditw sparse` probe); what is: forgetting the oldest ranges of a small window settles
// the same losses, at the same places, as a window that holds them all.

#[test]
fn a_small_id_window_settles_the_same_losses_as_a_large_one() {
    let mut body = String::new();
    let mut id = 1000u64;
    for i in 0..300u64 {
        // Steps of 1 to 4: runs and gaps of several lengths, and a checkpoint now and then.
        id += 1 + (i * 7 + i / 5) % 4;
        if i % 7 == 0 {
            body.push_str(&format!("id: {id}\n\n"));
        } else {
            body.push_str(&format!("id: {id}\ndata: x\n\n"));
        }
    }
    let losses = |window: usize| {
        let opts = options(&format!(
            r#""ids":{{"consecutive":true}},"window":{{"ids":{window},"findings":100000}}"#
        ));
        let report = same_for_every_cut(body.as_bytes(), Some(EndKind::Eof), &opts);
        let mut lost: Vec<(String, Option<u64>)> = findings(&report, "SSE404")
            .into_iter()
            .map(|f| (f.message.clone(), f.offset))
            .collect();
        lost.sort();
        lost
    };
    let all = losses(100_000);
    assert!(all.len() > 100, "{} losses", all.len());
    assert_eq!(losses(2), all);
    assert_eq!(losses(5), all);
}

// ---------------------------------------------------------------------------------------------
// After a limit drop the validator's parser is the reference client (see "Replay semantics")

/// Lines over 64 bytes are dropped (SSE209), with their block.
const SMALL_LINES: &str = r#""limits":{"max_line_len":64},"ids":{"consecutive":true}"#;

fn long_event(id: &str) -> String {
    format!("id: {id}\ndata: {}\n\n", "x".repeat(100))
}

#[test]
fn after_a_limit_drop_a_reconnect_sends_the_parsers_last_event_id() {
    // A guard: the id of the dropped block never took effect in the parser, so 1 is right and
    // event 2, sent again, is no duplicate. (A browser, without the limit, would send 2: that
    // is SSE401 here, a knock-on of the SSE209 that already fails the report.)
    let opts = options(SMALL_LINES);
    let first = format!("{}{}", events(&["1"]), long_event("2"));
    let report = replay(
        &[(None, &first), (Some("1"), &events(&["2", "3"]))],
        None,
        &opts,
    );
    assert_eq!(codes(&report), ["SSE209"], "{report}");
    let report = replay(&[(None, &first), (Some("2"), &events(&["3"]))], None, &opts);
    assert_eq!(codes(&report), ["SSE209", "SSE401"], "{report}");
}

// ---------------------------------------------------------------------------------------------
// C5: the checkpoint exemption needs the client to hold the id, which an empty `id` resets

#[test]
fn a_checkpoint_after_an_empty_id_repeats_the_id_it_sets_again() {
    let opts = options("");
    for reset in ["id:\ndata: y\n\n", "id\n\n"] {
        let body = format!("id: 5\ndata: x\n\n{reset}id: 5\n\nid: 6\ndata: z\n\n");
        let report = same_for_every_cut(body.as_bytes(), Some(EndKind::Eof), &opts);
        assert_eq!(codes(&report), ["SSE303"], "{reset:?}:\n{report}");
        let dup = findings(&report, "SSE303")[0];
        assert_eq!(dup.excerpt.as_deref(), Some("id: 5"));
    }
    // Without the reset the client holds 5: the checkpoint sets nothing new.
    let report = same_for_every_cut(
        b"id: 5\ndata: x\n\nid: 5\n\nid: 6\ndata: z\n\n",
        Some(EndKind::Eof),
        &opts,
    );
    assert!(report.findings.is_empty(), "{report}");
}
