//! Events: borrowed from the input where possible ([`Event`]), or owned ([`OwnedEvent`]).

use crate::trace::Span;

/// The event type an event has when the stream sets none (or sets it to the empty string).
pub const DEFAULT_EVENT_TYPE: &str = "message";

/// A dispatched event, borrowing its strings from the chunk that completed it or from the
/// parser's buffers. It lives for one [`Sink::event`](crate::Sink::event) call; convert with
/// [`Event::to_owned`] to keep it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Event<'a> {
    /// The raw event type buffer, if the block set a non-empty one (`event: x`); `None` means
    /// the type is `"message"`. This mirrors `eventsource-parser`'s `event`; use
    /// [`event_type`](Event::event_type) for the resolved type.
    pub event: Option<&'a str>,
    /// The data buffer: every `data` line of the block joined by LF.
    pub data: &'a str,
    /// The last event ID in force when the event was dispatched, as `MessageEvent.lastEventId`
    /// (set by this block's `id` field or an earlier one; empty if none).
    pub id: &'a str,
    /// The value of the last valid `retry` field in this block, if any. The parser's
    /// reconnection time is updated either way (see [`Sink::retry`](crate::Sink::retry)).
    pub retry: Option<u64>,
    /// Where the event is in the stream: from its block's first field line to the start of
    /// the blank line that dispatched it.
    pub span: Span,
}

impl<'a> Event<'a> {
    /// The event type: the `event` field, or `"message"`.
    pub fn event_type(&self) -> &'a str {
        self.event.unwrap_or(DEFAULT_EVENT_TYPE)
    }

    /// Copies the event into an [`OwnedEvent`].
    #[cfg(feature = "alloc")]
    pub fn to_owned(&self) -> OwnedEvent {
        OwnedEvent {
            event: self.event.map(alloc::string::String::from),
            data: self.data.into(),
            id: self.id.into(),
            retry: self.retry,
            span: self.span,
        }
    }
}

/// An event that owns its strings.
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OwnedEvent {
    /// See [`Event::event`].
    pub event: Option<alloc::string::String>,
    /// See [`Event::data`].
    pub data: alloc::string::String,
    /// See [`Event::id`].
    pub id: alloc::string::String,
    /// See [`Event::retry`].
    pub retry: Option<u64>,
    /// See [`Event::span`].
    pub span: Span,
}

#[cfg(feature = "alloc")]
impl OwnedEvent {
    /// The event type: the `event` field, or `"message"`.
    pub fn event_type(&self) -> &str {
        self.event.as_deref().unwrap_or(DEFAULT_EVENT_TYPE)
    }

    /// Borrows the event as an [`Event`].
    pub fn as_event(&self) -> Event<'_> {
        Event {
            event: self.event.as_deref(),
            data: &self.data,
            id: &self.id,
            retry: self.retry,
            span: self.span,
        }
    }
}
