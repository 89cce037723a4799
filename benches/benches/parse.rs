//! Criterion benchmark: ssert-core against `sse-stream`, `eventsource-stream` and the floor loop,
//! side by side on the same chunks of every corpus, reported as throughput in bytes.
//!
//! `cargo bench -p ssert-benches --bench parse` (or `make bench-criterion`); filter with a
//! criterion argument, e.g. `-- llm-tokens/net`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ssert_benches::{Chunking, Contender, CorpusKind};

fn parse(c: &mut Criterion) {
    for kind in CorpusKind::ALL {
        let input = kind.generate();
        for chunking in Chunking::ALL {
            let chunks = chunking.split(&input);
            let mut group = c.benchmark_group(format!("{}/{}", kind.name(), chunking.name()));
            group.throughput(Throughput::Bytes(input.len() as u64));
            // Each iteration parses a few MiB: a handful of samples already gives a stable figure.
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(3));
            group.warm_up_time(Duration::from_millis(500));
            for contender in Contender::ALL {
                group.bench_with_input(
                    BenchmarkId::from_parameter(contender.name()),
                    &chunks,
                    |b, chunks| b.iter(|| black_box(contender.run(black_box(chunks)))),
                );
            }
            group.finish();
        }
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
