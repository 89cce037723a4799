//! Criterion benchmark: validating a large recorded session against parsing the same bytes.
//!
//! The session: 16 connections of 4000 events each (integer ids, a `retry`, comment
//! heartbeats, LLM-token-sized JSON data), every reconnect resuming correctly, the body cut
//! into network-sized chunks with timestamps. `validate` (default rules plus consecutive ids)
//! must stay within 2x of `parse-only` (the plain parser over the same chunks, no trace).
//! `validate-sparse` is the same session with ids stepping by 2 (timestamps, or a sequence
//! filtered per topic) and `window.ids` = 1000, so the id window is full and forgets its oldest
//! gap at every event: its budget is 4x, which a cost per event that grows with the window
//! (moving the whole window, as before 2026-11-22) breaks many times over.
//!
//! `cargo bench -p ssert-benches --bench validate` (or `make bench-validate`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ssert_core::validate::{validate, Chunk, Connection, End, EndKind, Recording, ValidateOptions};
use ssert_core::{Error, Event, Parser, Sink, Trace};

// The request and response heads of the validator tests: a clean correct client and server.
#[path = "../../core/tests/common/heads.rs"]
mod heads;
use heads::{request, response};

const CONNECTIONS: u64 = 16;
const EVENTS_PER_CONNECTION: u64 = 4000;

/// The session, its ids `step` apart.
fn session(step: u64) -> Recording {
    let mut connections = Vec::new();
    let mut t = 0;
    let mut id = 1u64;
    for c in 0..CONNECTIONS {
        let last_event_id = (c > 0).then(|| (id - step).to_string());
        let request = request(t, last_event_id.as_deref());
        t += 3;
        let response = response(t);
        let mut body = String::new();
        if c == 0 {
            body.push_str("retry: 1000\n\n");
        }
        for i in 0..EVENTS_PER_CONNECTION {
            if i % 100 == 0 {
                body.push_str(": heartbeat\n\n");
            }
            body.push_str(&format!(
                "id: {id}\nevent: token\ndata: {{\"index\":{id},\"delta\":\"token {i} of the stream\",\"done\":false}}\n\n"
            ));
            id += step;
        }
        // Network-sized reads, 2 ms apart.
        let mut chunks = Vec::new();
        for piece in body.as_bytes().chunks(1460 * 3) {
            t += 2;
            chunks.push(Chunk {
                t,
                data: piece.to_vec(),
            });
        }
        t += 1;
        connections.push(Connection {
            request,
            response: Some(response),
            chunks,
            end: Some(End {
                kind: EndKind::NetworkError,
                t,
                message: None,
            }),
        });
        t += 1000;
    }
    Recording {
        connections,
        ..Recording::default()
    }
}

fn parse_only(recording: &Recording) -> u64 {
    let mut parser = Parser::new();
    let mut events = 0u64;
    let mut sink = |e: Event<'_>| {
        events += e.data.len() as u64;
    };
    for conn in &recording.connections {
        for chunk in &conn.chunks {
            parser.feed(&chunk.data, &mut sink);
        }
        parser.finish(&mut sink);
    }
    events
}

/// A sink that asks for everything the validator asks for (trace records, errors, retries)
/// and does nothing with it: the parser's share of the validator's cost.
/// (`parse-traced` in the report.)
struct TraceSink(u64);

impl Sink for TraceSink {
    fn event(&mut self, event: Event<'_>) {
        self.0 += event.data.len() as u64;
    }

    fn retry(&mut self, millis: u64) {
        self.0 += millis;
    }

    fn error(&mut self, error: Error) {
        self.0 += error.offset();
    }

    fn trace(&mut self, record: Trace) {
        self.0 += u64::from(matches!(record, Trace::Line(_)));
    }
}

fn parse_traced(recording: &Recording) -> u64 {
    let mut parser = Parser::new();
    let mut sink = TraceSink(0);
    for conn in &recording.connections {
        for chunk in &conn.chunks {
            parser.feed(&chunk.data, &mut sink);
        }
        parser.finish(&mut sink);
    }
    sink.0
}

/// Validates `recording` once: the events counted, which keeps the work from being optimised
/// away.
fn validated_events(recording: &Recording, options: &ValidateOptions) -> u64 {
    validate(black_box(recording), options)
        .expect("options")
        .stats
        .events
}

/// The best of 40 interleaved runs of parse-only and of validation (a busy machine slows
/// single runs, rarely the best one of each), printed: whether the ratio is within `budget`.
fn within_budget(
    name: &str,
    recording: &Recording,
    options: &ValidateOptions,
    bytes: u64,
    budget: f64,
) -> bool {
    let mut parse_runs = Vec::new();
    let mut validate_runs = Vec::new();
    for _ in 0..40 {
        let start = Instant::now();
        black_box(parse_only(black_box(recording)));
        parse_runs.push(start.elapsed());
        let start = Instant::now();
        black_box(validated_events(recording, options));
        validate_runs.push(start.elapsed());
    }
    parse_runs.sort();
    validate_runs.sort();
    let (parse_time, validate_time) = (parse_runs[0], validate_runs[0]);
    let ratio = validate_time.as_secs_f64() / parse_time.as_secs_f64();
    println!(
        "{name}/parse-only on {bytes} bytes: best {validate_time:?} / {parse_time:?} = {ratio:.2}x (budget {budget}x); \
         medians {:?} / {:?}",
        validate_runs[20], parse_runs[20]
    );
    ratio < budget
}

fn bench(c: &mut Criterion) {
    let recording = session(1);
    let bytes: u64 = recording
        .connections
        .iter()
        .flat_map(|c| &c.chunks)
        .map(|c| c.data.len() as u64)
        .sum();
    let mut options = ValidateOptions::default();
    options.ids.consecutive = Some(true);
    let sparse = session(2);
    let mut sparse_options = ValidateOptions::default();
    sparse_options.window.ids = Some(1000);
    for (recording, options) in [(&recording, &options), (&sparse, &sparse_options)] {
        let report = validate(recording, options).expect("options");
        assert!(
            report.findings.is_empty(),
            "the benchmark session must be clean:\n{report}"
        );
        assert_eq!(report.stats.events, CONNECTIONS * EVENTS_PER_CONNECTION);
    }
    // Both are measured before either is judged, so one over budget still shows the other.
    let dense_ok = within_budget("validate", &recording, &options, bytes, 2.0);
    let sparse_ok = within_budget("validate-sparse", &sparse, &sparse_options, bytes, 4.0);
    assert!(
        dense_ok && sparse_ok,
        "validation is over its budget (see the ratios above)"
    );

    let mut group = c.benchmark_group("session");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    group.warm_up_time(Duration::from_millis(500));
    group.bench_function("parse-only", |b| {
        b.iter(|| black_box(parse_only(black_box(&recording))))
    });
    group.bench_function("parse-traced", |b| {
        b.iter(|| black_box(parse_traced(black_box(&recording))))
    });
    for (name, recording, options) in [
        ("validate", &recording, &options),
        ("validate-sparse", &sparse, &sparse_options),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(validated_events(recording, options)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
