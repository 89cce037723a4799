//! A sink that records every call it receives, in order: the shared yardstick of the
//! chunk-split invariance checks. Used by the integration tests (`common/mod.rs`) and included
//! by the fuzz targets (`core/fuzz/src/lib.rs`) with `#[path]`, so both compare the same thing.

use ssert_core::{Error, Event, OwnedEvent, Parser, Sink, Trace};

/// One call a [`Sink`] received, owned, or the parser's state after `finish`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `Sink::event`.
    Event(OwnedEvent),
    /// `Sink::retry`.
    Retry(u64),
    /// `Sink::comment`.
    Comment(String),
    /// `Sink::error`.
    Error(Error),
    /// `Sink::trace`.
    Trace(Trace),
    /// Not a sink call: what the parser reports right after [`Recorder::finish`].
    Finished {
        /// `Parser::last_event_id`.
        last_event_id: String,
        /// `Parser::reconnection_time`.
        reconnection_time: Option<u64>,
        /// `Parser::offset`.
        offset: u64,
    },
}

/// A sink that records every call, trace included, in order.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// The calls so far.
    pub calls: Vec<Call>,
}

impl Sink for Recorder {
    fn event(&mut self, event: Event<'_>) {
        self.calls.push(Call::Event(event.to_owned()));
    }
    fn retry(&mut self, millis: u64) {
        self.calls.push(Call::Retry(millis));
    }
    fn comment(&mut self, text: &str) {
        self.calls.push(Call::Comment(text.to_owned()));
    }
    fn error(&mut self, error: Error) {
        self.calls.push(Call::Error(error));
    }
    fn trace(&mut self, record: Trace) {
        self.calls.push(Call::Trace(record));
    }
}

impl Recorder {
    /// Ends the stream: `finish`, then a [`Call::Finished`] with the parser's state.
    #[allow(dead_code)] // the integration tests read the end state from `Run` instead
    pub fn finish(&mut self, parser: &mut Parser) {
        parser.finish(self);
        self.calls.push(Call::Finished {
            last_event_id: parser.last_event_id().to_owned(),
            reconnection_time: parser.reconnection_time(),
            offset: parser.offset(),
        });
    }
}
