//! Differential fuzzing: the fast parser, fed in fuzzer-chosen chunks, against the slow
//! reference parser of the tests (the WHATWG algorithm transcribed step by step): the same
//! events, retries, comments and last event ID, and an `INCOMPLETE_EVENT` exactly when the
//! reference says the stream ended inside an event. With `strict_utf8` the events are the same
//! and there is one `INVALID_UTF8` per invalid sequence, at the offset std's decoder finds it.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use ssert_core::{ErrorKind, Parser, ParserConfig};
use ssert_core_fuzz::{chunks, Call, Recorder};

#[path = "../../tests/reference/mod.rs"]
mod reference;

#[derive(Arbitrary, Debug)]
struct Input {
    strict_utf8: bool,
    lens: Vec<u8>,
    data: Vec<u8>,
}

/// Offsets (in the raw stream) of the first byte of every invalid UTF-8 sequence, as std
/// splits them ("maximal subparts"), after the one leading BOM the decoder strips.
fn invalid_utf8_offsets(input: &[u8]) -> Vec<u64> {
    let (mut at, mut rest) = match input.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, input),
    };
    let mut offsets = Vec::new();
    while let Err(error) = std::str::from_utf8(rest) {
        let start = at + error.valid_up_to();
        offsets.push(start as u64);
        let skip = error.valid_up_to()
            + error
                .error_len()
                .unwrap_or(rest.len() - error.valid_up_to());
        at += skip;
        rest = &rest[skip..];
    }
    offsets
}

fuzz_target!(|input: Input| {
    let oracle = reference::parse(&input.data);

    let mut parser = Parser::with_config(ParserConfig::default().strict_utf8(input.strict_utf8));
    let mut recorder = Recorder::default();
    for chunk in chunks(&input.data, &input.lens) {
        parser.feed(chunk, &mut recorder);
    }
    recorder.finish(&mut parser);

    let mut events = Vec::new();
    let mut retries = Vec::new();
    let mut comments = Vec::new();
    let mut incomplete = 0;
    let mut invalid_utf8 = Vec::new();
    for call in &recorder.calls {
        match call {
            Call::Event(event) => events.push(reference::RefEvent {
                event_type: event.event_type().to_owned(),
                data: event.data.clone(),
                id: event.id.clone(),
            }),
            Call::Retry(millis) => retries.push(*millis),
            Call::Comment(text) => comments.push(text.clone()),
            Call::Error(error) => match error.kind() {
                ErrorKind::IncompleteEvent => incomplete += 1,
                ErrorKind::InvalidUtf8 if input.strict_utf8 => invalid_utf8.push(error.offset()),
                other => panic!("unexpected error with default limits: {other:?} {error:?}"),
            },
            Call::Trace(_) => {}
            Call::Finished { last_event_id, .. } => {
                assert_eq!(last_event_id, &oracle.last_event_id, "last event id");
            }
        }
    }
    assert_eq!(events, oracle.events, "events");
    assert_eq!(retries, oracle.retries, "retries");
    assert_eq!(comments, oracle.comments, "comments");
    assert_eq!(
        incomplete,
        usize::from(oracle.incomplete_event),
        "INCOMPLETE_EVENT"
    );
    // Bytes thrown away unread at the end of the stream may never be decoded, so the count is
    // only exact when nothing was discarded.
    if input.strict_utf8 && !oracle.tail_discarded {
        assert_eq!(
            invalid_utf8,
            invalid_utf8_offsets(&input.data),
            "INVALID_UTF8 offsets"
        );
    }
});
