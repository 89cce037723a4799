//! Session validation: prove from a recording that an SSE endpoint and its clients behave —
//! above all that a reconnect with `Last-Event-ID` loses and duplicates nothing.
//!
//! # Overview
//!
//! A [`Recording`](crate::validate::Recording) holds the connections of one client session: each request (with the
//! `Last-Event-ID` it sent), the response head, the raw body as timestamped chunks and how the
//! connection ended. [`validate`](crate::validate::validate) runs the crate's [`Parser`](crate::Parser) over every body
//! (with its diagnostic [`Trace`](crate::Trace)) and checks [`Rule`](crate::validate::Rule)s — transport headers, the
//! wire format, the event stream, resume across reconnects, and protocol [`Profile`](crate::validate::Profile)s — and
//! returns a [`Report`](crate::validate::Report): pass/fail, [`Finding`](crate::validate::Finding)s that point at connections, events and byte
//! offsets with the offending line, and stats. [`Validator`](crate::validate::Validator) is the same engine fed
//! incrementally, for live or endless sessions; `validate` is built on it.
//!
//! All of it is configured by one [`ValidateOptions`](crate::validate::ValidateOptions) value, which deserializes (feature
//! `serde`) from the same JSON in every binding, and the report serializes to the same JSON;
//! with the `json` feature, `validate_json` is the whole round trip, JSON in and JSON out.
//! Ids the application orders its own way are compared by a caller-supplied
//! [`IdOrder`](crate::validate::IdOrder) (how the JS and Python bindings plug in a function).
//!
//! # The recording format (version 1)
//!
//! A JSON document (`serde` feature; read with `Recording::from_json` under `json`):
//!
//! ```json
//! {
//!   "format": "ssert-recording",
//!   "version": 1,
//!   "timing": "monotonic",
//!   "source": "ssert-js node-fetch",
//!   "connections": [
//!     {
//!       "request": {"method": "GET", "url": "http://127.0.0.1:8080/events", "t": 0,
//!                   "headers": [["accept", "text/event-stream"], ["last-event-id", "41"]]},
//!       "response": {"status": 200, "t": 12,
//!                    "headers": [["content-type", "text/event-stream"], ["cache-control", "no-cache"]]},
//!       "chunks": [{"t": 15, "data": "aWQ6IDQyCmRhdGE6IGhpCgo="}],
//!       "end": {"kind": "network_error", "t": 3000, "message": "ECONNRESET"}
//!     }
//!   ],
//!   "expected": [{"id": "42", "type": "message", "data": "hi"}]
//! }
//! ```
//!
//! - `t` values are monotonic milliseconds since the session started. `"timing": "none"` (HAR
//!   imports) says they mean nothing: timing rules then report *not checked*, never *passed*.
//!   They, `status` and `version` are non-negative integers; an integral float (`10.0`, `1e3`)
//!   is read as its integer up to 2^53 - 1, and larger values must be integer literals. A
//!   request's or chunk's `t` defaults to 0; an `end` needs its `t`.
//! - `headers` are `[name, value]` pairs as sent; request `headers: null` means the recorder
//!   could not see them (an in-page `EventSource`), and rules that need them are not checked.
//! - A chunk's `data` is the base64 of the bytes of one read; hand-written files may use
//!   `"text"` instead. `end.kind` is `eof`, `client_closed`, `network_error` or `timeout`; a
//!   missing `response` means the connection failed before a head arrived; a missing `end`
//!   means the recording stopped while it was open.
//! - `"chunks": null` means the body was not recorded (a HAR entry without its text), which
//!   is not an empty body: the rules that need it, and what it decides for later connections
//!   (the next reconnect's `Last-Event-ID`, losses), report *not checked*
//!   ([`Validator::body_unknown`](crate::validate::Validator::body_unknown) says how). In Rust it
//!   is [`Recording::unknown_bodies`](crate::validate::Recording::unknown_bodies).
//! - `expected`, optional, is what the server says it published, in order: the source of
//!   truth for the loss and duplicate checks. Its ids are unique (a log that repeats one is
//!   rejected as the recording is read). `[]` says the server published nothing, so every
//!   delivered event is SSE407; without the member there is no log.
//! - Readers ignore unknown members, so version 1 can grow compatibly, and one leading byte
//!   order mark (U+FEFF) before the JSON.
//!
//! For long sessions the same content is written as JSON Lines, one [`Record`](crate::validate::Record) per line, so a
//! recorder can append as it goes: a `header` line (`{"type":"header","format":"ssert-recording",
//! "version":1,"timing":"monotonic"}`), then `request`, `response`, `chunk`, `body_unknown`
//! (the body was not recorded) and `end` lines (each applying to the latest `request`), or
//! whole `connection` lines, and `expected` lines, which come before the first `request` (the
//! readers and the streaming `Validator` reject one after it). An empty log, which has no
//! entry to write as a line, is the header's `"expected": []`.
//! [`Validator::record`](crate::validate::Validator::record) consumes those lines one by one. `testdata/recording.schema.json` is
//! the JSON Schema of both forms.
//!
//! # Rules
//!
//! Every rule has a stable code and kebab-case name ([`Rule::code`](crate::validate::Rule::code), [`Rule::name`](crate::validate::Rule::name)), a
//! default [`Severity`](crate::validate::Severity), and parameters in [`ValidateOptions`](crate::validate::ValidateOptions); `testdata/recordings/README.md`
//! lists them all. Replay semantics follow the HTML standard's `EventSource`: the client's
//! last event id at the end of a connection is the parser's [`last_event_id`](crate::Parser::last_event_id)
//! (set by id-only blocks too, never by a discarded tail); a reconnect must send exactly that
//! as `Last-Event-ID` (none when it is empty); the server must resume right after it.
//!
//! # Crate features
//!
//! The module needs `alloc`. `serde` adds (de)serialization of recordings, options and the
//! report; `json` adds `Recording::from_json`, `Recording::from_json_lines`,
//! `Recording::from_har` (its docs say how HAR entries are read) and the writers (through
//! `serde_json`, still `no_std`).

mod base64;
mod config;
mod engine;
mod grammar;
mod json;
mod options;
mod profiles;
mod recording;
mod report;
mod rules;
mod track;

pub use engine::{validate, validate_with_id_order, Validator};
#[cfg(feature = "json")]
pub use engine::{validate_json, ValidateJsonError};
pub use grammar::{Expected, Grammar, GrammarError, GrammarMatcher};
pub use options::{
    BoxedIdOrder, DataJsonOptions, EventTypeOptions, GrammarOptions, HeartbeatOptions, IdOptions,
    IdOrder, IdOrderKind, LimitOptions, OptionsError, Profile, ReconnectOptions, RetryOptions,
    Scope, TerminalOptions, TimeToFirstEventOptions, ValidateOptions, WindowOptions,
};
pub use recording::{
    header, Chunk, Connection, End, EndKind, ExpectedEvent, Header, Headers, LoadError, Record,
    Recording, RecordingBuilder, Request, Response, SentLastEventId, Timing, FORMAT, VERSION,
};
pub use report::{ConnectionStats, Distribution, Finding, NotChecked, Report, SessionStats};
pub use rules::{Category, Rule, Severity};

/// Base64 helpers used by the recording format (standard alphabet, padded).
pub mod codec {
    pub use super::base64::{decode as base64_decode, encode as base64_encode};
}
