//! Shared pieces of the ssert-core fuzz targets: a sink that records every call, and fuzzer
//! controlled parser limits.

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use ssert_core::{Error, Event, OwnedEvent, Parser, ParserConfig, Sink, Trace};

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
    /// Not a sink call: what the parser reports right after `finish`.
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
#[derive(Default, Debug)]
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
    pub fn finish(&mut self, parser: &mut Parser) {
        parser.finish(self);
        self.calls.push(Call::Finished {
            last_event_id: parser.last_event_id().to_owned(),
            reconnection_time: parser.reconnection_time(),
            offset: parser.offset(),
        });
    }
}

/// Parser limits chosen by the fuzzer. Small limits are what reach the error and recovery
/// paths on inputs of fuzzer size; `None` keeps the default.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Limits {
    max_line_len: Option<u8>,
    max_event_size: Option<u8>,
    max_buffered: Option<u16>,
    strict_utf8: bool,
}

impl Limits {
    /// The parser configuration these limits describe.
    pub fn config(&self) -> ParserConfig {
        let mut config = ParserConfig::default().strict_utf8(self.strict_utf8);
        if let Some(len) = self.max_line_len {
            config = config.max_line_len(usize::from(len));
        }
        if let Some(size) = self.max_event_size {
            config = config.max_event_size(usize::from(size));
        }
        if let Some(size) = self.max_buffered {
            config = config.max_buffered(usize::from(size));
        }
        config
    }
}

/// Cuts `data` into chunks whose lengths come from `lens` (each taken modulo 65, so empty
/// chunks happen too); once `lens` runs out the rest is one chunk. No `lens` at all means one
/// byte at a time.
pub fn chunks<'a>(data: &'a [u8], lens: &[u8]) -> Vec<&'a [u8]> {
    if lens.is_empty() {
        return data.chunks(1).collect();
    }
    let mut out = Vec::with_capacity(lens.len() + 1);
    let mut rest = data;
    for len in lens {
        let len = usize::from(*len % 65).min(rest.len());
        let (chunk, tail) = rest.split_at(len);
        out.push(chunk);
        rest = tail;
    }
    out.push(rest);
    out
}
