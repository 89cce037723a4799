//! Encoder round trip: any sequence of messages and comments, encoded with either line ending,
//! parses back to exactly those events (data with CR and CRLF read back as LF), retries and
//! comments (a message without data is no event, but its id and retry take effect); a message
//! the encoder rejects is rejected for the right reason, at the right offset, and writes nothing.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use ssert_core::{encode, parse, Encoder, ErrorKind, LineEnding, Message};

#[derive(Arbitrary, Debug)]
enum Item {
    Event {
        event: Option<String>,
        data: Option<String>,
        id: Option<String>,
        retry: Option<u64>,
    },
    Comment(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    crlf: bool,
    items: Vec<Item>,
}

/// Splits on CR, LF and CRLF, keeping empty lines: what a receiver makes of a multi-line value.
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        match rest.find(['\r', '\n']) {
            None => {
                out.push(rest);
                return out;
            }
            Some(at) => {
                out.push(&rest[..at]);
                let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[at + skip..];
            }
        }
    }
}

fn first_of(value: &str, bytes: &[u8]) -> Option<usize> {
    value.bytes().position(|b| bytes.contains(&b))
}

/// The event as a receiver should see it: (type, data, last event id, retry).
type Expected = (Option<String>, String, String, Option<u64>);

fuzz_target!(|input: Input| {
    let line_ending = if input.crlf {
        LineEnding::CrLf
    } else {
        LineEnding::Lf
    };
    let encoder = Encoder::new().line_ending(line_ending);
    let mut wire = String::new();
    let mut events: Vec<Expected> = Vec::new();
    let mut retries = Vec::new();
    let mut comments = Vec::new();
    let mut last_id = String::new();
    let mut accepted = Vec::new();

    for item in &input.items {
        match item {
            Item::Event {
                event,
                data,
                id,
                retry,
            } => {
                let message = Message {
                    event: event.as_deref(),
                    data: data.as_deref(),
                    id: id.as_deref(),
                    retry: *retry,
                };
                let event_newline = event.as_deref().and_then(|e| first_of(e, b"\r\n"));
                let id_newline = id.as_deref().and_then(|i| first_of(i, b"\r\n"));
                let id_nul = id.as_deref().and_then(|i| first_of(i, b"\0"));
                let type_without_data = (event.is_some() && data.is_none()).then_some(0);
                let before = wire.len();
                match encoder.write_event(&mut wire, &message) {
                    Ok(()) => {
                        assert_eq!(
                            (event_newline, id_newline, id_nul, type_without_data),
                            (None, None, None, None)
                        );
                        if let Some(id) = id {
                            last_id.clone_from(id);
                        }
                        retries.extend(*retry);
                        // A block without data dispatches nothing; its id and retry still count.
                        if let Some(data) = data {
                            events.push((
                                event.clone().filter(|e| !e.is_empty()),
                                lines(data).join("\n"),
                                last_id.clone(),
                                *retry,
                            ));
                        }
                        accepted.push(message);
                    }
                    Err(error) => {
                        assert_eq!(wire.len(), before, "a rejected message wrote something");
                        let expected_at = match error.kind() {
                            ErrorKind::EventTypeHasNewline => event_newline,
                            ErrorKind::IdHasNewline => id_newline,
                            ErrorKind::IdHasNul => id_nul,
                            // Checked last: only when the event type itself is writable.
                            ErrorKind::EventTypeWithoutData => {
                                assert_eq!(event_newline, None);
                                type_without_data
                            }
                            other => panic!("unexpected encoder error {other:?}"),
                        };
                        assert_eq!(expected_at, Some(error.offset() as usize), "{error:?}");
                    }
                }
            }
            Item::Comment(text) => {
                encoder
                    .write_comment(&mut wire, text)
                    .expect("writing a comment to a String cannot fail");
                comments.extend(lines(text).into_iter().map(String::from));
            }
        }
    }

    let parsed = parse(wire.as_bytes());
    let got: Vec<Expected> = parsed
        .events
        .iter()
        .map(|e| (e.event.clone(), e.data.clone(), e.id.clone(), e.retry))
        .collect();
    assert_eq!(got, events, "wire: {wire:?}");
    assert_eq!(parsed.retries, retries, "wire: {wire:?}");
    assert_eq!(parsed.comments, comments, "wire: {wire:?}");
    assert!(parsed.errors.is_empty(), "{:?} on {wire:?}", parsed.errors);
    assert_eq!(parsed.last_event_id, last_id);

    // `encode` is the LF encoder applied to every message in turn.
    if !input.crlf
        && input
            .items
            .iter()
            .all(|item| matches!(item, Item::Event { .. }))
    {
        assert_eq!(encode(&accepted).expect("all accepted"), wire);
    }
});
