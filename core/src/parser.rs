//! The push parser: feed byte chunks in any split, get the events the WHATWG algorithm defines.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};
use crate::event::{Event, OwnedEvent};
use crate::line::{bom_prefix, shape, BomPrefix, LineEnds, Shape, Terminator, BOM};
use crate::trace::{FieldName, LineKind, LineTrace, Span, Trace};

/// Receives what the [`Parser`] finds, in stream order.
///
/// Only [`event`](Sink::event) is required; the other methods default to doing nothing, and a
/// default method costs nothing (the parser is generic over the sink). A closure
/// `FnMut(Event<'_>)` is a sink that receives events only.
///
/// The sequence of calls a sink receives is the same however the stream is split into chunks.
pub trait Sink {
    /// An event was dispatched. It borrows from the input or the parser; copy what you keep.
    fn event(&mut self, event: Event<'_>);

    /// A valid `retry` field set the reconnection time, in milliseconds. Called for every one,
    /// in order, whether or not an event follows. Values too large for `u64` saturate to
    /// `u64::MAX`.
    fn retry(&mut self, millis: u64) {
        let _ = millis;
    }

    /// A comment line: the text after the colon, with one leading space removed (so `: ping`
    /// gives `"ping"`). The spec ignores comments; servers use them as heartbeats.
    fn comment(&mut self, text: &str) {
        let _ = text;
    }

    /// A problem in the input. Parsing goes on; see [`ErrorKind`] for how each kind recovers.
    fn error(&mut self, error: Error) {
        let _ = error;
    }

    /// A diagnostic [`Trace`] record (opt in by implementing this method).
    fn trace(&mut self, record: Trace) {
        let _ = record;
    }
}

impl<F: FnMut(Event<'_>)> Sink for F {
    fn event(&mut self, event: Event<'_>) {
        self(event)
    }
}

/// Limits and modes of a [`Parser`].
///
/// The limits keep memory bounded on hostile input; a stream that crosses one gets a typed
/// [`Error`] with the offset, loses the event being built, and goes on.
///
/// ```
/// use ssert_core::{parse_with, ErrorKind, ParserConfig};
///
/// let config = ParserConfig::default().max_line_len(8);
/// let parsed = parse_with(b"data: a line too long\n\ndata: ok\n\n", config, false);
/// assert_eq!(parsed.errors[0].kind(), ErrorKind::LineTooLong);
/// assert_eq!(parsed.events.len(), 1);
/// assert_eq!(parsed.events[0].data, "ok");
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ParserConfig {
    max_line_len: usize,
    max_event_size: usize,
    max_buffered: usize,
    strict_utf8: bool,
}

impl Default for ParserConfig {
    fn default() -> ParserConfig {
        ParserConfig {
            max_line_len: 4 << 20,
            max_event_size: 16 << 20,
            max_buffered: 24 << 20,
            strict_utf8: false,
        }
    }
}

impl ParserConfig {
    /// The longest line accepted, in bytes without the terminator (default 4 MiB).
    ///
    /// The spec sets no limit. A longer line is skipped unread, reported as
    /// [`ErrorKind::LineTooLong`] at the line's start, and the event it belongs to is
    /// discarded through the next blank line.
    pub fn max_line_len(mut self, bytes: usize) -> ParserConfig {
        self.max_line_len = bytes;
        self
    }

    /// The largest data buffer accepted (default 16 MiB): the bytes of an event's `data`
    /// values as received, plus one for each LF that joins two lines.
    ///
    /// The spec: "append the field value to the data buffer, then append a single U+000A LINE
    /// FEED (LF) character". A `data` line that would grow the buffer past the limit is
    /// reported as [`ErrorKind::EventTooLarge`] and the event is discarded through the next
    /// blank line.
    pub fn max_event_size(mut self, bytes: usize) -> ParserConfig {
        self.max_event_size = bytes;
        self
    }

    /// The most bytes the parser holds for the current event (default 24 MiB): its data buffer
    /// plus the line being read. This bounds the parser's memory whatever the input, with
    /// `max_line_len` and `max_event_size`. A line that crosses it is skipped and reported as
    /// [`ErrorKind::BufferLimit`] at the line's start; the event is discarded through the next
    /// blank line.
    pub fn max_buffered(mut self, bytes: usize) -> ParserConfig {
        self.max_buffered = bytes;
        self
    }

    /// Reports every invalid UTF-8 sequence as [`ErrorKind::InvalidUtf8`] with its offset
    /// (default off). Decoding is the same either way: the spec's "UTF-8 decode" replaces each
    /// maximal invalid subpart with U+FFFD. Oversized lines are skipped unchecked.
    pub fn strict_utf8(mut self, strict: bool) -> ParserConfig {
        self.strict_utf8 = strict;
        self
    }
}

/// Where the parser is in the optional leading byte order mark.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum BomState {
    /// At stream start, with this many BOM bytes matched so far (held, not yet lines).
    Pending(u8),
    /// Decided: stripped, or absent.
    Done,
}

/// The incremental, zero-copy `text/event-stream` parser.
///
/// Implements "Parsing an event stream" and "Interpreting an event stream" of the WHATWG
/// HTML standard (<https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream>).
///
/// Feed chunks with [`feed`](Parser::feed) as they arrive and call
/// [`finish`](Parser::finish) at end of stream. Events whose block lies inside one chunk
/// borrow their strings from that chunk; only events spanning chunks, multi-line data and
/// U+FFFD replacement copy. Each byte is scanned once, whatever the chunking.
///
/// ```
/// use ssert_core::{Event, Parser};
///
/// let mut parser = Parser::new();
/// let mut seen = Vec::new();
/// let mut sink = |event: Event<'_>| seen.push((event.event_type().to_owned(), event.data.to_owned(), event.id.to_owned()));
/// parser.feed(b"event: greeting\r\nid: 1\r\ndata: hel", &mut sink);
/// parser.feed(b"lo\r", &mut sink);
/// parser.feed(b"\n\r\ndata: second\n\n", &mut sink);
/// parser.finish(&mut sink);
/// assert_eq!(seen, [
///     ("greeting".to_owned(), "hello".to_owned(), "1".to_owned()),
///     ("message".to_owned(), "second".to_owned(), "1".to_owned()),
/// ]);
/// assert_eq!(parser.last_event_id(), "1");
/// ```
#[derive(Clone, Debug)]
pub struct Parser {
    config: ParserConfig,
    /// Stream offset of the next byte to be fed.
    offset: u64,
    bom: BomState,
    /// The last line ended with a CR that was the last byte of its chunk.
    after_cr: bool,
    /// The trace record of that line, sent once the next byte tells CR from CRLF.
    deferred_line: Option<LineTrace>,

    /// The start of a line that continues into the next chunk.
    line_buf: Vec<u8>,
    line_start: u64,
    /// Inside an oversized line: its bytes are dropped until its terminator.
    skipping_line: bool,

    /// After a limit error: fields are ignored until the next blank line.
    discarding: bool,
    /// Offset of the current block's first field line.
    block_start: Option<u64>,
    /// The current block has a `data` or `id` field: losing it at end of stream loses an event
    /// or a last event ID. (`event` alone dispatches nothing, so losing it loses nothing.)
    block_has_payload: bool,
    block_retry: Option<u64>,

    /// The data buffer, when not borrowed from the current chunk.
    data_buf: String,
    has_data: bool,
    /// Size of the data buffer as [`ParserConfig::max_event_size`] counts it.
    data_len: usize,
    /// The event type buffer, when not borrowed; `has_event` is false for the empty string.
    event_buf: String,
    has_event: bool,
    /// The last event ID buffer, when it differs from `last_id` and is not borrowed.
    id_buf: String,
    id_dirty: bool,
    /// The last event ID string, committed at dispatch.
    last_id: String,
    reconnection_time: Option<u64>,

    /// For comments that need U+FFFD replacement.
    scratch: String,
}

impl Default for Parser {
    fn default() -> Parser {
        Parser::with_config(ParserConfig::default())
    }
}

/// Values borrowed from the chunk being fed; each, when set, replaces the parser's own buffer.
#[derive(Default)]
struct Borrowed<'c> {
    data: Option<&'c str>,
    event: Option<&'c str>,
    id: Option<&'c str>,
    /// The last event ID string, when a block of this chunk committed it: copied into
    /// `Parser::last_id` once, when the chunk ends, instead of at every dispatch.
    last_id: Option<&'c str>,
}

/// A line's bytes: in the chunk (events can borrow them) or in a temporary buffer.
#[derive(Copy, Clone)]
enum Bytes<'c, 't> {
    /// `chunk[start..end]`, where `text` is the longest valid UTF-8 prefix of the chunk's
    /// complete lines, which begin at `text_start`.
    Chunk {
        chunk: &'c [u8],
        text: &'c str,
        text_start: usize,
        start: usize,
        end: usize,
    },
    Temp(&'t [u8]),
}

impl<'c, 't> Bytes<'c, 't> {
    #[inline]
    fn get(&self) -> &'t [u8]
    where
        'c: 't,
    {
        match self {
            Bytes::Chunk {
                chunk, start, end, ..
            } => &chunk[*start..*end],
            Bytes::Temp(bytes) => bytes,
        }
    }

    /// The part from byte `from` on.
    #[inline]
    fn tail(self, from: usize) -> Bytes<'c, 't> {
        match self {
            Bytes::Chunk {
                chunk,
                text,
                text_start,
                start,
                end,
            } => Bytes::Chunk {
                chunk,
                text,
                text_start,
                start: start + from,
                end,
            },
            Bytes::Temp(bytes) => Bytes::Temp(&bytes[from..]),
        }
    }

    /// Appends the bytes, decoded, to `out`.
    #[inline]
    fn push_to(&self, out: &mut String) {
        match self.borrow_str() {
            Some(text) => out.push_str(text),
            None => push_lossy(out, self.get()),
        }
    }

    /// The bytes as a borrowed `&str` when they are in the chunk and valid UTF-8. Inside the
    /// chunk's valid prefix this costs no validation: value boundaries are ASCII bytes, hence
    /// character boundaries, which `str::get` checks.
    #[inline]
    fn borrow_str(&self) -> Option<&'c str> {
        match self {
            Bytes::Chunk {
                chunk,
                text,
                text_start,
                start,
                end,
            } => match text.get(*start - *text_start..*end - *text_start) {
                Some(value) => Some(value),
                None => valid_utf8(&chunk[*start..*end]),
            },
            Bytes::Temp(_) => None,
        }
    }
}

/// The longest valid UTF-8 prefix of `bytes`, as text. One SIMD pass over a chunk's
/// complete lines replaces a validation per field value.
fn valid_prefix(bytes: &[u8]) -> &str {
    match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => valid_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default(),
    }
}

impl Parser {
    /// A parser with the default [`ParserConfig`].
    pub fn new() -> Parser {
        Parser::default()
    }

    /// A parser with the given limits and modes.
    pub fn with_config(config: ParserConfig) -> Parser {
        Parser {
            config,
            offset: 0,
            bom: BomState::Pending(0),
            after_cr: false,
            deferred_line: None,
            line_buf: Vec::new(),
            line_start: 0,
            skipping_line: false,
            discarding: false,
            block_start: None,
            block_has_payload: false,
            block_retry: None,
            data_buf: String::new(),
            has_data: false,
            data_len: 0,
            event_buf: String::new(),
            has_event: false,
            id_buf: String::new(),
            id_dirty: false,
            last_id: String::new(),
            reconnection_time: None,
            scratch: String::new(),
        }
    }

    /// The configuration this parser runs with.
    pub fn config(&self) -> ParserConfig {
        self.config
    }

    /// The last event ID string: what an `EventSource` would send as `Last-Event-ID` if it
    /// reconnected now. It changes only when a blank line dispatches a block (even one with no
    /// data), so an `id` in a block cut off by the end of the stream never reaches it.
    pub fn last_event_id(&self) -> &str {
        &self.last_id
    }

    /// Sets the last event ID, as a client that resumes a stream it read earlier starts out
    /// with the id it kept (and sends it as `Last-Event-ID`). An `id` field in the block being
    /// read, if any, still replaces it when that block is dispatched.
    ///
    /// ```
    /// use ssert_core::{Parsed, Parser};
    ///
    /// let mut parser = Parser::new();
    /// parser.set_last_event_id("41");
    /// let mut out = Parsed::default();
    /// parser.feed(b"data: no id of its own\n\nid: 42\ndata: x\n\n", &mut out);
    /// assert_eq!(out.events[0].id, "41");
    /// assert_eq!(parser.last_event_id(), "42");
    /// ```
    pub fn set_last_event_id(&mut self, id: &str) {
        self.last_id.clear();
        self.last_id.push_str(id);
    }

    /// [`set_last_event_id`](Self::set_last_event_id) for an id from outside the stream (a
    /// client's API): one with CR or LF (no `Last-Event-ID` header can carry it) or NUL (no
    /// stream can set it) is refused with the encoder's error for it, and the id kept.
    ///
    /// ```
    /// use ssert_core::{ErrorKind, Parser};
    ///
    /// let mut parser = Parser::new();
    /// parser.try_set_last_event_id("41").unwrap();
    /// let error = parser.try_set_last_event_id("4\n2").unwrap_err();
    /// assert_eq!((error.kind(), error.offset()), (ErrorKind::IdHasNewline, 1));
    /// assert_eq!(parser.last_event_id(), "41");
    /// ```
    pub fn try_set_last_event_id(&mut self, id: &str) -> Result<(), Error> {
        let message = crate::Message {
            id: Some(id),
            ..crate::Message::default()
        };
        crate::Encoder::new().check(&message)?;
        self.set_last_event_id(id);
        Ok(())
    }

    /// The reconnection time set by the last valid `retry` field, in milliseconds.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.reconnection_time
    }

    /// Bytes fed so far in the current stream.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Returns the parser to its freshly created state, forgetting the last event ID and
    /// reconnection time too. Nothing is reported about unfinished input.
    pub fn reset(&mut self) {
        *self = Parser {
            data_buf: core::mem::take(&mut self.data_buf),
            line_buf: core::mem::take(&mut self.line_buf),
            ..Parser::with_config(self.config)
        };
        self.data_buf.clear();
        self.line_buf.clear();
    }

    /// Parses the next chunk of the stream. Chunks may split the stream anywhere, even inside
    /// a CRLF, a UTF-8 character or the BOM.
    pub fn feed<S: Sink>(&mut self, chunk: &[u8], sink: &mut S) {
        let mut pos = 0;
        if let BomState::Pending(matched) = self.bom {
            let matched = usize::from(matched);
            let mut held = [0u8; 3];
            held[..matched].copy_from_slice(&BOM[..matched]);
            let take = chunk.len().min(BOM.len() - matched);
            held[matched..matched + take].copy_from_slice(&chunk[..take]);
            match bom_prefix(&held[..matched + take]) {
                BomPrefix::Partial => {
                    // All of this chunk may still be a BOM: hold it (it is at most two bytes).
                    self.bom = BomState::Pending(u8::try_from(matched + take).unwrap_or(0));
                    self.offset += chunk.len() as u64;
                    return;
                }
                BomPrefix::Complete => {
                    self.bom = BomState::Done;
                    sink.trace(Trace::Bom { offset: 0 });
                    pos = take;
                }
                BomPrefix::Absent => {
                    self.bom = BomState::Done;
                    // The held bytes were stream bytes after all: the start of the first line.
                    if matched > 0 {
                        self.line_start = 0;
                        self.buffer_partial(&mut Borrowed::default(), &BOM[..matched], sink);
                    }
                }
            }
        }
        if self.after_cr && pos < chunk.len() {
            let terminator = if chunk[pos] == b'\n' {
                pos += 1;
                Terminator::CrLf
            } else {
                Terminator::Cr
            };
            self.after_cr = false;
            self.flush_deferred_line(terminator, sink);
        }

        let mut borrowed = Borrowed::default();
        // Validated on first use: from the first line that starts in this chunk to the last
        // line end (a partial line is validated once complete, from the line buffer).
        let mut chunk_text: Option<(usize, &str)> = None;
        let mut line_ends = LineEnds::new(chunk);
        while pos < chunk.len() {
            let Some(end) = line_ends.next_from(pos) else {
                if self.line_buf.is_empty() && !self.skipping_line {
                    self.line_start = self.offset + pos as u64;
                }
                self.buffer_partial(&mut borrowed, &chunk[pos..], sink);
                break;
            };
            let (terminator, next) = if chunk[end] == b'\n' {
                (Terminator::Lf, end + 1)
            } else if end + 1 == chunk.len() {
                self.after_cr = true;
                (Terminator::Cr, end + 1)
            } else if chunk[end + 1] == b'\n' {
                (Terminator::CrLf, end + 2)
            } else {
                (Terminator::Cr, end + 1)
            };
            let end_offset = self.offset + end as u64;
            if self.skipping_line {
                self.skipping_line = false;
                self.line_buf.clear();
                self.emit_line(
                    self.line_start,
                    end_offset,
                    terminator,
                    LineKind::Oversized,
                    sink,
                );
            } else if self.line_buf.is_empty() {
                let start = self.offset + pos as u64;
                let (text_start, text) = *chunk_text.get_or_insert_with(|| {
                    let last_end = memchr::memrchr2(b'\n', b'\r', chunk).unwrap_or(end);
                    (pos, valid_prefix(&chunk[pos..last_end]))
                });
                self.on_line(
                    &mut borrowed,
                    Bytes::Chunk {
                        chunk,
                        text,
                        text_start,
                        start: pos,
                        end,
                    },
                    start,
                    terminator,
                    sink,
                );
            } else {
                let mut line = core::mem::take(&mut self.line_buf);
                let start = self.line_start;
                if let Some(kind) = self.line_limit(line.len() + (end - pos)) {
                    sink.error(Error::new(kind, start));
                    self.discard_block(&mut borrowed);
                    self.emit_line(start, end_offset, terminator, LineKind::Oversized, sink);
                } else {
                    line.extend_from_slice(&chunk[pos..end]);
                    self.on_line(&mut borrowed, Bytes::Temp(&line), start, terminator, sink);
                }
                line.clear();
                self.line_buf = line;
            }
            pos = next;
        }
        self.offset += chunk.len() as u64;
        self.keep(borrowed);
    }

    /// Ends the stream (EOF, or the connection closed).
    ///
    /// A final lone CR ends its line. The spec then discards the unterminated block: "If the
    /// file ends in the middle of an event, before the final empty line, the incomplete event
    /// is not dispatched." When that loses something, the sink gets [`Trace::DiscardedTail`] and
    /// an [`ErrorKind::IncompleteEvent`] error at the block's start: when the block held a
    /// `data` field (an event) or an `id` field (a last event ID), or the stream ends inside a
    /// line that is, or may be the cut-off start of, a `data`, `id` or `retry` field (`d`, say).
    /// A tail of `event` or unknown fields alone loses nothing: without `data` no event is
    /// dispatched ("If the data buffer is an empty string... return").
    ///
    /// Afterwards the parser is ready for the next stream of the same source, as after an
    /// `EventSource` reconnects: the BOM check is re-armed and offsets restart at zero, while
    /// [`last_event_id`](Parser::last_event_id) and
    /// [`reconnection_time`](Parser::reconnection_time) are kept.
    pub fn finish<S: Sink>(&mut self, sink: &mut S) {
        if let BomState::Pending(matched) = self.bom {
            // A stream of one or two BOM bytes: they were a partial first line all along.
            self.line_start = 0;
            self.buffer_partial(&mut Borrowed::default(), &BOM[..usize::from(matched)], sink);
        }
        if self.after_cr {
            self.after_cr = false;
            self.flush_deferred_line(Terminator::Cr, sink);
        }
        let mut lost_from = if self.block_has_payload && !self.discarding {
            self.block_start
        } else {
            None
        };
        if self.skipping_line {
            self.emit_line(
                self.line_start,
                self.offset,
                Terminator::Eof,
                LineKind::Oversized,
                sink,
            );
        } else if !self.line_buf.is_empty() {
            let line = core::mem::take(&mut self.line_buf);
            self.check_utf8(&line, self.line_start, sink);
            let kind = match shape(&line) {
                Shape::Blank => LineKind::Blank,
                Shape::Comment { .. } => LineKind::Comment,
                Shape::Field { name_end, .. } => {
                    if !self.discarding && cut_line_matters(&line, name_end) {
                        lost_from = lost_from.or(Some(self.block_start.unwrap_or(self.line_start)));
                    }
                    LineKind::Field(FieldName::of(&line[..name_end]))
                }
            };
            self.emit_line(self.line_start, self.offset, Terminator::Eof, kind, sink);
            self.line_buf = line;
        }
        if let Some(start) = lost_from {
            sink.trace(Trace::DiscardedTail {
                start,
                end: self.offset,
            });
            sink.error(Error::new(ErrorKind::IncompleteEvent, start));
        }
        self.clear_block(&mut Borrowed::default());
        self.id_dirty = false;
        self.discarding = false;
        self.line_buf.clear();
        self.skipping_line = false;
        self.offset = 0;
        self.bom = BomState::Pending(0);
    }

    /// Holds the start of a line that continues in the next chunk.
    fn buffer_partial<S: Sink>(&mut self, borrowed: &mut Borrowed<'_>, bytes: &[u8], sink: &mut S) {
        if self.skipping_line {
            return;
        }
        let len = self.line_buf.len() + bytes.len();
        if let Some(kind) = self.line_limit(len) {
            sink.error(Error::new(kind, self.line_start));
            self.discard_block(borrowed);
            self.line_buf.clear();
            self.skipping_line = true;
            return;
        }
        self.line_buf.extend_from_slice(bytes);
    }

    /// The limit a line of `len` bytes crosses, if any. Whichever limit a growing line would
    /// cross first wins, so the answer does not depend on how the line was chunked.
    fn line_limit(&self, len: usize) -> Option<ErrorKind> {
        let buffer_room = self.config.max_buffered.saturating_sub(self.data_len);
        if self.config.max_line_len <= buffer_room {
            (len > self.config.max_line_len).then_some(ErrorKind::LineTooLong)
        } else {
            (len > buffer_room).then_some(ErrorKind::BufferLimit)
        }
    }

    /// One complete line.
    #[inline(always)]
    fn on_line<'c, S: Sink>(
        &mut self,
        borrowed: &mut Borrowed<'c>,
        line: Bytes<'c, '_>,
        start: u64,
        terminator: Terminator,
        sink: &mut S,
    ) {
        let bytes = line.get();
        let end = start + bytes.len() as u64;
        if let Some(kind) = self.line_limit(bytes.len()) {
            sink.error(Error::new(kind, start));
            self.discard_block(borrowed);
            self.emit_line(start, end, terminator, LineKind::Oversized, sink);
            return;
        }
        self.check_utf8(bytes, start, sink);
        let kind = match shape(bytes) {
            Shape::Blank => {
                self.dispatch(borrowed, start, sink);
                LineKind::Blank
            }
            Shape::Comment { text } => {
                let comment = line.tail(text);
                let text = match comment.borrow_str() {
                    Some(text) => text,
                    None => decode(comment.get(), &mut self.scratch),
                };
                sink.comment(text);
                LineKind::Comment
            }
            Shape::Field { name_end, value } => {
                let name = FieldName::of(&bytes[..name_end]);
                let value = line.tail(value);
                self.block_start.get_or_insert(start);
                if !self.discarding {
                    self.on_field(borrowed, name, value, start, sink);
                }
                LineKind::Field(name)
            }
        };
        self.emit_line(start, end, terminator, kind, sink);
    }

    /// "Process the field", for one field line of the current block.
    #[inline(always)]
    fn on_field<'c, S: Sink>(
        &mut self,
        borrowed: &mut Borrowed<'c>,
        name: FieldName,
        value: Bytes<'c, '_>,
        start: u64,
        sink: &mut S,
    ) {
        match name {
            FieldName::Data => {
                self.block_has_payload = true;
                let bytes = value.get();
                let len = if self.has_data {
                    self.data_len + 1 + bytes.len()
                } else {
                    bytes.len()
                };
                if len > self.config.max_event_size {
                    sink.error(Error::new(ErrorKind::EventTooLarge, start));
                    self.discard_block(borrowed);
                    return;
                }
                // "Append the field value to the data buffer, then append a single U+000A LINE
                // FEED (LF) character": kept as lines joined by LF, which is the same once the
                // dispatch removes the final LF.
                if !self.has_data {
                    self.has_data = true;
                    borrowed.data = value.borrow_str();
                    if borrowed.data.is_none() {
                        self.data_buf.clear();
                        push_lossy(&mut self.data_buf, bytes);
                    }
                } else {
                    if let Some(first) = borrowed.data.take() {
                        self.data_buf.clear();
                        self.data_buf.push_str(first);
                    }
                    self.data_buf.push('\n');
                    value.push_to(&mut self.data_buf);
                }
                self.data_len = len;
            }
            FieldName::Event => {
                // "Set the event type buffer to the field value."
                let bytes = value.get();
                self.has_event = !bytes.is_empty();
                borrowed.event = value.borrow_str();
                if borrowed.event.is_none() {
                    self.event_buf.clear();
                    push_lossy(&mut self.event_buf, bytes);
                }
            }
            FieldName::Id => {
                // "If the field value does not contain U+0000 NULL, then set the last event ID
                // buffer to the field value. Otherwise, ignore the field."
                let bytes = value.get();
                if bytes.contains(&0) {
                    sink.trace(Trace::IgnoredId { offset: start });
                    return;
                }
                self.block_has_payload = true;
                self.id_dirty = true;
                borrowed.id = value.borrow_str();
                if borrowed.id.is_none() {
                    self.id_buf.clear();
                    push_lossy(&mut self.id_buf, bytes);
                }
            }
            FieldName::Retry => {
                // "If the field value consists of only ASCII digits, then interpret the field
                // value as an integer in base ten, and set the event stream's reconnection time
                // to that integer. Otherwise, ignore the field." An empty value is ignored, as
                // browsers do.
                let bytes = value.get();
                if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
                    sink.trace(Trace::InvalidRetry { offset: start });
                    return;
                }
                let millis = bytes.iter().fold(0u64, |acc, digit| {
                    acc.saturating_mul(10)
                        .saturating_add(u64::from(digit - b'0'))
                });
                self.reconnection_time = Some(millis);
                self.block_retry = Some(millis);
                sink.retry(millis);
            }
            FieldName::Unknown => {}
        }
    }

    /// "Dispatch the event", on a blank line that starts at `blank_start`.
    fn dispatch<S: Sink>(&mut self, borrowed: &mut Borrowed<'_>, blank_start: u64, sink: &mut S) {
        if self.discarding {
            self.discarding = false;
            self.clear_block(borrowed);
            return;
        }
        // "Set the last event ID string of the event source to the value of the last event ID
        // buffer."
        if self.id_dirty {
            match borrowed.id {
                Some(id) => borrowed.last_id = Some(id),
                None => {
                    self.last_id.clear();
                    self.last_id.push_str(&self.id_buf);
                    borrowed.last_id = None;
                }
            }
            self.id_dirty = false;
        }
        // "If the data buffer is an empty string, set the data buffer and the event type
        // buffer to the empty string and return."
        if self.has_data {
            let event = Event {
                event: self
                    .has_event
                    .then(|| borrowed.event.unwrap_or(&self.event_buf)),
                data: borrowed.data.unwrap_or(&self.data_buf),
                id: borrowed.last_id.unwrap_or(&self.last_id),
                retry: self.block_retry,
                span: Span {
                    start: self.block_start.unwrap_or(blank_start),
                    end: blank_start,
                },
            };
            sink.event(event);
        }
        self.clear_block(borrowed);
    }

    /// Forgets the block being built (after dispatch, or to discard it).
    fn clear_block(&mut self, borrowed: &mut Borrowed<'_>) {
        borrowed.data = None;
        borrowed.event = None;
        borrowed.id = None;
        self.has_data = false;
        self.data_len = 0;
        self.has_event = false;
        self.block_retry = None;
        self.block_start = None;
        self.block_has_payload = false;
    }

    /// Drops the block being built after a limit error: nothing of it is dispatched, its id
    /// does not become the last event ID, and its remaining fields are ignored.
    fn discard_block(&mut self, borrowed: &mut Borrowed<'_>) {
        self.clear_block(borrowed);
        self.id_dirty = false;
        self.discarding = true;
    }

    /// Copies what the block borrows from the chunk before the chunk goes away.
    fn keep(&mut self, borrowed: Borrowed<'_>) {
        if let Some(data) = borrowed.data {
            self.data_buf.clear();
            self.data_buf.push_str(data);
        }
        if let Some(event) = borrowed.event {
            self.event_buf.clear();
            self.event_buf.push_str(event);
        }
        if let Some(id) = borrowed.id {
            self.id_buf.clear();
            self.id_buf.push_str(id);
        }
        if let Some(last_id) = borrowed.last_id {
            self.last_id.clear();
            self.last_id.push_str(last_id);
        }
    }

    fn check_utf8<S: Sink>(&self, bytes: &[u8], start: u64, sink: &mut S) {
        if !self.config.strict_utf8 || valid_utf8(bytes).is_some() {
            return;
        }
        let mut at = 0;
        for piece in bytes.utf8_chunks() {
            at += piece.valid().len();
            if !piece.invalid().is_empty() {
                sink.error(Error::new(ErrorKind::InvalidUtf8, start + at as u64));
                at += piece.invalid().len();
            }
        }
    }

    fn emit_line<S: Sink>(
        &mut self,
        start: u64,
        end: u64,
        terminator: Terminator,
        kind: LineKind,
        sink: &mut S,
    ) {
        let record = LineTrace {
            start,
            end,
            terminator,
            kind,
        };
        if terminator == Terminator::Cr && self.after_cr {
            self.deferred_line = Some(record);
        } else {
            sink.trace(Trace::Line(record));
        }
    }

    fn flush_deferred_line<S: Sink>(&mut self, terminator: Terminator, sink: &mut S) {
        if let Some(mut record) = self.deferred_line.take() {
            record.terminator = terminator;
            sink.trace(Trace::Line(record));
        }
    }
}

/// Whether a field line cut off by the end of the stream (`line`, whose name ends at
/// `name_end`) loses something: it names `data`, `id` or `retry`, whose line would have
/// counted had it ended, or, with no colon yet, it may be the start of one of those names.
fn cut_line_matters(line: &[u8], name_end: usize) -> bool {
    const NAMES: [&[u8]; 3] = [b"data", b"id", b"retry"];
    let name = &line[..name_end];
    if name_end < line.len() {
        NAMES.contains(&name)
    } else {
        NAMES.iter().any(|full| full.starts_with(name))
    }
}

/// Decodes `bytes` as the spec's "UTF-8 decode" does, borrowing when they are valid.
fn decode<'a>(bytes: &'a [u8], scratch: &'a mut String) -> &'a str {
    match valid_utf8(bytes) {
        Some(text) => text,
        None => {
            scratch.clear();
            push_lossy(scratch, bytes);
            scratch
        }
    }
}

/// `bytes` as text if they are valid UTF-8. `simdutf8` validates with SIMD where the CPU
/// has it; its error carries no position, so the rare invalid input takes the slow path.
#[inline]
fn valid_utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// Appends `bytes` decoded with U+FFFD for each maximal invalid subpart (as the WHATWG
/// Encoding standard's UTF-8 decoder, and `String::from_utf8_lossy`, do).
fn push_lossy(out: &mut String, bytes: &[u8]) {
    if let Some(text) = valid_utf8(bytes) {
        out.push_str(text);
        return;
    }
    for piece in bytes.utf8_chunks() {
        out.push_str(piece.valid());
        if !piece.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// Everything a whole stream produced: the result of [`parse`] and [`parse_with`], and a
/// [`Sink`] that collects owned copies of whatever it is given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Parsed {
    /// Dispatched events, in order.
    pub events: Vec<OwnedEvent>,
    /// Every valid `retry` value, in order.
    pub retries: Vec<u64>,
    /// Every comment's text, in order.
    pub comments: Vec<String>,
    /// Every error, in order.
    pub errors: Vec<Error>,
    /// The diagnostic trace, when asked for.
    pub trace: Vec<Trace>,
    /// Whether [`Sink::trace`] records are kept.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub record_trace: bool,
    /// The last event ID after the stream: what a reconnect would send.
    pub last_event_id: String,
}

impl Sink for Parsed {
    fn event(&mut self, event: Event<'_>) {
        self.events.push(event.to_owned());
    }
    fn retry(&mut self, millis: u64) {
        self.retries.push(millis);
    }
    fn comment(&mut self, text: &str) {
        self.comments.push(text.into());
    }
    fn error(&mut self, error: Error) {
        self.errors.push(error);
    }
    fn trace(&mut self, record: Trace) {
        if self.record_trace {
            self.trace.push(record);
        }
    }
}

/// Parses a whole stream with the default configuration.
///
/// ```
/// let parsed = ssert_core::parse(b"data: a\ndata: b\n\nid: 7\ndata: c\n\ndata: lost");
/// let data: Vec<&str> = parsed.events.iter().map(|e| e.data.as_str()).collect();
/// assert_eq!(data, ["a\nb", "c"]);
/// assert_eq!(parsed.events[1].id, "7");
/// assert_eq!(parsed.errors[0].code(), "INCOMPLETE_EVENT");
/// ```
pub fn parse(input: &[u8]) -> Parsed {
    parse_with(input, ParserConfig::default(), false)
}

/// Parses a whole stream with `config`, keeping the diagnostic trace if `trace` is set.
pub fn parse_with(input: &[u8], config: ParserConfig, trace: bool) -> Parsed {
    let mut parser = Parser::with_config(config);
    let mut parsed = Parsed {
        record_trace: trace,
        ..Parsed::default()
    };
    parser.feed(input, &mut parsed);
    parser.finish(&mut parsed);
    parsed.last_event_id = parser.last_event_id().into();
    parsed
}
