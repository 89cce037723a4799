//! Runs the shared conformance vectors (`testdata/parser/*.json`) against `ssert_core::Parser`
//! under every chunking, and checks the vectors themselves against the naive reference parser.
//!
//! Random chunkings use the seed in `SSERT_CHUNK_SEED` (else a random one); every failure
//! message prints the seed, so `SSERT_CHUNK_SEED=<seed> cargo test --test conformance`
//! reproduces it.

// Chunk lists are lists of ranges; one-range lists are meant.
#![allow(clippy::single_range_in_vec_init)]

mod common;
mod reference;

use std::collections::{BTreeMap, BTreeSet};

use common::{Call, Run, Vector};
use ssert_core::{ErrorKind, LineKind, Parser, ParserConfig, Terminator, Trace};

/// The format promises at least this many vectors; fewer means files went missing.
const MIN_VECTORS: usize = 120;
/// Random chunkings per vector, on top of the exhaustive ones.
const RANDOM_CHUNKINGS: usize = 16;

/// Panics with every collected failure (one block per vector) and the chunk seed.
fn report(what: &str, failures: &[String], seed: Option<u64>) {
    if failures.is_empty() {
        return;
    }
    let seed = seed.map_or(String::new(), |s| format!(" (SSERT_CHUNK_SEED={s})"));
    panic!(
        "{} vector(s) failed {what}{seed}:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn vector_files_are_well_formed() {
    let files = common::load_files();
    let mut problems = Vec::new();
    let mut names = BTreeMap::new();
    let mut total = 0;
    for (file, parsed) in &files {
        if file.strip_suffix(".json") != Some(parsed.group.as_str()) {
            problems.push(format!(
                "{file}: group {:?} differs from the file name",
                parsed.group
            ));
        }
        if parsed.description.trim().is_empty() {
            problems.push(format!("{file}: empty description"));
        }
        for vector in &parsed.vectors {
            total += 1;
            if let Some(first) = names.insert(vector.name.clone(), file.clone()) {
                problems.push(format!("{}: name also used in {first}", vector.label()));
            }
            let kebab = !vector.name.is_empty()
                && vector
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !vector.name.starts_with('-')
                && !vector.name.ends_with('-')
                && !vector.name.contains("--");
            if !kebab {
                problems.push(format!("{}: name is not kebab-case", vector.label()));
            }
            if vector.description.trim().is_empty() {
                problems.push(format!("{}: empty description", vector.label()));
            }
            match (&vector.text, std::str::from_utf8(&vector.bytes)) {
                (Some(text), Ok(decoded)) if text != decoded => problems.push(format!(
                    "{}: text {text:?} differs from the decoded input {decoded:?}",
                    vector.label()
                )),
                (Some(_), Err(_)) => problems.push(format!(
                    "{}: has text but the input is not valid UTF-8",
                    vector.label()
                )),
                _ => {}
            }
            for retry in &vector.retries {
                if let Err(why) = retry.value() {
                    problems.push(format!("{}: retries: {why}", vector.label()));
                }
            }
            for error in &vector.errors {
                if ErrorKind::from_code(&error.code).is_none() {
                    problems.push(format!(
                        "{}: unknown error code {:?}",
                        vector.label(),
                        error.code
                    ));
                }
            }
        }
    }
    assert!(
        total >= MIN_VECTORS,
        "only {total} vectors in {} files; at least {MIN_VECTORS} expected",
        files.len()
    );
    assert!(
        problems.is_empty(),
        "malformed vectors:\n{}",
        problems.join("\n")
    );
}

/// Compares one run with a vector's expectations; `None` when they agree.
fn mismatch(vector: &Vector, run: &Run) -> Option<String> {
    let expected = vector.expected_json();
    let observed = common::observed_json(run, vector.comments.is_some(), vector.trace.is_some());
    (expected != observed).then(|| common::json_diff(&expected, &observed))
}

#[test]
fn vectors_pass_whole() {
    let mut failures = Vec::new();
    for vector in common::load_vectors() {
        let run = common::run_whole(vector.config(), &vector.bytes);
        if let Some(diff) = mismatch(&vector, &run) {
            failures.push(format!(
                "  {} ({})\n{diff}",
                vector.label(),
                vector.description
            ));
        }
        if run.offset_before_finish != vector.bytes.len() as u64 {
            failures.push(format!(
                "  {}: offset() is {} after feeding {} bytes",
                vector.label(),
                run.offset_before_finish,
                vector.bytes.len()
            ));
        }
        if run.reconnection_time != run.retries().last().copied() {
            failures.push(format!(
                "  {}: reconnection_time() {:?} is not the last retry {:?}",
                vector.label(),
                run.reconnection_time,
                run.retries().last()
            ));
        }
    }
    report("when fed whole", &failures, None);
}

#[test]
fn vectors_give_the_same_sink_calls_under_every_chunking() {
    let seed = common::chunk_seed();
    let mut failures = Vec::new();
    let mut runs = 0usize;
    for vector in common::load_vectors() {
        let config = vector.config();
        let whole = common::run_whole(config, &vector.bytes);
        let mut rng = common::rng_for(seed, &vector.name);
        for chunking in common::all_chunkings(vector.bytes.len(), &mut rng, RANDOM_CHUNKINGS) {
            runs += 1;
            let run = common::run(config, &vector.bytes, &chunking.chunks);
            if run == whole {
                continue;
            }
            let first_difference = run
                .calls
                .iter()
                .zip(&whole.calls)
                .position(|(a, b)| a != b)
                .unwrap_or(run.calls.len().min(whole.calls.len()));
            failures.push(format!(
                "  {} chunked {} {:?}\n    sink calls differ from the whole run at call #{first_difference}:\n      whole   {:?}\n      chunked {:?}\n    last_event_id whole {:?} chunked {:?}\n{}",
                vector.label(),
                chunking.label,
                chunking.chunks,
                whole.calls.get(first_difference),
                run.calls.get(first_difference),
                whole.last_event_id,
                run.last_event_id,
                mismatch(&vector, &run).unwrap_or_default(),
            ));
            // One failing chunking per vector is enough to read.
            break;
        }
    }
    println!("{runs} chunked runs compared (SSERT_CHUNK_SEED={seed})");
    report("chunk-split invariance", &failures, Some(seed));
}

#[test]
fn parse_with_matches_the_push_parser() {
    let mut failures = Vec::new();
    for vector in common::load_vectors() {
        let run = common::run_whole(vector.config(), &vector.bytes);
        let parsed = ssert_core::parse_with(&vector.bytes, vector.config(), true);
        let events: Vec<_> = run.events().into_iter().cloned().collect();
        if parsed.events != events
            || parsed.retries != run.retries()
            || parsed.comments != run.comments()
            || parsed.errors != run.errors()
            || parsed.trace != run.trace()
            || parsed.last_event_id != run.last_event_id
        {
            failures.push(format!(
                "  {}: parse_with {parsed:?}\n    push run {run:?}",
                vector.label()
            ));
        }
    }
    report("parse_with == Parser", &failures, None);
}

#[test]
fn reference_parser_agrees_with_vectors() {
    // The oracle implements the spec alone: no limits, no strict mode, no offsets. It must
    // agree with every vector that needs nothing more, which tests the vectors and the oracle
    // against each other.
    let mut failures = Vec::new();
    let mut checked = 0;
    for vector in common::load_vectors() {
        // strict_utf8 only adds INVALID_UTF8 errors, which the oracle computes too; limits
        // are not part of the spec.
        let strict = match &vector.options {
            None => false,
            Some(options)
                if *options
                    == common::Options {
                        strict_utf8: Some(true),
                        ..Default::default()
                    } =>
            {
                true
            }
            Some(_) => continue,
        };
        checked += 1;
        let out = reference::parse(&vector.bytes);
        let mut problems = Vec::new();
        let events: Vec<(String, String, String)> = out
            .events
            .iter()
            .map(|e| (e.event_type.clone(), e.data.clone(), e.id.clone()))
            .collect();
        let expected_events: Vec<(String, String, String)> = vector
            .events
            .iter()
            .map(|e| (e.event_type.clone(), e.data.clone(), e.id.clone()))
            .collect();
        if events != expected_events {
            problems.push(format!(
                "events: expected {expected_events:?}\n      oracle {events:?}"
            ));
        }
        let retries: Vec<u64> = vector
            .retries
            .iter()
            .filter_map(|r| r.value().ok())
            .collect();
        if out.retries != retries {
            problems.push(format!(
                "retries: expected {retries:?}, oracle {:?}",
                out.retries
            ));
        }
        if let Some(comments) = &vector.comments {
            if &out.comments != comments {
                problems.push(format!(
                    "comments: expected {comments:?}, oracle {:?}",
                    out.comments
                ));
            }
        }
        if out.last_event_id != vector.last_event_id {
            problems.push(format!(
                "last_event_id: expected {:?}, oracle {:?}",
                vector.last_event_id, out.last_event_id
            ));
        }
        let incomplete = vector.errors.iter().any(|e| e.code == "INCOMPLETE_EVENT");
        if out.incomplete_event != incomplete {
            problems.push(format!(
                "INCOMPLETE_EVENT expected: {incomplete}, oracle: {}",
                out.incomplete_event
            ));
        }
        let invalid: Vec<u64> = vector
            .errors
            .iter()
            .filter(|e| e.code == "INVALID_UTF8")
            .map(|e| e.offset)
            .collect();
        let oracle_invalid = if strict {
            reference::invalid_utf8_offsets(&vector.bytes)
        } else {
            Vec::new()
        };
        if invalid != oracle_invalid {
            problems.push(format!(
                "INVALID_UTF8 offsets: expected {invalid:?}, oracle {oracle_invalid:?}"
            ));
        }
        if vector
            .errors
            .iter()
            .any(|e| e.code != "INCOMPLETE_EVENT" && e.code != "INVALID_UTF8")
        {
            problems.push("a vector without limits expects a limit error".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "  {}:\n    {}",
                vector.label(),
                problems.join("\n    ")
            ));
        }
    }
    assert!(checked >= 100, "only {checked} vectors without options");
    report("against the reference parser", &failures, None);
}

/// The bytes a terminator occupies.
fn terminator_len(terminator: Terminator) -> u64 {
    match terminator {
        Terminator::CrLf => 2,
        Terminator::Cr | Terminator::Lf => 1,
        Terminator::Eof => 0,
    }
}

#[test]
fn trace_lines_tile_the_stream_and_spans_point_at_blank_lines() {
    // Independent of the hand-written traces: for every vector, the Line records must cover the
    // stream exactly once, in order, after an optional BOM; every event's span must end where
    // a blank line starts and begin at a field line of its block; errors must point inside the
    // stream.
    let mut failures = Vec::new();
    for vector in common::load_vectors() {
        let run = common::run_whole(vector.config(), &vector.bytes);
        let len = vector.bytes.len() as u64;
        let mut problems = Vec::new();
        let mut next = 0u64;
        let mut blank_starts = BTreeSet::new();
        let mut field_starts = BTreeSet::new();
        for record in run.trace() {
            match record {
                Trace::Bom { offset } => {
                    if offset != 0 || next != 0 || !vector.bytes.starts_with(&ssert_core::BOM) {
                        problems.push(format!("unexpected {record:?}"));
                    }
                    next = 3;
                }
                Trace::Line(line) => {
                    if line.start != next || line.end < line.start {
                        problems.push(format!("{record:?} does not start at {next}"));
                    }
                    let at =
                        |offset: u64| usize::try_from(offset.min(len)).expect("offset fits usize");
                    let body = &vector.bytes[at(line.start)..at(line.end)];
                    if body.contains(&b'\r') || body.contains(&b'\n') {
                        problems.push(format!("{record:?} contains a line end"));
                    }
                    match line.kind {
                        LineKind::Blank => {
                            blank_starts.insert(line.start);
                        }
                        LineKind::Field(_) => {
                            field_starts.insert(line.start);
                        }
                        LineKind::Comment | LineKind::Oversized => {}
                    }
                    next = line.end + terminator_len(line.terminator);
                }
                Trace::DiscardedTail { start, end } => {
                    if end != len || start > end {
                        problems.push(format!("{record:?} in a stream of {len} bytes"));
                    }
                }
                Trace::IgnoredId { .. } | Trace::InvalidRetry { .. } => {}
            }
        }
        // A stream of one or two BOM bytes only never completes a line but is still covered.
        if next != len {
            problems.push(format!("lines cover {next} of {len} bytes"));
        }
        for event in run.events() {
            if !blank_starts.contains(&event.span.end) {
                problems.push(format!(
                    "event span {:?} does not end at a blank line",
                    event.span
                ));
            }
            if !field_starts.contains(&event.span.start) {
                problems.push(format!(
                    "event span {:?} does not start at a field line",
                    event.span
                ));
            }
        }
        for error in run.errors() {
            if error.offset() >= len.max(1) {
                problems.push(format!("error {error:?} outside the stream"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "  {}:\n    {}",
                vector.label(),
                problems.join("\n    ")
            ));
        }
    }
    report("trace/span consistency", &failures, None);
}

#[cfg(feature = "serde")]
#[test]
fn serde_trace_form_matches_the_documented_form() {
    let mut failures = Vec::new();
    for vector in common::load_vectors() {
        for record in common::run_whole(vector.config(), &vector.bytes).trace() {
            let via_serde = serde_json::to_value(record).unwrap();
            if via_serde != common::trace_json(&record) {
                failures.push(format!(
                    "  {}: {via_serde} vs {}",
                    vector.label(),
                    common::trace_json(&record)
                ));
            }
        }
    }
    report("serde trace JSON", &failures, None);
}

#[test]
fn finish_readies_the_parser_for_the_next_stream() {
    // After finish(), as after an EventSource reconnect: the BOM is stripped again, offsets
    // restart at zero, and the last event ID and reconnection time are kept.
    let mut parser = Parser::with_config(ParserConfig::default());
    let mut first = common::Recorder::default();
    parser.feed(
        b"\xEF\xBB\xBFretry: 250\nid: 41\ndata: a\n\ndata: cut",
        &mut first,
    );
    parser.finish(&mut first);
    assert_eq!(parser.last_event_id(), "41");
    assert_eq!(parser.reconnection_time(), Some(250));
    assert_eq!(parser.offset(), 0);

    let mut second = common::Recorder::default();
    parser.feed(b"\xEF\xBB", &mut second);
    parser.feed(b"\xBFid: 42\ndata: b\n\n", &mut second);
    parser.finish(&mut second);
    let events: Vec<_> = second
        .calls
        .iter()
        .filter_map(|c| match c {
            Call::Event(e) => Some((e.data.as_str(), e.id.as_str(), e.span)),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "{:?}", second.calls);
    assert_eq!(events[0].0, "b");
    assert_eq!(events[0].1, "42");
    assert_eq!(
        events[0].2.start, 3,
        "offsets restart at 0 and the BOM is stripped again"
    );
    assert!(second
        .calls
        .contains(&Call::Trace(Trace::Bom { offset: 0 })));
    assert_eq!(parser.last_event_id(), "42");

    parser.reset();
    assert_eq!(parser.last_event_id(), "");
    assert_eq!(parser.reconnection_time(), None);
}

#[test]
fn partial_bom_tail_is_limited_like_any_other_tail() {
    // A stream that ends after EF BB never had a BOM: those two bytes are an ordinary
    // unterminated line (U+FFFD), so the limits must treat it exactly like "ab".
    let config = ParserConfig::default().max_line_len(1);
    let kinds = |input: &[u8]| {
        let parsed = ssert_core::parse_with(input, config, true);
        let errors: Vec<ErrorKind> = parsed.errors.iter().map(|e| e.kind()).collect();
        let lines: Vec<LineKind> = parsed
            .trace
            .iter()
            .filter_map(|t| match t {
                Trace::Line(line) => Some(line.kind),
                _ => None,
            })
            .collect();
        (errors, lines)
    };
    assert_eq!(kinds(b"\xEF\xBB"), kinds(b"ab"));
    assert!(kinds(b"ab").0.contains(&ErrorKind::LineTooLong));
}
