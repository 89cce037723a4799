//! Wire-format rules (SSE2xx) from the parser's trace and errors, and per-line bookkeeping.

use super::*;

impl Core {
    pub(super) fn on_retry(&mut self, millis: u64) {
        let (min, max) = (self.cfg.retry_min, self.cfg.retry_max);
        let on = self.cfg.on(Rule::Retry);
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        conn.saw_retry = true;
        if on && !(min..=max).contains(&millis) {
            // The parser gives no offset with a retry, but the `retry` line's own Line trace
            // comes next: the finding waits for it, to be placed and quoted there. A value that
            // saturated is no number that was sent: its message is written from the line then.
            let message = if millis == u64::MAX {
                String::new()
            } else {
                retry_message(&format!("{millis} ms"), min, max)
            };
            conn.pending.push((Rule::Retry, message, AT_NEXT_LINE));
        }
    }

    pub(super) fn on_error(&mut self, error: Error, view: &View<'_>) {
        if matches!(
            error.kind(),
            ErrorKind::LineTooLong | ErrorKind::EventTooLarge | ErrorKind::BufferLimit
        ) {
            if let Some(conn) = self.conn.as_mut() {
                // The parser drops the block through its next blank line, and its id does not
                // become the last event id: its blank line must make no checkpoint, whatever
                // `id` lines the block had or gets. `event_in_block` says the block is no
                // id-only block (it is spent, as one that dispatched), until that blank line.
                conn.block_has_id = false;
                conn.event_in_block = true;
            }
        }
        let rule = match error.kind() {
            ErrorKind::LineTooLong => Rule::LineTooLong,
            ErrorKind::EventTooLarge => Rule::EventTooLarge,
            ErrorKind::BufferLimit => Rule::BufferLimit,
            ErrorKind::InvalidUtf8 => Rule::InvalidUtf8,
            ErrorKind::IncompleteEvent => {
                if self.conn.as_ref().and_then(|c| c.end) != Some(EndKind::Eof) {
                    // The client cut the stream: the tail is lost, but not through the server's
                    // fault, unless the event had been waiting far too long for its blank line.
                    self.stalled_event(error, view);
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
            Rule::InvalidUtf8 => String::from(INVALID_UTF8),
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

    /// SSE203 for a connection the client closed (or that broke or timed out) inside an event:
    /// the client's doing, unless the event's data had been waiting for its blank line for
    /// longer than the heartbeat window before the end. Then the server never finished it (a
    /// missing blank line, say), however long the client would have waited. Needs timing.
    fn stalled_event(&mut self, error: Error, view: &View<'_>) {
        let timed = self.timed();
        let max = self.cfg.max_silence;
        let Some(conn) = self.conn.as_ref() else {
            return;
        };
        // An `id` or `event` line alone waiting loses no event; a recording that stopped while
        // the connection was open does not say when it ended.
        let (Some(kind), Some(end_t)) = (conn.end, conn.end_t) else {
            return;
        };
        if conn.tail_data_lines == 0 || !self.cfg.on(Rule::UnterminatedEvent) {
            return;
        }
        if !timed {
            let reason = "the recording has no timing: how long the unterminated event waited before the connection ended is unknown";
            self.not_checked(Rule::UnterminatedEvent, Some(conn.index), reason);
            return;
        }
        // A data line that completed only at the end (no line terminator) waited for nothing.
        let since = conn
            .data_since
            .filter(|&(block, _)| block == conn.block_start)
            .map_or(end_t, |(_, t)| t);
        let waited = end_t.saturating_sub(since);
        if waited <= max {
            return;
        }
        let (start, end) = conn.discarded.unwrap_or((error.offset(), error.offset()));
        let loc = self.line_loc(error.offset(), start, end, view);
        let message = format!(
            "the connection ended ({}) with an event that had waited {waited} ms for the blank line that ends it, longer than heartbeat.max_silence_ms = {max}: the client discards it",
            kind.as_str()
        );
        self.finding(Rule::UnterminatedEvent, message, loc);
    }

    /// Emits the findings waiting for the line `[start, end)` to complete (all of them when
    /// `line` is `None`: the connection closes).
    pub(super) fn flush_pending(&mut self, line: Option<(u64, u64)>, view: &View<'_>) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        // Only what lies on this line: UTF-8 errors of later lines wait for theirs. The chunk
        // scan finds them before the parser reads the chunk, in stream order, so those due are
        // the first ones waiting.
        let limit = line.map_or(u64::MAX, |(_, end)| end);
        let utf8 = self.utf8_pending.partition_point(|&at| at <= limit);
        if conn.pending.is_empty() && utf8 == 0 {
            return;
        }
        let mut pending = core::mem::take(&mut conn.pending);
        if let Some((start, _)) = line {
            for p in pending.iter_mut().filter(|p| p.2 == AT_NEXT_LINE) {
                p.2 = start;
            }
        }
        // The other findings are few (at most one of each rule per line): a later line's, if
        // any, stay for it.
        if pending.iter().any(|p| p.2 > limit) {
            let (now, later) = pending.into_iter().partition(|p| p.2 <= limit);
            pending = now;
            conn.pending = later;
        }
        let found = self.utf8_pending.drain(..utf8);
        pending.extend(found.map(|at| (Rule::InvalidUtf8, String::from(INVALID_UTF8), at)));
        if let Some((start, end)) = line {
            for p in pending
                .iter_mut()
                .filter(|p| p.0 == Rule::Retry && p.1.is_empty())
            {
                p.1 = self.saturated_retry_message(start, end, view);
            }
        }
        // The UTF-8 check and the parser find errors at different moments, which depend on
        // where the chunks were cut (an invalid sequence is known only when the byte after its
        // lead arrives): the findings go out in stream order, so the report does not depend on
        // the chunking.
        pending.sort_by_key(|&(rule, _, offset)| (offset, rule));
        for (rule, mut message, offset) in pending {
            let loc = match line {
                Some((start, end)) => self.line_loc(offset, start, end, view),
                // A retry whose line was never traced: its body stopped being recorded.
                None if offset == AT_NEXT_LINE => {
                    if message.is_empty() {
                        let (min, max) = (self.cfg.retry_min, self.cfg.retry_max);
                        message = retry_message(SATURATED, min, max);
                    }
                    self.conn_loc()
                }
                None => Loc {
                    offset: Some(offset),
                    ..self.conn_loc()
                },
            };
            self.finding(rule, message, loc);
        }
    }

    /// SSE304's message for a `retry` too large for `u64` on the line `[start, end)`: the
    /// value as written when the line is short enough to be kept whole in every chunking.
    fn saturated_retry_message(&self, start: u64, end: u64, view: &View<'_>) -> String {
        let (min, max) = (self.cfg.retry_min, self.cfg.retry_max);
        let quotable = end - start <= self.cfg.excerpt_bytes as u64;
        let line = view
            .line(start, usize::try_from(end - start).unwrap_or(usize::MAX))
            .filter(|_| quotable);
        let digits = line.as_deref().and_then(|l| match l.get(5..) {
            Some([b':', b' ', rest @ ..]) | Some([b':', rest @ ..]) => Some(rest),
            _ => None,
        });
        match digits.and_then(|d| core::str::from_utf8(d).ok()) {
            Some(digits) => retry_message(&format!("{digits} ms"), min, max),
            None => retry_message(SATURATED, min, max),
        }
    }

    #[inline(always)]
    pub(super) fn on_trace(&mut self, record: Trace, view: &View<'_>) {
        // The common line: nothing pending, the stream's usual terminator, a known field or a
        // comment or blank line, no BOM byte. Kept small and mostly branch-free: it runs for
        // every line, and line kinds alternate too much for branches to predict well.
        if let (Trace::Line(line), Some(conn)) = (&record, self.conn.as_mut()) {
            let blank = line.kind == LineKind::Blank;
            let id = line.kind == LineKind::Field(FieldName::Id);
            let plain = conn.pending.is_empty()
                && self.utf8_pending.front().is_none_or(|&at| at > line.end)
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
                conn.data_lines += u64::from(line.kind == LineKind::Field(FieldName::Data));
                if blank {
                    conn.block_start = line.end;
                    conn.data_mark = conn.data_lines;
                }
                if own_id {
                    conn.id_line = Some((line.start, line.end));
                    conn.id_kept = None;
                    if id_may_not_resume(view, line.start, line.end) {
                        self.id_not_resumable(line.start, line.end, view);
                    }
                }
                return;
            }
        }
        self.on_trace_slow(record, view);
    }

    #[cold]
    pub(super) fn on_trace_slow(&mut self, record: Trace, view: &View<'_>) {
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
                        conn.data_mark = conn.data_lines;
                    }
                    LineKind::Field(FieldName::Data) => conn.data_lines += 1,
                    LineKind::Field(FieldName::Id) => {
                        if conn.ignored_id_at != Some(line.start) {
                            conn.block_has_id = true;
                            conn.id_line = Some((line.start, line.end));
                            conn.id_kept = None;
                            if id_may_not_resume(view, line.start, line.end) {
                                self.id_not_resumable(line.start, line.end, view);
                            }
                        }
                    }
                    LineKind::Field(FieldName::Unknown) => {
                        self.unknown_field(line.start, line.end, view)
                    }
                    LineKind::Oversized => {
                        // A `data` line a limit dropped is still one the server sent: SSE312
                        // counts it among the dropped ones.
                        let byte = |i: u64| self.line_byte(line.start, line.end, i, view);
                        let name = b"data".iter().zip(0..).all(|(&b, i)| byte(i) == Some(b));
                        let is_data = name && (line.end - line.start == 4 || byte(4) == Some(b':'));
                        if let Some(conn) = self.conn.as_mut() {
                            conn.data_lines += u64::from(is_data);
                        }
                    }
                    LineKind::Field(_) | LineKind::Comment => {}
                }
                let byte = |i: u64| self.line_byte(line.start, line.end, i, view);
                let bom = || crate::BOM.iter().zip(0..).all(|(&b, i)| byte(i) == Some(b));
                if line.start > 0 && self.cfg.on(Rule::BomNotAtStart) && bom() {
                    let loc = self.line_loc(line.start, line.start, line.end, view);
                    self.finding(
                        Rule::BomNotAtStart,
                        String::from("a byte order mark after the stream start is part of the line (only the first is stripped)"),
                        loc,
                    );
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
                    conn.tail_data_lines = conn.data_lines - conn.data_mark;
                }
            }
            Trace::Bom { .. } => {}
        }
    }

    /// A block with an `id` and no data sets the client's last event id without an event (a
    /// checkpoint): its id counts for resume and accounting like an event's.
    pub(super) fn id_only_block(&mut self, view: &View<'_>) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let Some((start, end)) = conn.id_line else {
            return;
        };
        // The line as the window kept it, or as copied when the window dropped it: the same
        // bytes in every chunking, for the id and for the quote.
        let kept = conn.id_kept.take();
        let view = match &kept {
            Some(line) => View {
                tail: line,
                tail_start: start,
                chunk: &[],
            },
            None => *view,
        };
        let Some(id) = id_value(&view, start, end, self.cfg.excerpt_bytes) else {
            return;
        };
        if id.is_empty() {
            self.id_reset();
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

    /// SSE212 for the `id` line `[start, end)` (one the parser took: not ignored for a NUL),
    /// whose value a reconnect cannot send back as it was. At most once per connection for
    /// each reason: a server formats its ids one way, so its every event would say the same,
    /// and a flood of them would crowd other findings out of `window.findings`.
    #[cold]
    #[inline(never)]
    pub(super) fn id_not_resumable(&mut self, start: u64, end: u64, view: &View<'_>) {
        let Some(conn) = self.conn.as_ref() else {
            return;
        };
        if !self.cfg.on(Rule::IdNotResumable) || conn.id_flagged == ID_SPACES | ID_TOO_LONG {
            return;
        }
        let byte = |at: u64| conn.byte(at, view);
        // `id:` then an optional space that is no part of the value (`id` alone is empty).
        let Some(from) = byte(start + 3).map(|b| start + 3 + u64::from(b == b' ')) else {
            return;
        };
        let len = end.saturating_sub(from);
        if len == 0 {
            return; // the empty id: it resets the last event id, and no header is sent
        }
        let blank = |b: Option<u8>| matches!(b, Some(b' ' | b'\t'));
        let (first, last) = (byte(from), byte(end - 1));
        let spaces = (blank(first) || blank(last)) && conn.id_flagged & ID_SPACES == 0;
        let too_long = len > MAX_RESUMABLE_ID && conn.id_flagged & ID_TOO_LONG == 0;
        if !spaces && !too_long {
            return;
        }
        let loc = self.line_loc(start, start, end, view);
        if spaces {
            let name = |b: Option<u8>| if b == Some(b'\t') { "a tab" } else { "a space" };
            // Short values are quoted: a line that short is always kept whole.
            let value = (len <= ID_QUOTE_LEN)
                .then(|| id_value(view, start, end, usize::MAX))
                .flatten();
            let trimmed = value.as_deref().map(|v| v.trim_matches([' ', '\t']));
            let what = match (blank(first), blank(last)) {
                _ if trimmed == Some("") => String::from("is only spaces and tabs"),
                (true, true) => format!("starts with {} and ends with {}", name(first), name(last)),
                (true, false) => format!("starts with {}", name(first)),
                _ => format!("ends with {}", name(last)),
            };
            let message = match (&value, trimmed) {
                (Some(value), Some(trimmed)) => format!(
                    "id {value:?} {what}: a reconnect's Last-Event-ID header loses leading and trailing spaces and tabs, so the server would read {trimmed:?}"
                ),
                _ => format!(
                    "id of {len} bytes {what}: a reconnect's Last-Event-ID header loses leading and trailing spaces and tabs, so the server would read it without them"
                ),
            };
            self.finding(Rule::IdNotResumable, message, loc.clone());
        }
        if too_long {
            let line = len + HEADER_LINE_EXTRA;
            let message = format!(
                "id is {len} bytes long: a reconnect's `Last-Event-ID` header line would be {line} bytes with its CRLF, and a header line over {MAX_HEADER_LINE} bytes is refused (nginx's default large_client_header_buffers is 8 KiB per line; Node's limit is 16 KiB for the whole request head), so the reconnect would fail"
            );
            self.finding(Rule::IdNotResumable, message, loc);
        }
        if let Some(conn) = self.conn.as_mut() {
            conn.id_flagged |=
                if spaces { ID_SPACES } else { 0 } | if too_long { ID_TOO_LONG } else { 0 };
        }
    }

    pub(super) fn unknown_field(&mut self, start: u64, end: u64, view: &View<'_>) {
        let quotable = end - start <= self.cfg.excerpt_bytes as u64;
        // The name is at the start of the line: a line too long to quote still has its first
        // bytes kept, so a long `Data:` line is found as miscased like a short one.
        let first: Vec<u8> = (0..64)
            .map_while(|i| self.line_byte(start, end, i, view))
            .collect();
        if first.starts_with(&crate::BOM) {
            return; // reported as bom-not-at-start
        }
        let name_bytes = match first.iter().position(|&b| b == b':') {
            Some(n) => Some(&first[..n]),
            // A name longer than the kept head is unknown; a short line's is shown cut at 64.
            None if quotable && !first.is_empty() => Some(&first[..]),
            None => None,
        };
        let name = name_bytes.map(|n| String::from_utf8_lossy(n).into_owned());
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
}

/// The longest request header line, CRLF included, that a default nginx (the usual proxy in
/// front of an SSE endpoint) accepts: one of its `large_client_header_buffers`, 8 KiB. A longer
/// line fails there, before the server sees it. (Node refuses request heads over 16 KiB.) A
/// fixed bound, not an option: it names what a default deployment refuses, and ids somewhat
/// shorter can still fail behind smaller limits.
const MAX_HEADER_LINE: u64 = 8192;

/// The bytes a reconnect's `Last-Event-ID` header line adds to the id: the name, the colon and
/// space, and the CRLF.
const HEADER_LINE_EXTRA: u64 = (b"Last-Event-ID: ".len() + 2) as u64;

/// The longest `id` value, in bytes, that SSE212 lets through: its header line
/// `Last-Event-ID: <id>` CRLF fits in [`MAX_HEADER_LINE`].
pub(super) const MAX_RESUMABLE_ID: u64 = MAX_HEADER_LINE - HEADER_LINE_EXTRA;

/// The offset of a pending finding that belongs to the next line traced (a `retry`'s: the
/// parser reports the value before the line's Line trace, and with no offset).
const AT_NEXT_LINE: u64 = u64::MAX;

/// SSE204's message for an invalid UTF-8 sequence.
const INVALID_UTF8: &str = "invalid UTF-8: decoded as U+FFFD";

/// How SSE304 names a `retry` too large for `u64` that cannot be quoted.
const SATURATED: &str = "of 20 digits or more";

/// SSE304's message for a `retry` of `value` (a number and its unit, or [`SATURATED`]).
fn retry_message(value: &str, min: u64, max: u64) -> String {
    format!("retry {value} is outside [{min}, {max}] ms")
}

/// SSE212 reasons, reported once per connection each.
const ID_SPACES: u8 = 1;
const ID_TOO_LONG: u8 = 2;

/// Values up to this many bytes are quoted in SSE212 messages.
const ID_QUOTE_LEN: u64 = 80;

/// How many first bytes of a line are kept when the excerpt window drops them: enough for a
/// BOM, `id:`, the space after it and the value's first byte; and for a field name that is a
/// known one in another case, with its colon (`Retry:`).
pub(super) const LINE_HEAD: usize = 8;

/// A cheap test, made for every `id` line: whether the id at `[start, end)` may need SSE212
/// (`id_not_resumable` decides). A line start the window no longer holds means it may.
#[inline(always)]
fn id_may_not_resume(view: &View<'_>, start: u64, end: u64) -> bool {
    let len = end - start;
    let blank = |b: Option<u8>| matches!(b, Some(b' ' | b'\t'));
    len > 3
        && (len > MAX_RESUMABLE_ID + 3
            || blank(view.byte(end - 1))
            || matches!(view.byte(start + 3), None | Some(b'\t'))
            || (len > 4 && blank(view.byte(start + 4))))
}

/// Whether the engine keeps the first bytes of a line the excerpt window drops before the
/// line ends (`Conn::keep_line_head`): the rules that read a long line's start need them.
pub(super) fn keeps_line_heads(cfg: &Config) -> bool {
    [
        Rule::IdNotResumable,
        Rule::BomNotAtStart,
        Rule::UnknownField,
        Rule::FieldNameCase,
        Rule::NoEvents,
    ]
    .into_iter()
    .any(|rule| cfg.on(rule))
}

impl Core {
    /// Byte `i` of the line `[start, end)` (traced just now), the same in every chunking: a
    /// line short enough to quote is kept whole; of a longer one only the first [`LINE_HEAD`]
    /// bytes are, while the engine [keeps line heads](keeps_line_heads).
    fn line_byte(&self, start: u64, end: u64, i: u64, view: &View<'_>) -> Option<u8> {
        let conn = self.conn.as_ref()?;
        let len = end - start;
        if i >= len {
            None
        } else if len <= self.cfg.excerpt_bytes as u64 {
            view.byte(start + i)
        } else if i < LINE_HEAD as u64 && keeps_line_heads(&self.cfg) {
            conn.byte(start + i, view)
        } else {
            None
        }
    }
}

impl Conn {
    /// The byte at `at`: from `view`, or from the kept head of a line the view lost.
    fn byte(&self, at: u64, view: &View<'_>) -> Option<u8> {
        view.byte(at).or_else(|| {
            let (from, head) = self.line_head?;
            let i = usize::try_from(at.checked_sub(from)?).ok()?;
            head.get(i).copied().flatten()
        })
    }

    /// After a chunk (`data`, from `chunk_start`): keeps the first bytes of the line not yet
    /// traced when the kept window (from `keep_from` on) is about to drop them, so that the
    /// rules that read a line's start (SSE212 an `id` value; SSE201, SSE207 and SSE208 a BOM or
    /// the field name; SSE312 a dropped `data` line) read it the same however long the line and
    /// however it was chunked.
    pub(super) fn keep_line_head(&mut self, data: &[u8], chunk_start: u64, keep_from: u64) {
        // A CR ending the chunk ends a line whose record waits for the next byte.
        let cr = data.last() == Some(&b'\r');
        let scan = &data[..data.len() - usize::from(cr)];
        let pending = memchr::memrchr2(b'\n', b'\r', scan)
            .map_or(self.open_line, |i| chunk_start + i as u64 + 1);
        self.open_line = if cr {
            chunk_start + data.len() as u64
        } else {
            pending
        };
        if pending >= keep_from || self.line_head.is_some_and(|(at, _)| at == pending) {
            return;
        }
        let view = View {
            tail: &self.tail,
            tail_start: self.tail_start,
            chunk: data,
        };
        let mut head = [None; LINE_HEAD];
        for (i, b) in (0u64..).zip(head.iter_mut()) {
            *b = view.byte(pending + i);
        }
        self.line_head = Some((pending, head));
    }
}

/// The value of the `id` line at `start..end` of `view`, when the line is at most `max` bytes
/// long (longer lines are not kept in every chunking, so they are never read back).
fn id_value(view: &View<'_>, start: u64, end: u64, max: usize) -> Option<String> {
    let len = usize::try_from(end - start)
        .ok()
        .filter(|&len| len <= max)?;
    let line = view.line(start, len)?;
    let value = match line.get(2..) {
        Some([b':', b' ', rest @ ..]) | Some([b':', rest @ ..]) => rest,
        _ => &[],
    };
    Some(String::from_utf8_lossy(value).into_owned())
}
