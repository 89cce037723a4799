//! The rule registry: every rule's stable code, kebab-case name, default severity and purpose.

use core::fmt;

/// How serious a finding is. A report fails when it has a finding at or above
/// [`ValidateOptions::fail_on`](super::ValidateOptions::fail_on) (by default: any error).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Severity {
    /// Worth knowing; never fails a report by default.
    Info,
    /// Likely a problem.
    Warning,
    /// A violation of the spec, the protocol or the replay guarantees.
    #[default]
    Error,
}

impl Severity {
    /// `"info"`, `"warning"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family a rule belongs to (the hundreds digit of its code).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// `SSE1xx`: HTTP status and headers.
    Transport,
    /// `SSE2xx`: the bytes of the `text/event-stream` itself.
    Wire,
    /// `SSE3xx`: the events of a stream.
    Stream,
    /// `SSE4xx`: reconnects and `Last-Event-ID` resume, across connections.
    Replay,
    /// `SSE5xx`: protocol profiles.
    Profile,
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $name:literal, $sev:ident, $default:literal, $cat:ident), )*) => {
        /// A validation rule. Codes and names are stable: tools may filter on them.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable code, e.g. `"SSE402"`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            /// The stable kebab-case name, e.g. `"resume-point"`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// The severity of its findings unless configured otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$sev,)* }
            }

            /// Whether it runs without being enabled (by `enable`, a profile or its parameters).
            pub fn enabled_by_default(self) -> bool {
                match self { $(Rule::$variant => $default,)* }
            }

            /// Its family.
            pub fn category(self) -> Category {
                match self { $(Rule::$variant => Category::$cat,)* }
            }
        }
    };
}

rules! {
    /// Status must be 200 (204 asks the client to stop; anything else fails the connection).
    Status = ("SSE101", "status", Error, true, Transport),
    /// `Content-Type` essence must be `text/event-stream`, with charset utf-8 if any.
    ContentType = ("SSE102", "content-type", Error, true, Transport),
    /// `Cache-Control` should contain `no-store`, or `no-cache` without field names.
    CacheControl = ("SSE103", "cache-control", Warning, true, Transport),
    /// A compressing `Content-Encoding` makes proxies and servers buffer events.
    ContentEncoding = ("SSE104", "content-encoding", Warning, true, Transport),
    /// `X-Accel-Buffering: no` tells nginx-style proxies not to buffer.
    AccelBuffering = ("SSE105", "x-accel-buffering", Info, true, Transport),
    /// The request's `Accept` should list `text/event-stream` with a weight above 0.
    AcceptHeader = ("SSE106", "accept-header", Warning, true, Transport),
    /// A byte order mark after the stream start is not stripped and corrupts a field name.
    BomNotAtStart = ("SSE201", "bom-not-at-start", Error, true, Wire),
    /// One stream mixes CR, LF and CRLF line endings.
    MixedLineEndings = ("SSE202", "mixed-line-endings", Warning, true, Wire),
    /// The body ended inside an event, which the client discards (data lost). When the client
    /// ended the connection (`client_closed`, `timeout`, `network_error`) inside an event, only
    /// if the event's data had waited for its blank line longer than
    /// `heartbeat.max_silence_ms` before the end: the server never finished it (without timing
    /// that is *not checked*); sooner, the client merely cut the stream.
    UnterminatedEvent = ("SSE203", "unterminated-event", Error, true, Wire),
    /// Bytes that are not UTF-8 (decoded as U+FFFD).
    InvalidUtf8 = ("SSE204", "invalid-utf8", Error, true, Wire),
    /// A `retry` value that is not all ASCII digits (ignored by clients).
    InvalidRetry = ("SSE205", "invalid-retry", Warning, true, Wire),
    /// An `id` containing U+0000 (ignored by clients).
    IdHasNul = ("SSE206", "id-has-nul", Error, true, Wire),
    /// A field name the spec does not know (ignored by clients).
    UnknownField = ("SSE207", "unknown-field", Warning, true, Wire),
    /// A known field name in the wrong case (`Data:`), ignored by clients.
    FieldNameCase = ("SSE208", "field-name-case", Error, true, Wire),
    /// A line longer than `limits.max_line_len`.
    LineTooLong = ("SSE209", "line-too-long", Error, true, Wire),
    /// An event whose data is larger than `limits.max_event_size`.
    EventTooLarge = ("SSE210", "event-too-large", Error, true, Wire),
    /// More than `limits.max_buffered` bytes held without completing an event.
    BufferLimit = ("SSE211", "buffer-limit", Error, true, Wire),
    /// An `id` a reconnect cannot send back as it was: the `Last-Event-ID` header loses a
    /// value's leading and trailing spaces and tabs (RFC 9110, 5.5), and a value over 8192 bytes
    /// makes a header line longer than servers accept (nginx's default per-line buffer is
    /// 8 KiB). Reported at most once per connection for each of the two reasons.
    IdNotResumable = ("SSE212", "id-not-resumable", Warning, true, Wire),
    /// An event block without its own `id` field (`ids.required`).
    MissingId = ("SSE301", "missing-id", Warning, true, Stream),
    /// Ids not strictly increasing under `ids.order` (opaque ids: in the expected log's order).
    IdOrder = ("SSE302", "id-order", Error, true, Stream),
    /// The same id twice in one connection.
    DuplicateId = ("SSE303", "duplicate-id", Error, true, Stream),
    /// `retry` missing (with `retry.required`) or outside `[retry.min_ms, retry.max_ms]`.
    Retry = ("SSE304", "retry", Warning, true, Stream),
    /// No bytes for longer than `heartbeat.max_silence_ms` on an open 200 event stream.
    Heartbeat = ("SSE305", "heartbeat", Warning, true, Stream),
    /// The first event came later than `time_to_first_event.max_ms` after the request, on a
    /// 200 event stream that did not resume (sent no `Last-Event-ID`).
    TimeToFirstEvent = ("SSE306", "time-to-first-event", Warning, true, Stream),
    /// An event type outside `event_types.allowed`.
    EventType = ("SSE307", "event-type", Error, false, Stream),
    /// `data` that is not JSON (for `data_json.types`, or every type).
    DataJson = ("SSE308", "data-json", Error, false, Stream),
    /// The event-type sequence does not match `grammar.pattern`.
    Grammar = ("SSE309", "grammar", Error, false, Stream),
    /// An event after a terminal one (`terminal.types`).
    AfterTerminal = ("SSE310", "after-terminal", Error, false, Stream),
    /// The whole body of a connection that did not resume (2+ events) arrived at one instant:
    /// something buffered the stream.
    BufferedTransport = ("SSE311", "buffered-transport", Warning, true, Stream),
    /// No event was dispatched in the whole session, so nothing was validated. Reported once,
    /// when the session ends, if no event was dispatched and: the recording has no connection;
    /// or no connection got a response; or some 200 `text/event-stream` response (with a
    /// recorded body) dispatched nothing: an empty body, only comments or `id` / `event` /
    /// `retry` fields, or data lines never ended by a blank line. So it is not reported when
    /// every answer expected no event: a 204 (stop), or a response that is no event stream,
    /// for which another status (SSE101) or `Content-Type` (SSE102) already says what went
    /// wrong (and under the MCP profiles a POST may be answered with `application/json`);
    /// attempts that got no response before such an answer change nothing. Wire findings on
    /// a stream (SSE203...) do not exempt it. *Not checked* when no event is known and a 200
    /// event stream's body was not recorded.
    NoEvents = ("SSE312", "no-events", Error, true, Stream),
    /// A reconnect did not send the last event id the client had as `Last-Event-ID`.
    LastEventId = ("SSE401", "last-event-id", Error, true, Replay),
    /// The server did not resume right after the `Last-Event-ID` it was sent.
    ResumePoint = ("SSE402", "resume-point", Error, true, Replay),
    /// An event delivered again on a later connection.
    ReplayDuplicate = ("SSE403", "replay-duplicate", Error, true, Replay),
    /// An event never delivered (consecutive integer ids, or the expected log).
    LostEvent = ("SSE404", "lost-event", Error, true, Replay),
    /// A reconnect came sooner than the `retry` in force.
    ReconnectDelay = ("SSE405", "reconnect-delay", Warning, true, Replay),
    /// The client reconnected after a 204 told it to stop.
    ReconnectAfter204 = ("SSE406", "reconnect-after-204", Error, true, Replay),
    /// A delivered event is not in the expected log, or differs from it.
    ExpectedLog = ("SSE407", "expected-log", Error, true, Replay),
    /// Profile `openai-chat`: chunk shape.
    OpenAiChat = ("SSE501", "openai-chat", Error, false, Profile),
    /// Profile `openai-responses`: event payload shape and sequence numbers.
    OpenAiResponses = ("SSE502", "openai-responses", Error, false, Profile),
    /// Profile `anthropic-messages`: payload types and content block indices.
    AnthropicMessages = ("SSE503", "anthropic-messages", Error, false, Profile),
    /// Profile `mcp`: JSON-RPC 2.0 messages.
    Mcp = ("SSE504", "mcp", Error, false, Profile),
}

impl Rule {
    /// Finds a rule by code (`"SSE402"`, any case) or name (`"resume-point"`).
    pub fn lookup(code_or_name: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code_or_name) || r.name() == code_or_name)
    }

    /// Position in [`Rule::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.code(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let codes: BTreeSet<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        let names: BTreeSet<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(codes.len(), Rule::ALL.len());
        assert_eq!(names.len(), Rule::ALL.len());
        for (i, r) in Rule::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
            assert_eq!(Rule::lookup(r.code()), Some(*r));
            assert_eq!(Rule::lookup(r.name()), Some(*r));
            assert!(r.code().starts_with("SSE") && r.code().len() == 6);
            assert!(r
                .name()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            let digit = r.code().as_bytes()[3];
            let expected = match r.category() {
                Category::Transport => b'1',
                Category::Wire => b'2',
                Category::Stream => b'3',
                Category::Replay => b'4',
                Category::Profile => b'5',
            };
            assert_eq!(digit, expected, "{r}");
        }
    }
}
