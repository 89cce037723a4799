//! Property tests: the fast parser against the naive reference parser, chunk-split invariance
//! of the whole sink-call sequence, robustness on arbitrary bytes, and encode -> parse round
//! trips.
//!
//! `PROPTEST_CASES` raises or lowers the number of cases (default 256 per property).

// Chunk lists are lists of ranges; one-range lists are meant.
#![allow(clippy::single_range_in_vec_init)]

mod common;
mod reference;

use std::ops::Range;

use common::Run;
use proptest::prelude::*;
use proptest::sample::Index;
use ssert_core::{
    Encoder, ErrorKind, Line, LineEnding, Message, ParserConfig, Status, Terminator, Tokenizer,
};

/// Pieces that SSE streams, and the mistakes in them, are made of.
const TOKENS: &[&[u8]] = &[
    b"data",
    b"data",
    b"data",
    b"event",
    b"id",
    b"retry",
    b"Data",
    b"ID",
    b"Event",
    b"RETRY",
    b"foo",
    b":",
    b":",
    b":",
    b" ",
    b" ",
    b"\r",
    b"\n",
    b"\n",
    b"\r\n",
    b"\r\n",
    b"\n\n",
    b"\xEF\xBB\xBF",
    b"\xEF\xBB",
    b"\0",
    b"\xFF",
    b"\x80",
    b"\xC3",
    b"\xE2\x82",
    b"\xED\xA0\x80",
    b"\xF0\x9F\x98",
    "é".as_bytes(),
    "€".as_bytes(),
    "😀".as_bytes(),
    b"0",
    b"7",
    b"123",
    b"18446744073709551616",
    b"x",
    b"hello",
    b"\t",
    b"+",
    b"-",
];

/// Pieces of a field value or comment text (no line ends: the terminator adds those).
const VALUE_TOKENS: &[&[u8]] = &[
    b"x",
    b"hello",
    b" ",
    b" ",
    b"  ",
    b"\t",
    b"0",
    b"7",
    b"123",
    b"007",
    b"18446744073709551616",
    b":",
    b"+",
    b"-",
    b"\0",
    "é".as_bytes(),
    "€".as_bytes(),
    "😀".as_bytes(),
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"\x80",
    b"\xC3",
    b"\xE2\x82",
    b"\xED\xA0\x80",
    b"\xF0\x9F\x98",
    b"\xEF\xBB",
];

const FIELD_NAMES: &[&[u8]] = &[
    b"data",
    b"data",
    b"data",
    b"data",
    b"event",
    b"event",
    b"id",
    b"id",
    b"retry",
    b"retry",
    b"Data",
    b"DATA",
    b"ID",
    b"Event",
    b"foo",
    b"",
    b" data",
    b"data ",
    b"\xEF\xBB\xBFdata",
];

/// What separates a field name from its value ("" makes a line without colon).
const SEPARATORS: &[&[u8]] = &[b":", b": ", b": ", b": ", b":  ", b"", b"::"];

/// How lines end; "" glues two lines together and may leave a partial line at the end.
const TERMINATORS: &[&[u8]] = &[b"\n", b"\n", b"\n", b"\r\n", b"\r\n", b"\r", b""];

fn token() -> impl Strategy<Value = Vec<u8>> {
    let long_run = (1usize..4096, prop::sample::select(&b"x :\r\n"[..]))
        .prop_map(|(len, byte)| vec![byte; len]);
    prop_oneof![
        30 => prop::sample::select(TOKENS).prop_map(<[u8]>::to_vec),
        1 => long_run,
    ]
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    let long_run = (1usize..4096).prop_map(|len| vec![b'v'; len]);
    prop_oneof![
        20 => prop::collection::vec(prop::sample::select(VALUE_TOKENS), 0..5)
            .prop_map(|parts| parts.concat()),
        1 => long_run,
    ]
}

/// One line: a field, a comment, a blank line, or token soup; then a terminator.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let field = (
        prop::sample::select(FIELD_NAMES),
        prop::sample::select(SEPARATORS),
        value(),
    )
        .prop_map(|(name, separator, value)| [name, separator, &value].concat());
    let comment = value().prop_map(|text| [b":".as_slice(), &text].concat());
    let soup = prop::collection::vec(token(), 1..4).prop_map(|parts| parts.concat());
    let body = prop_oneof![
        8 => field,
        2 => comment,
        3 => Just(Vec::new()),
        1 => soup,
    ];
    (body, prop::sample::select(TERMINATORS))
        .prop_map(|(body, terminator)| [body.as_slice(), terminator].concat())
}

/// A stream of lines: mostly plausible SSE, often subtly wrong.
fn sse_stream() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(vec![&b""[..], b"", b"", b"\xEF\xBB\xBF", b"\xEF\xBB"]),
        prop::collection::vec(line(), 0..24),
        prop::sample::select(vec![&b""[..], b"\n", b"\n\n", b"\r"]),
    )
        .prop_map(|(start, lines, end)| [start, &lines.concat(), end].concat())
}

/// Cut points (possibly repeated: empty chunks must be harmless).
fn cuts() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..12)
}

fn chunks(len: usize, cuts: &[Index]) -> Vec<Range<usize>> {
    let mut points: Vec<usize> = cuts.iter().map(|i| i.index(len + 1)).collect();
    points.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for point in points {
        out.push(start..point);
        start = point;
    }
    out.push(start..len);
    out
}

/// Configurations from tiny limits (to exercise every error path) to the defaults.
fn config() -> impl Strategy<Value = ParserConfig> {
    (
        prop::option::of(0usize..80),
        prop::option::of(0usize..80),
        prop::option::of(0usize..160),
        any::<bool>(),
    )
        .prop_map(|(line, event, buffered, strict)| {
            let mut config = ParserConfig::default().strict_utf8(strict);
            if let Some(n) = line {
                config = config.max_line_len(n);
            }
            if let Some(n) = event {
                config = config.max_event_size(n);
            }
            if let Some(n) = buffered {
                config = config.max_buffered(n);
            }
            config
        })
}

/// Checks a run against the oracle (which knows no limits and no strict mode).
fn assert_matches_reference(input: &[u8], run: &Run) -> Result<(), TestCaseError> {
    let not_spec =
        |kind: ErrorKind| kind != ErrorKind::IncompleteEvent && kind != ErrorKind::InvalidUtf8;
    let run = &Run {
        calls: run
            .calls
            .iter()
            .filter(|call| !matches!(call, common::Call::Error(e) if e.kind() == ErrorKind::InvalidUtf8))
            .cloned()
            .collect(),
        ..run.clone()
    };
    prop_assert!(
        !run.errors().iter().any(|e| not_spec(e.kind())),
        "limit errors: {:?}",
        run.errors()
    );
    let oracle = reference::parse(input);
    let events: Vec<(&str, &str, &str)> = run
        .events()
        .iter()
        .map(|e| (e.event_type(), e.data.as_str(), e.id.as_str()))
        .collect();
    let expected: Vec<(&str, &str, &str)> = oracle
        .events
        .iter()
        .map(|e| (e.event_type.as_str(), e.data.as_str(), e.id.as_str()))
        .collect();
    prop_assert_eq!(events, expected, "events");
    let event_retries: Vec<Option<u64>> = run.events().iter().map(|e| e.retry).collect();
    prop_assert_eq!(event_retries, oracle.event_retries.clone(), "Event::retry");
    prop_assert_eq!(run.retries(), oracle.retries.clone(), "retries");
    prop_assert_eq!(
        run.comments(),
        oracle
            .comments
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        "comments"
    );
    prop_assert_eq!(&run.last_event_id, &oracle.last_event_id, "last_event_id");
    let kinds: Vec<ErrorKind> = run.errors().iter().map(|e| e.kind()).collect();
    let expected_kinds = if oracle.incomplete_event {
        vec![ErrorKind::IncompleteEvent]
    } else {
        vec![]
    };
    prop_assert_eq!(kinds, expected_kinds, "errors (default limits, not strict)");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Failing inputs are printed (shrunk); do not write regression files into the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn fast_parser_matches_reference(input in sse_stream(), cuts in cuts()) {
        let run = common::run(ParserConfig::default(), &input, &chunks(input.len(), &cuts));
        assert_matches_reference(&input, &run)?;
    }

    #[test]
    fn fast_parser_matches_reference_on_arbitrary_bytes(
        input in prop::collection::vec(any::<u8>(), 0..2048),
        cuts in cuts(),
    ) {
        let run = common::run(ParserConfig::default(), &input, &chunks(input.len(), &cuts));
        assert_matches_reference(&input, &run)?;
    }

    #[test]
    fn chunked_gives_the_same_sink_calls_as_whole(
        input in sse_stream(),
        cuts in cuts(),
        config in config(),
    ) {
        let whole = common::run_whole(config, &input);
        let chunked = common::run(config, &input, &chunks(input.len(), &cuts));
        prop_assert_eq!(chunked, whole);
    }

    #[test]
    fn below_every_limit_any_config_matches_reference(
        input in sse_stream(),
        cuts in cuts(),
        config in config(),
    ) {
        // Limits and strict mode only add errors: while no limit is crossed, the output is
        // the spec's, whatever the configuration.
        let run = common::run(config, &input, &chunks(input.len(), &cuts));
        let limited = run.errors().iter().any(|e| {
            matches!(e.kind(), ErrorKind::LineTooLong | ErrorKind::EventTooLarge | ErrorKind::BufferLimit)
        });
        // Runs that cross a limit are covered by `limits_are_honoured` and the chunking
        // properties; rejecting them would exhaust proptest's reject budget.
        if !limited {
            assert_matches_reference(&input, &run)?;
        }
    }

    #[test]
    fn strict_utf8_reports_every_invalid_sequence(input in sse_stream(), cuts in cuts()) {
        let config = ParserConfig::default().strict_utf8(true);
        let run = common::run(config, &input, &chunks(input.len(), &cuts));
        let reported: Vec<u64> = run
            .errors()
            .iter()
            .filter(|e| e.kind() == ErrorKind::InvalidUtf8)
            .map(|e| e.offset())
            .collect();
        prop_assert_eq!(reported, reference::invalid_utf8_offsets(&input));
        // Strict mode changes nothing else.
        let lenient = common::run(ParserConfig::default(), &input, &chunks(input.len(), &cuts));
        let without_utf8_errors: Vec<_> = run
            .calls
            .iter()
            .filter(|c| !matches!(c, common::Call::Error(e) if e.kind() == ErrorKind::InvalidUtf8))
            .cloned()
            .collect();
        prop_assert_eq!(without_utf8_errors, lenient.calls);
    }

    #[test]
    fn limits_are_honoured(
        input in sse_stream(),
        cuts in cuts(),
        max_line_len in 0usize..64,
        max_event_size in 0usize..64,
    ) {
        let config = ParserConfig::default()
            .max_line_len(max_line_len)
            .max_event_size(max_event_size);
        let run = common::run(config, &input, &chunks(input.len(), &cuts));
        for record in run.trace() {
            if let ssert_core::Trace::Line(line) = record {
                let len = line.end - line.start;
                if line.kind == ssert_core::LineKind::Oversized {
                    prop_assert!(len > max_line_len as u64, "{:?} is not over {}", line, max_line_len);
                } else {
                    prop_assert!(len <= max_line_len as u64, "{:?} is over {}", line, max_line_len);
                }
            }
        }
        for event in run.events() {
            // The data buffer as ssert counts it: the values plus the LFs joining them, i.e.
            // the dispatched data's UTF-8 length when no U+FFFD replaced anything.
            if !event.data.contains('\u{FFFD}') {
                prop_assert!(event.data.len() <= max_event_size, "{:?} over {}", event, max_event_size);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_split_invariantly(
        input in prop::collection::vec(any::<u8>(), 0..4096),
        cuts in cuts(),
        config in config(),
    ) {
        let whole = common::run_whole(config, &input);
        let chunked = common::run(config, &input, &chunks(input.len(), &cuts));
        let by_byte = common::run(config, &input, &common::byte_by_byte(input.len()).chunks);
        prop_assert_eq!(&chunked, &whole);
        prop_assert_eq!(&by_byte, &whole);
    }
}

/// The complete lines (with terminators) and the unterminated rest the [`Tokenizer`] found.
type Tokenized = (Vec<(Vec<u8>, Terminator)>, Option<Vec<u8>>);

/// Runs the no-alloc [`Tokenizer`] over a caller-held buffer fed in `chunks`.
fn tokenize(input: &[u8], chunks: &[Range<usize>]) -> Tokenized {
    let mut tokenizer = Tokenizer::new();
    let mut buffer = Vec::new();
    let mut lines = Vec::new();
    for chunk in chunks {
        buffer.extend_from_slice(&input[chunk.clone()]);
        while let Status::Complete(raw) = tokenizer.next_line(&buffer) {
            lines.push((raw.line.to_vec(), raw.terminator));
            let consumed = raw.consumed;
            buffer.drain(..consumed);
        }
    }
    let rest = tokenizer.finish(&buffer).map(<[u8]>::to_vec);
    (lines, rest)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn terminator_name(terminator: Terminator) -> &'static str {
    match terminator {
        Terminator::Lf => "lf",
        Terminator::Cr => "cr",
        Terminator::CrLf => "crlf",
        Terminator::Eof => "eof",
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn tokenizer_and_line_parse_match_reference(input in sse_stream(), cuts in cuts()) {
        let (expected_lines, expected_rest) = reference::split(&input);
        let expected_texts: Vec<&str> = expected_lines.iter().map(|(text, _)| text.as_str()).collect();
        let expected_rest = (!expected_rest.is_empty()).then_some(expected_rest);
        let whole = tokenize(&input, &[0..input.len()]);
        let chunked = tokenize(&input, &chunks(input.len(), &cuts));
        for (lines, rest) in [&whole, &chunked] {
            let texts: Vec<String> = lines.iter().map(|(line, _)| lossy(line)).collect();
            prop_assert_eq!(&texts, &expected_texts);
            prop_assert_eq!(&rest.as_deref().map(lossy), &expected_rest);
        }
        // Fed whole, every terminator is known exactly (chunked, a CR ending a buffer is
        // reported as CR at once, by design).
        let terminators: Vec<&str> = whole.0.iter().map(|(_, t)| terminator_name(*t)).collect();
        let expected: Vec<&str> = expected_lines.iter().map(|(_, t)| *t).collect();
        prop_assert_eq!(terminators, expected);
        for (line, _) in &whole.0 {
            let classified = match Line::parse(line) {
                Line::Blank => reference::RefLine::Blank,
                Line::Comment(text) => reference::RefLine::Comment(lossy(text)),
                Line::Field { name, value } => reference::RefLine::Field {
                    name: lossy(name),
                    value: lossy(value),
                },
            };
            prop_assert_eq!(classified, reference::classify(&lossy(line)));
        }
    }
}

/// Owned parts of a generated [`Message`].
#[derive(Clone, Debug)]
struct MessageParts {
    event: Option<String>,
    data: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
}

impl MessageParts {
    fn message(&self) -> Message<'_> {
        Message {
            event: self.event.as_deref(),
            data: self.data.as_deref(),
            id: self.id.as_deref(),
            retry: self.retry,
        }
    }
}

/// Text that tends to hit encoder edge cases: leading spaces, colons, line breaks of every
/// kind, BOMs, NUL, non-ASCII, and field-like text.
fn tricky_text(allow_line_breaks: bool) -> impl Strategy<Value = String> {
    let mut pieces: Vec<&'static str> = vec![
        "a", "x y", " ", "  ", ":", "data: x", "event", "\u{FEFF}", "é", "😀", "\t", "0",
        "\u{2028}", "\u{FFFD}",
    ];
    if allow_line_breaks {
        pieces.extend(["\r", "\n", "\r\n", "\n\n", "\r\r"]);
    }
    let plain = if allow_line_breaks {
        "(?s).{0,8}"
    } else {
        "[^\r\n]{0,8}"
    };
    prop::collection::vec(
        prop_oneof![3 => prop::sample::select(pieces).prop_map(str::to_owned), 1 => plain],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

fn message_parts() -> impl Strategy<Value = MessageParts> {
    (
        prop::option::of(tricky_text(false)),
        prop::option::weighted(0.8, tricky_text(true)),
        prop::option::of(tricky_text(false).prop_map(|id| id.replace('\0', ""))),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(event, data, id, retry)| MessageParts {
            // An event type needs data (the encoder refuses it alone, tested on its own).
            event: event.filter(|_| data.is_some()),
            data,
            id,
            retry,
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn encode_then_parse_round_trips(
        parts in prop::collection::vec(message_parts(), 0..8),
        crlf in any::<bool>(),
        cuts in cuts(),
    ) {
        let messages: Vec<Message<'_>> = parts.iter().map(MessageParts::message).collect();
        let encoder = Encoder::new().line_ending(if crlf { LineEnding::CrLf } else { LineEnding::Lf });
        let mut wire = String::new();
        for message in &messages {
            wire.push_str(&encoder.encode_event(message).expect("valid message encodes"));
        }
        if !crlf {
            prop_assert_eq!(&ssert_core::encode(&messages).expect("valid messages encode"), &wire);
        }
        let run = common::run(ParserConfig::default(), wire.as_bytes(), &chunks(wire.len(), &cuts));
        prop_assert_eq!(run.errors(), vec![], "wire: {:?}", wire);

        let mut last_id = String::new();
        let mut expected = Vec::new();
        for part in &parts {
            if let Some(id) = &part.id {
                last_id.clone_from(id);
            }
            // Without data the block dispatches nothing, but its id and retry take effect.
            let Some(data) = &part.data else { continue };
            let event_type = match part.event.as_deref() {
                None | Some("") => "message".to_owned(),
                Some(event) => event.to_owned(),
            };
            // Receivers join data lines with LF: CR and CRLF come back as LF.
            let data = data.replace("\r\n", "\n").replace('\r', "\n");
            expected.push((event_type, data, last_id.clone()));
        }
        let observed: Vec<(String, String, String)> = run
            .events()
            .iter()
            .map(|e| (e.event_type().to_owned(), e.data.clone(), e.id.clone()))
            .collect();
        prop_assert_eq!(observed, expected, "wire: {:?}", wire);
        let retries: Vec<u64> = parts.iter().filter_map(|p| p.retry).collect();
        prop_assert_eq!(run.retries(), retries, "wire: {:?}", wire);
        prop_assert_eq!(&run.last_event_id, &last_id);
    }

    #[test]
    fn encoder_rejects_line_breaks_and_nul_before_writing(
        prefix in "[^\r\n\0]{0,6}",
        bad in prop::sample::select(vec!["\r", "\n", "\0"]),
        suffix in "[^\r\n\0]{0,6}",
        in_event in any::<bool>(),
    ) {
        // Exactly one offending character, at a known byte offset.
        let value = format!("{prefix}{bad}{suffix}");
        let message = if in_event {
            Message { event: Some(&value), data: Some("d"), ..Message::default() }
        } else {
            Message { id: Some(&value), data: Some("d"), ..Message::default() }
        };
        let mut out = String::new();
        let result = Encoder::new().write_event(&mut out, &message);
        let expected_kind = match (in_event, bad) {
            (true, "\0") => None, // U+0000 is allowed in an event type
            (true, _) => Some(ErrorKind::EventTypeHasNewline),
            (false, "\0") => Some(ErrorKind::IdHasNul),
            (false, _) => Some(ErrorKind::IdHasNewline),
        };
        match expected_kind {
            None => prop_assert!(result.is_ok(), "{:?}", result),
            Some(kind) => {
                let error = result.expect_err("must be rejected");
                prop_assert_eq!(error.kind(), kind);
                prop_assert_eq!(error.offset(), prefix.len() as u64);
                prop_assert_eq!(out, "", "nothing written on error");
            }
        }
    }
}
