//! Contract tests of the public API that the conformance vectors cannot express: auto traits,
//! error codes, zero-copy borrowing, dispatch timing, stream reuse, and the no-alloc tokenizer.

use std::panic::{RefUnwindSafe, UnwindSafe};

use ssert_core::{
    parse, parse_with, Encoder, Error, ErrorKind, Event, LineKind, Message, Parsed, Parser,
    ParserConfig, Status, Terminator, Tokenizer, Trace,
};

#[test]
fn public_types_are_send_sync_unwind_safe() {
    fn check<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}
    check::<Parser>();
    check::<ParserConfig>();
    check::<Parsed>();
    check::<Event<'static>>();
    check::<ssert_core::OwnedEvent>();
    check::<Error>();
    check::<ErrorKind>();
    check::<Trace>();
    check::<Tokenizer>();
    check::<Encoder>();
    check::<Message<'static>>();
}

#[test]
fn error_codes_are_unique_and_round_trip() {
    let mut codes: Vec<&str> = ErrorKind::ALL.iter().map(|kind| kind.code()).collect();
    for kind in ErrorKind::ALL {
        assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
        assert!(!kind.message().is_empty());
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ErrorKind::ALL.len());
    assert_eq!(ErrorKind::from_code("NOPE"), None);
}

/// Records whether each event's data and id point into `chunk`.
fn borrow_flags(parser: &mut Parser, chunk: &[u8]) -> Vec<(bool, bool)> {
    let range = chunk.as_ptr_range();
    let mut flags = Vec::new();
    parser.feed(chunk, &mut |event: Event<'_>| {
        flags.push((
            range.contains(&event.data.as_ptr()),
            range.contains(&event.id.as_ptr()),
        ));
    });
    flags
}

#[test]
fn events_inside_one_chunk_borrow_from_it() {
    let mut parser = Parser::new();
    let flags = borrow_flags(
        &mut parser,
        b"id: 1\nevent: a\ndata: x\n\nid: 2\ndata: y\n\n",
    );
    assert_eq!(flags, [(true, true), (true, true)]);
}

#[test]
fn events_spanning_chunks_or_lines_are_copied() {
    let mut parser = Parser::new();
    assert!(borrow_flags(&mut parser, b"id: 1\ndata: sp").is_empty());
    // Data began in the previous chunk; the id is the one committed before.
    assert_eq!(borrow_flags(&mut parser, b"lit\n\n"), [(false, false)]);
    // Multi-line data is joined, so it cannot borrow.
    assert_eq!(
        borrow_flags(&mut parser, b"data: a\ndata: b\n\n"),
        [(false, false)]
    );
    // Invalid UTF-8 needs U+FFFD.
    assert_eq!(
        borrow_flags(&mut parser, b"data: \xFF\n\n"),
        [(false, false)]
    );
}

#[test]
fn a_cr_ending_a_chunk_dispatches_at_once() {
    let mut parser = Parser::new();
    let mut seen = Vec::new();
    parser.feed(b"data: now\r\r", &mut |event: Event<'_>| {
        seen.push(event.data.to_owned())
    });
    assert_eq!(seen, ["now"], "no need to wait for a possible LF");
    // The LF that follows completes the CRLF: no extra blank line, no extra event.
    let mut later = Parsed::default();
    parser.feed(b"\ndata: next\n\n", &mut later);
    assert_eq!(later.events.len(), 1);
    assert_eq!(later.events[0].data, "next");
}

#[test]
fn finish_keeps_last_id_and_retry_for_the_next_stream() {
    let mut parser = Parser::new();
    let mut out = Parsed::default();
    parser.feed(
        b"retry: 1500\nid: 41\ndata: a\n\nid: 42\ndata: cut",
        &mut out,
    );
    parser.finish(&mut out);
    assert_eq!(parser.last_event_id(), "41");
    assert_eq!(parser.reconnection_time(), Some(1500));
    assert_eq!(parser.offset(), 0);
    // The next stream may start with its own BOM, which is stripped again.
    let mut next = Parsed::default();
    parser.feed(b"\xEF\xBB\xBFdata: b\n\n", &mut next);
    parser.finish(&mut next);
    assert_eq!(next.events[0].id, "41");
    assert_eq!(next.events[0].data, "b");
    assert!(next.errors.is_empty());

    parser.reset();
    assert_eq!(parser.last_event_id(), "");
    assert_eq!(parser.reconnection_time(), None);
}

#[test]
fn limit_errors_keep_earlier_events_and_recover() {
    let config = ParserConfig::default().max_event_size(4);
    let parsed = parse_with(
        b"data: ok\n\nid: 9\ndata: a\ndata: bcdef\ndata: more\n\ndata: fine\n\n",
        config,
        false,
    );
    let data: Vec<&str> = parsed.events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["ok", "fine"]);
    assert_eq!(parsed.errors, [Error::new(ErrorKind::EventTooLarge, 24)]);
    // The discarded block's id never became the last event ID.
    assert_eq!(parsed.last_event_id, "");
}

#[test]
fn oversized_line_split_anywhere_reports_once_at_its_start() {
    let input = b"data: ok\n\ndata: 0123456789abcdef\n\ndata: after\n\n";
    let config = ParserConfig::default().max_line_len(12);
    let whole = parse_with(input, config, true);
    assert_eq!(whole.errors, [Error::new(ErrorKind::LineTooLong, 10)]);
    assert!(whole.trace.iter().any(|record| matches!(
        record,
        Trace::Line(line) if line.kind == LineKind::Oversized && line.start == 10 && line.end == 32
    )));
    for split in 0..input.len() {
        let mut parser = Parser::with_config(config);
        let mut out = Parsed {
            record_trace: true,
            ..Parsed::default()
        };
        parser.feed(&input[..split], &mut out);
        parser.feed(&input[split..], &mut out);
        parser.finish(&mut out);
        out.last_event_id = parser.last_event_id().into();
        assert_eq!(out, whole, "split at {split}");
    }
}

#[test]
fn the_tokenizer_finds_the_lines_the_parser_traces() {
    let input = b"\xEF\xBB\xBF: hi\r\ndata: a\rdata: b\n\nid\r\r\nevent: x\ndata: tail";
    let parsed = parse_with(input, ParserConfig::default(), true);
    let traced: Vec<(u64, u64, Terminator)> = parsed
        .trace
        .iter()
        .filter_map(|record| match record {
            Trace::Line(line) => Some((line.start, line.end, line.terminator)),
            _ => None,
        })
        .collect();

    // Feed the tokenizer byte by byte through a caller-held buffer, as a no-alloc user would.
    let mut tokenizer = Tokenizer::new();
    let mut held: Vec<u8> = Vec::new();
    let mut held_at = 0u64;
    let mut lines = Vec::new();
    for &byte in input.iter() {
        held.push(byte);
        while let Status::Complete(raw) = tokenizer.next_line(&held) {
            let (consumed, line_len, terminator) = (raw.consumed, raw.line.len(), raw.terminator);
            let end_of_line = held_at + (consumed - terminator.as_bytes().len()) as u64;
            lines.push((end_of_line - line_len as u64, end_of_line, terminator));
            held.drain(..consumed);
            held_at += consumed as u64;
        }
    }
    let rest = tokenizer.finish(&held).expect("unterminated tail");
    assert_eq!(rest, b"data: tail");
    lines.push((held_at, held_at + rest.len() as u64, Terminator::Eof));

    // The tokenizer reports a chunk-final CR at once; the parser's trace learns later that it
    // was a CRLF. Compare line positions, and terminators where both know them.
    assert_eq!(lines.len(), traced.len());
    for (ours, theirs) in lines.iter().zip(&traced) {
        assert_eq!((ours.0, ours.1), (theirs.0, theirs.1));
        if ours.2 != Terminator::Cr {
            assert_eq!(ours.2, theirs.2);
        }
    }
}

#[test]
fn encoded_messages_parse_back() {
    let messages = [
        Message {
            event: Some("update"),
            data: Some(" leading space\r\nsecond\rthird\n"),
            id: Some(" 7"),
            retry: Some(250),
        },
        Message {
            retry: Some(1000),
            ..Message::default()
        },
        Message {
            id: Some(""),
            data: Some(""),
            ..Message::default()
        },
    ];
    let wire = ssert_core::encode(&messages).unwrap();
    assert!(
        wire.contains("\n\nretry: 1000\n\nid:\ndata:\n\n"),
        "{wire:?}"
    );
    let parsed = parse(wire.as_bytes());
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.retries, [250, 1000]);
    assert_eq!(parsed.events.len(), 2, "a block without data is no event");
    assert_eq!(parsed.events[0].event_type(), "update");
    assert_eq!(parsed.events[0].data, " leading space\nsecond\nthird\n");
    assert_eq!(parsed.events[0].id, " 7");
    assert_eq!(parsed.events[0].retry, Some(250));
    assert_eq!(parsed.events[1].data, "");
    assert_eq!(parsed.events[1].id, "");
}

#[test]
fn the_encoder_refuses_values_that_would_not_round_trip() {
    let encoder = Encoder::new();
    let cases = [
        (
            Message {
                event: Some("a\rb"),
                ..Message::default()
            },
            ErrorKind::EventTypeHasNewline,
            1,
        ),
        (
            Message {
                id: Some("12\n"),
                ..Message::default()
            },
            ErrorKind::IdHasNewline,
            2,
        ),
        (
            Message {
                id: Some("\0"),
                ..Message::default()
            },
            ErrorKind::IdHasNul,
            0,
        ),
        (
            Message {
                event: Some("ping"),
                ..Message::default()
            },
            ErrorKind::EventTypeWithoutData,
            0,
        ),
    ];
    for (message, kind, offset) in cases {
        let mut out = String::from("untouched");
        assert_eq!(
            encoder.write_event(&mut out, &message),
            Err(Error::new(kind, offset))
        );
        assert_eq!(out, "untouched", "nothing is written on error");
    }
}
