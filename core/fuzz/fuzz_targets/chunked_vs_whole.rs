//! Chunk-split invariance: feeding a stream in any chunks gives exactly the sink calls (events,
//! retries, comments, errors and trace records, in order) and the end state of feeding it
//! whole — for the first stream, for a second stream after `finish` (a reconnect), and after
//! `reset`. The whole-stream run also has to agree with `parse_with`.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use ssert_core::{parse_with, Parser};
use ssert_core_fuzz::{chunks, Call, Limits, Recorder};

#[derive(Arbitrary, Debug)]
struct Input {
    limits: Limits,
    first_lens: Vec<u8>,
    second_lens: Vec<u8>,
    data: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let config = input.limits.config();

    let mut whole_parser = Parser::with_config(config);
    let mut whole = Recorder::default();
    whole_parser.feed(&input.data, &mut whole);
    whole.finish(&mut whole_parser);
    let first_stream_len = whole.calls.len();
    whole_parser.feed(&input.data, &mut whole);
    whole.finish(&mut whole_parser);

    let mut chunked_parser = Parser::with_config(config);
    let mut chunked = Recorder::default();
    for chunk in chunks(&input.data, &input.first_lens) {
        chunked_parser.feed(chunk, &mut chunked);
    }
    chunked.finish(&mut chunked_parser);
    for chunk in chunks(&input.data, &input.second_lens) {
        chunked_parser.feed(chunk, &mut chunked);
    }
    chunked.finish(&mut chunked_parser);
    assert_eq!(
        whole.calls, chunked.calls,
        "chunked run differs from the whole run"
    );

    // After reset the parser is a fresh one: the first stream again, byte by byte.
    chunked_parser.reset();
    let mut after_reset = Recorder::default();
    for chunk in input.data.chunks(1) {
        chunked_parser.feed(chunk, &mut after_reset);
    }
    after_reset.finish(&mut chunked_parser);
    assert_eq!(
        whole.calls[..first_stream_len],
        after_reset.calls[..],
        "a reset parser differs from a fresh one"
    );

    // The whole-stream collector sees the same things as the recorder, minus nothing.
    let parsed = parse_with(&input.data, config, true);
    let first = &whole.calls[..first_stream_len];
    let events: Vec<_> = first
        .iter()
        .filter_map(|call| match call {
            Call::Event(event) => Some(event.clone()),
            _ => None,
        })
        .collect();
    let retries: Vec<_> = first
        .iter()
        .filter_map(|call| match call {
            Call::Retry(millis) => Some(*millis),
            _ => None,
        })
        .collect();
    let comments: Vec<_> = first
        .iter()
        .filter_map(|call| match call {
            Call::Comment(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    let errors: Vec<_> = first
        .iter()
        .filter_map(|call| match call {
            Call::Error(error) => Some(*error),
            _ => None,
        })
        .collect();
    let trace: Vec<_> = first
        .iter()
        .filter_map(|call| match call {
            Call::Trace(record) => Some(*record),
            _ => None,
        })
        .collect();
    assert_eq!(parsed.events, events);
    assert_eq!(parsed.retries, retries);
    assert_eq!(parsed.comments, comments);
    assert_eq!(parsed.errors, errors);
    assert_eq!(parsed.trace, trace);
    let Some(Call::Finished { last_event_id, .. }) = first.last() else {
        unreachable!("Recorder::finish always ends with Finished");
    };
    assert_eq!(&parsed.last_event_id, last_event_id);
});
