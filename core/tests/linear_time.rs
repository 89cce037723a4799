//! Complexity guard, not a speed test: feeding is linear in the bytes fed, whatever the chunking.
//!
//! A 64 MiB single `data` line dripped in 4-byte chunks is 16 Mi `feed` calls. A parser that
//! rescans or recopies its pending line on every call (the classic mistake the httparse docs
//! warn about) does about n²/(2·4) = 512 Ti byte operations here: hours, even optimized. A
//! linear parser does ~64 MiB of work plus per-call overhead: seconds, even in a debug build.
//! The bound below is generous enough for a slow, shared CI machine in debug mode and still
//! three orders of magnitude below what a quadratic implementation needs, so the test cannot
//! pass by accident and does not flake on timing.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use ssert_core::{Event, Parser, ParserConfig};

/// Size of the line's value.
const LINE_BYTES: usize = 64 << 20;
/// Bytes per `feed` call.
const DRIP: usize = 4;
/// Far above linear (seconds), far below quadratic (hours).
const BOUND: Duration = Duration::from_secs(120);

#[test]
fn a_64_mib_line_dripped_in_4_byte_chunks_finishes_in_linear_time() {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let started = Instant::now();
        let limit = 2 * LINE_BYTES;
        let config = ParserConfig::default()
            .max_line_len(limit)
            .max_event_size(limit)
            .max_buffered(2 * limit);
        let mut parser = Parser::with_config(config);
        let mut seen: Vec<(usize, bool)> = Vec::new();
        let mut sink = |event: Event<'_>| {
            seen.push((event.data.len(), event.data.bytes().all(|b| b == b'x')));
        };
        parser.feed(b"data: ", &mut sink);
        let drip = [b'x'; DRIP];
        for _ in 0..LINE_BYTES / DRIP {
            parser.feed(&drip, &mut sink);
        }
        parser.feed(b"\n", &mut sink);
        parser.feed(b"\n", &mut sink);
        parser.finish(&mut sink);
        let _ = done.send((seen, started.elapsed()));
    });
    match finished.recv_timeout(BOUND) {
        Ok((seen, elapsed)) => {
            assert_eq!(
                seen,
                [(LINE_BYTES, true)],
                "exactly one event with the whole line"
            );
            // Printed for curiosity (`--nocapture`); not asserted beyond BOUND.
            println!("{LINE_BYTES} bytes in {DRIP}-byte chunks: {elapsed:?}");
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "feeding {LINE_BYTES} bytes in {DRIP}-byte chunks took over {BOUND:?}: \
             the parser is not linear in the bytes fed"
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the parsing thread panicked"),
    }
}
