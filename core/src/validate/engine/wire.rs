//! Wire-format rules (SSE2xx) from the parser's trace and errors, and per-line bookkeeping.

use super::*;

impl Core {
    pub(super) fn on_retry(&mut self, millis: u64) {
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

    pub(super) fn on_error(&mut self, error: Error, view: &View<'_>) {
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

    /// Emits the findings waiting for the line `[start, end)` to complete.
    pub(super) fn flush_pending(&mut self, line: Option<(u64, u64)>, view: &View<'_>) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        if conn.pending.is_empty() {
            return;
        }
        // Only what lies on this line: UTF-8 errors of later lines wait for theirs. They can be
        // reported before an earlier line's error (a too-long line's), so pending is not sorted.
        let limit = line.map_or(u64::MAX, |(_, end)| end);
        let mut pending = core::mem::take(&mut conn.pending);
        if pending.iter().any(|p| p.2 > limit) {
            let (now, later) = pending.into_iter().partition(|p| p.2 <= limit);
            pending = now;
            conn.pending = later;
        }
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
    pub(super) fn on_trace(&mut self, record: Trace, view: &View<'_>) {
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
                conn.data_lines += u64::from(line.kind == LineKind::Field(FieldName::Data));
                if blank {
                    conn.block_start = line.end;
                    conn.data_mark = conn.data_lines;
                }
                if own_id {
                    conn.id_line = Some((line.start, line.end));
                    conn.id_kept = None;
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
        let Some(id) = conn
            .id_kept
            .take()
            .or_else(|| id_value(view, start, end, self.cfg.excerpt_bytes))
        else {
            return;
        };
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

    pub(super) fn unknown_field(&mut self, start: u64, end: u64, view: &View<'_>) {
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
}

/// The value of the `id` line at `start..end` of `view`, when the line is at most `max` bytes
/// long (longer lines are not kept in every chunking, so they are never read back).
pub(super) fn id_value(view: &View<'_>, start: u64, end: u64, max: usize) -> Option<String> {
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
