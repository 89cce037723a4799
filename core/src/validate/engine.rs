//! The validator: one incremental engine ([`Validator`]) that consumes a session connection by
//! connection and chunk by chunk; [`validate`] runs a whole [`Recording`] through it.

use alloc::borrow::ToOwned;
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use super::grammar::{Grammar, GrammarMatcher};
use super::json;
use super::options::{
    integer_id, ulid_time, uuid7_time, BoxedIdOrder, IdOrderKind, OptionsError, Profile, Scope,
    ValidateOptions,
};
use super::profiles::{self, ProfileState};
use super::recording::{
    Chunk, Connection, End, EndKind, ExpectedEvent, Record, Recording, Request, Response,
    SentLastEventId, Timing, FORMAT, VERSION,
};
use super::report::{ConnectionStats, Finding, Histogram, NotChecked, Report, SessionStats};
use super::rules::{Rule, Severity};
use crate::{
    Error, ErrorKind, Event, FieldName, LineKind, Parser, ParserConfig, Sink, Terminator, Trace,
};

const RULES: usize = Rule::ALL.len();
/// Excerpts are cut to this many bytes.
const EXCERPT_LEN: usize = 120;

/// Options resolved against rule defaults and the profile, ready to run.
struct Config {
    enabled: [bool; RULES],
    severity: [Severity; RULES],
    fail_on: Severity,
    profile: Option<Profile>,
    ids_required: bool,
    order: IdOrderKind,
    consecutive: bool,
    retry_required: bool,
    retry_min: u64,
    retry_max: u64,
    max_silence: u64,
    ttfe_max: u64,
    allowed_types: Option<Vec<String>>,
    json_types: Option<Vec<String>>,
    grammar: Option<Grammar>,
    grammar_scope: Scope,
    terminal: Vec<String>,
    terminal_scope: Scope,
    slack: u64,
    reconnect_after: Vec<EndKind>,
    parser: ParserConfig,
    window_ids: usize,
    window_connections: usize,
    window_findings: usize,
    excerpt_bytes: usize,
}

fn rule_ref(name: &str, option: &str) -> Result<Rule, OptionsError> {
    Rule::lookup(name).ok_or_else(|| OptionsError {
        message: format!("{option}: unknown rule {name:?}"),
    })
}

impl Config {
    fn resolve(user: &ValidateOptions) -> Result<Config, OptionsError> {
        let base = user.profile.map(profiles::base_options).unwrap_or_default();
        let mut enabled = [false; RULES];
        let mut severity = [Severity::Error; RULES];
        for &r in Rule::ALL {
            enabled[r.index()] = r.enabled_by_default();
            severity[r.index()] = r.default_severity();
        }
        for layer in [&base, user] {
            let implied = [
                (layer.event_types.allowed.is_some(), Rule::EventType),
                (layer.data_json.types.is_some(), Rule::DataJson),
                (layer.grammar.pattern.is_some(), Rule::Grammar),
                (layer.terminal.types.is_some(), Rule::AfterTerminal),
            ];
            for (set, rule) in implied {
                if set {
                    enabled[rule.index()] = true;
                }
            }
            for name in &layer.enable {
                enabled[rule_ref(name, "enable")?.index()] = true;
            }
            for (name, sev) in &layer.severity {
                severity[rule_ref(name, "severity")?.index()] = *sev;
            }
        }
        for layer in [&base, user] {
            for name in &layer.disable {
                enabled[rule_ref(name, "disable")?.index()] = false;
            }
        }
        fn pick<T: Clone>(user: &Option<T>, base: &Option<T>, default: T) -> T {
            user.clone().or_else(|| base.clone()).unwrap_or(default)
        }
        let pattern = pick(&user.grammar.pattern, &base.grammar.pattern, String::new());
        let grammar = if pattern.is_empty()
            && user.grammar.pattern.is_none()
            && base.grammar.pattern.is_none()
        {
            None
        } else {
            Some(Grammar::parse(&pattern).map_err(|e| OptionsError {
                message: format!("grammar.pattern: {e}"),
            })?)
        };
        // UTF-8 is checked by the validator in one SIMD pass per chunk (see `Utf8Check`),
        // cheaper than the parser's per-line strict mode.
        let mut parser = ParserConfig::default();
        if let Some(v) = user.limits.max_line_len {
            parser = parser.max_line_len(v);
        }
        if let Some(v) = user.limits.max_event_size {
            parser = parser.max_event_size(v);
        }
        if let Some(v) = user.limits.max_buffered {
            parser = parser.max_buffered(v);
        }
        let retry_min = pick(&user.retry.min_ms, &base.retry.min_ms, 100);
        let retry_max = pick(&user.retry.max_ms, &base.retry.max_ms, 600_000);
        if retry_min > retry_max {
            return Err(OptionsError {
                message: format!("retry: min_ms {retry_min} > max_ms {retry_max}"),
            });
        }
        Ok(Config {
            enabled,
            severity,
            fail_on: user.fail_on.unwrap_or(Severity::Error),
            profile: user.profile,
            ids_required: pick(&user.ids.required, &base.ids.required, true),
            order: pick(&user.ids.order, &base.ids.order, IdOrderKind::Auto),
            consecutive: pick(&user.ids.consecutive, &base.ids.consecutive, false),
            retry_required: pick(&user.retry.required, &base.retry.required, false),
            retry_min,
            retry_max,
            max_silence: pick(
                &user.heartbeat.max_silence_ms,
                &base.heartbeat.max_silence_ms,
                30_000,
            ),
            ttfe_max: pick(
                &user.time_to_first_event.max_ms,
                &base.time_to_first_event.max_ms,
                10_000,
            ),
            allowed_types: pick(
                &user.event_types.allowed,
                &base.event_types.allowed,
                Vec::new(),
            )
            .into_sorted_option(
                user.event_types.allowed.is_some() || base.event_types.allowed.is_some(),
            ),
            json_types: user
                .data_json
                .types
                .clone()
                .or_else(|| base.data_json.types.clone()),
            grammar,
            grammar_scope: pick(&user.grammar.scope, &base.grammar.scope, Scope::Session),
            terminal: pick(&user.terminal.types, &base.terminal.types, Vec::new()),
            terminal_scope: pick(&user.terminal.scope, &base.terminal.scope, Scope::Session),
            slack: pick(&user.reconnect.slack_ms, &base.reconnect.slack_ms, 0),
            reconnect_after: pick(
                &user.reconnect.after,
                &base.reconnect.after,
                alloc::vec![EndKind::Eof, EndKind::NetworkError, EndKind::Timeout],
            ),
            parser,
            window_ids: user.window.ids.unwrap_or(100_000).max(1),
            window_connections: user.window.connections.unwrap_or(10_000),
            window_findings: user.window.findings.unwrap_or(1000),
            excerpt_bytes: user.window.excerpt_bytes.unwrap_or(4096).max(EXCERPT_LEN),
        })
    }

    fn on(&self, rule: Rule) -> bool {
        self.enabled[rule.index()]
    }
}

trait IntoSortedOption {
    fn into_sorted_option(self, present: bool) -> Option<Vec<String>>;
}

impl IntoSortedOption for Vec<String> {
    fn into_sorted_option(mut self, present: bool) -> Option<Vec<String>> {
        present.then(|| {
            self.sort();
            self
        })
    }
}

/// Sorted, disjoint, non-adjacent inclusive ranges of u64.
#[derive(Clone, Debug, Default)]
struct IntervalSet {
    ranges: Vec<(u64, u64)>,
}

impl IntervalSet {
    fn contains(&self, v: u64) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < v);
        self.ranges.get(i).is_some_and(|r| r.0 <= v)
    }

    fn insert(&mut self, v: u64) {
        if let Some(last) = self.ranges.last_mut() {
            if last.1.checked_add(1) == Some(v) {
                last.1 = v;
                return;
            }
        }
        self.insert_range(v, v);
    }

    fn insert_range(&mut self, a: u64, b: u64) {
        // First range that ends at or after a-1 (could merge), last that starts at or before b+1.
        let lo = self.ranges.partition_point(|r| r.1.saturating_add(1) < a);
        let hi = self.ranges.partition_point(|r| r.0 <= b.saturating_add(1));
        if lo >= hi {
            self.ranges.insert(lo, (a, b));
        } else {
            let merged = (a.min(self.ranges[lo].0), b.max(self.ranges[hi - 1].1));
            self.ranges.drain(lo..hi);
            self.ranges.insert(lo, merged);
        }
    }

    fn min(&self) -> Option<u64> {
        self.ranges.first().map(|r| r.0)
    }

    fn max(&self) -> Option<u64> {
        self.ranges.last().map(|r| r.1)
    }

    /// The ranges of `[lo, hi]` not in the set.
    fn gaps(&self, lo: u64, hi: u64) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut next = lo;
        for &(a, b) in &self.ranges {
            if b < next {
                continue;
            }
            if a > hi {
                break;
            }
            if a > next {
                out.push((next, a - 1));
            }
            match b.checked_add(1) {
                Some(n) => next = n,
                None => return out,
            }
        }
        if next <= hi {
            out.push((next, hi));
        }
        out
    }
}

/// A bounded set of recent strings (oldest forgotten first), mapping to a connection index.
#[derive(Default)]
struct RecentIds {
    map: BTreeMap<String, usize>,
    order: VecDeque<String>,
}

impl RecentIds {
    fn get(&self, id: &str) -> Option<usize> {
        self.map.get(id).copied()
    }

    fn insert(&mut self, id: &str, connection: usize, cap: usize) {
        if self.map.insert(id.to_owned(), connection).is_none() {
            self.order.push_back(id.to_owned());
            while self.order.len() > cap {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }
}

/// Grammar, terminal and profile state for one scope (a connection or the session).
#[derive(Default)]
struct SeqState {
    matcher: Option<GrammarMatcher>,
    grammar_failed: bool,
    events: u64,
    terminal_seen: Option<String>,
    terminal_flagged: bool,
    profile: ProfileState,
}

impl SeqState {
    fn new(cfg: &Config) -> SeqState {
        SeqState {
            matcher: cfg.grammar.as_ref().map(Grammar::matcher),
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
    /// The block being built dispatched an event (so it is not an id-only block).
    event_in_block: bool,
    /// The block's last valid `id` line.
    id_line: Option<(u64, u64)>,
    ignored_id_at: Option<u64>,
    saw_retry: bool,
    first_event_t: Option<u64>,
    last_event_t: Option<u64>,
    all_same_t: bool,
    gaps: Histogram,
    prev_id: String,
    /// The previous id's integer value, when ids are integers.
    prev_pos: Option<u64>,
    has_prev: bool,
    ints: IntervalSet,
    texts: RecentIds,
    resume: Option<Resume>,
    excused_dups: Option<(u64, u64)>,
    deferred: Vec<Finding>,
    /// Findings waiting for their line's Line trace, to quote it.
    pending: Vec<(Rule, String, u64)>,
    /// The tail `finish` discarded, if any.
    discarded: Option<(u64, u64)>,
    utf8: Utf8Check,
    reconnect_delay: Option<u64>,
    sent_id: Option<String>,
    seq: SeqState,
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

/// Checks UTF-8 across chunk boundaries in one SIMD pass per chunk, reporting the offset of
/// every maximal invalid subsequence (the same offsets as the parser's strict mode).
#[derive(Default)]
struct Utf8Check {
    carry: [u8; 4],
    carry_len: usize,
    carry_offset: u64,
}

/// Length of the UTF-8 sequence a leading byte starts.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

impl Utf8Check {
    /// Checks `data`, which starts at stream offset `offset`; calls `invalid` per error.
    fn feed(&mut self, data: &[u8], offset: u64, mut invalid: impl FnMut(u64)) {
        let mut input = data;
        let mut at = offset;
        if self.carry_len > 0 {
            let take = (4 - self.carry_len).min(data.len());
            let mut buf = [0u8; 4];
            buf[..self.carry_len].copy_from_slice(&self.carry[..self.carry_len]);
            buf[self.carry_len..self.carry_len + take].copy_from_slice(&data[..take]);
            let piece = &buf[..self.carry_len + take];
            let consumed = match core::str::from_utf8(piece) {
                Ok(_) => utf8_width(piece[0]) - self.carry_len,
                Err(e) if e.valid_up_to() > 0 => utf8_width(piece[0]) - self.carry_len,
                Err(e) => match e.error_len() {
                    Some(n) => {
                        invalid(self.carry_offset);
                        n.saturating_sub(self.carry_len)
                    }
                    None => {
                        // Still incomplete: the chunk was too short to finish the sequence.
                        self.carry[self.carry_len..self.carry_len + take]
                            .copy_from_slice(&data[..take]);
                        self.carry_len += take;
                        return;
                    }
                },
            };
            self.carry_len = 0;
            input = &data[consumed..];
            at += consumed as u64;
        }
        loop {
            match simdutf8::compat::from_utf8(input) {
                Ok(_) => return,
                Err(e) => {
                    let valid = e.valid_up_to();
                    match e.error_len() {
                        Some(n) => {
                            invalid(at + valid as u64);
                            input = &input[valid + n..];
                            at += (valid + n) as u64;
                        }
                        None => {
                            let rest = &input[valid..];
                            self.carry[..rest.len()].copy_from_slice(rest);
                            self.carry_len = rest.len();
                            self.carry_offset = at + valid as u64;
                            return;
                        }
                    }
                }
            }
        }
    }

    /// End of stream: a sequence cut short is invalid.
    fn finish(&mut self, mut invalid: impl FnMut(u64)) {
        if self.carry_len > 0 {
            invalid(self.carry_offset);
        }
        self.carry_len = 0;
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
    not_checked: Vec<NotChecked>,
    not_checked_keys: BTreeSet<(Rule, Option<usize>)>,
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
    last_end: Option<EndKind>,
    /// Some connection sent a valid `retry`.
    retry_seen: bool,
    /// Some connection had a 200 body.
    bodies: bool,
}

/// The incremental validator. Feed it a session in order — [`request`](Self::request),
/// [`response`](Self::response), [`chunk`](Self::chunk)s, [`end`](Self::end), for each
/// connection — then call [`finish`](Self::finish) for the [`Report`]. It keeps no event and
/// no body beyond a small excerpt window, so a soak test can stream through it; what it does
/// keep is bounded by [`WindowOptions`](super::WindowOptions).
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
                session_seq: SeqState::new(&cfg),
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
                last_end: None,
                retry_seen: false,
                bodies: false,
            },
        })
    }

    /// Uses `order` to compare ids (for `ids.order = "custom"`; it also becomes the order when
    /// `ids.order` is left at `auto`). This is the hook bindings use for JS / Python comparators.
    pub fn with_id_order(mut self, order: BoxedIdOrder) -> Validator {
        self.core.custom_order = Some(order);
        if matches!(self.core.cfg.order, IdOrderKind::Auto) {
            self.core.cfg.order = IdOrderKind::Custom;
        }
        self
    }

    /// Sets whether timestamps mean anything (default [`Timing::Monotonic`]).
    pub fn set_timing(&mut self, timing: Timing) {
        self.core.timing = timing;
    }

    /// Adds one entry to the expected event log. Give the whole log before the first
    /// connection: events delivered earlier are not matched against later entries.
    pub fn expect(&mut self, event: ExpectedEvent) {
        let log = self.core.expected.get_or_insert_with(|| ExpectedLog {
            events: Vec::new(),
            index: BTreeMap::new(),
        });
        let position = log.events.len() as u64;
        log.index.entry(event.id.clone()).or_insert(position);
        log.events.push(event);
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
            }
            Record::Connection(c) => self.connection(c),
            Record::Request(r) => self.request(r),
            Record::Response(r) => self.response(r),
            Record::Chunk(c) => self.chunk(c.t, &c.data),
            Record::End(e) => self.end(e),
            Record::Expected { event } => self.expect(event.clone()),
        }
        Ok(())
    }

    /// Consumes a whole connection.
    pub fn connection(&mut self, connection: &Connection) {
        self.request(&connection.request);
        if let Some(r) = &connection.response {
            self.response(r);
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
        let last_id = String::from(self.parser.last_event_id());
        let retry = self.parser.reconnection_time();
        self.core.request(request, last_id, retry);
    }

    /// The current connection's response head.
    pub fn response(&mut self, response: &Response) {
        self.core.response(response);
    }

    /// Body bytes of the current connection, received at `t` ms (ignored when no connection
    /// is open).
    pub fn chunk(&mut self, t: u64, data: &[u8]) {
        let Some(conn) = self.core.conn.as_mut() else {
            return;
        };
        conn.bytes += data.len() as u64;
        self.core.bytes += data.len() as u64;
        self.core.activity(t);
        let conn = self.core.conn.as_mut().expect("connection checked above");
        if !conn.parse_body {
            return;
        }
        if self.core.cfg.on(Rule::InvalidUtf8) {
            let start = self.parser.offset();
            let mut found = Vec::new();
            conn.utf8.feed(data, start, |at| found.push(at));
            for at in found {
                conn.pending.push((
                    Rule::InvalidUtf8,
                    String::from("invalid UTF-8: decoded as U+FFFD"),
                    at,
                ));
            }
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
        // Everything quoted later lies in the block being built (lines are quoted when they
        // complete, events when they dispatch), and only if it is at most `keep` bytes long:
        // so keep the current block's bytes, at most the last `keep` of them.
        let end = self.parser.offset();
        let chunk_start = end - data.len() as u64;
        let keep_from = conn
            .block_start
            .max(end.saturating_sub(keep as u64))
            .max(conn.tail_start);
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
        if let Some(at) = cut.filter(|_| conn.parse_body && self.core.cfg.on(Rule::InvalidUtf8)) {
            let message =
                String::from("invalid UTF-8: the stream ends inside a multi-byte sequence");
            conn.pending.push((Rule::InvalidUtf8, message, at));
        }
        if conn.parse_body {
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
    /// connection are added when it ends, once it is known not to be buffered).
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
pub fn validate(recording: &Recording, options: &ValidateOptions) -> Result<Report, OptionsError> {
    Ok(run(Validator::new(options)?, recording))
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
/// let report = ssert_core::validate::validate_json(
///     r#"{"format":"ssert-recording","version":1,"connections":[]}"#,
///     r#"{"fail_on":"warning"}"#,
/// ).unwrap();
/// assert!(report.starts_with(r#"{"format":"ssert-report","version":1,"passed":true"#));
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
pub fn validate_with_id_order(
    recording: &Recording,
    options: &ValidateOptions,
    order: BoxedIdOrder,
) -> Result<Report, OptionsError> {
    Ok(run(
        Validator::new(options)?.with_id_order(order),
        recording,
    ))
}

fn run(mut v: Validator, recording: &Recording) -> Report {
    v.set_timing(recording.timing);
    for e in recording.expected.iter().flatten() {
        v.expect(e.clone());
    }
    for c in &recording.connections {
        v.connection(c);
    }
    v.finish()
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

fn header_tokens(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .map(|d| d.split('=').next().unwrap_or("").trim())
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

    fn not_checked(&mut self, rule: Rule, connection: Option<usize>, reason: &str) {
        if self.cfg.on(rule) && self.out.not_checked_keys.insert((rule, connection)) {
            self.out.not_checked.push(NotChecked {
                rule,
                connection,
                reason: reason.into(),
            });
        }
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

    fn request(&mut self, request: &Request, last_id: String, retry: Option<u64>) {
        let index = self.connections;
        self.connections += 1;
        self.first_request_t.get_or_insert(request.t);
        self.last_t = self.last_t.max(request.t);
        let mut conn = Conn {
            index,
            request_t: request.t,
            status: None,
            parse_body: false,
            last_activity: request.t,
            bytes: 0,
            events: 0,
            end: None,
            end_t: None,
            tail: Vec::new(),
            tail_start: 0,
            block_start: 0,
            last_ef: None,
            first_terminator: None,
            mixed_flagged: false,
            block_has_id: false,
            event_in_block: false,
            id_line: None,
            ignored_id_at: None,
            saw_retry: false,
            first_event_t: None,
            last_event_t: None,
            all_same_t: true,
            gaps: Histogram::default(),
            prev_id: String::new(),
            prev_pos: None,
            has_prev: false,
            ints: IntervalSet::default(),
            texts: RecentIds::default(),
            resume: None,
            excused_dups: None,
            deferred: Vec::new(),
            pending: Vec::new(),
            discarded: None,
            utf8: Utf8Check::default(),
            reconnect_delay: None,
            sent_id: None,
            seq: SeqState::new(&self.cfg),
        };
        let sent = request.last_event_id();
        if let SentLastEventId::Sent(s) = sent {
            conn.sent_id = Some(s.into());
        }
        let loc = Loc {
            connection: Some(index),
            t: Some(request.t),
            ..Loc::default()
        };
        if self.cfg.on(Rule::AcceptHeader) {
            match &request.headers {
                None => self.not_checked(
                    Rule::AcceptHeader,
                    Some(index),
                    "request headers were not recorded",
                ),
                Some(_) => {
                    let accept = request.header("accept").unwrap_or("");
                    if !header_tokens(accept).any(|m| m.eq_ignore_ascii_case("text/event-stream")) {
                        self.finding(
                            Rule::AcceptHeader,
                            format!("request did not send `Accept: text/event-stream` (sent {accept:?})"),
                            loc.clone(),
                        );
                    }
                }
            }
        }
        if let Some(prev) = self.prev.take() {
            if prev.status == Some(204) && self.cfg.on(Rule::ReconnectAfter204) {
                self.finding(
                    Rule::ReconnectAfter204,
                    String::from(
                        "the client reconnected after a 204 No Content, which tells it to stop",
                    ),
                    loc.clone(),
                );
            }
            if let Some(end) = &prev.end {
                let delay = request.t.saturating_sub(end.t);
                if self.timed() {
                    conn.reconnect_delay = Some(delay);
                    self.reconnect_delays.add(delay);
                }
                if self.cfg.on(Rule::ReconnectDelay) && self.cfg.reconnect_after.contains(&end.kind)
                {
                    match (self.timed(), retry) {
                        (false, _) => self.not_checked(Rule::ReconnectDelay, None, "the recording has no timing"),
                        (true, Some(retry)) if delay.saturating_add(self.cfg.slack) < retry => self.finding(
                            Rule::ReconnectDelay,
                            format!(
                                "reconnected {delay} ms after the previous connection ended ({}), sooner than the retry of {retry} ms in force",
                                end.kind.as_str()
                            ),
                            loc.clone(),
                        ),
                        _ => {}
                    }
                }
            }
            // Every later connection is a reconnect of the same EventSource.
            let should = last_id;
            let (sent_value, header_wrong) = match sent {
                SentLastEventId::Unknown => {
                    self.not_checked(
                        Rule::LastEventId,
                        Some(index),
                        "request headers were not recorded",
                    );
                    (should.clone(), false)
                }
                SentLastEventId::Absent => (String::new(), !should.is_empty()),
                SentLastEventId::Sent(s) => (String::from(s), s != should),
            };
            if header_wrong && self.cfg.on(Rule::LastEventId) {
                let message = if should.is_empty() {
                    format!("reconnect sent `Last-Event-ID: {sent_value}` but the client had no last event id")
                } else if sent_value.is_empty() {
                    format!("reconnect sent no `Last-Event-ID`; the client's last event id was {should:?}")
                } else {
                    format!("reconnect sent `Last-Event-ID: {sent_value}`; the client's last event id was {should:?}")
                };
                self.finding(Rule::LastEventId, message, loc);
            }
            if !sent_value.is_empty() || header_wrong {
                conn.resume = Some(Resume {
                    sent: sent_value,
                    should,
                    header_wrong,
                });
            }
        } else if let SentLastEventId::Sent(s) = sent {
            // A first request that resumes (e.g. a recorder that joined mid-session).
            conn.resume = Some(Resume {
                sent: s.into(),
                should: s.into(),
                header_wrong: false,
            });
            if self.expected.is_none() && self.ids.low.is_none() {
                self.ids.low = integer_id(s).and_then(|n| n.checked_add(1));
            }
        }
        self.conn = Some(conn);
    }

    fn response(&mut self, response: &Response) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        conn.status = Some(response.status);
        conn.parse_body = response.status == 200;
        let index = conn.index;
        if let Some(t) = response.t {
            self.activity(t);
        }
        let loc = Loc {
            connection: Some(index),
            t: response.t,
            ..Loc::default()
        };
        let status = response.status;
        if status != 200 && status != 204 {
            if self.cfg.on(Rule::Status) {
                self.finding(
                    Rule::Status,
                    format!("status {status}: an EventSource fails the connection (only 200 streams; 204 stops)"),
                    loc,
                );
            }
            return;
        }
        if status == 204 {
            return;
        }
        if self.cfg.on(Rule::ContentType) {
            let problem = match response.header("content-type") {
                None => Some(String::from(
                    "no `Content-Type`; an EventSource requires text/event-stream",
                )),
                Some(value) => {
                    let mut parts = value.split(';');
                    let essence = parts.next().unwrap_or("").trim();
                    if !essence.eq_ignore_ascii_case("text/event-stream") {
                        Some(format!("`Content-Type: {value}` is not text/event-stream"))
                    } else {
                        parts
                            .filter_map(|p| p.split_once('='))
                            .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
                            .map(|(_, v)| v.trim().trim_matches('"'))
                            .filter(|cs| !cs.eq_ignore_ascii_case("utf-8"))
                            .map(|cs| {
                                format!("`Content-Type` charset {cs:?}: the stream is always UTF-8")
                            })
                    }
                }
            };
            if let Some(message) = problem {
                self.finding(Rule::ContentType, message, loc.clone());
            }
        }
        if self.cfg.on(Rule::CacheControl) {
            let value = response.header("cache-control").unwrap_or("");
            if !header_tokens(value)
                .any(|d| d.eq_ignore_ascii_case("no-cache") || d.eq_ignore_ascii_case("no-store"))
            {
                self.finding(
                    Rule::CacheControl,
                    format!("`Cache-Control` ({value:?}) has neither no-cache nor no-store; caches may hold the stream"),
                    loc.clone(),
                );
            }
        }
        if self.cfg.on(Rule::ContentEncoding) {
            if let Some(enc) = response.header("content-encoding") {
                if !enc.trim().eq_ignore_ascii_case("identity") && !enc.trim().is_empty() {
                    self.finding(
                        Rule::ContentEncoding,
                        format!("`Content-Encoding: {enc}`: compressors and proxies buffer, delaying events"),
                        loc.clone(),
                    );
                }
            }
        }
        if self.cfg.on(Rule::AccelBuffering) {
            let value = response.header("x-accel-buffering");
            if !value.is_some_and(|v| v.trim().eq_ignore_ascii_case("no")) {
                self.finding(
                    Rule::AccelBuffering,
                    String::from(
                        "no `X-Accel-Buffering: no`: an nginx-style proxy may buffer the stream",
                    ),
                    loc,
                );
            }
        }
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
            let loc = Loc {
                connection: Some(conn.index),
                t: Some(t),
                ..Loc::default()
            };
            let severity = self.cfg.severity[Rule::Heartbeat.index()];
            conn.deferred.push(Finding {
                rule: Rule::Heartbeat,
                severity,
                message: format!(
                    "no bytes for {silence} ms (t={from}..{t}), longer than heartbeat.max_silence_ms = {max}"
                ),
                connection: loc.connection,
                event: None,
                offset: None,
                t: loc.t,
                excerpt: None,
            });
        }
    }

    fn on_retry(&mut self, millis: u64) {
        let (min, max) = (self.cfg.retry_min, self.cfg.retry_max);
        if let Some(conn) = self.conn.as_mut() {
            conn.saw_retry = true;
        }
        if self.cfg.on(Rule::Retry) && !(min..=max).contains(&millis) {
            self.finding(
                Rule::Retry,
                format!("retry {millis} ms is outside [{min}, {max}] ms"),
                self.conn_loc(),
            );
        }
    }

    fn on_error(&mut self, error: Error, view: &View<'_>) {
        let rule = match error.kind() {
            ErrorKind::LineTooLong => Rule::LineTooLong,
            ErrorKind::EventTooLarge => Rule::EventTooLarge,
            ErrorKind::BufferLimit => Rule::BufferLimit,
            ErrorKind::InvalidUtf8 => Rule::InvalidUtf8,
            ErrorKind::IncompleteEvent => {
                if self.conn.as_ref().and_then(|c| c.end) != Some(EndKind::Eof) {
                    // The client cut the stream: the tail is lost, but not through the server's fault.
                    return;
                }
                Rule::UnterminatedEvent
            }
            _ => return,
        };
        if !self.cfg.on(rule) {
            return;
        }
        let message = match rule {
            Rule::UnterminatedEvent => String::from(
                "the stream ended inside an event (no blank line after it): the client discards it",
            ),
            Rule::InvalidUtf8 => String::from("invalid UTF-8: decoded as U+FFFD"),
            _ => format!(
                "{} (the event being built is discarded)",
                error.kind().message()
            ),
        };
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        if rule == Rule::UnterminatedEvent {
            let (start, end) = conn.discarded.unwrap_or((error.offset(), error.offset()));
            let loc = self.line_loc(error.offset(), start, end, view);
            self.finding(rule, message, loc);
        } else {
            // Quoted once the line holding the offset is complete (its Line trace follows).
            conn.pending.push((rule, message, error.offset()));
        }
    }

    /// Emits the findings waiting for the line `[start, end)` to complete.
    fn flush_pending(&mut self, line: Option<(u64, u64)>, view: &View<'_>) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        if conn.pending.is_empty() {
            return;
        }
        // Only what lies on this line (UTF-8 errors of later lines wait for theirs).
        let limit = line.map_or(u64::MAX, |(_, end)| end);
        let mut pending = core::mem::take(&mut conn.pending);
        let later: Vec<_> = if pending.iter().all(|p| p.2 <= limit) {
            Vec::new()
        } else {
            let split = pending
                .iter()
                .position(|p| p.2 > limit)
                .unwrap_or(pending.len());
            pending.split_off(split)
        };
        conn.pending = later;
        for (rule, message, offset) in pending {
            let loc = match line {
                Some((start, end)) => self.line_loc(offset, start, end, view),
                None => Loc {
                    offset: Some(offset),
                    ..self.conn_loc()
                },
            };
            self.finding(rule, message, loc);
        }
    }

    #[inline(always)]
    fn on_trace(&mut self, record: Trace, view: &View<'_>) {
        // The common line: nothing pending, the stream's usual terminator, a known field or a
        // comment or blank line, no BOM byte. Kept small and mostly branch-free: it runs for
        // every line, and line kinds alternate too much for branches to predict well.
        if let (Trace::Line(line), Some(conn)) = (&record, self.conn.as_mut()) {
            let blank = line.kind == LineKind::Blank;
            let id = line.kind == LineKind::Field(FieldName::Id);
            let plain = conn.pending.is_empty()
                && Some(line.terminator) == conn.first_terminator
                && !matches!(
                    line.kind,
                    LineKind::Field(FieldName::Unknown) | LineKind::Oversized
                )
                && !(blank && conn.block_has_id && !conn.event_in_block)
                && (conn.last_ef.is_none_or(|at| at < line.start)
                    || line.start == 0
                    || view.byte(line.start) != Some(0xEF));
            if plain {
                let own_id = id && conn.ignored_id_at != Some(line.start);
                conn.block_has_id = (conn.block_has_id || own_id) && !blank;
                conn.event_in_block &= !blank;
                if blank {
                    conn.block_start = line.end;
                }
                if own_id {
                    conn.id_line = Some((line.start, line.end));
                }
                return;
            }
        }
        self.on_trace_slow(record, view);
    }

    #[cold]
    fn on_trace_slow(&mut self, record: Trace, view: &View<'_>) {
        match record {
            Trace::Line(line) => {
                self.flush_pending(Some((line.start, line.end)), view);
                let Some(conn) = self.conn.as_mut() else {
                    return;
                };
                if line.terminator != Terminator::Eof {
                    match conn.first_terminator {
                        None => conn.first_terminator = Some(line.terminator),
                        Some(first) if first != line.terminator && !conn.mixed_flagged => {
                            conn.mixed_flagged = true;
                            if self.cfg.on(Rule::MixedLineEndings) {
                                let name = |t: Terminator| match t {
                                    Terminator::Cr => "CR",
                                    Terminator::Lf => "LF",
                                    Terminator::CrLf => "CRLF",
                                    Terminator::Eof => "EOF",
                                };
                                let message = format!(
                                    "line ends with {} but the stream started with {} line endings",
                                    name(line.terminator),
                                    name(first)
                                );
                                let loc = self.line_loc(line.start, line.start, line.end, view);
                                self.finding(Rule::MixedLineEndings, message, loc);
                            }
                        }
                        Some(_) => {}
                    }
                }
                let conn = self.conn.as_mut().expect("checked above");
                match line.kind {
                    LineKind::Blank => {
                        if conn.block_has_id && !conn.event_in_block {
                            self.id_only_block(view);
                        }
                        let conn = self.conn.as_mut().expect("checked above");
                        conn.block_has_id = false;
                        conn.event_in_block = false;
                        conn.block_start = line.end;
                    }
                    LineKind::Field(FieldName::Id) => {
                        if conn.ignored_id_at != Some(line.start) {
                            conn.block_has_id = true;
                            conn.id_line = Some((line.start, line.end));
                        }
                    }
                    LineKind::Field(FieldName::Unknown) => {
                        self.unknown_field(line.start, line.end, view)
                    }
                    LineKind::Field(_) | LineKind::Comment | LineKind::Oversized => {}
                }
                if line.start > 0 && view.byte(line.start) == Some(0xEF) {
                    let bom = view.line(line.start, 3);
                    if bom.as_deref() == Some(&crate::BOM[..]) && self.cfg.on(Rule::BomNotAtStart) {
                        let loc = self.line_loc(line.start, line.start, line.end, view);
                        self.finding(
                            Rule::BomNotAtStart,
                            String::from("a byte order mark after the stream start is part of the line (only the first is stripped)"),
                            loc,
                        );
                    }
                }
            }
            Trace::IgnoredId { offset } => {
                if let Some(conn) = self.conn.as_mut() {
                    conn.ignored_id_at = Some(offset);
                }
                if self.cfg.on(Rule::IdHasNul) {
                    if let Some(conn) = self.conn.as_mut() {
                        let message =
                            String::from("`id` contains U+0000 NULL: clients ignore the field");
                        conn.pending.push((Rule::IdHasNul, message, offset));
                    }
                }
            }
            Trace::InvalidRetry { offset } => {
                if self.cfg.on(Rule::InvalidRetry) {
                    if let Some(conn) = self.conn.as_mut() {
                        let message =
                            String::from("`retry` is not all ASCII digits: clients ignore it");
                        conn.pending.push((Rule::InvalidRetry, message, offset));
                    }
                }
            }
            Trace::DiscardedTail { start, end } => {
                if let Some(conn) = self.conn.as_mut() {
                    conn.discarded = Some((start, end));
                }
            }
            Trace::Bom { .. } => {}
        }
    }

    /// A block with an `id` and no data sets the client's last event id without an event (a
    /// checkpoint): its id counts for resume and accounting like an event's.
    fn id_only_block(&mut self, view: &View<'_>) {
        let Some(conn) = self.conn.as_ref() else {
            return;
        };
        let Some((start, end)) = conn.id_line else {
            return;
        };
        let len = end - start;
        if len > self.cfg.excerpt_bytes as u64 {
            return; // not kept in every chunking: skip rather than depend on it
        }
        let Some(line) = view.line(start, usize::try_from(len).unwrap_or(usize::MAX)) else {
            return;
        };
        let value = match line.get(2..) {
            Some([b':', b' ', rest @ ..]) | Some([b':', rest @ ..]) => rest,
            _ => &[],
        };
        let id = String::from_utf8_lossy(value).into_owned();
        if id.is_empty() {
            return;
        }
        let loc = Loc {
            connection: Some(conn.index),
            event: None,
            offset: Some(start),
            t: None,
            excerpt: view.excerpt(start),
        };
        self.on_id(&id, None, &loc);
    }

    fn unknown_field(&mut self, start: u64, end: u64, view: &View<'_>) {
        let max = usize::try_from(end - start).unwrap_or(usize::MAX).min(64);
        let quotable = end - start <= self.cfg.excerpt_bytes as u64;
        let name_bytes = view.line(start, max).filter(|_| quotable).map(|l| {
            let n = l.iter().position(|&b| b == b':').unwrap_or(l.len());
            l[..n].to_vec()
        });
        if name_bytes
            .as_deref()
            .is_some_and(|n| n.starts_with(&crate::BOM))
        {
            return; // reported as bom-not-at-start
        }
        let name = name_bytes.map(|n| String::from_utf8_lossy(&n).into_owned());
        let known = ["data", "event", "id", "retry"];
        let miscased = name
            .as_deref()
            .and_then(|n| known.iter().find(|k| k.eq_ignore_ascii_case(n)));
        let loc = self.line_loc(start, start, end, view);
        match (miscased, name) {
            (Some(k), Some(n)) if self.cfg.on(Rule::FieldNameCase) => self.finding(
                Rule::FieldNameCase,
                format!("field name {n:?} is not `{k}`: names are case-sensitive, so clients ignore this line"),
                loc,
            ),
            (Some(_), _) => {}
            (None, name) if self.cfg.on(Rule::UnknownField) => {
                let shown = name.map_or_else(|| String::from("(not kept)"), |n| format!("{n:?}"));
                self.finding(Rule::UnknownField, format!("unknown field {shown}: clients ignore it"), loc);
            }
            (None, _) => {}
        }
    }

    fn id_order_kind(&mut self, id: &str) -> IdOrderKind {
        if let Some(k) = self.ids.order {
            return k;
        }
        let kind = match self.cfg.order {
            IdOrderKind::Auto if integer_id(id).is_some() => IdOrderKind::Integer,
            IdOrderKind::Auto => {
                self.not_checked(
                    Rule::IdOrder,
                    None,
                    "ids are not integers and no `ids.order` was given",
                );
                IdOrderKind::None
            }
            IdOrderKind::Custom if self.custom_order.is_none() => {
                self.not_checked(
                    Rule::IdOrder,
                    None,
                    "`ids.order` is custom but no comparator was supplied",
                );
                IdOrderKind::None
            }
            k => k,
        };
        self.ids.order = Some(kind);
        kind
    }

    /// `Some(Greater)` when `b` comes after `a`... i.e. compares `b` to `a` under the order.
    fn compare(&self, kind: IdOrderKind, later: &str, earlier: &str) -> Result<Ordering, String> {
        let bad = |id: &str, what: &str| format!("id {id:?} is not {what}");
        match kind {
            IdOrderKind::Integer => {
                let l = integer_id(later).ok_or_else(|| bad(later, "a decimal integer"))?;
                let e = integer_id(earlier).ok_or_else(|| bad(earlier, "a decimal integer"))?;
                Ok(l.cmp(&e))
            }
            IdOrderKind::Lexicographic => Ok(later.as_bytes().cmp(earlier.as_bytes())),
            IdOrderKind::Ulid | IdOrderKind::Uuid7 => {
                let time = if kind == IdOrderKind::Ulid {
                    ulid_time
                } else {
                    uuid7_time
                };
                let what = if kind == IdOrderKind::Ulid {
                    "a ULID"
                } else {
                    "a UUIDv7"
                };
                let l = time(later).ok_or_else(|| bad(later, what))?;
                let e = time(earlier).ok_or_else(|| bad(earlier, what))?;
                // Time-ordered ids may share a millisecond: equal times count as increasing.
                Ok(if l == e { Ordering::Greater } else { l.cmp(&e) })
            }
            IdOrderKind::Custom => match &self.custom_order {
                Some(order) => order.compare(later, earlier).ok_or_else(|| {
                    format!("the comparator cannot order {later:?} and {earlier:?}")
                }),
                None => Ok(Ordering::Greater),
            },
            IdOrderKind::Auto | IdOrderKind::None => Ok(Ordering::Greater),
        }
    }

    /// The accounting position of an id: its index in the expected log, or its integer value
    /// when ids are integers. `None` when ids are opaque.
    fn position(&self, kind: IdOrderKind, id: &str) -> Option<u64> {
        match &self.expected {
            Some(log) => log.index.get(id).copied(),
            None if kind == IdOrderKind::Integer => integer_id(id),
            None => None,
        }
    }

    fn counts_losses(&self, kind: IdOrderKind) -> bool {
        self.expected.is_some() || (kind == IdOrderKind::Integer && self.cfg.consecutive)
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
        let first_in_connection = index == 0;
        // Timing.
        let mut ttfe_late = None;
        match conn.last_event_t {
            None => {
                conn.first_event_t = Some(t);
                let ttfe = t.saturating_sub(conn.request_t);
                if conn.index == 0 || self.ttfe.is_none() {
                    self.ttfe.get_or_insert(ttfe);
                }
                if ttfe > self.cfg.ttfe_max {
                    ttfe_late = Some(ttfe);
                }
            }
            Some(last) => {
                let gap = t.saturating_sub(last);
                // Merged into the session's histogram when the connection closes.
                conn.gaps.add(gap);
                if Some(t) != conn.first_event_t {
                    conn.all_same_t = false;
                }
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
        let findings_before = self.out.findings.len();
        if let Some(ttfe) = ttfe_late {
            if self.cfg.on(Rule::TimeToFirstEvent) && timed {
                let severity = self.cfg.severity[Rule::TimeToFirstEvent.index()];
                let max = self.cfg.ttfe_max;
                let conn = self.conn.as_mut().expect("open");
                conn.deferred.push(Finding {
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
        let profile = self
            .cfg
            .profile
            .filter(|p| self.cfg.on(profiles::rule_of(*p)));
        let token = if json_rule || profile.is_some() {
            self.payload_checks(event, json_rule, profile, first_in_connection, &loc)
        } else {
            event_type
        };
        // Grammar and terminal events.
        self.sequence(token, &loc);
        // Ids.
        let mut jump = None;
        if own_id && !event.id.is_empty() {
            jump = self.on_id(event.id, Some((event_type, event.data)), &loc);
        } else if self.cfg.on(Rule::MissingId) && self.cfg.ids_required && !own_id {
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
            for f in &mut self.out.findings[findings_before..] {
                if f.excerpt.is_none() && f.event == Some(index) && f.connection == Some(conn_index)
                {
                    f.excerpt.clone_from(&excerpt);
                }
            }
            if let Some(at) = jump.and_then(|k| self.ids.jumps.get_mut(&k)) {
                at.excerpt = excerpt;
            }
        }
    }

    /// The `data-json` rule and the profile's payload checks; returns the grammar token.
    #[inline(never)]
    fn payload_checks<'e>(
        &mut self,
        event: &Event<'e>,
        json_rule: bool,
        profile: Option<Profile>,
        first_in_connection: bool,
        loc: &Loc,
    ) -> &'e str {
        let event_type = event.event_type();
        let parsed = json::parse(event.data);
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
        let mut token: &'e str = event_type;
        if let Some(profile) = profile {
            let scope_is_conn = self.cfg.grammar_scope == Scope::Connection;
            let state = if scope_is_conn {
                &mut self.conn.as_mut().expect("open").seq.profile
            } else {
                &mut self.session_seq.profile
            };
            if let Some(verdict) = profiles::check(
                profile,
                state,
                event_type,
                event.data,
                Some(&parsed),
                first_in_connection,
            ) {
                if profiles::uses_payload_tokens(profile) {
                    token = verdict.token;
                }
                if let Some(problem) = verdict.problem {
                    self.finding(profiles::rule_of(profile), problem, loc.clone());
                }
            }
        }
        token
    }

    fn sequence(&mut self, token: &str, loc: &Loc) {
        if !self.cfg.on(Rule::Grammar) && !self.cfg.on(Rule::AfterTerminal) {
            return;
        }
        for scope in [Scope::Connection, Scope::Session] {
            let grammar_here = self.cfg.on(Rule::Grammar) && self.cfg.grammar_scope == scope;
            let terminal_here =
                self.cfg.on(Rule::AfterTerminal) && self.cfg.terminal_scope == scope;
            if !grammar_here && !terminal_here {
                continue;
            }
            let seq = match scope {
                Scope::Connection => &mut self.conn.as_mut().expect("open").seq,
                Scope::Session => &mut self.session_seq,
            };
            seq.events += 1;
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
                if let (Some(grammar), Some(m)) = (&self.cfg.grammar, seq.matcher.as_mut()) {
                    let expected = m.expected(grammar);
                    if !m.step(grammar, token) {
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

    /// Checks an event's own id. Returns the key of a forward jump recorded at this event.
    /// `content` is the event's type and data (`None` for an id-only block).
    fn on_id(&mut self, id: &str, content: Option<(&str, &str)>, loc: &Loc) -> Option<u64> {
        let kind = self.id_order_kind(id);
        let position = self.position(kind, id);
        if let Some(jump) = self.fresh_integer_id(kind, position, id, loc) {
            return jump;
        }
        let conn_index = loc.connection.unwrap_or(0);
        // Expected log membership and content.
        if let Some(log) = &self.expected {
            if self.cfg.on(Rule::ExpectedLog) {
                let entry = position
                    .and_then(|p| usize::try_from(p).ok())
                    .and_then(|p| log.events.get(p));
                let problem = match (entry, content) {
                    (None, _) => Some(format!("id {id:?} is not in the expected log")),
                    (Some(e), Some((event_type, _)))
                        if e.event_type.as_deref().is_some_and(|ty| ty != event_type) =>
                    {
                        Some(format!(
                            "event {id:?} has type {event_type:?}, the log says {:?}",
                            e.event_type.as_deref().unwrap_or("")
                        ))
                    }
                    (Some(e), Some((_, data))) if e.data.as_deref().is_some_and(|d| d != data) => {
                        Some(format!("event {id:?} data differs from the expected log"))
                    }
                    _ => None,
                };
                if let Some(message) = problem {
                    self.finding(Rule::ExpectedLog, message, loc.clone());
                }
            }
        }
        // Resume point: the first id of a reconnect.
        let resume = self.conn.as_mut().expect("open").resume.take();
        let mut resume_wrong = false;
        if let Some(resume) = resume {
            resume_wrong = self.check_resume(kind, &resume, id, position, loc);
            if (resume_wrong || resume.header_wrong) && self.counts_losses(kind) {
                // Attribute the consequences (re-delivered or skipped events) to that finding.
                let first_needed = if resume.should.is_empty() {
                    self.expected.as_ref().map(|_| 0)
                } else {
                    self.position(kind, &resume.should)
                        .and_then(|p| p.checked_add(1))
                };
                if let (Some(needed), Some(got)) = (first_needed, position) {
                    if got < needed {
                        self.conn.as_mut().expect("open").excused_dups = Some((got, needed - 1));
                    } else if got > needed {
                        self.ids.excused.insert_range(needed, got - 1);
                    }
                }
            }
        }
        // Duplicates.
        let conn = self.conn.as_mut().expect("open");
        let (dup_in_conn, dup_earlier, excused) = match position {
            Some(p) => {
                let in_conn = conn.ints.contains(p);
                let earlier = !in_conn && self.ids.delivered.contains(p);
                let excused = conn.excused_dups.is_some_and(|(a, b)| (a..=b).contains(&p));
                conn.ints.insert(p);
                (in_conn, earlier, excused)
            }
            None => {
                let in_conn = conn.texts.get(id).is_some();
                let earlier = !in_conn && self.ids.texts.get(id).is_some();
                conn.texts.insert(id, conn_index, self.cfg.window_ids);
                (in_conn, earlier, false)
            }
        };
        if dup_in_conn && self.cfg.on(Rule::DuplicateId) {
            self.finding(
                Rule::DuplicateId,
                format!("id {id:?} was already used in this connection"),
                loc.clone(),
            );
        }
        if dup_earlier && !excused && self.cfg.on(Rule::ReplayDuplicate) {
            self.finding(
                Rule::ReplayDuplicate,
                format!("event {id:?} was already delivered on an earlier connection"),
                loc.clone(),
            );
        }
        // Order within the connection.
        if !dup_in_conn && !dup_earlier {
            let conn = self.conn.as_mut().expect("open");
            let integer = kind == IdOrderKind::Integer && self.expected.is_none();
            let fast = match (
                integer,
                position,
                conn.has_prev.then_some(conn.prev_pos).flatten(),
            ) {
                (true, Some(now), Some(before)) => Some(now > before),
                _ => None,
            };
            conn.prev_pos = position.filter(|_| integer);
            let prev = match fast {
                Some(true) => None,
                _ => conn.has_prev.then(|| core::mem::take(&mut conn.prev_id)),
            };
            if let Some(prev) = &prev {
                if self.cfg.on(Rule::IdOrder) {
                    match self.compare(kind, id, prev) {
                        Ok(Ordering::Greater) => {}
                        Ok(_) => self.finding(
                            Rule::IdOrder,
                            format!("id {id:?} does not come after the previous id {prev:?} ({kind:?} order)"),
                            loc.clone(),
                        ),
                        Err(message) => self.finding(Rule::IdOrder, message, loc.clone()),
                    }
                }
            }
            let conn = self.conn.as_mut().expect("open");
            // Reuse the buffer: no allocation per event.
            if let Some(buffer) = prev {
                conn.prev_id = buffer;
            }
            conn.prev_id.clear();
            conn.prev_id.push_str(id);
            conn.has_prev = true;
        }
        // Session accounting.
        let _ = resume_wrong;
        let mut jump = None;
        match position {
            Some(p) => {
                if self.counts_losses(kind) {
                    if let Some(max) = self.ids.delivered.max() {
                        if p > max.saturating_add(1)
                            && self.ids.jumps.len() < self.cfg.window_ids
                            && !self.ids.jumps.contains_key(&(max + 1))
                        {
                            self.ids.jumps.insert(max + 1, loc.clone());
                            jump = Some(max + 1);
                        }
                    }
                }
                self.ids.delivered.insert(p);
            }
            None => self.ids.texts.insert(id, conn_index, self.cfg.window_ids),
        }
        jump
    }

    /// The common case of integer ids, kept cheap: an id above every id seen so far, with no
    /// resume to check, can be neither a duplicate nor out of order. Returns `None` when the
    /// id needs the general path, else the id's forward-jump key (as `on_id`).
    #[inline]
    fn fresh_integer_id(
        &mut self,
        kind: IdOrderKind,
        position: Option<u64>,
        id: &str,
        loc: &Loc,
    ) -> Option<Option<u64>> {
        let p = position?;
        if kind != IdOrderKind::Integer || self.expected.is_some() {
            return None;
        }
        let conn = self.conn.as_mut()?;
        let fresh = conn.resume.is_none()
            && conn.ints.max().is_none_or(|m| p > m)
            && self.ids.delivered.max().is_none_or(|m| p > m)
            && (!conn.has_prev || conn.prev_pos.is_some());
        if !fresh {
            return None;
        }
        conn.ints.insert(p);
        conn.prev_pos = Some(p);
        conn.prev_id.clear();
        conn.prev_id.push_str(id);
        conn.has_prev = true;
        let mut jump = None;
        if self.cfg.consecutive {
            if let Some(max) = self.ids.delivered.max() {
                if p > max.saturating_add(1)
                    && self.ids.jumps.len() < self.cfg.window_ids
                    && !self.ids.jumps.contains_key(&(max + 1))
                {
                    self.ids.jumps.insert(max + 1, loc.clone());
                    jump = Some(max + 1);
                }
            }
        }
        self.ids.delivered.insert(p);
        Some(jump)
    }

    /// Checks the first id after a reconnect; returns whether SSE402 fired.
    fn check_resume(
        &mut self,
        kind: IdOrderKind,
        resume: &Resume,
        id: &str,
        position: Option<u64>,
        loc: &Loc,
    ) -> bool {
        if !self.cfg.on(Rule::ResumePoint) {
            return false;
        }
        let sent = resume.sent.as_str();
        if sent.is_empty() {
            // Nothing was asked: the server may start anywhere (SSE401 covers the client side).
            return false;
        }
        let problem = if let Some(log) = &self.expected {
            match log.index.get(sent) {
                None => None, // the sent id is unknown: reported by last-event-id or expected-log
                Some(&p) => {
                    let successor = usize::try_from(p + 1).ok().and_then(|i| log.events.get(i));
                    match successor {
                        Some(next) if next.id != id => Some(format!(
                            "server resumed at {id:?} after `Last-Event-ID: {sent}`; the next event in the expected log is {:?}",
                            next.id
                        )),
                        None => Some(format!(
                            "server sent {id:?} after `Last-Event-ID: {sent}`, the last event of the expected log"
                        )),
                        Some(_) => None,
                    }
                }
            }
        } else if kind == IdOrderKind::Integer && self.cfg.consecutive {
            match (integer_id(sent), position) {
                (Some(s), Some(f)) if f != s.saturating_add(1) => Some(format!(
                    "server resumed at {id} after `Last-Event-ID: {sent}`; expected {}",
                    s.saturating_add(1)
                )),
                _ => None,
            }
        } else if kind == IdOrderKind::None {
            self.not_checked(
                Rule::ResumePoint,
                None,
                "ids are opaque: give `ids.order` or an expected log",
            );
            None
        } else {
            match self.compare(kind, id, sent) {
                Ok(Ordering::Greater) => None,
                Ok(_) => Some(format!(
                    "server resumed at {id:?}, which does not come after `Last-Event-ID: {sent}`"
                )),
                Err(message) => Some(message),
            }
        };
        let _ = position;
        match problem {
            Some(message) => {
                self.finding(Rule::ResumePoint, message, loc.clone());
                true
            }
            None => false,
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
        let buffered = self.timed() && conn.events >= 2 && conn.all_same_t;
        if buffered && self.cfg.on(Rule::BufferedTransport) {
            self.finding(
                Rule::BufferedTransport,
                format!(
                    "all {} events arrived at t={} ms: something buffered the stream, so timing rules could not be checked",
                    conn.events,
                    conn.first_event_t.unwrap_or(0)
                ),
                loc.clone(),
            );
        }
        if buffered {
            let reason = "every event arrived at the same time (buffered transport)";
            self.not_checked(Rule::Heartbeat, Some(conn.index), reason);
            self.not_checked(Rule::TimeToFirstEvent, Some(conn.index), reason);
        } else {
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
        }
        if !self.timed() {
            self.not_checked(Rule::Heartbeat, None, "the recording has no timing");
            self.not_checked(Rule::TimeToFirstEvent, None, "the recording has no timing");
            self.not_checked(Rule::BufferedTransport, None, "the recording has no timing");
        }
        let ended_cleanly = end.as_ref().is_some_and(|e| e.kind == EndKind::Eof);
        if ended_cleanly
            && self.cfg.on(Rule::Grammar)
            && self.cfg.grammar_scope == Scope::Connection
        {
            self.grammar_end(Some(&mut conn.seq), loc.clone());
        }
        self.gaps.merge(&conn.gaps);
        let duration = end.as_ref().map(|e| e.t.saturating_sub(conn.request_t));
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
                .filter(|&d| d > 0 && self.timed())
                .map(|d| conn.bytes.saturating_mul(1000) / d),
            reconnect_delay_ms: conn.reconnect_delay,
            last_event_id_sent: conn.sent_id.take(),
            last_event_id: last_id,
            retry_ms: retry,
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
        self.last_end = end.as_ref().map(|e| e.kind);
        self.prev = Some(Prev {
            status: conn.status,
            end,
        });
    }

    /// At the end of a scope that ended cleanly: the grammar must have matched completely.
    fn grammar_end(&mut self, seq: Option<&mut SeqState>, loc: Loc) {
        let seq = match seq {
            Some(s) => s,
            None => &mut self.session_seq,
        };
        let Some(grammar) = &self.cfg.grammar else {
            return;
        };
        let Some(m) = &seq.matcher else { return };
        if seq.events == 0 || seq.grammar_failed || m.is_accepting(grammar) {
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
        if self.last_end == Some(EndKind::Eof)
            && self.cfg.on(Rule::Grammar)
            && self.cfg.grammar_scope == Scope::Session
        {
            let mut seq = core::mem::take(&mut self.session_seq);
            self.grammar_end(Some(&mut seq), Loc::default());
        }
        if self.bodies && !self.retry_seen && self.cfg.retry_required && self.cfg.on(Rule::Retry) {
            self.finding(
                Rule::Retry,
                String::from("the session never sent a valid `retry` field (retry.required)"),
                Loc::default(),
            );
        }
        self.report_losses();
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
            stats: SessionStats {
                connections: self.connections as u64,
                reconnects: self.connections.saturating_sub(1) as u64,
                events: self.events,
                bytes: self.bytes,
                duration_ms: duration,
                time_to_first_event_ms: self.ttfe.filter(|_| self.timing == Timing::Monotonic),
                gap_ms: self
                    .gaps
                    .summary()
                    .filter(|_| self.timing == Timing::Monotonic),
                reconnect_delay_ms: self.reconnect_delays.summary(),
                throughput_bytes_per_s: duration
                    .filter(|&d| d > 0)
                    .map(|d| self.bytes.saturating_mul(1000) / d),
                per_connection: self.per_connection.into_iter().collect(),
                per_connection_dropped: self.per_connection_dropped,
            },
        }
    }

    fn report_losses(&mut self) {
        if !self.cfg.on(Rule::LostEvent) {
            return;
        }
        let kind = self.ids.order.unwrap_or(IdOrderKind::None);
        if !self.counts_losses(kind) {
            return;
        }
        let (lo, hi) = match &self.expected {
            Some(log) if log.events.is_empty() => return,
            Some(log) => (0, log.events.len() as u64 - 1),
            None => {
                let (Some(min), Some(max)) = (self.ids.delivered.min(), self.ids.delivered.max())
                else {
                    return;
                };
                (self.ids.low.unwrap_or(min).min(min), max)
            }
        };
        let mut covered = self.ids.delivered.clone();
        for &(a, b) in &self.ids.excused.ranges {
            covered.insert_range(a, b);
        }
        for (a, b) in covered.gaps(lo, hi) {
            let count = b - a + 1;
            let message = match &self.expected {
                Some(log) => {
                    let id_at = |p: u64| {
                        usize::try_from(p)
                            .ok()
                            .and_then(|i| log.events.get(i))
                            .map_or("", |e| e.id.as_str())
                    };
                    if count == 1 {
                        format!("expected event {:?} was never delivered", id_at(a))
                    } else {
                        format!(
                            "{count} expected events ({:?} .. {:?}) were never delivered",
                            id_at(a),
                            id_at(b)
                        )
                    }
                }
                None if count == 1 => {
                    format!("event {a} was never delivered (ids are consecutive)")
                }
                None => format!(
                    "events {a}..{b} were never delivered ({count} events; ids are consecutive)"
                ),
            };
            let loc = self.ids.jumps.get(&a).cloned().unwrap_or_default();
            self.finding(Rule::LostEvent, message, loc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The offsets of invalid sequences, as `utf8_chunks` (the spec's decoder) sees them.
    fn reference(bytes: &[u8]) -> Vec<u64> {
        let mut out = Vec::new();
        let mut at = 0u64;
        for piece in bytes.utf8_chunks() {
            at += piece.valid().len() as u64;
            if !piece.invalid().is_empty() {
                out.push(at);
                at += piece.invalid().len() as u64;
            }
        }
        out
    }

    #[test]
    fn utf8_check_matches_the_decoder_in_every_chunking() {
        let fragments: [&[u8]; 12] = [
            b"data: ",
            "\u{e9}".as_bytes(),
            "\u{20ac}".as_bytes(),
            "\u{1F600}".as_bytes(),
            b"\x80",
            b"\xE2\x82",
            b"\xF0\x9F",
            b"\xC0\xAF",
            b"\xFF",
            b"\xED\xA0\x80",
            b"\n",
            b"\xF4\x90\x80\x80",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..400 {
            let mut input = Vec::new();
            for _ in 0..(next() % 12) {
                input.extend_from_slice(fragments[(next() % 12) as usize]);
            }
            let expected = reference(&input);
            for split in 0..3 {
                let mut check = Utf8Check::default();
                let mut got = Vec::new();
                let mut at = 0;
                while at < input.len() {
                    let n = match split {
                        0 => 1,
                        1 => input.len(),
                        _ => 1 + (next() % 5) as usize,
                    }
                    .min(input.len() - at);
                    check.feed(&input[at..at + n], at as u64, |o| got.push(o));
                    at += n;
                }
                check.finish(|o| got.push(o));
                assert_eq!(got, expected, "{input:x?} split {split}");
            }
        }
    }

    #[test]
    fn interval_set_merges_and_reports_gaps() {
        let mut set = IntervalSet::default();
        for v in [5, 1, 2, 9, 3, 7] {
            set.insert(v);
        }
        assert_eq!(set.ranges, [(1, 3), (5, 5), (7, 7), (9, 9)]);
        set.insert_range(4, 8);
        assert_eq!(set.ranges, [(1, 9)]);
        assert!(set.contains(1) && set.contains(9) && !set.contains(10) && !set.contains(0));
        let mut sparse = IntervalSet::default();
        sparse.insert_range(3, 4);
        sparse.insert_range(8, 8);
        assert_eq!(sparse.gaps(1, 10), [(1, 2), (5, 7), (9, 10)]);
        assert_eq!(sparse.gaps(3, 4), []);
    }
}
