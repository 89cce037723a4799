//! The encoder: writes events in the `text/event-stream` format, safe by construction.
//!
//! Whatever it is given, the output parses back to the same event (or, for a message without
//! data, to the same id and retry and no event; in data, every line break, CR, LF or CRLF,
//! comes back as LF, since the format has one), or the encoder refuses with a typed [`Error`]
//! before writing anything: an event type or id with a line break would inject fields, an id
//! with U+0000 would be ignored by every receiver, and an event type without data would be lost.

use core::fmt::{self, Write};

use crate::error::{Error, ErrorKind};

/// One event to encode.
///
/// ```
/// use ssert_core::{Encoder, Message};
///
/// let message = Message { event: Some("update"), id: Some("42"), data: Some("line one\nline two"), ..Message::default() };
/// let mut out = String::new();
/// Encoder::new().write_event(&mut out, &message).unwrap();
/// assert_eq!(out, "event: update\nid: 42\ndata: line one\ndata: line two\n\n");
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Message<'a> {
    /// The event type; `None` writes no `event` field, so receivers see `"message"`. An event
    /// type needs `data`: without it receivers would dispatch nothing, so the encoder refuses
    /// ([`ErrorKind::EventTypeWithoutData`]).
    pub event: Option<&'a str>,
    /// The data, split on CR, LF and CRLF into one `data` line each (receivers join them with
    /// LF, so CR and CRLF come back as LF). `Some("")` is one empty `data` line: an event with
    /// empty data. `None` writes no `data` line, so receivers dispatch no event, while the `id`
    /// and `retry` written with it still take effect.
    ///
    /// ```
    /// use ssert_core::{encode, parse, Message};
    /// let wire = encode(&[Message { retry: Some(3000), ..Message::default() }]).unwrap();
    /// assert_eq!(wire, "retry: 3000\n\n");
    /// let parsed = parse(wire.as_bytes());
    /// assert!(parsed.events.is_empty());
    /// assert_eq!(parsed.retries, [3000]);
    /// ```
    pub data: Option<&'a str>,
    /// The id; `None` writes no `id` field (receivers keep their last event ID), `Some("")`
    /// writes an empty one (receivers reset it).
    pub id: Option<&'a str>,
    /// A reconnection time in milliseconds to send with the event.
    pub retry: Option<u64>,
}

/// The line ending the encoder writes.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum LineEnding {
    /// `\n`, the common choice.
    #[default]
    Lf,
    /// `\r\n`.
    CrLf,
}

impl LineEnding {
    fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// Writes events and comments.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoder {
    line_ending: LineEnding,
}

impl Encoder {
    /// An encoder writing LF line endings.
    pub const fn new() -> Encoder {
        Encoder {
            line_ending: LineEnding::Lf,
        }
    }

    /// Sets the line ending.
    ///
    /// ```
    /// use ssert_core::{Encoder, LineEnding, Message};
    /// let mut out = String::new();
    /// Encoder::new().line_ending(LineEnding::CrLf).write_event(&mut out, &Message { data: Some("x"), ..Message::default() }).unwrap();
    /// assert_eq!(out, "data: x\r\n\r\n");
    /// ```
    pub const fn line_ending(mut self, line_ending: LineEnding) -> Encoder {
        self.line_ending = line_ending;
        self
    }

    /// Checks that `message` can be encoded faithfully.
    ///
    /// ```
    /// use ssert_core::{Encoder, ErrorKind, Message};
    /// let error = Encoder::new().check(&Message { id: Some("a\nb"), ..Message::default() }).unwrap_err();
    /// assert_eq!((error.kind(), error.offset()), (ErrorKind::IdHasNewline, 1));
    /// ```
    pub fn check(&self, message: &Message<'_>) -> Result<(), Error> {
        if let Some(event) = message.event {
            if let Some(at) = memchr::memchr2(b'\r', b'\n', event.as_bytes()) {
                return Err(Error::new(ErrorKind::EventTypeHasNewline, at as u64));
            }
        }
        if let Some(id) = message.id {
            if let Some(at) = memchr::memchr2(b'\r', b'\n', id.as_bytes()) {
                return Err(Error::new(ErrorKind::IdHasNewline, at as u64));
            }
            if let Some(at) = memchr::memchr(0, id.as_bytes()) {
                return Err(Error::new(ErrorKind::IdHasNul, at as u64));
            }
        }
        if message.event.is_some() && message.data.is_none() {
            return Err(Error::new(ErrorKind::EventTypeWithoutData, 0));
        }
        Ok(())
    }

    /// Writes one event, ended by a blank line. Writes nothing if the message is invalid.
    pub fn write_event<W: Write>(&self, out: &mut W, message: &Message<'_>) -> Result<(), Error> {
        self.check(message)?;
        self.write_checked(out, message)
            .map_err(|fmt::Error| Error::new(ErrorKind::Write, 0))
    }

    fn write_checked<W: Write>(&self, out: &mut W, message: &Message<'_>) -> fmt::Result {
        if let Some(event) = message.event {
            self.field(out, "event", event)?;
        }
        if let Some(id) = message.id {
            self.field(out, "id", id)?;
        }
        if let Some(retry) = message.retry {
            write!(out, "retry: {retry}{}", self.line_ending.as_str())?;
        }
        for line in message.data.into_iter().flat_map(split_lines) {
            self.field(out, "data", line)?;
        }
        out.write_str(self.line_ending.as_str())
    }

    /// Writes a comment (`: text`), one comment line per line of `text`. Receivers ignore
    /// comments; servers send them as heartbeats.
    ///
    /// ```
    /// let mut out = String::new();
    /// ssert_core::Encoder::new().write_comment(&mut out, "ping").unwrap();
    /// assert_eq!(out, ": ping\n");
    /// ```
    pub fn write_comment<W: Write>(&self, out: &mut W, text: &str) -> Result<(), Error> {
        split_lines(text)
            .try_for_each(|line| self.field(out, "", line))
            .map_err(|fmt::Error| Error::new(ErrorKind::Write, 0))
    }

    /// Writes a `retry` field on its own (it takes effect without dispatching an event).
    pub fn write_retry<W: Write>(&self, out: &mut W, millis: u64) -> Result<(), Error> {
        write!(out, "retry: {millis}{}", self.line_ending.as_str())
            .map_err(|fmt::Error| Error::new(ErrorKind::Write, 0))
    }

    /// Encodes one event into a new `String`.
    #[cfg(feature = "alloc")]
    pub fn encode_event(&self, message: &Message<'_>) -> Result<alloc::string::String, Error> {
        let mut out = alloc::string::String::new();
        self.write_event(&mut out, message)?;
        Ok(out)
    }

    /// Encodes a comment into a new `String`.
    #[cfg(feature = "alloc")]
    pub fn encode_comment(&self, text: &str) -> alloc::string::String {
        let mut out = alloc::string::String::new();
        // Writing to a String cannot fail.
        let _ = self.write_comment(&mut out, text);
        out
    }

    /// `name: value` (or `name:` for an empty value, so no line ends in a space). A value that
    /// starts with a space keeps it, because the receiver removes only the one we add.
    fn field<W: Write>(&self, out: &mut W, name: &str, value: &str) -> fmt::Result {
        out.write_str(name)?;
        out.write_char(':')?;
        if !value.is_empty() {
            out.write_char(' ')?;
            out.write_str(value)?;
        }
        out.write_str(self.line_ending.as_str())
    }
}

/// Splits on CR, LF and CRLF, keeping empty lines; `""` is one empty line.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let current = rest?;
        match memchr::memchr2(b'\r', b'\n', current.as_bytes()) {
            None => {
                rest = None;
                Some(current)
            }
            Some(at) => {
                let skip = if current[at..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[at + skip..]);
                Some(&current[..at])
            }
        }
    })
}

/// Encodes events with LF line endings.
///
/// ```
/// use ssert_core::{encode, parse, Message};
/// let wire = encode(&[Message { data: Some("a\n\nb"), ..Message::default() }, Message { data: Some(""), ..Message::default() }]).unwrap();
/// assert_eq!(wire, "data: a\ndata:\ndata: b\n\ndata:\n\n");
/// let parsed = parse(wire.as_bytes());
/// assert_eq!(parsed.events[0].data, "a\n\nb");
/// assert_eq!(parsed.events[1].data, "");
/// ```
#[cfg(feature = "alloc")]
pub fn encode(messages: &[Message<'_>]) -> Result<alloc::string::String, Error> {
    let encoder = Encoder::new();
    messages
        .iter()
        .try_for_each(|message| encoder.check(message))?;
    let mut out = alloc::string::String::new();
    for message in messages {
        encoder.write_event(&mut out, message)?;
    }
    Ok(out)
}
