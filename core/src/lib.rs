//! # ssert-core
//!
//! A spec-exact, zero-copy, streaming parser and encoder for Server-Sent Events
//! (`text/event-stream`), and the session validator built on them.
//!
//! The parser is the WHATWG HTML algorithm, "Parsing an event stream" and "Interpreting an
//! event stream" (<https://html.spec.whatwg.org/multipage/server-sent-events.html>), as a push
//! parser: feed byte chunks split anywhere and get exactly the events a browser's
//! `EventSource` would dispatch — CR, LF and CRLF line ends (a CRLF split across chunks is one
//! line end), one leading BOM, U+FFFD for invalid UTF-8, `id` and `retry` rules, and the
//! unterminated last event discarded (and reported).
//!
//! # Overview
//!
//! - [`Parser`] feeds chunks to a [`Sink`]: events, `retry` values, comments, errors, and an
//!   opt-in diagnostic [`Trace`] with byte offsets. [`parse`] does a whole buffer at once.
//! - [`Encoder`] writes [`Message`]s back to the wire format, refusing input that would not
//!   round-trip.
//! - [`Tokenizer`] and [`Line`] are the no-alloc layer: a line splitter over a caller-held
//!   buffer and a line classifier.
//! - [`Error`] is the one error type: an [`ErrorKind`] with a stable code, and a byte offset.
//!
//! # Example: parse a stream that arrives in awkward chunks
//!
//! ```
//! use ssert_core::{Parsed, Parser};
//!
//! // A BOM split in two, a CRLF split between chunks, and a multi-byte character cut in half.
//! let chunks: [&[u8]; 4] = [b"\xEF\xBB", b"\xBFid: 1\r", b"\ndata: caf\xC3", b"\xA9\r\n\r\n"];
//! let mut parser = Parser::new();
//! let mut out = Parsed::default();
//! for chunk in chunks {
//!     parser.feed(chunk, &mut out);
//! }
//! parser.finish(&mut out);
//! assert_eq!(out.events.len(), 1);
//! assert_eq!(out.events[0].data, "café");
//! assert_eq!(out.events[0].id, "1");
//! assert!(out.errors.is_empty());
//! ```
//!
//! # Example: the data a stream loses at the end
//!
//! ```
//! use ssert_core::{parse, ErrorKind};
//!
//! let parsed = parse(b"id: 1\ndata: kept\n\nid: 2\ndata: never dispatched\n");
//! assert_eq!(parsed.events.len(), 1);
//! // A reconnect sends the id of the last *dispatched* block, not the cut-off one.
//! assert_eq!(parsed.last_event_id, "1");
//! assert_eq!(parsed.errors[0].kind(), ErrorKind::IncompleteEvent);
//! assert_eq!(parsed.errors[0].offset(), 18);
//! ```
//!
//! # Example: zero-copy events
//!
//! A sink receives [`Event`]s that borrow from the chunk when the whole event lies in it.
//!
//! ```
//! use ssert_core::{Event, Parser};
//!
//! let chunk = b"event: token\ndata: {\"t\":\"hi\"}\n\n";
//! let mut borrowed = false;
//! Parser::new().feed(chunk, &mut |event: Event<'_>| {
//!     let range = chunk.as_ptr_range();
//!     borrowed = range.contains(&event.data.as_ptr());
//! });
//! assert!(borrowed);
//! ```
//!
//! # Crate features
//!
//! - `alloc` (default): the push [`Parser`], owned events, [`parse`], and the `String` helpers
//!   of the encoder. Without it, the [`Tokenizer`], [`Line`], [`Trace`] types and the
//!   `fmt::Write` [`Encoder`] remain.
//! - `std`: `std::error::Error` for [`Error`], and runtime CPU feature detection in `memchr`.
//! - `serde`: `Serialize`/`Deserialize` for the data types (events, trace records, errors).
//! - `json` (implies `serde`): recordings read from JSON, JSON Lines and HAR, and the JSON forms
//!   of reports and options, with `serde_json` built without `std`.
#![no_std]
#![deny(missing_docs)]
#![deny(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod content_type;
mod encode;
mod error;
mod event;
mod line;
#[cfg(feature = "alloc")]
mod parser;
mod trace;
/// Session recordings and the replay validator: rules, profiles, reports.
#[cfg(feature = "alloc")]
pub mod validate;

pub use content_type::is_event_stream_type;
#[cfg(feature = "alloc")]
pub use encode::encode;
pub use encode::{Encoder, LineEnding, Message};
pub use error::{Error, ErrorKind};
#[cfg(feature = "alloc")]
pub use event::OwnedEvent;
pub use event::{Event, DEFAULT_EVENT_TYPE};
pub use line::{Line, RawLine, Status, Terminator, Tokenizer, BOM};
#[cfg(feature = "alloc")]
pub use parser::{parse, parse_with, Parsed, Parser, ParserConfig, Sink};
pub use trace::{FieldName, LineKind, LineTrace, Span, Trace};

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
