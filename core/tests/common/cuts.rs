//! One-connection sessions whose body arrives in given chunks, the check that a report does not
//! depend on where the body was cut, and the findings of one rule: included with `#[path]` by the validator tests, next to
//! `heads.rs` (declared as `mod heads` at the test crate's root).
#![allow(dead_code)]

use ssert_core::validate::{
    validate, Chunk, Connection, End, EndKind, Finding, Recording, Report, ValidateOptions,
};

use crate::heads::{request, response};

/// One connection: its body in `chunks`, all at t=2, then `end` at t=3 (none: left open).
pub fn connection(
    chunks: Vec<&[u8]>,
    last_event_id: Option<&str>,
    end: Option<EndKind>,
) -> Connection {
    Connection {
        request: request(0, last_event_id),
        response: Some(response(1)),
        chunks: chunks
            .into_iter()
            .map(|data| Chunk {
                t: 2,
                data: data.to_vec(),
            })
            .collect(),
        end: end.map(|kind| End {
            kind,
            t: 3,
            message: None,
        }),
    }
}

/// A session of these connections.
pub fn session(connections: Vec<Connection>) -> Recording {
    Recording {
        connections,
        ..Recording::default()
    }
}

/// The report of `body` (one connection, left open or ended by `end`), after checking that it
/// is the same whole, byte by byte, and cut once anywhere (at most 600 cuts, spread over the
/// body, and always every cut in its first and last 100 bytes).
pub fn same_for_every_cut(body: &[u8], end: Option<EndKind>, options: &ValidateOptions) -> Report {
    let run = |chunks: Vec<&[u8]>| {
        let recording = session(vec![connection(chunks, None, end)]);
        validate(&recording, options).unwrap()
    };
    let whole = run(vec![body]);
    let byte_by_byte = run(body.chunks(1).collect());
    assert_eq!(
        byte_by_byte, whole,
        "byte by byte:\n{byte_by_byte}\nvs whole:\n{whole}"
    );
    let stride = (body.len() / 600).max(1);
    let cuts = (1..body.len()).filter(|&at| at % stride == 0 || at < 100 || at + 100 > body.len());
    for at in cuts {
        let (head, tail) = body.split_at(at);
        let cut = run(vec![head, tail]);
        assert_eq!(cut, whole, "cut at {at}:\n{cut}\nvs whole:\n{whole}");
    }
    whole
}

/// The findings of the rule with this code, in report order.
pub fn findings<'r>(report: &'r Report, code: &str) -> Vec<&'r Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule.code() == code)
        .collect()
}
