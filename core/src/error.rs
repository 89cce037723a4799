//! The one error type of ssert-core: a small kind with a stable code, plus a byte offset.

use core::fmt;

/// What went wrong. Each kind has a stable [`code`](ErrorKind::code) that bindings expose
/// unchanged, so a test suite can match on it in any language.
///
/// Parser errors are reports, not aborts: the parser delivers them to
/// [`Sink::error`](crate::Sink::error) and carries on (see each kind for how it recovers).
#[non_exhaustive]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A line is longer than [`ParserConfig::max_line_len`](crate::ParserConfig::max_line_len).
    /// The offset is the start of the line. The line is skipped and the event being built is
    /// discarded through the next blank line.
    LineTooLong,
    /// An event's data buffer grew past
    /// [`ParserConfig::max_event_size`](crate::ParserConfig::max_event_size). The offset is the
    /// start of the `data` line that crossed the limit. The event is discarded through the next
    /// blank line.
    EventTooLarge,
    /// The bytes held across chunks grew past
    /// [`ParserConfig::max_buffered`](crate::ParserConfig::max_buffered). The offset is the start
    /// of the line being buffered. The line is skipped and the event discarded through the next
    /// blank line.
    BufferLimit,
    /// The stream is not valid UTF-8 at the offset (reported only with
    /// [`ParserConfig::strict_utf8`](crate::ParserConfig::strict_utf8)). Decoding still replaces
    /// the bytes with U+FFFD, exactly as the spec requires, and parsing goes on.
    InvalidUtf8,
    /// The stream ended inside an event: the block that starts at the offset was never
    /// terminated by a blank line, so the spec discards it, and with it a `data` (an event), an
    /// `id` or a cut-off line that may have been a `retry`. Reported by
    /// [`Parser::finish`](crate::Parser::finish).
    IncompleteEvent,
    /// The encoder was asked to write an event type containing CR or LF. The offset is the
    /// byte index of that character in the event type.
    EventTypeHasNewline,
    /// The encoder was asked to write an id containing CR or LF. The offset is the byte index
    /// of that character in the id.
    IdHasNewline,
    /// The encoder was asked to write an id containing U+0000, which every receiver ignores.
    /// The offset is the byte index of the NUL in the id.
    IdHasNul,
    /// The encoder was asked to write an event type without data. Receivers dispatch no event
    /// for a block without `data`, so the type would be silently lost; give empty data for an
    /// event with no payload. The offset is 0.
    EventTypeWithoutData,
    /// The `fmt::Write` destination given to the encoder failed.
    Write,
}

impl ErrorKind {
    /// The stable, machine-readable code of this kind, e.g. `"LINE_TOO_LONG"`.
    ///
    /// ```
    /// assert_eq!(ssert_core::ErrorKind::IncompleteEvent.code(), "INCOMPLETE_EVENT");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::LineTooLong => "LINE_TOO_LONG",
            ErrorKind::EventTooLarge => "EVENT_TOO_LARGE",
            ErrorKind::BufferLimit => "BUFFER_LIMIT",
            ErrorKind::InvalidUtf8 => "INVALID_UTF8",
            ErrorKind::IncompleteEvent => "INCOMPLETE_EVENT",
            ErrorKind::EventTypeHasNewline => "EVENT_TYPE_HAS_NEWLINE",
            ErrorKind::IdHasNewline => "ID_HAS_NEWLINE",
            ErrorKind::IdHasNul => "ID_HAS_NUL",
            ErrorKind::EventTypeWithoutData => "EVENT_TYPE_WITHOUT_DATA",
            ErrorKind::Write => "WRITE",
        }
    }

    /// A one-line human description of this kind.
    pub const fn message(self) -> &'static str {
        match self {
            ErrorKind::LineTooLong => "line longer than the configured maximum",
            ErrorKind::EventTooLarge => "event data larger than the configured maximum",
            ErrorKind::BufferLimit => {
                "more bytes buffered across chunks than the configured maximum"
            }
            ErrorKind::InvalidUtf8 => "invalid UTF-8 (replaced by U+FFFD)",
            ErrorKind::IncompleteEvent => {
                "stream ended before the blank line that ends an event; the unterminated data, id or retry was discarded"
            }
            ErrorKind::EventTypeHasNewline => "event type contains CR or LF",
            ErrorKind::IdHasNewline => "id contains CR or LF",
            ErrorKind::IdHasNul => "id contains U+0000 NULL",
            ErrorKind::EventTypeWithoutData => {
                "event type without data; receivers would dispatch no event"
            }
            ErrorKind::Write => "the output writer failed",
        }
    }

    /// Every kind, in declaration order; lets bindings build their exception classes from the
    /// one list.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::LineTooLong,
        ErrorKind::EventTooLarge,
        ErrorKind::BufferLimit,
        ErrorKind::InvalidUtf8,
        ErrorKind::IncompleteEvent,
        ErrorKind::EventTypeHasNewline,
        ErrorKind::IdHasNewline,
        ErrorKind::IdHasNul,
        ErrorKind::EventTypeWithoutData,
        ErrorKind::Write,
    ];

    /// The kind whose [`code`](ErrorKind::code) is `code`, if any.
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An error with its [`ErrorKind`] and the byte offset it points at.
///
/// For parser errors the offset counts bytes from the start of the stream (a BOM included);
/// for encoder errors it is the byte index inside the offending value.
///
/// ```
/// use ssert_core::{Error, ErrorKind};
/// let error = Error::new(ErrorKind::LineTooLong, 42);
/// assert_eq!(error.code(), "LINE_TOO_LONG");
/// assert_eq!(error.to_string(), "LINE_TOO_LONG at byte 42: line longer than the configured maximum");
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(into = "ErrorRepr", try_from = "ErrorRepr"))]
pub struct Error {
    kind: ErrorKind,
    offset: u64,
}

impl Error {
    /// An error of `kind` at byte `offset`.
    pub const fn new(kind: ErrorKind, offset: u64) -> Error {
        Error { kind, offset }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte offset the error points at.
    pub const fn offset(&self) -> u64 {
        self.offset
    }

    /// Shorthand for `self.kind().code()`.
    pub const fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Shorthand for `self.kind().message()`.
    pub const fn message(&self) -> &'static str {
        self.kind.message()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.kind.code(),
            self.offset,
            self.kind.message()
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// The serialized form of [`Error`]: `{"code": "LINE_TOO_LONG", "offset": 42, "message": "…"}`.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct ErrorRepr {
    code: alloc::borrow::Cow<'static, str>,
    offset: u64,
    #[serde(default, skip_deserializing)]
    message: &'static str,
}

#[cfg(feature = "serde")]
impl From<Error> for ErrorRepr {
    fn from(error: Error) -> ErrorRepr {
        ErrorRepr {
            code: alloc::borrow::Cow::Borrowed(error.code()),
            offset: error.offset,
            message: error.message(),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<ErrorRepr> for Error {
    type Error = alloc::string::String;

    fn try_from(repr: ErrorRepr) -> Result<Error, Self::Error> {
        let kind = ErrorKind::from_code(&repr.code)
            .ok_or_else(|| alloc::format!("unknown error code {:?}", repr.code))?;
        Ok(Error::new(kind, repr.offset))
    }
}
