//! Id rules: order, duplicates, resume points, losses and the expected log (SSE30x, SSE40x).

use super::*;
use crate::validate::options::{compare_integer_ids, decimal_digits, is_canonical_integer};

impl Core {
    pub(super) fn id_order_kind(&mut self, id: &str) -> IdOrderKind {
        if let Some(k) = self.ids.order {
            return k;
        }
        let kind = match self.cfg.order {
            IdOrderKind::Auto if decimal_digits(id).is_some() => IdOrderKind::Integer,
            IdOrderKind::Auto => {
                // With an expected log its order is the ids' order (see `on_id`).
                if self.expected.is_none() {
                    self.not_checked(
                        Rule::IdOrder,
                        None,
                        "ids are not integers and no `ids.order` was given",
                    );
                }
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

    /// What an id that `kind` cannot order should be (`"a ULID"`...), if `id` is not one.
    /// Such an id is reported once, at the event or checkpoint that carries it.
    fn malformed(kind: IdOrderKind, id: &str) -> Option<&'static str> {
        match kind {
            IdOrderKind::Integer => decimal_digits(id).is_none().then_some("a decimal integer"),
            IdOrderKind::Ulid => ulid_time(id).is_none().then_some("a ULID"),
            IdOrderKind::Uuid7 => uuid7_time(id).is_none().then_some("a UUIDv7"),
            _ => None,
        }
    }

    /// `Some(Greater)` when `b` comes after `a`... i.e. compares `b` to `a` under the order.
    pub(super) fn compare(
        &self,
        kind: IdOrderKind,
        later: &str,
        earlier: &str,
    ) -> Result<Ordering, String> {
        let bad = |id: &str, what: &str| format!("id {id:?} is not {what}");
        match kind {
            IdOrderKind::Integer => compare_integer_ids(later, earlier).ok_or_else(|| {
                let culprit = if decimal_digits(later).is_none() {
                    later
                } else {
                    earlier
                };
                bad(culprit, "a decimal integer")
            }),
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

    /// An empty `id` took effect (an event's or an id-only block's): the client holds no last
    /// event id now.
    pub(super) fn id_reset(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            conn.id_reset = true;
        }
    }

    /// `compare` for a resume point and the ids re-sent before it: an id never comes after
    /// itself, and where the order says nothing (two ULIDs or UUIDv7s of one millisecond, whose
    /// random parts need not increase; opaque ids) the order in which the client received the
    /// two ids in the session decides. Ids it cannot tell apart so count as after (`compare`'s
    /// "equal times count as increasing").
    fn resume_compare(
        &self,
        kind: IdOrderKind,
        later: &str,
        earlier: &str,
    ) -> Result<Ordering, String> {
        let same_time =
            |time: fn(&str) -> Option<u64>| time(later).is_some_and(|l| time(earlier) == Some(l));
        let (unordered, case_blind) = match kind {
            IdOrderKind::Ulid => (same_time(ulid_time), true),
            IdOrderKind::Uuid7 => (same_time(uuid7_time), true),
            IdOrderKind::Auto | IdOrderKind::None => (true, false),
            _ => (false, false),
        };
        if !unordered {
            return self.compare(kind, later, earlier);
        }
        // ULIDs and UUIDs are read in any case.
        if later == earlier || (case_blind && later.eq_ignore_ascii_case(earlier)) {
            return Ok(Ordering::Equal);
        }
        Ok(
            match (self.ids.texts.get(later), self.ids.texts.get(earlier)) {
                (Some(l), Some(e)) => l.cmp(&e),
                _ => Ordering::Greater,
            },
        )
    }

    /// The accounting position of an id: its index in the expected log, or its integer value
    /// when ids are integers (and it fits `u64`). `None` when ids are opaque. Integer ids are
    /// accounted by value (losses, resume points), but `"01"` and `"1"` are two ids to the
    /// client: a repeat is one only when the spelling is the same (see `spelled_before`).
    pub(super) fn position(&self, kind: IdOrderKind, id: &str) -> Option<u64> {
        match &self.expected {
            Some(log) => log.index.get(id).copied(),
            None if kind == IdOrderKind::Integer => integer_id(id),
            None => None,
        }
    }

    pub(super) fn counts_losses(&self, kind: IdOrderKind) -> bool {
        self.expected.is_some() || (kind == IdOrderKind::Integer && self.cfg.consecutive)
    }

    /// Checks an event's own id. Returns the key of a forward jump recorded at this event.
    /// `content` is the event's type and data (`None` for an id-only block).
    pub(super) fn on_id(
        &mut self,
        id: &str,
        content: Option<(&str, &str)>,
        loc: &Loc,
    ) -> Option<u64> {
        if let Some(conn) = self.conn.as_mut() {
            conn.id_delivered = true;
            // A checkpoint setting the last event id the client holds already changes nothing:
            // it delivers nothing twice and goes nowhere, so it is no repeat and no step.
            let holds = content.is_none() && holds_already(conn, id);
            conn.id_reset = false;
            if holds {
                return None;
            }
        }
        let kind = self.id_order_kind(id);
        let position = self.position(kind, id);
        if let Some(jump) = self.fresh_integer_id(kind, position, id, loc) {
            return jump;
        }
        // Expected log membership and content.
        let mut delivers = true;
        if let Some(log) = &self.expected {
            let entry = position
                .and_then(|p| usize::try_from(p).ok())
                .and_then(|p| log.events.get(p));
            // A checkpoint dispatches no event: it sets the client's last event id (the
            // resume point), but it delivers no entry whose type or data the log gives.
            delivers = content.is_some()
                || entry.is_none_or(|e| e.event_type.is_none() && e.data.is_none());
            if self.cfg.on(Rule::ExpectedLog) {
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
        if let Some(resume) = resume {
            let resume_wrong = self.check_resume(kind, &resume, id, position, loc);
            let wrong = resume_wrong || resume.header_wrong;
            // Attribute the consequences (re-delivered or skipped events) to that finding: by
            // position when losses are counted and both ids have one, else the ids re-sent up
            // to the client's last event id (see `resent_before_resume`).
            let mut by_position = false;
            if wrong && self.counts_losses(kind) {
                let first_needed = if resume.should.is_empty() {
                    self.expected.as_ref().map(|_| 0)
                } else {
                    self.position(kind, &resume.should)
                        .and_then(|p| p.checked_add(1))
                };
                if let (Some(needed), Some(got)) = (first_needed, position) {
                    by_position = true;
                    if got < needed {
                        self.conn.as_mut().expect("open").excused_dups = Some((got, needed - 1));
                    } else if got > needed {
                        self.ids.excused.insert_range(needed, got - 1);
                    }
                }
            }
            if wrong && !by_position && !resume.should.is_empty() {
                self.conn.as_mut().expect("open").excuse_upto = Some(resume.should.clone());
            }
        }
        let resent = self.resent_before_resume(kind, id);
        // Duplicates.
        let by_value = kind == IdOrderKind::Integer && self.expected.is_none();
        let window = self.cfg.window_ids;
        let conn = self.conn.as_mut().expect("open");
        let (dup_in_conn, value_in_conn, dup_earlier, excused) = match position {
            Some(p) => {
                let in_conn = conn.ints.contains(p);
                let earlier = !in_conn && self.ids.delivered.contains(p);
                let excused = conn.excused_dups.is_some_and(|(a, b)| (a..=b).contains(&p));
                // Positions are values: whether the id itself came before needs its spelling.
                let same_in_conn = in_conn && (!by_value || spelled_before(&conn.texts, id, p));
                let same_earlier = earlier && (!by_value || spelled_before(&self.ids.texts, id, p));
                remember_int(&mut conn.ints, p, window);
                // A value written as itself the first time is not noted (the common case):
                // spellings are kept only for values written more than one way.
                if by_value && (in_conn || earlier || !is_canonical_integer(id)) {
                    let seen = [in_conn, in_conn || self.ids.delivered.contains(p)];
                    remember_spelling(conn, &mut self.ids.texts, id, p, seen, window);
                }
                (
                    same_in_conn,
                    in_conn && !same_in_conn,
                    same_earlier,
                    excused,
                )
            }
            None => {
                let in_conn = conn.texts.get(id).is_some();
                let earlier = !in_conn && self.ids.texts.get(id).is_some();
                conn.texts.insert(id, window);
                (in_conn, false, earlier, false)
            }
        };
        if dup_in_conn && self.cfg.on(Rule::DuplicateId) {
            self.finding(
                Rule::DuplicateId,
                format!("id {id:?} was already used in this connection"),
                loc.clone(),
            );
        }
        if value_in_conn && self.cfg.on(Rule::IdOrder) {
            self.finding(
                Rule::IdOrder,
                format!("id {id:?} has the value of an id already used in this connection, so ids do not increase (integer order)"),
                loc.clone(),
            );
        }
        let malformed = Self::malformed(kind, id);
        if let Some(what) = malformed.filter(|_| self.cfg.on(Rule::IdOrder)) {
            self.finding(
                Rule::IdOrder,
                format!("id {id:?} is not {what}"),
                loc.clone(),
            );
        }
        if dup_earlier && !excused && !resent && self.cfg.on(Rule::ReplayDuplicate) {
            self.finding(
                Rule::ReplayDuplicate,
                format!("event {id:?} was already delivered on an earlier connection"),
                loc.clone(),
            );
        }
        // Order within the connection. An id the order cannot place is said above, and the
        // next id is ordered after the last one it could.
        if !dup_in_conn && !value_in_conn && !dup_earlier && malformed.is_none() {
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
                // Opaque ids have no order of their own, but a log gives them the order they
                // were published in.
                let by_log = self
                    .expected
                    .as_ref()
                    .filter(|_| kind == IdOrderKind::None && self.cfg.order == IdOrderKind::Auto)
                    .and_then(|log| Some((*log.index.get(id)?, *log.index.get(prev.as_str())?)));
                if let Some((now, before)) = by_log.filter(|_| self.cfg.on(Rule::IdOrder)) {
                    if now <= before {
                        self.finding(
                            Rule::IdOrder,
                            format!("id {id:?} comes before the previous id {prev:?} in the expected log"),
                            loc.clone(),
                        );
                    }
                } else if self.cfg.on(Rule::IdOrder) {
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
        match position {
            Some(p) if !delivers => {
                self.checkpoint_not_delivered(p, loc);
                None
            }
            Some(p) => self.deliver(p, self.counts_losses(kind), loc),
            None => {
                self.ids.texts.insert(id, self.cfg.window_ids);
                None
            }
        }
    }

    /// A checkpoint carried the id of expected-log entry `p`, which gives a type or data: the
    /// client dispatched nothing, so the entry is still owed. If it is never delivered, its
    /// SSE404 points at the checkpoint.
    fn checkpoint_not_delivered(&mut self, p: u64, loc: &Loc) {
        if !self.ids.delivered.contains(p)
            && self.ids.jumps.len() < self.cfg.window_ids
            && !self.ids.jumps.contains_key(&p)
        {
            self.ids.jumps.insert(p, loc.clone());
        }
    }

    /// Marks integer id position `p` delivered. When losses are counted, a `p` past the next
    /// expected id first records a forward jump at `loc` (the ids skipped stay missing until
    /// they arrive); returns that jump's key.
    fn deliver(&mut self, p: u64, counts_losses: bool, loc: &Loc) -> Option<u64> {
        let mut jump = None;
        if counts_losses {
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
        self.bound_delivered();
        jump
    }

    /// The common case of integer ids, kept cheap: an id above every id seen so far, with no
    /// resume to check, can be neither a duplicate nor out of order. Returns `None` when the
    /// id needs the general path, else the id's forward-jump key (as `on_id`).
    #[inline]
    pub(super) fn fresh_integer_id(
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
        remember_int(&mut conn.ints, p, self.cfg.window_ids);
        if !is_canonical_integer(id) {
            // Above every id so far: the value is new to the connection and the session.
            let seen = [false, false];
            remember_spelling(conn, &mut self.ids.texts, id, p, seen, self.cfg.window_ids);
        }
        // Above every id delivered, so past the client's last event id too.
        conn.excuse_upto = None;
        conn.prev_pos = Some(p);
        conn.prev_id.clear();
        conn.prev_id.push_str(id);
        conn.has_prev = true;
        // Integer ids and no expected log: `counts_losses` is just `consecutive` here.
        Some(self.deliver(p, self.cfg.consecutive, loc))
    }

    /// Whether `id` is one the server sends again after a wrong resume that SSE401/SSE402
    /// already reported (when losses are counted and ids have positions, `excused_dups` does
    /// this by position): one at or before the client's last event id, under the order, or
    /// received by the client no later than it (opaque ids, or one millisecond's ULIDs). The
    /// first id past it ends the re-sent run.
    fn resent_before_resume(&mut self, kind: IdOrderKind, id: &str) -> bool {
        let Some(upto) = self.conn.as_ref().and_then(|c| c.excuse_upto.as_deref()) else {
            return false;
        };
        match self.resume_compare(kind, id, upto) {
            Ok(Ordering::Greater) => {
                self.conn.as_mut().expect("open").excuse_upto = None;
                false
            }
            Ok(_) => true,
            Err(_) => false,
        }
    }

    /// Checks the first id after a reconnect; returns whether SSE402 fired.
    pub(super) fn check_resume(
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
        let problem = if let (Some(log), true) = (&self.expected, self.cfg.streams()) {
            // The log interleaves the session's streams: the next entry may be another
            // stream's, so only an event from before the resume point is wrong (one the
            // server skipped is never delivered: lost-event says so).
            match (log.index.get(sent), position) {
                (Some(&s), Some(f)) if f <= s => Some(format!(
                    "server resumed at {id:?} after `Last-Event-ID: {sent}`, which the expected log has at or before it"
                )),
                _ => None,
            }
        } else if let Some(log) = &self.expected {
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
        } else if let (IdOrderKind::Integer, true, Some(s), Some(f)) =
            (kind, self.cfg.consecutive, integer_id(sent), position)
        {
            // The successor of u64::MAX has no position, but it is still the one expected.
            let next = u128::from(s) + 1;
            (u128::from(f) != next).then(|| {
                format!("server resumed at {id} after `Last-Event-ID: {sent}`; expected {next}")
            })
        } else if kind == IdOrderKind::None {
            self.not_checked(
                Rule::ResumePoint,
                None,
                "ids are opaque: give `ids.order` or an expected log",
            );
            None
        } else {
            match self.resume_compare(kind, id, sent) {
                Ok(Ordering::Greater) => None,
                Ok(_) => Some(format!(
                    "server resumed at {id:?}, which does not come after `Last-Event-ID: {sent}`"
                )),
                // A comparator's "cannot order" is an order violation (`IdOrder`'s contract).
                Err(message) if kind == IdOrderKind::Custom => Some(message),
                // An id of the wrong form is id-order's finding, at the id (this one, or the
                // earlier one the client resumed from; a made-up header is last-event-id's).
                Err(message) => {
                    let reason = format!("{message}, so the resume point cannot be ordered");
                    self.not_checked(Rule::ResumePoint, loc.connection, &reason);
                    None
                }
            }
        };
        match problem {
            Some(message) => {
                self.finding(Rule::ResumePoint, message, loc.clone());
                true
            }
            None => false,
        }
    }

    pub(super) fn report_losses(&mut self) {
        // Any event missing here may have been in a body that was not recorded (that
        // connection's SSE404 is reported not checked).
        if !self.cfg.on(Rule::LostEvent) || self.unknown_body.is_some() {
            return;
        }
        let kind = self.ids.order.unwrap_or(IdOrderKind::None);
        if !self.counts_losses(kind) {
            return;
        }
        let min = self.ids.delivered.min();
        let (lo, hi) = match &self.expected {
            Some(log) if log.events.is_empty() => return,
            Some(log) => (
                self.ids.low.map_or(0, |low| low.min(min.unwrap_or(low))),
                log.events.len() as u64 - 1,
            ),
            None => {
                let (Some(min), Some(max)) = (min, self.ids.delivered.max()) else {
                    return;
                };
                (self.ids.low.unwrap_or(min).min(min), max)
            }
        };
        if lo > hi {
            return;
        }
        let mut covered = self.ids.delivered.clone();
        for &(a, b) in &self.ids.excused.ranges {
            covered.insert_range(a, b);
        }
        for (a, b) in covered.gaps(lo, hi) {
            self.report_lost(a, b);
        }
    }

    /// Reports positions `a..=b` as never delivered.
    fn report_lost(&mut self, a: u64, b: u64) {
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
            None if count == 1 => format!("event {a} was never delivered (ids are consecutive)"),
            None => format!(
                "events {a}..{b} were never delivered ({count} events; ids are consecutive)"
            ),
        };
        let loc = self.ids.jumps.remove(&a).unwrap_or_default();
        self.finding(Rule::LostEvent, message, loc);
    }

    /// Keeps the delivered ranges within `window.ids`: the oldest gap is settled (reported as
    /// lost now, unless excused) and merged, so memory stays bounded on a gappy endless stream.
    fn bound_delivered(&mut self) {
        // Every step is O(1) amortised (or O(log n) for the jumps): the sets are sorted, so
        // what is settled is at their front, and each range or jump is dropped once.
        let cap = self.cfg.window_ids.max(2);
        while self.ids.delivered.ranges.len() > cap {
            let (a1, b1) = self.ids.delivered.ranges[0];
            let (a2, _) = self.ids.delivered.ranges[1];
            let mut excused = IntervalSet::default();
            for &(a, b) in self.ids.excused.ranges.iter().take_while(|r| r.0 < a2) {
                excused.insert_range(a, b);
            }
            if self.cfg.on(Rule::LostEvent)
                && self.unknown_body.is_none()
                && self.counts_losses(self.ids.order.unwrap_or(IdOrderKind::None))
            {
                for (a, b) in excused.gaps(b1 + 1, a2 - 1) {
                    self.report_lost(a, b);
                }
            }
            while self.ids.excused.ranges.front().is_some_and(|r| r.1 < a2) {
                self.ids.excused.ranges.pop_front();
            }
            while self
                .ids
                .jumps
                .first_key_value()
                .is_some_and(|(&k, _)| k < a2)
            {
                self.ids.jumps.pop_first();
            }
            self.ids.delivered.ranges[1].0 = a1;
            self.ids.delivered.ranges.pop_front();
        }
    }
}

/// Whether the client holds `id` as its last event id already: it is the id just before in the
/// connection (the last one that was in order), or, before the connection's first id, the one
/// the reconnect resumed from; unless an empty `id` reset it in between.
fn holds_already(conn: &Conn, id: &str) -> bool {
    if conn.id_reset {
        false
    } else if conn.has_prev {
        conn.prev_id == id
    } else {
        conn.resume.as_ref().is_some_and(|r| r.should == id)
    }
}

/// The key under which `texts` notes that value `p` was written with leading zeros. It starts
/// with NUL, which no delivered id holds (the parser ignores such an `id`, SSE206).
fn zero_padded_key(p: u64) -> String {
    format!("\0{p}")
}

/// Whether integer id `id` (value `p`, which is known to have come before) came before in
/// this very spelling, as far as `texts` remembers. A value only ever written as itself is
/// not kept one spelling at a time, so a canonical id is taken as repeated unless its value
/// was also padded; from then on its spellings are kept (see `remember_spelling`).
fn spelled_before(texts: &RecentIds, id: &str, p: u64) -> bool {
    if is_canonical_integer(id) && texts.get(&zero_padded_key(p)).is_none() {
        return true;
    }
    texts.get(id).is_some()
}

/// Notes integer id `id` (value `p`) in the connection's and the session's texts, for
/// `spelled_before`, once its value has been written with leading zeros (rare: most servers
/// write values). `seen` says whether the value came before in the connection and in the
/// session. When the first padded spelling of a value that came before is noted, the value
/// was written as itself until then, and that spelling is noted too: `1, 01, 1` repeats `1`.
#[cold]
fn remember_spelling(
    conn: &mut Conn,
    session: &mut RecentIds,
    id: &str,
    p: u64,
    seen: [bool; 2],
    window: usize,
) {
    let key = zero_padded_key(p);
    let canonical = is_canonical_integer(id);
    for (texts, seen) in [&mut conn.texts, session].into_iter().zip(seen) {
        let padded_before = seen && texts.get(&key).is_some();
        if canonical {
            // Until the value is padded, "the same value" is "the same string".
            if padded_before {
                texts.insert(id, window);
            }
            continue;
        }
        if seen && !padded_before {
            texts.insert(&format!("{p}"), window);
        }
        texts.insert(id, window);
        texts.insert(&key, window);
    }
}

/// Adds integer id `p` to a connection's ids, forgetting the oldest range beyond `window`
/// ranges (duplicates of forgotten ids go unnoticed) so that memory stays bounded however
/// sparse the ids are.
fn remember_int(ints: &mut IntervalSet, p: u64, window: usize) {
    ints.insert(p);
    if ints.ranges.len() > window.max(2) {
        ints.ranges.pop_front();
    }
}
