//! The validator's Rust API without JSON: the streaming `Validator`, its memory windows, and
//! the caller-supplied id order (the hook the JS and Python bindings plug comparators into).

use std::cmp::Ordering;

use ssert_core::validate::{
    validate_with_id_order, Chunk, Connection, End, EndKind, IdOrderKind, Recording, Rule,
    ValidateOptions, Validator,
};

#[path = "common/heads.rs"]
mod heads;
use heads::{request, response};

fn connection(t: u64, sent: Option<&str>, ids: &[&str]) -> Connection {
    let chunks = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Chunk {
            t: t + 10 + i as u64,
            data: format!("id: {id}\ndata: x\n\n").into_bytes(),
        })
        .collect();
    Connection {
        request: request(t, sent),
        response: Some(response(t + 1)),
        chunks,
        end: Some(End {
            kind: EndKind::ClientClosed,
            t: t + 10 + ids.len() as u64,
            message: None,
        }),
    }
}

/// Ids like `job-7`, ordered by their number: not integers, not lexicographic.
fn by_suffix(a: &str, b: &str) -> Option<Ordering> {
    let n = |s: &str| s.strip_prefix("job-")?.parse::<u64>().ok();
    Some(n(a)?.cmp(&n(b)?))
}

#[test]
fn a_custom_id_order_drives_order_and_resume_checks() {
    let mut options = ValidateOptions::default();
    options.ids.order = Some(IdOrderKind::Custom);
    let good = Recording {
        connections: vec![
            connection(0, None, &["job-9", "job-10"]),
            connection(5000, Some("job-10"), &["job-11", "job-100"]),
        ],
        ..Recording::default()
    };
    let report = validate_with_id_order(&good, &options, Box::new(by_suffix)).unwrap();
    assert!(report.findings.is_empty(), "{report}");

    let bad = Recording {
        connections: vec![
            connection(0, None, &["job-9", "job-10", "job-2"]),
            connection(5000, Some("job-2"), &["job-1", "oops"]),
        ],
        ..Recording::default()
    };
    let report = validate_with_id_order(&bad, &options, Box::new(by_suffix)).unwrap();
    let rules: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.connection, f.event))
        .collect();
    assert_eq!(
        rules,
        [
            (Rule::IdOrder, Some(0), Some(2)),
            (Rule::ResumePoint, Some(1), Some(0)),
            (Rule::IdOrder, Some(1), Some(1)),
        ],
        "{report}"
    );
    assert!(
        report.findings[2].message.contains("cannot order"),
        "{report}"
    );
}

#[test]
fn a_comparator_contradicting_an_explicit_order_is_an_options_error() {
    for kind in [
        IdOrderKind::Integer,
        IdOrderKind::Lexicographic,
        IdOrderKind::Ulid,
        IdOrderKind::Uuid7,
        IdOrderKind::None,
    ] {
        let mut options = ValidateOptions::default();
        options.ids.order = Some(kind);
        let recording = Recording::default();
        let error = validate_with_id_order(&recording, &options, Box::new(by_suffix)).unwrap_err();
        assert!(
            error
                .message
                .contains(&format!("ids.order is \"{}\"", kind.name())),
            "{error}"
        );
    }
    for kind in [None, Some(IdOrderKind::Auto), Some(IdOrderKind::Custom)] {
        let mut options = ValidateOptions::default();
        options.ids.order = kind;
        let recording = Recording {
            connections: vec![connection(0, None, &["job-9", "job-10", "job-2"])],
            ..Recording::default()
        };
        let report = validate_with_id_order(&recording, &options, Box::new(by_suffix)).unwrap();
        assert_eq!(report.codes(), ["SSE302"], "{kind:?}: {report}");
    }
}

#[test]
fn a_comparator_overrides_a_profiles_order() {
    // The MCP profile leaves ids unordered; a comparator is the caller's explicit choice.
    let options = ValidateOptions {
        profile: Some(ssert_core::validate::Profile::Mcp),
        ..ValidateOptions::default()
    };
    let mut v = Validator::new(&options)
        .unwrap()
        .with_id_order(Box::new(by_suffix))
        .unwrap();
    v.connection(&connection(0, None, &["job-9", "job-10", "job-2"]));
    let report = v.finish();
    let order: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::IdOrder)
        .map(|f| f.event)
        .collect();
    assert_eq!(order, [Some(2)], "{report}");
}

#[test]
fn the_session_time_to_first_event_counts_from_the_first_request() {
    // The first connection fails without an event; the user waits until the second one's.
    let mut failed = connection(0, None, &[]);
    failed.chunks.push(Chunk {
        t: 10,
        data: b": hi\n\n".to_vec(),
    });
    failed.end = Some(End {
        kind: EndKind::NetworkError,
        t: 3000,
        message: None,
    });
    let recording = Recording {
        connections: vec![failed, connection(6000, None, &["1", "2"])],
        ..Recording::default()
    };
    let report = ssert_core::validate::validate(&recording, &ValidateOptions::default()).unwrap();
    assert_eq!(report.stats.time_to_first_event_ms, Some(6010));
    let per_connection: Vec<_> = report
        .stats
        .per_connection
        .iter()
        .map(|c| c.time_to_first_event_ms)
        .collect();
    assert_eq!(per_connection, [None, Some(10)]);
}

#[test]
fn custom_order_without_a_comparator_is_reported_not_checked() {
    let mut options = ValidateOptions::default();
    options.ids.order = Some(IdOrderKind::Custom);
    let mut v = Validator::new(&options).unwrap();
    v.connection(&connection(0, None, &["b", "a"]));
    let report = v.finish();
    assert!(report.findings.is_empty(), "{report}");
    assert_eq!(
        report
            .not_checked
            .iter()
            .map(|n| n.rule)
            .collect::<Vec<_>>(),
        [Rule::IdOrder]
    );
}

#[test]
fn findings_and_connection_stats_stay_within_their_windows() {
    let mut options = ValidateOptions::default();
    options.window.findings = Some(10);
    options.window.connections = Some(3);
    options.ids.required = Some(true);
    let mut v = Validator::new(&options).unwrap();
    for c in 0..20u64 {
        let t = c * 10_000;
        v.request(&request(t, None));
        v.response(&response(t + 1));
        for i in 0..5 {
            // No ids: one missing-id finding per event.
            v.chunk(t + 10 + i, b"data: x\n\n");
        }
        v.end(&End {
            kind: EndKind::ClientClosed,
            t: t + 20,
            message: None,
        });
    }
    let report = v.finish();
    assert_eq!(report.findings.len(), 10);
    assert_eq!(report.findings_dropped, 90);
    assert_eq!(
        report.warnings, 100,
        "every finding is counted, kept or not"
    );
    assert_eq!(report.stats.per_connection.len(), 3);
    assert_eq!(report.stats.per_connection_dropped, 17);
    assert_eq!(
        report.stats.per_connection[0].index, 17,
        "the latest connections are kept"
    );
    assert_eq!(report.stats.events, 100);
    assert_eq!(report.stats.gap_ms.unwrap().count, 80);
}

#[test]
fn the_opaque_id_window_forgets_the_oldest_ids() {
    let mut options = ValidateOptions::default();
    options.window.ids = Some(4);
    let ids: Vec<String> = (0..10).map(|i| format!("id-{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    // The second connection replays id-0 (forgotten: window of 4) and id-9 (remembered).
    let recording = Recording {
        connections: vec![
            connection(0, None, &refs),
            connection(5000, Some("id-9"), &["id-0", "id-9"]),
        ],
        ..Recording::default()
    };
    let mut v = Validator::new(&options).unwrap();
    for c in &recording.connections {
        v.connection(c);
    }
    let report = v.finish();
    let codes: Vec<_> = report.findings.iter().map(|f| (f.rule, f.event)).collect();
    assert_eq!(codes, [(Rule::ReplayDuplicate, Some(1))], "{report}");
}

#[test]
fn chunk_by_chunk_equals_whole_connections() {
    let recording = Recording {
        connections: vec![
            connection(0, None, &["1", "2", "3"]),
            connection(4000, Some("3"), &["3", "4"]),
            connection(9000, Some("4"), &["6"]),
        ],
        ..Recording::default()
    };
    let mut options = ValidateOptions::default();
    options.ids.consecutive = Some(true);
    let whole = ssert_core::validate::validate(&recording, &options).unwrap();
    let mut v = Validator::new(&options).unwrap();
    for c in &recording.connections {
        v.request(&c.request);
        v.response(c.response.as_ref().unwrap());
        for chunk in &c.chunks {
            for byte in chunk.data.chunks(1) {
                v.chunk(chunk.t, byte);
            }
        }
        v.end(c.end.as_ref().unwrap());
    }
    let streamed = v.finish();
    assert_eq!(whole, streamed);
    let rules: Vec<_> = whole.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::ResumePoint, Rule::ResumePoint], "{whole}");
}

#[test]
fn data_types_are_send_sync_and_unwind_safe() {
    fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    check::<Recording>();
    check::<ssert_core::validate::Record>();
    check::<ValidateOptions>();
    check::<ssert_core::validate::Report>();
    check::<ssert_core::validate::Finding>();
    check::<ssert_core::validate::Grammar>();
    check::<ssert_core::validate::GrammarMatcher>();
    check::<ssert_core::validate::OptionsError>();
}

#[test]
fn a_small_id_window_settles_old_gaps_early_without_losing_or_repeating_them() {
    let ids: Vec<String> = (0..40u64).map(|i| (1 + 2 * i).to_string()).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let recording = Recording {
        connections: vec![connection(0, None, &refs)],
        ..Recording::default()
    };
    let lost = |window: usize| {
        let mut options = ValidateOptions::default();
        options.ids.consecutive = Some(true);
        options.window.ids = Some(window);
        let report = ssert_core::validate::validate(&recording, &options).unwrap();
        assert!(
            report.findings.iter().all(|f| f.rule == Rule::LostEvent),
            "{report}"
        );
        let mut messages: Vec<String> = report.findings.iter().map(|f| f.message.clone()).collect();
        messages.sort();
        messages
    };
    let unbounded = lost(100_000);
    assert_eq!(unbounded.len(), 39, "one finding per missing even id");
    assert_eq!(lost(4), unbounded);
    assert_eq!(lost(2), unbounded);
}

#[test]
fn a_too_long_line_is_not_quoted_as_a_later_line_with_invalid_utf8() {
    // The invalid bytes of a later line are reported before the long line's end is seen; each
    // finding still quotes its own line (the long one: not at all), in stream order.
    let mut body = b"id: 1\ndata: a\n\ndata: ".to_vec();
    body.extend(std::iter::repeat_n(b'x', 5000));
    body.extend(b"\n\nid: 3\ndata: \xff\xfe\n\n");
    let mut conn = connection(0, None, &[]);
    conn.chunks = vec![Chunk { t: 10, data: body }];
    let recording = Recording {
        connections: vec![conn],
        ..Recording::default()
    };
    let mut options = ValidateOptions::default();
    options.limits.max_line_len = Some(4096);
    let report = ssert_core::validate::validate(&recording, &options).unwrap();
    let wire: Vec<_> = report
        .findings
        .iter()
        .filter(|f| matches!(f.rule, Rule::LineTooLong | Rule::InvalidUtf8))
        .map(|f| (f.rule.code(), f.offset, f.excerpt.as_deref()))
        .collect();
    assert_eq!(
        wire,
        [
            ("SSE209", Some(15), None),
            ("SSE204", Some(5035), Some("data: \u{fffd}\u{fffd}")),
            ("SSE204", Some(5036), Some("data: \u{fffd}\u{fffd}")),
        ]
    );
}
