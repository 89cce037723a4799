//! Transport rules (SSE1xx) and the checks made when a reconnect starts (SSE401, SSE405, SSE406).

use super::*;
use crate::content_type::{extract_mime_type, list_items, MediaType};
use alloc::borrow::Cow;

impl Core {
    pub(super) fn request(&mut self, request: &Request, last_id: String, retry: Option<u64>) {
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
            id_kept: None,
            ignored_id_at: None,
            id_flagged: 0,
            open_line: 0,
            line_head: None,
            saw_retry: false,
            first_event_t: None,
            last_event_t: None,
            body_t: None,
            one_instant: true,
            gaps: Histogram::default(),
            prev_id: String::new(),
            prev_pos: None,
            has_prev: false,
            ints: IntervalSet::default(),
            texts: RecentIds::default(),
            resume: None,
            excused_dups: None,
            excuse_upto: None,
            deferred: Vec::new(),
            deferred_over: [0; 3],
            pending: Vec::new(),
            discarded: None,
            utf8: Utf8Check::default(),
            reconnect_delay: None,
            sent_id: None,
            seq: SeqState::default(),
            post: request.method.eq_ignore_ascii_case("POST"),
            event_stream: false,
            answered: false,
            id_delivered: false,
            id_reset: false,
            inherited_retry: None,
            body_unknown: false,
            data_lines: 0,
            data_mark: 0,
            data_since: None,
            tail_data_lines: 0,
            non_stream: None,
            json_body: Vec::new(),
            json_too_large: false,
            resumed_stream: None,
            stream_resume: false,
        };
        let sent = request.last_event_id();
        if let SentLastEventId::Sent(s) = sent {
            conn.sent_id = Some(s.into());
        }
        let resumed = conn.sent_id.is_some()
            || self
                .cfg
                .profile
                .is_some_and(|p| profiles::resumes_by_url(p, &request.url));
        conn.seq = SeqState::new(&self.cfg, resumed);
        conn.seq.profile = ProfileState::for_request(self.cfg.profile, request);
        if index == 0 && resumed {
            // The session's sequence starts mid-way too.
            self.session_seq = SeqState::new(&self.cfg, true);
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
                    let accept = request.header_list("accept").unwrap_or_default();
                    let message = match accepts_event_stream(&accept) {
                        Some(true) => None,
                        Some(false) => Some(format!(
                            "request's `Accept` ({accept:?}) gives text/event-stream q=0, which refuses it"
                        )),
                        None => Some(format!(
                            "request did not send `Accept: text/event-stream` (sent {accept:?})"
                        )),
                    };
                    if let Some(message) = message {
                        self.finding(Rule::AcceptHeader, message, loc.clone());
                    }
                }
            }
        }
        let prev = self.prev.take();
        // The stats take every later connection's delay after the one before it ended: one
        // EventSource, so each is a reconnect. (With several streams only a resume is one, and
        // its delay runs from its stream's end: see `stream_request`.)
        if let Some(end) = prev.as_ref().and_then(|prev| prev.end.as_ref()) {
            if self.timed() && !self.cfg.streams() {
                let delay = request.t.saturating_sub(end.t);
                conn.reconnect_delay = Some(delay);
                self.reconnect_delays.add(delay);
            }
        }
        if self.cfg.streams() {
            self.stream_request(&mut conn, sent, request.t, &loc);
        } else if let Some(prev) = prev {
            if prev.status == Some(204) && self.cfg.on(Rule::ReconnectAfter204) {
                self.finding(
                    Rule::ReconnectAfter204,
                    String::from(
                        "the client reconnected after a 204 No Content, which tells it to stop",
                    ),
                    loc.clone(),
                );
            }
            // After a 204 the client should not have reconnected at all: SSE406 says so, and how
            // soon it did is no second finding.
            if let Some(end) = prev.end.as_ref().filter(|_| prev.status != Some(204)) {
                if self.retry_unknown {
                    self.retry_unknown_delay(index, end);
                }
                // An unknown retry is no retry to hold the delay against.
                let retry = retry.filter(|_| !self.retry_unknown);
                self.reconnect_delay(request.t, end, retry, &loc, |delay, retry| {
                    format!(
                        "reconnected {delay} ms after the previous connection ended ({}), sooner than the retry of {retry} ms in force",
                        end.kind.as_str()
                    )
                });
            }
            // Every later connection is a reconnect of the same EventSource.
            let should = last_id;
            let (sent_value, header_wrong) = match sent {
                // What the client last saw was in a body that was not recorded: the request's
                // own word is all there is (the server's resume is still held to it).
                _ if self.client_id_unknown => {
                    let reason = format!(
                        "the body of connection {} was not recorded, so the client's last event id is unknown",
                        self.unknown_body.unwrap_or(0)
                    );
                    self.not_checked(Rule::LastEventId, Some(index), &reason);
                    if !matches!(sent, SentLastEventId::Unknown) {
                        self.client_id_unknown = false;
                    }
                    (should.clone(), false)
                }
                SentLastEventId::Unknown => {
                    self.not_checked(
                        Rule::LastEventId,
                        Some(index),
                        "request headers were not recorded",
                    );
                    (should.clone(), false)
                }
                SentLastEventId::Absent => (String::new(), !should.is_empty()),
                // As HTTP carries it: a header value has no leading or trailing spaces or tabs
                // (SSE212 reports an id that loses them).
                SentLastEventId::Sent(s) => (String::from(s), http_trim(s) != http_trim(&should)),
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
            self.resumed_before_recording(s);
        }
        self.conn = Some(conn);
    }

    /// What came before the id a first request resumes after was delivered before the
    /// recording.
    fn resumed_before_recording(&mut self, sent: &str) {
        if self.ids.low.is_none() {
            self.ids.low = match &self.expected {
                Some(log) => log.index.get(sent).and_then(|p| p.checked_add(1)),
                None => integer_id(sent).and_then(|n| n.checked_add(1)),
            };
        }
    }

    /// SSE405 cannot be checked for connection `index` (after a connection that ended with
    /// `end`): the retry in force may have come in a body that was not recorded.
    fn retry_unknown_delay(&mut self, index: usize, end: &End) {
        if self.timed()
            && self.cfg.on(Rule::ReconnectDelay)
            && self.cfg.reconnect_after.contains(&end.kind)
        {
            let reason = format!(
                "the body of connection {} was not recorded, so the retry in force is unknown",
                self.unknown_body.unwrap_or(0)
            );
            self.not_checked(Rule::ReconnectDelay, Some(index), &reason);
        }
    }

    /// SSE405 for a request at `t` after a connection that ended with `end`, when `retry` was
    /// in force; `describe(delay, retry)` words the finding.
    fn reconnect_delay(
        &mut self,
        t: u64,
        end: &End,
        retry: Option<u64>,
        loc: &Loc,
        describe: impl FnOnce(u64, u64) -> String,
    ) {
        if !self.cfg.on(Rule::ReconnectDelay) || !self.cfg.reconnect_after.contains(&end.kind) {
            return;
        }
        let delay = t.saturating_sub(end.t);
        match (self.timed(), retry) {
            (false, _) => {
                self.not_checked(Rule::ReconnectDelay, None, "the recording has no timing")
            }
            (true, Some(retry)) if delay.saturating_add(self.cfg.slack) < retry => {
                self.finding(Rule::ReconnectDelay, describe(delay, retry), loc.clone());
            }
            _ => {}
        }
    }

    /// A request in a session of several streams: without `Last-Event-ID` it opens a new
    /// stream (nothing to check); with one it resumes the stream whose last event id that is.
    fn stream_request(&mut self, conn: &mut Conn, sent: SentLastEventId<'_>, t: u64, loc: &Loc) {
        let sent = match sent {
            SentLastEventId::Sent(s) => s,
            SentLastEventId::Absent => return,
            // Taken as a new stream: whether it resumed one cannot be told.
            SentLastEventId::Unknown if conn.index == 0 => return,
            SentLastEventId::Unknown => {
                self.not_checked(
                    Rule::LastEventId,
                    Some(conn.index),
                    "request headers were not recorded",
                );
                return;
            }
        };
        // Whatever it resumes, the server must continue after the id it was sent.
        conn.resume = Some(Resume {
            sent: sent.into(),
            should: sent.into(),
            header_wrong: false,
        });
        // A later connection that resumes a stream is the session's reconnect (a new stream
        // is none), unless it is answered with no stream: counted when it closes.
        conn.stream_resume = conn.index > 0;
        if let Some(stream) = self.streams.take(sent) {
            conn.inherited_retry = stream.retry;
            if let Some(end) = &stream.end {
                if self.timed() {
                    conn.reconnect_delay = Some(t.saturating_sub(end.t));
                }
                self.reconnect_delay(t, end, stream.retry, loc, |delay, retry| {
                    format!(
                        "resumed {delay} ms after the stream's connection {} ended ({}), sooner than the stream's retry of {retry} ms",
                        stream.connection,
                        end.kind.as_str()
                    )
                });
            }
            conn.resumed_stream = Some((sent.into(), stream));
        } else if conn.index == 0 {
            self.resumed_before_recording(sent);
        } else if self.streams.forgot {
            self.not_checked(
                Rule::LastEventId,
                Some(conn.index),
                "more streams than window.ids: the one resumed may have been forgotten",
            );
        } else if let Some(unknown) = self.unknown_body {
            let reason = format!(
                "the body of connection {unknown} was not recorded: the id may be the last event id of its stream"
            );
            self.not_checked(Rule::LastEventId, Some(conn.index), &reason);
        } else if self.cfg.on(Rule::LastEventId) {
            self.finding(
                Rule::LastEventId,
                format!("resume sent `Last-Event-ID: {sent}`, which is the last event id of no earlier stream of the session"),
                loc.clone(),
            );
        }
    }

    pub(super) fn response(&mut self, response: &Response) {
        let streams = self.cfg.streams();
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let status = response.status;
        conn.status = Some(status);
        // What a browser reads from the field lines (Fetch's "extract a MIME type").
        let mime = extract_mime_type(response.header_lines("content-type"));
        let essence_is = |essence: &str| {
            mime.as_ref()
                .is_some_and(|(m, _)| m.essence.eq_ignore_ascii_case(essence))
        };
        conn.event_stream = essence_is("text/event-stream");
        // MCP Streamable HTTP: a POST may be answered with plain JSON, or with 202 Accepted.
        conn.non_stream = match status {
            _ if !(streams && conn.post) => None,
            200 if essence_is("application/json") => Some(NonStream::Json),
            202 => Some(NonStream::Accepted),
            _ => None,
        };
        // An EventSource fails the connection on any other status or type and reads no byte of
        // the body: SSE101 or SSE102 says why, and no stream rule applies to it.
        conn.parse_body = status == 200 && conn.non_stream.is_none() && conn.event_stream;
        let index = conn.index;
        let non_stream = conn.non_stream.is_some();
        if let Some(t) = response.t {
            self.activity(t);
        }
        // No event stream: the stream's status, type and header rules are not its.
        if non_stream {
            return;
        }
        let loc = Loc {
            connection: Some(index),
            t: response.t,
            ..Loc::default()
        };
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
            if let Some(message) = content_type_problem(response, mime) {
                self.finding(Rule::ContentType, message, loc.clone());
            }
        }
        if self.cfg.on(Rule::CacheControl) {
            let value = response.header_list("cache-control").unwrap_or_default();
            let mut qualified = false;
            let kept_out = list_items(&value).any(|directive| {
                let (name, argument) = match directive.split_once('=') {
                    Some((name, argument)) => (name.trim(), Some(argument)),
                    None => (directive, None),
                };
                if name.eq_ignore_ascii_case("no-store") {
                    return true;
                }
                // `no-cache="set-cookie"` only keeps the named fields out of caches (RFC 9111,
                // section 5.2.2.4): the stream itself may still be stored.
                let no_cache = name.eq_ignore_ascii_case("no-cache");
                qualified |= no_cache && argument.is_some();
                no_cache && argument.is_none()
            });
            if !kept_out {
                let message = if qualified {
                    format!("`Cache-Control` ({value:?}) has no no-store and its no-cache names fields, which keeps only those out of caches; caches may hold the stream")
                } else {
                    format!("`Cache-Control` ({value:?}) has neither no-cache nor no-store; caches may hold the stream")
                };
                self.finding(Rule::CacheControl, message, loc.clone());
            }
        }
        if self.cfg.on(Rule::ContentEncoding) {
            if let Some(enc) = response.header_list("content-encoding") {
                if list_items(&enc).any(|coding| !coding.eq_ignore_ascii_case("identity")) {
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
}

/// SSE102 for a 200 response whose MIME type, as a browser reads it, is `mime`.
fn content_type_problem(
    response: &Response,
    mime: Option<(MediaType<'_>, Option<Cow<'_, str>>)>,
) -> Option<String> {
    let values = response.header_list("content-type");
    let Some(value) = values else {
        return Some(String::from(
            "no `Content-Type`; an EventSource requires text/event-stream",
        ));
    };
    let stream = mime
        .as_ref()
        .is_some_and(|(m, _)| m.essence.eq_ignore_ascii_case("text/event-stream"));
    // A singleton field (RFC 9110, section 8.3) with several values: a browser takes the last
    // that parses, a proxy or another client may take another or refuse the response.
    let values = list_items(&value).count();
    if values > 1 {
        return Some(if stream {
            format!("`Content-Type` has {values} values ({value:?}) but takes one (RFC 9110, section 8.3): a browser uses the last valid one, text/event-stream, but other clients and proxies may not")
        } else {
            format!("`Content-Type` has {values} values ({value:?}) but takes one (RFC 9110, section 8.3), and the last valid one, which a browser uses, is not text/event-stream")
        });
    }
    if !stream {
        return Some(format!("`Content-Type: {value}` is not text/event-stream"));
    }
    // The stream is UTF-8 whatever the charset says (an EventSource ignores it); a label that
    // means UTF-8 is as good as `utf-8`.
    let charset = mime.and_then(|(_, charset)| charset)?;
    (!is_utf8_label(&charset))
        .then(|| format!("`Content-Type` charset {charset:?}: the stream is always UTF-8"))
}

/// Whether `label` names UTF-8 in the WHATWG Encoding standard (ASCII case-insensitive, without
/// surrounding whitespace).
fn is_utf8_label(label: &str) -> bool {
    const UTF8_LABELS: [&str; 6] = [
        "unicode-1-1-utf-8",
        "unicode11utf8",
        "unicode20utf8",
        "utf-8",
        "utf8",
        "x-unicode20utf8",
    ];
    let label = label.trim_matches(|c: char| c.is_ascii_whitespace());
    UTF8_LABELS.iter().any(|l| l.eq_ignore_ascii_case(label))
}

/// Whether an `Accept` value (its field lines combined) asks for text/event-stream: `Some(true)`
/// when a media range names it with a weight above 0, `Some(false)` when it names it only with
/// `q=0` ("not acceptable", RFC 9110 section 12.4.2), `None` when it does not name it. Wildcards
/// (`*/*`, `text/*`) do not count: an EventSource sends the type itself, and a server that
/// negotiates may answer a wildcard with another type.
fn accepts_event_stream(accept: &str) -> Option<bool> {
    let mut refused = false;
    for range in list_items(accept).filter_map(MediaType::parse) {
        if !range.essence.eq_ignore_ascii_case("text/event-stream") {
            continue;
        }
        if range.param("q").is_some_and(|q| is_zero_weight(&q)) {
            refused = true;
        } else {
            return Some(true);
        }
    }
    refused.then_some(false)
}

/// Whether a `qvalue` is 0 (`0`, `0.0`, `0.000`); a malformed weight is not taken as a refusal.
fn is_zero_weight(q: &str) -> bool {
    let q = q.trim();
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    int == "0" && frac.bytes().all(|b| b == b'0')
}

/// A header value as HTTP carries it: without leading and trailing spaces and tabs (RFC 9110,
/// section 5.5), which senders drop (fetch) or refuse (h11) and receivers strip.
fn http_trim(value: &str) -> &str {
    value.trim_matches(|c| c == ' ' || c == '\t')
}
