//! The validator: one incremental engine ([`Validator`]) that consumes a session connection by
//! connection and chunk by chunk; [`validate`] runs a whole [`Recording`] through it.

use alloc::collections::{btree_map, BTreeMap, BTreeSet, VecDeque};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use super::config::{Config, EXCERPT_LEN};
use super::grammar::{Grammar, GrammarMatcher};
use super::json;
use super::options::{
    integer_id, ulid_time, uuid7_time, BoxedIdOrder, IdOrderKind, OptionsError, Profile, Scope,
    ValidateOptions,
};
use super::profiles::{self, ProfileState, Token};
use super::recording::{
    repeated_id, Chunk, Connection, End, EndKind, ExpectedEvent, Record, Recording, Request,
    Response, SentLastEventId, Timing, FORMAT, VERSION,
};
use super::report::{ConnectionStats, Finding, Histogram, NotChecked, Report, SessionStats};
use super::rules::{Category, Rule, Severity};
use super::track::{IntervalSet, RecentIds, Utf8Check};
use wire::LINE_HEAD;

mod ids;
mod transport;
mod wire;
use crate::{Error, ErrorKind, Event, FieldName, LineKind, Parser, Sink, Terminator, Trace};

/// Grammar, terminal and profile state for one scope (a connection or the session).
#[derive(Default)]
struct SeqState {
    matcher: Option<GrammarMatcher>,
    /// The matcher runs the profile's grammar for a stream resumed mid-way.
    resumed: bool,
    grammar_failed: bool,
    terminal_seen: Option<String>,
    terminal_flagged: bool,
    profile: ProfileState,
}

impl SeqState {
    /// State for a scope; `resumed` when it starts mid-stream (see `Config::resume_grammar`).
    fn new(cfg: &Config, resumed: bool) -> SeqState {
        let resumed = resumed && cfg.resume_grammar.is_some();
        SeqState {
            matcher: cfg.grammar_for(resumed).map(Grammar::matcher),
            resumed,
            ..SeqState::default()
        }
    }
}

/// What the first event with an id of a reconnect is checked against.
struct Resume {
    /// The id the server was asked to resume after.
    sent: String,
    /// The id the client should have sent.
    should: String,
    /// SSE401 fired for this connection.
    header_wrong: bool,
}

struct Conn {
    index: usize,
    request_t: u64,
    status: Option<u16>,
    parse_body: bool,
    last_activity: u64,
    bytes: u64,
    events: u64,
    end: Option<EndKind>,
    end_t: Option<u64>,
    tail: Vec<u8>,
    tail_start: u64,
    /// Where the block being built starts (just after the last blank line).
    block_start: u64,
    /// Offset of the last 0xEF byte fed: a line starting after it cannot start with a BOM.
    last_ef: Option<u64>,
    first_terminator: Option<Terminator>,
    mixed_flagged: bool,
    block_has_id: bool,
    /// The block being built is no id-only block: it dispatched an event, or a limit error
    /// (SSE209-SSE211) made the parser drop it, id and all.
    event_in_block: bool,
    /// The block's last valid `id` line.
    id_line: Option<(u64, u64)>,
    /// That line's bytes (without its terminator), copied out when the kept window was about
    /// to drop the line before the block ended (a long comment can push it out): an id-only
    /// block's id, and the quote of its findings, must not depend on the chunking.
    id_kept: Option<Vec<u8>>,
    ignored_id_at: Option<u64>,
    /// SSE212 reasons already reported on this connection (`ID_SPACES`, `ID_TOO_LONG`).
    id_flagged: u8,
    /// Where the line not yet traced starts (after the last line end fed; a CR ending the
    /// last chunk still waits for its record).
    open_line: u64,
    /// The first bytes of that line, from its start, kept when the excerpt window drops
    /// them before the line ends: SSE212 reads an `id` value's first bytes from them.
    line_head: Option<(u64, [Option<u8>; LINE_HEAD])>,
    saw_retry: bool,
    first_event_t: Option<u64>,
    last_event_t: Option<u64>,
    /// When the first body bytes arrived.
    body_t: Option<u64>,
    /// Every body byte so far arrived at `body_t`: nothing proves the transport is not
    /// holding the body back (SSE311).
    one_instant: bool,
    gaps: Histogram,
    prev_id: String,
    /// The previous id's integer value, when ids are integers.
    prev_pos: Option<u64>,
    has_prev: bool,
    ints: IntervalSet,
    texts: RecentIds,
    resume: Option<Resume>,
    excused_dups: Option<(u64, u64)>,
    /// After a wrong resume or `Last-Event-ID`, when losses are not counted: ids up to this one
    /// (the client's last event id) that the server sends again belong to that finding.
    excuse_upto: Option<String>,
    /// Timing findings held until the connection is known not to be buffered, at most
    /// `window.findings` of them (see [`Conn::defer`]).
    deferred: Vec<Finding>,
    /// Deferred findings past that bound, by severity.
    deferred_over: [u64; 3],
    /// Findings waiting for their line's Line trace, to quote it: at most one of each rule per
    /// line (the parser's limit errors, an invalid or out-of-range `retry`, a NUL in an `id`;
    /// the out-of-range `retry`'s offset is `AT_NEXT_LINE` until its line is traced). The chunk
    /// scan's invalid UTF-8, up to one per byte, waits in [`Core::utf8_pending`] instead.
    pending: Vec<(Rule, String, u64)>,
    /// The tail `finish` discarded, if any.
    discarded: Option<(u64, u64)>,
    utf8: Utf8Check,
    reconnect_delay: Option<u64>,
    sent_id: Option<String>,
    seq: SeqState,
    /// The request was a POST (an MCP client message whose stream carries the answer).
    post: bool,
    /// The response said `Content-Type: text/event-stream` (an MCP server may answer a POST
    /// with plain JSON instead).
    event_stream: bool,
    /// Some event carried a JSON-RPC response (MCP).
    answered: bool,
    /// The connection delivered an event id (an event's or an id-only block's).
    id_delivered: bool,
    /// An empty `id` took effect since the connection's last id: the client holds no last
    /// event id (see `ids::holds_already`).
    id_reset: bool,
    /// The retry of the stream this connection resumes (several streams per session).
    inherited_retry: Option<u64>,
    /// The body was not recorded (see [`Validator::body_unknown`]).
    body_unknown: bool,
    /// `data` lines so far.
    data_lines: u64,
    /// `data_lines` at the last blank line: those after it are in the block being built.
    data_mark: u64,
    /// The block being built (by its `block_start`) holds a `data` line since the chunk at
    /// this time: how long an event has been waiting for its blank line.
    data_since: Option<(u64, u64)>,
    /// `data` lines in the tail `finish` discarded (never ended by a blank line).
    tail_data_lines: u64,
    /// MCP: the POST was answered with no event stream, as Streamable HTTP allows.
    non_stream: Option<NonStream>,
    /// The body of a JSON answer, kept (up to `limits.max_event_size`) to check it.
    json_body: Vec<u8>,
    /// The JSON answer grew past `limits.max_event_size`: `json_body` was dropped.
    json_too_large: bool,
    /// Several streams per session: the stream this connection's `Last-Event-ID` resumed,
    /// given back if the answer is no stream.
    resumed_stream: Option<(String, StreamEnd)>,
    /// Several streams per session: a later connection that sent `Last-Event-ID`, the
    /// session's reconnect unless it is answered with no stream.
    stream_resume: bool,
}

impl Conn {
    /// Holds a timing finding until the connection closes. They are reported in the order
    /// held, after whatever was found before the close: so one held after `cap`
    /// (`window.findings`) others finds the window full, and only its severity is kept, to be
    /// counted as dropped if the held findings are reported at all.
    fn defer(&mut self, cap: usize, severity: Severity, finding: impl FnOnce() -> Finding) {
        if self.deferred.len() < cap {
            self.deferred.push(finding());
        } else {
            self.deferred_over[severity as usize] += 1;
        }
    }
}

/// An answer to an MCP POST that is no event stream (Streamable HTTP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NonStream {
    /// `200` with `Content-Type: application/json`: one JSON-RPC response (or, in 2025-03-26,
    /// a batch of them).
    Json,
    /// `202 Accepted`, with no body: the POST carried only notifications or responses.
    Accepted,
}

/// What the connections of a session got, for SSE312 (no event in the whole session).
#[derive(Default)]
struct Silence {
    /// 200 event streams, with a recorded body, that dispatched no event.
    streams: u64,
    /// Their bytes, `data` lines, and `data` lines in a tail discarded at their end.
    bytes: u64,
    data_lines: u64,
    tail_data_lines: u64,
    /// Attempts that got no response, by how they ended: network_error, timeout,
    /// client_closed, eof, or not at all (the recording stopped).
    no_response: [u64; 5],
    /// 204 answers.
    stopped: u64,
    /// Answers that are no event stream: another status (SSE101) or `Content-Type` (SSE102).
    not_streams: u64,
    /// The first 200 event stream whose body was not recorded.
    unknown: Option<usize>,
}

/// How a stream's latest connection ended, for the connection that resumes it (profiles with
/// several streams per session: MCP).
struct StreamEnd {
    connection: usize,
    /// The stream's own reconnection time (the last valid `retry` it sent).
    retry: Option<u64>,
    end: Option<End>,
}

/// The resumable streams of a session, by their last event id (ids are unique across the
/// session's streams), at most `window.ids` of them: the oldest are forgotten first.
#[derive(Default)]
struct Streams {
    by_id: BTreeMap<String, (u64, StreamEnd)>,
    /// Insertion sequence number to id, oldest first.
    order: BTreeMap<u64, String>,
    next: u64,
    /// Some stream was forgotten: an unknown `Last-Event-ID` may have been one of its ids.
    forgot: bool,
}

impl Streams {
    fn insert(&mut self, id: String, stream: StreamEnd, cap: usize) {
        if let Some((old, _)) = self.by_id.remove(&id) {
            self.order.remove(&old);
        }
        let n = self.next;
        self.next += 1;
        self.order.insert(n, id.clone());
        self.by_id.insert(id, (n, stream));
        while self.by_id.len() > cap {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.by_id.remove(&oldest);
            self.forgot = true;
        }
    }

    fn take(&mut self, id: &str) -> Option<StreamEnd> {
        let (n, stream) = self.by_id.remove(id)?;
        self.order.remove(&n);
        Some(stream)
    }
}

/// Where an event or line is, for findings.
#[derive(Clone, Default)]
struct Loc {
    connection: Option<usize>,
    event: Option<u64>,
    offset: Option<u64>,
    t: Option<u64>,
    excerpt: Option<String>,
}

/// The bytes a finding can quote from: the kept tail of earlier chunks, then this chunk.
#[derive(Clone, Copy)]
struct View<'a> {
    tail: &'a [u8],
    tail_start: u64,
    chunk: &'a [u8],
}

impl View<'_> {
    fn byte(&self, offset: u64) -> Option<u8> {
        let rel = usize::try_from(offset.checked_sub(self.tail_start)?).ok()?;
        if rel < self.tail.len() {
            Some(self.tail[rel])
        } else {
            self.chunk.get(rel - self.tail.len()).copied()
        }
    }

    /// The bytes from `start` up to a line end, at most `max` bytes (None if not kept).
    fn line(&self, start: u64, max: usize) -> Option<Vec<u8>> {
        self.byte(start)?;
        let mut out = Vec::new();
        let mut at = start;
        while out.len() < max {
            match self.byte(at) {
                Some(b'\r' | b'\n') | None => break,
                Some(b) => out.push(b),
            }
            at += 1;
        }
        Some(out)
    }

    /// The start of the first `data` line of the block in `span` (whose bytes are kept).
    fn first_data_line(&self, span: crate::Span) -> Option<u64> {
        let mut at = span.start;
        while at < span.end {
            let line = self.line(at, usize::try_from(span.end - at).unwrap_or(usize::MAX))?;
            if line.starts_with(b"data") && matches!(line.get(4), None | Some(b':')) {
                return Some(at);
            }
            at += line.len() as u64;
            // Skip the line terminator (CR, LF or CRLF).
            if self.byte(at) == Some(b'\r') {
                at += 1;
            }
            if self.byte(at) == Some(b'\n') {
                at += 1;
            }
        }
        None
    }

    fn excerpt(&self, start: u64) -> Option<String> {
        let bytes = self.line(start, EXCERPT_LEN)?;
        let text = String::from_utf8_lossy(&bytes);
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        Some(out)
    }
}

/// Session-wide id accounting.
#[derive(Default)]
struct Ids {
    order: Option<IdOrderKind>,
    /// Positions (integer ids, or indices in the expected log) delivered so far.
    delivered: IntervalSet,
    /// Positions whose absence is already explained by a resume finding.
    excused: IntervalSet,
    /// Where the first undelivered position of a forward jump was noticed.
    jumps: BTreeMap<u64, Loc>,
    /// The lowest position the session should have delivered (first request's resume point).
    low: Option<u64>,
    texts: RecentIds,
}

struct ExpectedLog {
    events: Vec<ExpectedEvent>,
    index: BTreeMap<String, u64>,
}

#[derive(Default)]
struct Out {
    findings: Vec<Finding>,
    dropped: u64,
    counts: [u64; 3],
    /// Every session-wide entry (one per rule at most), and the first `window.findings`
    /// entries about one connection.
    not_checked: Vec<NotChecked>,
    /// Entries about one connection past that bound: counted, not kept.
    not_checked_dropped: u64,
    /// The rules noted for the whole session.
    session_unchecked: BTreeSet<Rule>,
    /// The latest connection noted, and the rules noted for it. A connection is only noted
    /// while it is the current one (its request, body and close), so older keys are never
    /// asked for again: the dedup state holds one connection's rules, however many connections
    /// the session has.
    connection_unchecked: Option<(usize, BTreeSet<Rule>)>,
}

impl Out {
    /// Counts `n` findings of `severity` that were dropped before they were made: the window
    /// would have had no room for them (see [`Core::utf8_pending`] and [`Conn::defer`]).
    fn count_dropped(&mut self, severity: Severity, n: u64) {
        self.counts[severity as usize] += n;
        self.dropped += n;
    }
}

struct Prev {
    status: Option<u16>,
    end: Option<End>,
}

struct Core {
    cfg: Config,
    custom_order: Option<BoxedIdOrder>,
    timing: Timing,
    out: Out,
    conn: Option<Conn>,
    connections: usize,
    prev: Option<Prev>,
    session_seq: SeqState,
    ids: Ids,
    expected: Option<ExpectedLog>,
    first_request_t: Option<u64>,
    last_t: u64,
    events: u64,
    bytes: u64,
    gaps: Histogram,
    reconnect_delays: Histogram,
    ttfe: Option<u64>,
    per_connection: VecDeque<ConnectionStats>,
    per_connection_dropped: u64,
    /// How the latest 200 event stream ended (a session-scoped grammar must be complete when
    /// it was `eof`).
    last_stream_end: Option<Option<EndKind>>,
    /// Some connection sent a valid `retry`.
    retry_seen: bool,
    /// Some connection had a 200 body.
    bodies: bool,
    /// Profiles with several streams per session: the streams a connection may resume.
    streams: Streams,
    /// Profiles with several streams per session: later connections that resumed a stream
    /// (the session's reconnects).
    resumes: u64,
    /// The latest connection whose 200 body was not recorded: from then on, what its events
    /// decide (the client's last event id and retry, losses, a session's sequence) is unknown.
    unknown_body: Option<usize>,
    /// The client's last event id is unknown (a body was not recorded, and no request or body
    /// since has told it).
    client_id_unknown: bool,
    /// The reconnection time in force is unknown (a body was not recorded, and no known body
    /// has sent a `retry` since).
    retry_unknown: bool,
    /// A body that was not recorded came before the session's first known event.
    ttfe_unknown: bool,
    /// Some body was not recorded (a stream's, or an MCP JSON answer's): the session's bytes
    /// are not all counted.
    bytes_unknown: bool,
    silence: Silence,
    /// Where the chunk scan found invalid UTF-8 in the open connection, in stream order, each
    /// waiting (as `Conn::pending` does) for its line to be traced; at most `window.findings`
    /// of them. `flush_pending` reports by offset, so one found when that many wait comes after
    /// them all, to a full window: it is counted as dropped at once rather than held. A line of
    /// invalid bytes then holds no memory per byte, and each byte costs O(1) however the body
    /// is chunked. Every connection's close empties it (`flush_pending`), so one list serves
    /// them all.
    utf8_pending: VecDeque<u64>,
}

/// The incremental validator. Feed it a session in order — [`request`](Self::request),
/// [`response`](Self::response), [`chunk`](Self::chunk)s, [`end`](Self::end), for each
/// connection — then call [`finish`](Self::finish) for the [`Report`]. It keeps no event and
/// no body beyond a small excerpt window (and, under the MCP profiles, a POST's JSON answer
/// up to `limits.max_event_size` until it closes), so a soak test can stream through it;
/// what it does keep is bounded by [`WindowOptions`](super::WindowOptions).
///
/// ```
/// use ssert_core::validate::{Validator, ValidateOptions, Request, Response, End, EndKind};
///
/// let mut v = Validator::new(&ValidateOptions::default()).unwrap();
/// v.request(&Request { t: 0, headers: Some(vec![("Accept".into(), "text/event-stream".into())]), ..Request::default() });
/// v.response(&Response {
///     status: 200,
///     headers: vec![
///         ("Content-Type".into(), "text/event-stream".into()),
///         ("Cache-Control".into(), "no-cache".into()),
///         ("X-Accel-Buffering".into(), "no".into()),
///     ],
///     t: Some(5),
/// });
/// v.chunk(10, b"id: 1\ndata: hello\n\n");
/// v.chunk(20, b"id: 2\ndata: world\n\n");
/// v.end(&End { kind: EndKind::ClientClosed, t: 30, message: None });
/// let report = v.finish();
/// assert!(report.passed, "{report}");
/// assert_eq!(report.stats.events, 2);
/// ```
pub struct Validator {
    parser: Parser,
    core: Core,
}

impl core::fmt::Debug for Validator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Validator")
            .field("connections", &self.core.connections)
            .field("events", &self.core.events)
            .field("findings", &self.core.out.findings.len())
            .finish_non_exhaustive()
    }
}

impl Validator {
    /// A validator for these options.
    pub fn new(options: &ValidateOptions) -> Result<Validator, OptionsError> {
        let cfg = Config::resolve(options)?;
        Ok(Validator {
            parser: Parser::with_config(cfg.parser),
            core: Core {
                session_seq: SeqState::new(&cfg, false),
                cfg,
                custom_order: None,
                timing: Timing::Monotonic,
                out: Out::default(),
                conn: None,
                connections: 0,
                prev: None,
                ids: Ids::default(),
                expected: None,
                first_request_t: None,
                last_t: 0,
                events: 0,
                bytes: 0,
                gaps: Histogram::default(),
                reconnect_delays: Histogram::default(),
                ttfe: None,
                per_connection: VecDeque::new(),
                per_connection_dropped: 0,
                last_stream_end: None,
                retry_seen: false,
                bodies: false,
                streams: Streams::default(),
                resumes: 0,
                unknown_body: None,
                client_id_unknown: false,
                retry_unknown: false,
                ttfe_unknown: false,
                bytes_unknown: false,
                silence: Silence::default(),
                utf8_pending: VecDeque::new(),
            },
        })
    }

    /// Orders ids with `order`. It becomes the id order when `ids.order` is unset, `auto` or
    /// `custom`, and also over a profile's order: a comparator is an explicit choice, a profile's
    /// order a default. This is the hook bindings use for JS / Python comparators.
    ///
    /// # Errors
    ///
    /// When `ids.order` names another order (`integer`, ...): the two choices contradict.
    ///
    /// ```
    /// use ssert_core::validate::{IdOrderKind, ValidateOptions, Validator};
    ///
    /// let mut options = ValidateOptions::default();
    /// options.ids.order = Some(IdOrderKind::Integer);
    /// let by_length = |a: &str, b: &str| Some(a.len().cmp(&b.len()));
    /// let error = Validator::new(&options).unwrap().with_id_order(Box::new(by_length)).err().unwrap();
    /// assert!(error.message.contains("ids.order"));
    /// ```
    pub fn with_id_order(mut self, order: BoxedIdOrder) -> Result<Validator, OptionsError> {
        match self.core.cfg.order_given {
            None | Some(IdOrderKind::Auto | IdOrderKind::Custom) => {}
            Some(other) => {
                return Err(OptionsError {
                    message: format!(
                        "ids.order is {:?} but an id order function was given: set ids.order to \"custom\" or leave it unset to order ids with the function",
                        other.name()
                    ),
                })
            }
        }
        self.core.custom_order = Some(order);
        self.core.cfg.order = IdOrderKind::Custom;
        Ok(self)
    }

    /// Sets whether timestamps mean anything (default [`Timing::Monotonic`]).
    pub fn set_timing(&mut self, timing: Timing) {
        self.core.timing = timing;
    }

    /// Adds one entry to the expected event log (what the server says it published, in
    /// order). The whole log comes before the first connection.
    ///
    /// # Errors
    ///
    /// When a connection has started (its events were not matched against a log, and a log
    /// given in pieces would judge them by a part of it), or when the entry repeats the id of
    /// an earlier one (a client cannot tell two events with one id apart). The entry is then
    /// not added; the message says what is wrong.
    ///
    /// ```
    /// use ssert_core::validate::{ExpectedEvent, Request, ValidateOptions, Validator};
    ///
    /// let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    /// let entry = |id: &str| ExpectedEvent { id: id.into(), ..ExpectedEvent::default() };
    /// v.expect(entry("a")).unwrap();
    /// assert!(v.expect(entry("a")).unwrap_err().contains("repeats the id \"a\""));
    /// v.request(&Request::default());
    /// assert!(v.expect(entry("b")).unwrap_err().contains("before the first connection"));
    /// ```
    pub fn expect(&mut self, event: ExpectedEvent) -> Result<(), String> {
        let log = self.expected_log()?;
        let position = log.events.len();
        match log.index.entry(event.id.clone()) {
            btree_map::Entry::Occupied(first) => {
                return Err(repeated_id(position, &event.id, *first.get()));
            }
            btree_map::Entry::Vacant(slot) => {
                slot.insert(position as u64);
            }
        }
        log.events.push(event);
        Ok(())
    }

    /// Gives the expected event log whole, as [`expect`](Self::expect) each entry, but an
    /// empty `events` sets an empty log: the server says it published nothing, so every event
    /// delivered is SSE407 (expected-log). With no call at all there is no log.
    ///
    /// # Errors
    ///
    /// As [`expect`](Self::expect): after the first connection, or for a repeated id. The log
    /// then holds the entries before the one rejected.
    ///
    /// ```
    /// use ssert_core::validate::{Request, Response, Rule, ValidateOptions, Validator};
    ///
    /// let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    /// v.expect_log(&[]).unwrap();
    /// v.request(&Request::default());
    /// v.response(&Response { status: 200, headers: vec![("content-type".into(), "text/event-stream".into())], t: Some(1) });
    /// v.chunk(2, b"id: 1\ndata: unexpected\n\n");
    /// assert!(v.finish().has(Rule::ExpectedLog));
    /// ```
    pub fn expect_log(&mut self, events: &[ExpectedEvent]) -> Result<(), String> {
        self.expected_log()?;
        for event in events {
            self.expect(event.clone())?;
        }
        Ok(())
    }

    /// The expected log, created empty if there is none, while no connection has started.
    fn expected_log(&mut self) -> Result<&mut ExpectedLog, String> {
        if self.core.connections > 0 {
            return Err(String::from(
                "an expected-log entry after a connection started: the expected log comes before the first connection (in JSON Lines, `expected` lines come before the first `request`)",
            ));
        }
        Ok(self.core.expected.get_or_insert_with(|| ExpectedLog {
            events: Vec::new(),
            index: BTreeMap::new(),
        }))
    }

    /// Consumes one JSON Lines record (see [`Record`]).
    pub fn record(&mut self, record: &Record) -> Result<(), String> {
        match record {
            Record::Header(h) => {
                if h.format != FORMAT || h.version != VERSION {
                    return Err(format!(
                        "unsupported recording {:?} version {}",
                        h.format, h.version
                    ));
                }
                self.set_timing(h.timing);
                if let Some(log) = &h.expected {
                    self.expect_log(log)?;
                }
            }
            Record::Connection(c) => self.connection(c),
            Record::Request(r) => self.request(r),
            Record::Response(r) => self.response(r),
            Record::Chunk(c) => self.chunk(c.t, &c.data),
            Record::End(e) => self.end(e),
            Record::BodyUnknown => self.body_unknown(),
            Record::Expected { event } => self.expect(event.clone())?,
        }
        Ok(())
    }

    /// Consumes one line of a JSON Lines recording (blank lines are ignored): how a binding
    /// streams a long session through the validator without building the recording.
    #[cfg(feature = "json")]
    pub fn record_json(&mut self, line: &str) -> Result<(), crate::validate::LoadError> {
        let error = |message: String| crate::validate::LoadError {
            line: None,
            message,
        };
        if line.trim().is_empty() {
            return Ok(());
        }
        let record: Record = serde_json::from_str(line).map_err(|e| error(format!("{e}")))?;
        self.record(&record).map_err(error)
    }

    /// Consumes a whole connection.
    pub fn connection(&mut self, connection: &Connection) {
        self.connection_with(connection, false);
    }

    /// Consumes a whole connection, whose body may be unknown (its chunks then ignored).
    fn connection_with(&mut self, connection: &Connection, body_unknown: bool) {
        self.request(&connection.request);
        if let Some(r) = &connection.response {
            self.response(r);
        }
        if body_unknown {
            self.body_unknown();
        }
        for Chunk { t, data } in &connection.chunks {
            self.chunk(*t, data);
        }
        if let Some(e) = &connection.end {
            self.end(e);
        }
    }

    /// A new connection starts (closing the current one, if still open, as of unknown end).
    pub fn request(&mut self, request: &Request) {
        self.close(None);
        let streams = self.core.cfg.streams();
        if self.core.connections == 0 || streams {
            match request.last_event_id() {
                // A request that resumes: the client already held this id, and keeps it until
                // the stream sets another.
                SentLastEventId::Sent(id) => self.parser.set_last_event_id(id),
                // Under a profile with several streams, one without `Last-Event-ID` is a new
                // stream: no id of another stream is its client's.
                _ if streams => self.parser.set_last_event_id(""),
                _ => {}
            }
        } else if self.core.client_id_unknown {
            // After a body that was not recorded, only the request can say what the client's
            // last event id was.
            match request.last_event_id() {
                SentLastEventId::Sent(id) => self.parser.set_last_event_id(id),
                SentLastEventId::Absent => self.parser.set_last_event_id(""),
                SentLastEventId::Unknown => {}
            }
        }
        let last_id = String::from(self.parser.last_event_id());
        let retry = self.parser.reconnection_time();
        self.core.request(request, last_id, retry);
    }

    /// The current connection's response head.
    pub fn response(&mut self, response: &Response) {
        self.core.response(response);
    }

    /// Says that the current connection's body was not recorded (a HAR entry without its
    /// response text): its events are unknown, not absent. Chunks given after it are ignored;
    /// those given before it stay checked, but the rest of the body is unknown all the same.
    ///
    /// For a 200 response, the rules that need the body (`SSE2xx`, `SSE3xx`, the profile's,
    /// and the replay rules about its events) are reported *not checked* for this connection,
    /// and so is what the body would have decided for later connections: the next reconnect's
    /// `Last-Event-ID` (SSE401), its delay against a `retry` the body may have sent (SSE405),
    /// losses (SSE404) and a session-scoped grammar; and, for the session, SSE312 (no event in
    /// the session) if no recorded event exists when it ends. Everything else stays checked: this
    /// request's own `Last-Event-ID`, the response head, and a later server's resume against
    /// the id it was sent. The stats count none of its events or bytes, and its
    /// [`ConnectionStats::body_unknown`] is set. Ignored when no connection is open.
    pub fn body_unknown(&mut self) {
        if let Some(conn) = self.core.conn.as_mut() {
            conn.body_unknown = true;
        }
    }

    /// Body bytes of the current connection, received at `t` ms (ignored when no connection
    /// is open, or when its body is unknown).
    pub fn chunk(&mut self, t: u64, data: &[u8]) {
        let Some(conn) = self.core.conn.as_mut().filter(|c| !c.body_unknown) else {
            return;
        };
        conn.bytes += data.len() as u64;
        self.core.bytes += data.len() as u64;
        if !data.is_empty() {
            let first = *conn.body_t.get_or_insert(t);
            conn.one_instant &= first == t;
        }
        self.core.activity(t);
        let conn = self.core.conn.as_mut().expect("connection checked above");
        if !conn.parse_body {
            if conn.non_stream == Some(NonStream::Json) && !conn.json_too_large {
                if conn.json_body.len().saturating_add(data.len()) > self.core.cfg.json_answer_max {
                    conn.json_too_large = true;
                    conn.json_body = Vec::new();
                } else {
                    conn.json_body.extend_from_slice(data);
                }
            }
            return;
        }
        if self.core.cfg.on(Rule::InvalidUtf8) {
            let start = self.parser.offset();
            let cap = self.core.cfg.window_findings;
            let waiting = &mut self.core.utf8_pending;
            let mut over = 0;
            // Offsets come in stream order: see `Core::utf8_pending`.
            conn.utf8.feed(data, start, |at| {
                if waiting.len() < cap {
                    waiting.push_back(at);
                } else {
                    over += 1;
                }
            });
            let severity = self.core.cfg.severity[Rule::InvalidUtf8.index()];
            self.core.out.count_dropped(severity, over);
        }
        // One SIMD scan per chunk spares every line the BOM check.
        if let Some(i) = memchr::memrchr(0xEF, data) {
            conn.last_ef = Some(self.parser.offset() + i as u64);
        }
        let tail = core::mem::take(&mut conn.tail);
        let tail_start = conn.tail_start;
        {
            let view = View {
                tail: &tail,
                tail_start,
                chunk: data,
            };
            let mut sink = FeedSink {
                core: &mut self.core,
                view,
                t,
            };
            self.parser.feed(data, &mut sink);
        }
        let keep = self.core.cfg.excerpt_bytes;
        let conn = self.core.conn.as_mut().expect("connection still open");
        conn.tail = tail;
        // A `data` line of the block being built completed in this chunk, or earlier: the
        // block is identified by where it starts (a blank line moves that).
        if conn.data_lines > conn.data_mark
            && conn
                .data_since
                .is_none_or(|(block, _)| block != conn.block_start)
        {
            conn.data_since = Some((conn.block_start, t));
        }
        // Everything quoted later lies in the block being built (lines are quoted when they
        // complete, events when they dispatch), and only if it is at most `keep` bytes long:
        // so keep the current block's bytes, at most the last `keep` of them.
        let end = self.parser.offset();
        let chunk_start = end - data.len() as u64;
        let keep_from = conn
            .block_start
            .max(end.saturating_sub(keep as u64))
            .max(conn.tail_start);
        if wire::keeps_line_heads(&self.core.cfg) {
            conn.keep_line_head(data, chunk_start, keep_from);
        }
        if conn.block_has_id && !conn.event_in_block && conn.id_kept.is_none() {
            if let Some((start, line_end)) = conn.id_line.filter(|&(start, _)| start < keep_from) {
                let view = View {
                    tail: &conn.tail,
                    tail_start: conn.tail_start,
                    chunk: data,
                };
                // Longer lines are not kept in every chunking: they are never read back.
                let len = usize::try_from(line_end - start)
                    .ok()
                    .filter(|&n| n <= keep);
                conn.id_kept = len.and_then(|len| view.line(start, len));
            }
        }
        if keep_from >= chunk_start {
            let skip = usize::try_from(keep_from - chunk_start).unwrap_or(data.len());
            conn.tail.clear();
            conn.tail.extend_from_slice(&data[skip.min(data.len())..]);
        } else {
            let drop = usize::try_from(keep_from - conn.tail_start).unwrap_or(0);
            conn.tail.drain(..drop.min(conn.tail.len()));
            conn.tail.extend_from_slice(data);
        }
        conn.tail_start = keep_from;
    }

    /// The current connection ended.
    pub fn end(&mut self, end: &End) {
        if self.core.conn.is_none() {
            return;
        }
        self.core.activity(end.t);
        self.close(Some(end));
    }

    fn close(&mut self, end: Option<&End>) {
        let Some(conn) = self.core.conn.as_mut() else {
            return;
        };
        conn.end = end.map(|e| e.kind);
        conn.end_t = end.map(|e| e.t);
        let mut cut = None;
        conn.utf8.finish(|at| cut = Some(at));
        let checked = conn.parse_body && !conn.body_unknown;
        if let Some(at) = cut.filter(|_| checked && self.core.cfg.on(Rule::InvalidUtf8)) {
            let message =
                String::from("invalid UTF-8: the stream ends inside a multi-byte sequence");
            conn.pending.push((Rule::InvalidUtf8, message, at));
        }
        if conn.parse_body && conn.body_unknown {
            // Where the unknown body ended is unknown: whatever the parser holds is dropped
            // unchecked, and the client's last event id is no longer known.
            self.parser.finish(&mut |_: Event<'_>| {});
            self.parser.set_last_event_id("");
        } else if conn.parse_body {
            let tail = core::mem::take(&mut conn.tail);
            let tail_start = conn.tail_start;
            let t = end.map_or(conn.last_activity, |e| e.t);
            let view = View {
                tail: &tail,
                tail_start,
                chunk: &[],
            };
            let mut sink = FeedSink {
                core: &mut self.core,
                view,
                t,
            };
            self.parser.finish(&mut sink);
        }
        let last_id = String::from(self.parser.last_event_id());
        let retry = self.parser.reconnection_time();
        self.core.close_connection(end.cloned(), last_id, retry);
    }

    /// The findings kept so far (a live view for soak and load tests; timing findings of a
    /// connection are added when it ends, once it is known not to be buffered, and the
    /// session's own findings, such as SSE312 no-events or losses, by [`finish`](Self::finish)).
    pub fn findings(&self) -> &[Finding] {
        &self.core.out.findings
    }

    /// Ends the session and returns the report.
    pub fn finish(mut self) -> Report {
        self.close(None);
        self.core.finish()
    }
}

/// Validates a whole recording.
///
/// ```
/// # #[cfg(feature = "json")] {
/// use ssert_core::validate::{validate, Recording, ValidateOptions};
/// let recording = Recording::from_json(r#"{"format":"ssert-recording","version":1,"connections":[
///   {"request":{"t":0,"headers":[["accept","text/event-stream"]]},
///    "response":{"status":200,"headers":[["content-type","text/event-stream"],["cache-control","no-cache"]],"t":3},
///    "chunks":[{"t":4,"text":"id: 1\ndata: a\n\n"},{"t":9,"text":"id: 3\ndata: c\n\n"}],
///    "end":{"kind":"eof","t":10}}]}"#).unwrap();
/// let options: ValidateOptions = serde_json::from_str(r#"{"ids":{"consecutive":true}}"#).unwrap();
/// let report = validate(&recording, &options).unwrap();
/// assert!(!report.passed);
/// assert_eq!(report.codes(), ["SSE105", "SSE404"]);
/// # }
/// ```
///
/// # Errors
///
/// When the options are invalid, or when the recording's expected log repeats an id (the
/// recording readers reject such a log as they load it; this catches one built in code).
pub fn validate(recording: &Recording, options: &ValidateOptions) -> Result<Report, OptionsError> {
    run(Validator::new(options)?, recording)
}

/// Why [`validate_json`] could not produce a report.
#[cfg(feature = "json")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidateJsonError {
    /// The recording text is not a recording (JSON, JSON Lines or HAR).
    Recording(super::recording::LoadError),
    /// The options text is not valid options.
    Options(OptionsError),
}

#[cfg(feature = "json")]
impl core::fmt::Display for ValidateJsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ValidateJsonError::Recording(e) => write!(f, "invalid recording: {e}"),
            ValidateJsonError::Options(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "json")]
impl ValidateOptions {
    /// Reads options from JSON (`""` or `"null"` mean the defaults).
    pub fn from_json(text: &str) -> Result<ValidateOptions, OptionsError> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "null" {
            return Ok(ValidateOptions::default());
        }
        serde_json::from_str(trimmed).map_err(|e| OptionsError {
            message: format!("{e}"),
        })
    }
}

#[cfg(feature = "json")]
impl Report {
    /// The report as JSON: the same text from every binding.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// JSON in, JSON out: reads a recording (JSON, JSON Lines or HAR) and options, validates, and
/// returns the report as JSON. Bindings call this (or its parts) so that every language gets
/// byte-identical reports.
///
/// ```
/// // A recording of nothing validates nothing: SSE312 no-events fails it.
/// let report = ssert_core::validate::validate_json(
///     r#"{"format":"ssert-recording","version":1,"connections":[]}"#,
///     r#"{"fail_on":"warning"}"#,
/// ).unwrap();
/// assert!(report.starts_with(r#"{"format":"ssert-report","version":1,"passed":false"#));
/// assert!(report.contains(r#""code":"SSE312","name":"no-events""#));
/// ```
#[cfg(feature = "json")]
pub fn validate_json(recording: &str, options: &str) -> Result<String, ValidateJsonError> {
    let recording = Recording::from_json(recording).map_err(ValidateJsonError::Recording)?;
    let options = ValidateOptions::from_json(options).map_err(ValidateJsonError::Options)?;
    validate(&recording, &options)
        .map(|r| r.to_json())
        .map_err(ValidateJsonError::Options)
}

/// Validates a whole recording, comparing ids with a caller-supplied order.
///
/// # Errors
///
/// As [`validate`], and when `ids.order` contradicts the comparator
/// ([`Validator::with_id_order`]).
pub fn validate_with_id_order(
    recording: &Recording,
    options: &ValidateOptions,
    order: BoxedIdOrder,
) -> Result<Report, OptionsError> {
    run(Validator::new(options)?.with_id_order(order)?, recording)
}

fn run(mut v: Validator, recording: &Recording) -> Result<Report, OptionsError> {
    v.set_timing(recording.timing);
    // `Some(vec![])` is a log too: the server published nothing.
    if let Some(log) = &recording.expected {
        v.expect_log(log).map_err(|message| OptionsError {
            message: format!("the recording's `expected` log: {message}"),
        })?;
    }
    for (i, c) in recording.connections.iter().enumerate() {
        v.connection_with(c, recording.unknown_bodies.contains(&i));
    }
    Ok(v.finish())
}

struct FeedSink<'a> {
    core: &'a mut Core,
    view: View<'a>,
    t: u64,
}

impl Sink for FeedSink<'_> {
    fn event(&mut self, event: Event<'_>) {
        self.core.on_event(&event, self.t, &self.view);
    }

    fn retry(&mut self, millis: u64) {
        self.core.on_retry(millis);
    }

    fn error(&mut self, error: Error) {
        self.core.on_error(error, &self.view);
    }

    #[inline(always)]
    fn trace(&mut self, record: Trace) {
        self.core.on_trace(record, &self.view);
    }
}

impl Core {
    fn finding(&mut self, rule: Rule, message: String, loc: Loc) {
        let severity = self.cfg.severity[rule.index()];
        self.out.counts[severity as usize] += 1;
        if self.out.findings.len() < self.cfg.window_findings {
            self.out.findings.push(Finding {
                rule,
                severity,
                message,
                connection: loc.connection,
                event: loc.event,
                offset: loc.offset,
                t: loc.t,
                excerpt: loc.excerpt,
            });
        } else {
            self.out.dropped += 1;
        }
    }

    /// Notes that `rule` could not be checked, for the session or for one connection (the
    /// current one), once per rule and connection. Every session-wide note is kept (one per
    /// rule at most); of those about one connection, the first `window.findings` are kept and
    /// the rest only counted (`not_checked_dropped`), so a session of endless reconnects holds
    /// a bounded report.
    fn not_checked(&mut self, rule: Rule, connection: Option<usize>, reason: &str) {
        if !self.cfg.on(rule) {
            return;
        }
        let out = &mut self.out;
        let new = match connection {
            None => out.session_unchecked.insert(rule),
            Some(c) => match &mut out.connection_unchecked {
                Some((latest, rules)) if *latest == c => rules.insert(rule),
                // Not expected (see `Out::connection_unchecked`): an older connection is
                // looked up among the entries kept.
                Some((latest, _)) if *latest > c => !out
                    .not_checked
                    .iter()
                    .any(|n| n.rule == rule && n.connection == Some(c)),
                _ => {
                    out.connection_unchecked = Some((c, BTreeSet::from([rule])));
                    true
                }
            },
        };
        if !new {
            return;
        }
        if connection.is_some() {
            // Every session-wide note is kept: the others are about a connection.
            let about_connections = out.not_checked.len() - out.session_unchecked.len();
            if about_connections >= self.cfg.window_findings {
                out.not_checked_dropped += 1;
                return;
            }
        }
        out.not_checked.push(NotChecked {
            rule,
            connection,
            reason: reason.into(),
        });
    }

    fn conn_loc(&self) -> Loc {
        Loc {
            connection: self.conn.as_ref().map(|c| c.index),
            ..Loc::default()
        }
    }

    /// A location at `offset` quoting the line `[start, end)`. The quote is only taken from a
    /// line no longer than the excerpt window, which is then always fully kept, so the report
    /// is the same however the body was chunked.
    fn line_loc(&self, offset: u64, start: u64, end: u64, view: &View<'_>) -> Loc {
        let quotable = end.saturating_sub(start) <= self.cfg.excerpt_bytes as u64;
        Loc {
            offset: Some(offset),
            excerpt: if quotable { view.excerpt(start) } else { None },
            ..self.conn_loc()
        }
    }

    fn timed(&self) -> bool {
        self.timing == Timing::Monotonic
    }

    /// Bytes (or the head, or the end) arrived at `t`: checks the silence before it.
    fn activity(&mut self, t: u64) {
        self.last_t = self.last_t.max(t);
        let max = self.cfg.max_silence;
        let on = self.cfg.on(Rule::Heartbeat);
        let timed = self.timed();
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let silence = t.saturating_sub(conn.last_activity);
        let from = conn.last_activity;
        conn.last_activity = conn.last_activity.max(t);
        if on && timed && silence > max {
            let severity = self.cfg.severity[Rule::Heartbeat.index()];
            let index = conn.index;
            conn.defer(self.cfg.window_findings, severity, || Finding {
                rule: Rule::Heartbeat,
                severity,
                message: format!(
                    "no bytes for {silence} ms (t={from}..{t}), longer than heartbeat.max_silence_ms = {max}"
                ),
                connection: Some(index),
                event: None,
                offset: None,
                t: Some(t),
                excerpt: None,
            });
        }
    }

    fn on_event(&mut self, event: &Event<'_>, t: u64, view: &View<'_>) {
        let timed = self.timed();
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let index = conn.events;
        conn.events += 1;
        let own_id = conn.block_has_id;
        conn.event_in_block = true;
        // Timing.
        let mut ttfe_late = None;
        match conn.last_event_t {
            None => {
                conn.first_event_t = Some(t);
                let ttfe = t.saturating_sub(conn.request_t);
                if self.ttfe.is_none() {
                    // The session's: from its first request, across any failed connections.
                    let since = self.first_request_t.unwrap_or(conn.request_t);
                    self.ttfe = Some(t.saturating_sub(since));
                }
                // A resumed connection waits for events that happen after the client's last
                // one, which may be none for a long time: its silence is the heartbeat rule's.
                if ttfe > self.cfg.ttfe_max && conn.sent_id.is_none() {
                    ttfe_late = Some(ttfe);
                }
            }
            Some(last) => {
                let gap = t.saturating_sub(last);
                // Merged into the session's histogram when the connection closes.
                conn.gaps.add(gap);
            }
        }
        conn.last_event_t = Some(t);
        let conn_index = conn.index;
        self.events += 1;
        let loc = Loc {
            connection: Some(conn_index),
            event: Some(index),
            offset: Some(event.span.start),
            t: Some(t),
            excerpt: None,
        };
        // The quote is made only if this event gets a finding (it costs an allocation).
        let quotable = event.span.end - event.span.start <= self.cfg.excerpt_bytes as u64;
        let quote = || {
            if quotable {
                view.excerpt(event.span.start)
            } else {
                None
            }
        };
        // Payload findings point at the block's first `data` line, found only when needed.
        let data_line = || {
            if quotable {
                view.first_data_line(event.span)
            } else {
                None
            }
        };
        let findings_before = self.out.findings.len();
        if let Some(ttfe) = ttfe_late {
            if self.cfg.on(Rule::TimeToFirstEvent) && timed {
                let severity = self.cfg.severity[Rule::TimeToFirstEvent.index()];
                let max = self.cfg.ttfe_max;
                let cap = self.cfg.window_findings;
                let conn = self.conn.as_mut().expect("open");
                conn.defer(cap, severity, || Finding {
                    rule: Rule::TimeToFirstEvent,
                    severity,
                    message: format!("first event {ttfe} ms after the request, more than time_to_first_event.max_ms = {max}"),
                    connection: loc.connection,
                    event: loc.event,
                    offset: loc.offset,
                    t: loc.t,
                    excerpt: quote(),
                });
            }
        }
        let event_type = event.event_type();
        // Event type allow-list.
        if self.cfg.on(Rule::EventType) {
            if let Some(allowed) = &self.cfg.allowed_types {
                if allowed
                    .binary_search_by(|a| a.as_str().cmp(event_type))
                    .is_err()
                {
                    self.finding(
                        Rule::EventType,
                        format!("event type {event_type:?} is not allowed"),
                        loc.clone(),
                    );
                }
            }
        }
        // JSON data and profile payload checks share one parse (off the common path).
        let json_rule = self.cfg.on(Rule::DataJson)
            && self
                .cfg
                .json_types
                .as_ref()
                .is_none_or(|types| types.iter().any(|ty| ty == event_type));
        // The profile's tokens drive the grammar even when its payload rule is off.
        let profile = self.cfg.profile;
        let token = if json_rule || profile.is_some() {
            self.payload_checks(event, json_rule, profile, &loc)
        } else {
            Some(event_type)
        };
        // Grammar and terminal events.
        self.sequence(token.unwrap_or(event_type), token.is_some(), &loc);
        // Ids.
        let mut jump = None;
        if own_id && !event.id.is_empty() {
            jump = self.on_id(event.id, Some((event_type, event.data)), &loc);
        } else if own_id {
            // An empty `id` resets the client's last event id.
            self.id_reset();
        } else if self.cfg.on(Rule::MissingId) && self.cfg.ids_required {
            self.finding(
                Rule::MissingId,
                String::from("event has no `id` field: a reconnect cannot resume after it"),
                loc.clone(),
            );
        }
        // Events without own ids cannot be matched against the log.
        let unmatched = !own_id || event.id.is_empty();
        if unmatched && self.expected.is_some() && self.cfg.on(Rule::ExpectedLog) {
            self.finding(
                Rule::ExpectedLog,
                String::from("event has no id, so it cannot be matched to the expected log"),
                loc,
            );
        }
        if self.out.findings.len() > findings_before || jump.is_some() {
            let excerpt = quote();
            let mut data_excerpt: Option<Option<u64>> = None;
            for f in &mut self.out.findings[findings_before..] {
                if f.excerpt.is_none() && f.event == Some(index) && f.connection == Some(conn_index)
                {
                    if is_payload_rule(f.rule) {
                        // Payload findings quote the data line, not the event's first line.
                        let data = *data_excerpt.get_or_insert_with(data_line);
                        f.excerpt = data
                            .and_then(|at| view.excerpt(at))
                            .or_else(|| excerpt.clone());
                        if let Some(at) = data {
                            f.offset = Some(at);
                        }
                    } else {
                        f.excerpt.clone_from(&excerpt);
                    }
                }
            }
            if let Some(at) = jump.and_then(|k| self.ids.jumps.get_mut(&k)) {
                at.excerpt = excerpt;
            }
        }
    }

    /// The `data-json` rule and the profile's payload checks; returns the grammar token
    /// (`None`: the grammar skips this event).
    #[inline(never)]
    fn payload_checks<'e>(
        &mut self,
        event: &Event<'e>,
        json_rule: bool,
        profile: Option<Profile>,
        loc: &Loc,
    ) -> Option<&'e str> {
        let event_type = event.event_type();
        // `data-json` alone only needs to know the text is JSON. Building no more than is read
        // keeps a large event from costing many times its size.
        let depth = if profile.is_some() {
            profiles::JSON_DEPTH
        } else {
            0
        };
        let parsed = json::parse_to_depth(event.data, depth);
        if json_rule {
            if let Err(e) = &parsed {
                self.finding(
                    Rule::DataJson,
                    format!(
                        "data of a {event_type:?} event is not JSON: {} at byte {}",
                        e.message, e.position
                    ),
                    loc.clone(),
                );
            }
        }
        let mut token = Some(event_type);
        if let Some(profile) = profile {
            let scope_is_conn = self.cfg.grammar_scope == Scope::Connection;
            let state = if scope_is_conn {
                &mut self.conn.as_mut().expect("open").seq.profile
            } else {
                &mut self.session_seq.profile
            };
            if let Some(verdict) =
                profiles::check(profile, state, event_type, event.data, Some(&parsed))
            {
                token = match verdict.token {
                    Token::Type => Some(event_type),
                    Token::Name(name) => Some(name),
                    Token::Skip => None,
                };
                if verdict.response {
                    self.conn.as_mut().expect("open").answered = true;
                }
                let rule = profiles::rule_of(profile);
                if let Some(problem) = verdict.problem.filter(|_| self.cfg.on(rule)) {
                    self.finding(rule, problem, loc.clone());
                }
            }
        }
        token
    }

    /// Steps the grammar (unless `in_grammar` is false) and the terminal check with `token`.
    fn sequence(&mut self, token: &str, in_grammar: bool, loc: &Loc) {
        if !self.cfg.on(Rule::Grammar) && !self.cfg.on(Rule::AfterTerminal) {
            return;
        }
        for scope in [Scope::Connection, Scope::Session] {
            let grammar_here =
                in_grammar && self.cfg.on(Rule::Grammar) && self.cfg.grammar_scope == scope;
            let terminal_here =
                self.cfg.on(Rule::AfterTerminal) && self.cfg.terminal_scope == scope;
            if !grammar_here && !terminal_here {
                continue;
            }
            let seq = match scope {
                Scope::Connection => &mut self.conn.as_mut().expect("open").seq,
                Scope::Session => &mut self.session_seq,
            };
            let mut findings: Vec<(Rule, String)> = Vec::new();
            if terminal_here {
                if let Some(term) = &seq.terminal_seen {
                    if !seq.terminal_flagged {
                        seq.terminal_flagged = true;
                        findings.push((
                            Rule::AfterTerminal,
                            format!("event {token:?} after the terminal event {term:?}"),
                        ));
                    }
                } else if self.cfg.terminal.iter().any(|t| t == token) {
                    seq.terminal_seen = Some(token.into());
                }
            }
            if grammar_here && !seq.grammar_failed {
                let grammar = self.cfg.grammar_for(seq.resumed);
                if let (Some(grammar), Some(m)) = (grammar, seq.matcher.as_mut()) {
                    if !m.step(grammar, token) {
                        let expected = m.expected(grammar);
                        seq.grammar_failed = true;
                        findings.push((
                            Rule::Grammar,
                            format!("event {token:?} does not fit the grammar `{}`: expected {expected}", grammar.source()),
                        ));
                    }
                }
            }
            for (rule, message) in findings {
                self.finding(rule, message, loc.clone());
            }
        }
    }

    fn close_connection(&mut self, end: Option<End>, last_id: String, retry: Option<u64>) {
        let empty = View {
            tail: &[],
            tail_start: 0,
            chunk: &[],
        };
        self.flush_pending(None, &empty);
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let loc = Loc {
            connection: Some(conn.index),
            t: end.as_ref().map(|e| e.t),
            ..Loc::default()
        };
        if let Some(e) = &end {
            self.last_t = self.last_t.max(e.t);
        }
        self.retry_seen |= conn.saw_retry;
        self.bodies |= conn.parse_body;
        let unknown = conn.parse_body && conn.body_unknown;
        // The stats' word: a stream's or a JSON answer's body was not recorded.
        let body_unknown =
            unknown || (conn.body_unknown && conn.non_stream == Some(NonStream::Json));
        self.bytes_unknown |= body_unknown;
        // An answer that is no stream has no last event id of its own.
        let last_id = if conn.non_stream.is_some() {
            String::new()
        } else {
            last_id
        };
        self.tally_silence(&conn, end.as_ref().map(|e| e.kind));
        if unknown {
            self.body_not_recorded(&conn);
        } else if conn.parse_body {
            if conn.saw_retry {
                self.retry_unknown = false;
            }
            if conn.id_delivered || !last_id.is_empty() {
                self.client_id_unknown = false;
            }
        }
        // A resumed connection's backlog is written at once by design, and a quiet stream may
        // send nothing after it: a body at one instant says nothing about buffering there.
        // Bytes at two instants (a comment heartbeat after a burst of events, say) prove that the
        // transport passes them on as they come, and measure the silence between them.
        let resumed = conn.sent_id.is_some();
        let buffered = self.timed() && conn.events >= 2 && conn.one_instant && !resumed;
        if buffered && self.cfg.on(Rule::BufferedTransport) {
            self.finding(
                Rule::BufferedTransport,
                format!(
                    "the whole body ({} events) arrived at t={} ms: something buffered the stream, so timing rules could not be checked",
                    conn.events,
                    conn.body_t.unwrap_or(0)
                ),
                loc.clone(),
            );
        }
        // Only a 200 event stream owes heartbeats and events: another status, another type,
        // a 204, an MCP answer that is no stream, or an attempt with no response does not; and
        // silence measured around a body that was not recorded is no silence of the server.
        let stream = conn.parse_body && !unknown;
        if buffered {
            let reason = "the whole body arrived at the same time (buffered transport)";
            self.not_checked(Rule::Heartbeat, Some(conn.index), reason);
            self.not_checked(Rule::TimeToFirstEvent, Some(conn.index), reason);
        } else if !stream {
            conn.deferred.clear();
        } else {
            // A stream that stays open without dispatching anything is as late as it gets.
            let waited = end.as_ref().map(|e| e.t.saturating_sub(conn.request_t));
            if let Some(waited) = waited.filter(|&w| w > self.cfg.ttfe_max) {
                if self.timed()
                    && conn.events == 0
                    && !resumed
                    && self.cfg.on(Rule::TimeToFirstEvent)
                {
                    self.finding(
                        Rule::TimeToFirstEvent,
                        format!(
                            "no event in the {waited} ms the connection was open, more than time_to_first_event.max_ms = {}",
                            self.cfg.ttfe_max
                        ),
                        loc.clone(),
                    );
                }
            }
            for f in conn.deferred.drain(..) {
                self.finding(
                    f.rule,
                    f.message,
                    Loc {
                        connection: f.connection,
                        event: f.event,
                        offset: f.offset,
                        t: f.t,
                        excerpt: f.excerpt,
                    },
                );
            }
            // Those past the bound come after `window.findings` others: dropped, but counted.
            let severities = [Severity::Info, Severity::Warning, Severity::Error];
            for (severity, n) in severities.into_iter().zip(conn.deferred_over) {
                self.out.count_dropped(severity, n);
            }
        }
        if !self.timed() {
            self.not_checked(Rule::Heartbeat, None, "the recording has no timing");
            self.not_checked(Rule::TimeToFirstEvent, None, "the recording has no timing");
            self.not_checked(Rule::BufferedTransport, None, "the recording has no timing");
        }
        let ended_cleanly = end.as_ref().is_some_and(|e| e.kind == EndKind::Eof);
        // MCP: a POST's stream owes the response to its request (the MCP profiles are the
        // ones with several streams).
        if ended_cleanly
            && conn.parse_body
            && !unknown
            && conn.post
            && conn.event_stream
            && !conn.answered
            && !conn.id_delivered
            && self.cfg.streams()
            && self.cfg.on(Rule::Mcp)
        {
            self.finding(
                Rule::Mcp,
                String::from("the POST stream ended (eof) without the response to its request, and with no event id the client cannot resume it to get the response"),
                loc.clone(),
            );
        }
        if conn.non_stream.is_some() {
            self.non_stream_answer(&mut conn, end.as_ref(), &loc);
        }
        // Only a 200 has a body to match; an empty one is a sequence like any other.
        if ended_cleanly
            && conn.parse_body
            && !unknown
            && self.cfg.on(Rule::Grammar)
            && self.cfg.grammar_scope == Scope::Connection
        {
            self.grammar_end(Some(&mut conn.seq), loc.clone());
        }
        if self.cfg.streams() && !last_id.is_empty() && !unknown {
            let stream = StreamEnd {
                connection: conn.index,
                // The parser's retry is the last valid one of any stream: it is this stream's
                // only if this connection sent one.
                retry: if conn.saw_retry {
                    retry
                } else {
                    conn.inherited_retry
                },
                end: end.clone(),
            };
            let cap = self.cfg.window_ids;
            self.streams.insert(last_id.clone(), stream, cap);
        }
        // An answer that is no stream resumed nothing: the stream its `Last-Event-ID` named can
        // still be resumed.
        if let Some((id, stream)) = conn
            .resumed_stream
            .take()
            .filter(|_| conn.non_stream.is_some())
        {
            let cap = self.cfg.window_ids;
            self.streams.insert(id, stream, cap);
        }
        self.gaps.merge(&conn.gaps);
        let duration = end.as_ref().map(|e| e.t.saturating_sub(conn.request_t));
        if self.cfg.streams() {
            if conn.non_stream.is_some() {
                // It resumed nothing: no reconnect.
                conn.reconnect_delay = None;
            } else {
                self.resumes += u64::from(conn.stream_resume);
                if let Some(delay) = conn.reconnect_delay {
                    self.reconnect_delays.add(delay);
                }
            }
        }
        let stats = ConnectionStats {
            index: conn.index,
            status: conn.status,
            end: conn.end,
            events: conn.events,
            bytes: conn.bytes,
            duration_ms: duration.filter(|_| self.timed()),
            time_to_first_event_ms: conn
                .first_event_t
                .map(|t| t.saturating_sub(conn.request_t))
                .filter(|_| self.timed()),
            gap_ms: conn.gaps.summary().filter(|_| self.timed()),
            throughput_bytes_per_s: duration
                .filter(|&d| d > 0 && self.timed() && !body_unknown)
                .map(|d| conn.bytes.saturating_mul(1000) / d),
            reconnect_delay_ms: conn.reconnect_delay,
            last_event_id_sent: conn.sent_id.take(),
            last_event_id: last_id,
            retry_ms: retry.filter(|_| !self.retry_unknown),
            body_unknown,
        };
        if self.cfg.window_connections > 0 {
            if self.per_connection.len() == self.cfg.window_connections {
                self.per_connection.pop_front();
                self.per_connection_dropped += 1;
            }
            self.per_connection.push_back(stats);
        } else {
            self.per_connection_dropped += 1;
        }
        if conn.parse_body {
            self.last_stream_end = Some(end.as_ref().map(|e| e.kind));
        }
        self.prev = Some(Prev {
            status: conn.status,
            end,
        });
    }

    /// A 200 connection whose body was not recorded closes: the rules that need its events are
    /// not checked on it, and what those events decide for the rest of the session is unknown.
    fn body_not_recorded(&mut self, conn: &Conn) {
        let index = conn.index;
        let losses = self.expected.is_some() || self.cfg.consecutive;
        for &rule in Rule::ALL {
            let needs_body = match rule.category() {
                Category::Transport => false,
                // SSE312 is the session's: not checked only if no event is known at its end.
                Category::Stream => rule != Rule::NoEvents,
                Category::Wire | Category::Profile => true,
                Category::Replay => match rule {
                    Rule::ResumePoint => conn.resume.is_some(),
                    Rule::ReplayDuplicate => true,
                    Rule::LostEvent => losses,
                    Rule::ExpectedLog => self.expected.is_some(),
                    _ => false,
                },
            };
            if needs_body {
                self.not_checked(rule, Some(index), "the body was not recorded");
            }
        }
        if self.cfg.grammar_scope == Scope::Session {
            let reason = format!(
                "the body of connection {index} was not recorded: the session's events are unknown from there on"
            );
            if self.session_seq.matcher.is_some() && !self.session_seq.grammar_failed {
                self.session_seq.matcher = None;
                self.not_checked(Rule::Grammar, None, &reason);
            }
            self.session_seq.profile.forget();
        }
        if self.cfg.terminal_scope == Scope::Session && self.session_seq.terminal_seen.is_none() {
            let reason = format!(
                "the body of connection {index} was not recorded: a terminal event in it is unknown"
            );
            self.not_checked(Rule::AfterTerminal, None, &reason);
        }
        if self.ttfe.is_none() {
            self.ttfe_unknown = true;
        }
        self.unknown_body = Some(index);
        self.client_id_unknown = true;
        self.retry_unknown = true;
    }

    /// MCP: a POST answered with no event stream closes. A 202 must have had no body; a JSON
    /// answer must be the JSON-RPC response (SSE504), when its whole body is known.
    fn non_stream_answer(&mut self, conn: &mut Conn, end: Option<&End>, loc: &Loc) {
        let Some(kind) = conn.non_stream else {
            return;
        };
        let index = Some(conn.index);
        if !self.cfg.on(Rule::Mcp) {
            return;
        }
        if conn.body_unknown {
            self.not_checked(Rule::Mcp, index, "the body was not recorded");
            return;
        }
        let profile = self.cfg.profile.unwrap_or(Profile::Mcp);
        let problem = match kind {
            NonStream::Accepted => (conn.bytes > 0).then(|| {
                let message = format!(
                    "202 Accepted with a {}-byte body: it acknowledges notifications and responses with no body",
                    conn.bytes
                );
                (message, 0)
            }),
            NonStream::Json if !end.is_some_and(|e| e.kind == EndKind::Eof) => {
                let reason = "the JSON answer did not end (eof): its body may be incomplete";
                self.not_checked(Rule::Mcp, index, reason);
                return;
            }
            NonStream::Json if conn.json_too_large => {
                let reason = "the JSON answer is larger than limits.max_event_size";
                self.not_checked(Rule::Mcp, index, reason);
                return;
            }
            NonStream::Json => match core::str::from_utf8(&conn.json_body) {
                Err(e) => Some((
                    String::from("the application/json answer is not UTF-8"),
                    e.valid_up_to(),
                )),
                Ok(text) => profiles::check_json_answer(profile, text),
            },
        };
        let Some((message, at)) = problem else {
            return;
        };
        // Quote the line the problem is on, if the excerpt window holds it.
        let body = core::mem::take(&mut conn.json_body);
        let start = body[..at.min(body.len())]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1);
        let view = View {
            tail: &[],
            tail_start: 0,
            chunk: &body,
        };
        let line_len = view
            .line(start as u64, self.cfg.excerpt_bytes + 1)
            .map_or(0, |l| l.len());
        let at = Loc {
            offset: Some(at as u64),
            excerpt: if line_len <= self.cfg.excerpt_bytes {
                view.excerpt(start as u64)
            } else {
                None
            },
            ..loc.clone()
        };
        self.finding(Rule::Mcp, message, at);
    }

    /// Counts what a closing connection got, for SSE312.
    fn tally_silence(&mut self, conn: &Conn, end: Option<EndKind>) {
        let s = &mut self.silence;
        match conn.status {
            None => {
                let slot = match end {
                    Some(EndKind::NetworkError) => 0,
                    Some(EndKind::Timeout) => 1,
                    Some(EndKind::ClientClosed) => 2,
                    Some(EndKind::Eof) => 3,
                    None => 4,
                };
                s.no_response[slot] += 1;
            }
            Some(204) => s.stopped += 1,
            Some(200) if conn.event_stream => {
                if conn.body_unknown {
                    s.unknown.get_or_insert(conn.index);
                } else if conn.events == 0 {
                    s.streams += 1;
                    s.bytes += conn.bytes;
                    s.data_lines += conn.data_lines;
                    s.tail_data_lines += conn.tail_data_lines;
                }
            }
            Some(_) => s.not_streams += 1,
        }
    }

    /// SSE312 at the end of the session: no event was dispatched in it (see [`Rule::NoEvents`]).
    fn no_events(&mut self) {
        if self.events > 0 || !self.cfg.on(Rule::NoEvents) {
            return;
        }
        let s = &self.silence;
        if let Some(index) = s.unknown {
            let reason = format!(
                "the body of connection {index} was not recorded: it may have dispatched events"
            );
            self.not_checked(Rule::NoEvents, None, &reason);
            return;
        }
        let attempts: u64 = s.no_response.iter().sum();
        let kinds = || {
            let names = [
                "network_error",
                "timeout",
                "client_closed",
                "eof",
                "still open",
            ];
            let counts = s.no_response.iter().zip(names);
            let kinds: Vec<String> = counts
                .filter(|(&n, _)| n > 0)
                .map(|(n, name)| format!("{n} {name}"))
                .collect();
            kinds.join(", ")
        };
        let why = if self.connections == 0 {
            String::from("the recording has no connection")
        } else if s.streams > 0 {
            let bytes = plural(s.bytes, "byte");
            let lines = plural(s.data_lines, "data line");
            let detail = if s.bytes == 0 {
                String::from(if s.streams == 1 {
                    "its body was empty"
                } else {
                    "their bodies were empty"
                })
            } else if s.data_lines == 0 {
                format!("{bytes} arrived, no `data` line (comments and `id`, `event` or `retry` fields alone dispatch nothing)")
            } else if s.tail_data_lines == s.data_lines {
                format!("{bytes} arrived, {lines} never ended by a blank line (an event is dispatched only at a blank line)")
            } else {
                let dropped = s.data_lines - s.tail_data_lines;
                let tail = s.tail_data_lines;
                let tail = if tail > 0 {
                    format!("{tail} never ended by a blank line, ")
                } else {
                    String::new()
                };
                format!(
                    "{bytes} arrived, {lines}: {tail}{dropped} dropped (see the other findings)"
                )
            };
            let mut parts = alloc::vec![format!(
                "{} answered 200 with an event stream but dispatched no event: {detail}",
                plural(s.streams, "connection")
            )];
            if attempts > 0 {
                parts.push(format!(
                    "{} got no response ({})",
                    plural(attempts, "attempt"),
                    kinds()
                ));
            }
            if s.not_streams > 0 {
                parts.push(format!(
                    "{} answered with no event stream (status or Content-Type)",
                    s.not_streams
                ));
            }
            if s.stopped > 0 {
                parts.push(format!("{} answered 204", s.stopped));
            }
            parts.join("; ")
        } else if attempts == self.connections as u64 {
            format!(
                "no connection got a response ({}: {})",
                plural(attempts, "attempt"),
                kinds()
            )
        } else {
            // Every answer said that no event was to come (204), or was no event stream, for
            // which SSE101 / SSE102 already say what went wrong.
            return;
        };
        let message = format!("no event was dispatched in the session: {why}");
        self.finding(Rule::NoEvents, message, Loc::default());
    }

    /// At the end of a scope that ended cleanly: the grammar must have matched completely.
    fn grammar_end(&mut self, seq: Option<&mut SeqState>, loc: Loc) {
        let seq = match seq {
            Some(s) => s,
            None => &mut self.session_seq,
        };
        let Some(grammar) = self.cfg.grammar_for(seq.resumed) else {
            return;
        };
        let Some(m) = &seq.matcher else { return };
        if seq.grammar_failed || m.is_accepting(grammar) {
            return;
        }
        let message = format!(
            "the stream ended before the grammar `{}` was complete: expected {}",
            grammar.source(),
            m.expected(grammar)
        );
        self.finding(Rule::Grammar, message, loc);
    }

    fn finish(mut self) -> Report {
        // The last 200 stream, not the last attempt: a failed reconnect after a stream the
        // server ended does not excuse it, and a 500 after a broken stream ends no stream.
        if self.last_stream_end == Some(Some(EndKind::Eof))
            && self.cfg.on(Rule::Grammar)
            && self.cfg.grammar_scope == Scope::Session
        {
            let mut seq = core::mem::take(&mut self.session_seq);
            self.grammar_end(Some(&mut seq), Loc::default());
        }
        // A body that was not recorded may have sent one: that connection's SSE304 is not checked.
        if self.bodies
            && !self.retry_seen
            && self.unknown_body.is_none()
            && self.cfg.retry_required
            && self.cfg.on(Rule::Retry)
        {
            self.finding(
                Rule::Retry,
                String::from("the session never sent a valid `retry` field (retry.required)"),
                Loc::default(),
            );
        }
        self.report_losses();
        self.no_events();
        let passed = self.out.counts[self.cfg.fail_on as usize..]
            .iter()
            .all(|&n| n == 0);
        let duration = self
            .first_request_t
            .map(|first| self.last_t.saturating_sub(first))
            .filter(|_| self.timed());
        Report {
            format: "ssert-report",
            version: 1,
            passed,
            fail_on: self.cfg.fail_on,
            errors: self.out.counts[Severity::Error as usize],
            warnings: self.out.counts[Severity::Warning as usize],
            infos: self.out.counts[Severity::Info as usize],
            findings: self.out.findings,
            findings_dropped: self.out.dropped,
            not_checked: self.out.not_checked,
            not_checked_dropped: self.out.not_checked_dropped,
            stats: SessionStats {
                connections: self.connections as u64,
                // Under MCP a later connection may open a new stream, which is no reconnect.
                reconnects: if self.cfg.streams() {
                    self.resumes
                } else {
                    self.connections.saturating_sub(1) as u64
                },
                events: self.events,
                bytes: self.bytes,
                duration_ms: duration,
                time_to_first_event_ms: self
                    .ttfe
                    .filter(|_| self.timing == Timing::Monotonic && !self.ttfe_unknown),
                gap_ms: self
                    .gaps
                    .summary()
                    .filter(|_| self.timing == Timing::Monotonic),
                reconnect_delay_ms: self.reconnect_delays.summary(),
                // Bytes of a body that was not recorded are missing from the sum, not its time.
                throughput_bytes_per_s: duration
                    .filter(|&d| d > 0 && !self.bytes_unknown)
                    .map(|d| self.bytes.saturating_mul(1000) / d),
                per_connection: self.per_connection.into_iter().collect(),
                per_connection_dropped: self.per_connection_dropped,
            },
        }
    }
}

/// `n` and `word`, plural unless `n` is 1 ("1 byte", "2 bytes").
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Rules about an event's `data`, whose findings quote its data line.
fn is_payload_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::DataJson
            | Rule::OpenAiChat
            | Rule::OpenAiResponses
            | Rule::AnthropicMessages
            | Rule::Mcp
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_integer_ids_stay_within_the_id_window() {
        // Ids 2, 4, 6...: every one is a range of its own, and every one takes the fast path.
        let mut options = ValidateOptions::default();
        options.window.ids = Some(4);
        let mut v = Validator::new(&options).unwrap();
        v.request(&Request::default());
        v.response(&Response {
            status: 200,
            headers: alloc::vec![("content-type".into(), "text/event-stream".into())],
            t: Some(1),
        });
        for i in 1..=1000u64 {
            v.chunk(10 + i, format!("id: {}\ndata: x\n\n", i * 2).as_bytes());
        }
        let conn = v.core.conn.as_ref().unwrap();
        assert_eq!(conn.events, 1000);
        assert!(conn.ints.ranges.len() <= 4, "{:?}", conn.ints.ranges.len());
        assert!(v.core.ids.delivered.ranges.len() <= 4);
    }

    #[test]
    fn not_checked_state_holds_one_connection_whatever_the_session() {
        let mut options = ValidateOptions::default();
        options.window.findings = Some(3);
        let mut v = Validator::new(&options).unwrap();
        for i in 0..500u64 {
            // Request headers not recorded: SSE106, and on a reconnect SSE401, not checked.
            v.request(&Request {
                t: i * 10,
                headers: None,
                ..Request::default()
            });
            v.response(&Response {
                status: 200,
                headers: alloc::vec![("content-type".into(), "text/event-stream".into())],
                t: Some(i * 10 + 1),
            });
            v.chunk(i * 10 + 2, format!("id: {i}\ndata: x\n\n").as_bytes());
            v.end(&End {
                kind: EndKind::NetworkError,
                t: i * 10 + 3,
                message: None,
            });
        }
        let out = &v.core.out;
        assert_eq!(out.not_checked.len(), 3);
        assert_eq!(out.not_checked_dropped, 999 - 3);
        assert!(out.session_unchecked.is_empty());
        let (latest, rules) = out.connection_unchecked.as_ref().unwrap();
        assert_eq!(*latest, 499);
        assert_eq!(rules.len(), 2);
        // Once per rule and connection, kept or not.
        v.core.not_checked(Rule::Heartbeat, Some(499), "once");
        v.core.not_checked(Rule::Heartbeat, Some(499), "twice");
        v.core
            .not_checked(Rule::AcceptHeader, Some(0), "kept already");
        assert_eq!(v.core.out.not_checked_dropped, 999 - 3 + 1);
        v.core.not_checked(Rule::Heartbeat, None, "session");
        v.core.not_checked(Rule::Heartbeat, None, "session again");
        assert_eq!(v.core.out.not_checked.len(), 4);
        let report = v.finish();
        assert_eq!(report.not_checked_dropped, 997);
    }

    #[test]
    fn mcp_streams_stay_within_the_id_window() {
        let mut options = ValidateOptions {
            profile: Some(Profile::Mcp),
            ..ValidateOptions::default()
        };
        options.window.ids = Some(4);
        let mut v = Validator::new(&options).unwrap();
        let post = |t: u64, last_event_id: Option<&str>| {
            let mut headers =
                alloc::vec![(String::from("accept"), String::from("text/event-stream"))];
            if let Some(id) = last_event_id {
                headers.push(("last-event-id".into(), id.into()));
            }
            Request {
                method: "POST".into(),
                url: String::new(),
                headers: Some(headers),
                t,
            }
        };
        for i in 0..100u64 {
            v.request(&post(i * 10, None));
            v.response(&Response {
                status: 200,
                headers: alloc::vec![("content-type".into(), "text/event-stream".into())],
                t: Some(i * 10 + 1),
            });
            v.chunk(i * 10 + 2, format!("id: s{i}\ndata:\n\n").as_bytes());
            v.end(&End {
                kind: EndKind::NetworkError,
                t: i * 10 + 3,
                message: None,
            });
        }
        assert_eq!(v.core.streams.by_id.len(), 4);
        assert_eq!(v.core.streams.order.len(), 4);
        // The latest streams can be resumed; a forgotten one is not checked, not a finding.
        v.request(&post(5000, Some("s99")));
        v.request(&post(6000, Some("s3")));
        let report = v.finish();
        assert!(
            report
                .findings
                .iter()
                .all(|f| !matches!(f.rule, Rule::LastEventId | Rule::ReconnectDelay)),
            "{report}"
        );
        assert_eq!(report.not_checked.len(), 1);
        assert_eq!(report.not_checked[0].rule, Rule::LastEventId);
        assert_eq!(report.not_checked[0].connection, Some(101));
    }
}
