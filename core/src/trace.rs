//! The opt-in diagnostic trace: what the parser saw, line by line, with byte offsets.
//!
//! A [`Sink`](crate::Sink) that implements [`trace`](crate::Sink::trace) receives one
//! [`Trace`] record per line and per notable decision. This is what lets the validator point
//! at bytes: mixed line endings, a BOM in the middle, an ignored id, a discarded tail.
//!
//! Order: a line's own effects (its event, retry, comment or error) reach the sink first, then
//! its [`Trace::Line`] record. A line ended by a CR that is the last byte of a chunk has its
//! effects delivered at once, but its `Line` record waits for the next byte, which tells CR
//! from CRLF. So the sequence of sink calls is the same however the stream is chunked.

use crate::line::Terminator;

/// Byte range `[start, end)` in the stream.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Span {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// The field a line names, as the parser recognised it (names are case-sensitive).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum FieldName {
    /// `data`
    Data,
    /// `event`
    Event,
    /// `id`
    Id,
    /// `retry`
    Retry,
    /// Anything else: the spec ignores it.
    Unknown,
}

impl FieldName {
    /// Recognises a field name.
    #[inline]
    pub fn of(name: &[u8]) -> FieldName {
        match name {
            b"data" => FieldName::Data,
            b"event" => FieldName::Event,
            b"id" => FieldName::Id,
            b"retry" => FieldName::Retry,
            _ => FieldName::Unknown,
        }
    }
}

/// What kind of line a [`LineTrace`] describes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "field", rename_all = "lowercase")
)]
pub enum LineKind {
    /// An empty line (it dispatches the event being built).
    Blank,
    /// A comment (`:` first).
    Comment,
    /// A field line.
    Field(FieldName),
    /// A line over the configured length limit, skipped unread.
    Oversized,
}

/// One line of the stream.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LineTrace {
    /// Offset of the line's first byte.
    pub start: u64,
    /// Offset one past the line's last byte, before the terminator.
    pub end: u64,
    /// How the line ended.
    pub terminator: Terminator,
    /// What the line is.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub kind: LineKind,
}

/// One diagnostic trace record.
///
/// With the `serde` feature a record serializes as a flat object tagged by `type`, e.g.
/// `{"type":"line","start":0,"end":7,"terminator":"lf","kind":"field","field":"data"}`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "type", rename_all = "snake_case"))]
pub enum Trace {
    /// A byte order mark at the start of the stream, stripped.
    Bom {
        /// Always 0.
        offset: u64,
    },
    /// A line.
    Line(LineTrace),
    /// An `id` field ignored because its value contains U+0000 NULL.
    IgnoredId {
        /// Start of the line.
        offset: u64,
    },
    /// A `retry` field ignored because its value is not all ASCII digits.
    InvalidRetry {
        /// Start of the line.
        offset: u64,
    },
    /// At end of stream: the unterminated event (and partial line) that the spec discards.
    DiscardedTail {
        /// Start of the first field line of the discarded block.
        start: u64,
        /// End of the stream.
        end: u64,
    },
}
