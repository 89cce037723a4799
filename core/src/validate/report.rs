//! The validation [`Report`]: pass/fail, findings and stats; serde-serializable, and rendered
//! for humans like a compiler diagnostic by its `Display` impl.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::recording::EndKind;
use super::rules::{Rule, Severity};

/// One problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule that found it (serialized as `code` and `name`).
    pub rule: Rule,
    /// Its severity (the rule's, or as configured).
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Index of the connection in the session, if it concerns one.
    pub connection: Option<usize>,
    /// Index of the event within its connection, if it concerns one.
    pub event: Option<u64>,
    /// Byte offset in the connection's body, if it concerns bytes.
    pub offset: Option<u64>,
    /// Time in ms since the session start, for timing findings.
    pub t: Option<u64>,
    /// The offending line (lossy UTF-8, control characters escaped, cut to 120 bytes).
    pub excerpt: Option<String>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("Finding", 9)?;
        m.serialize_field("code", self.rule.code())?;
        m.serialize_field("name", self.rule.name())?;
        m.serialize_field("severity", &self.severity)?;
        m.serialize_field("message", &self.message)?;
        m.serialize_field("connection", &self.connection)?;
        m.serialize_field("event", &self.event)?;
        m.serialize_field("offset", &self.offset)?;
        m.serialize_field("t", &self.t)?;
        m.serialize_field("excerpt", &self.excerpt)?;
        m.end()
    }
}

/// A rule that could not be checked, and why (e.g. no timing in a HAR import). A rule that
/// was not checked has not passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotChecked {
    /// The rule.
    pub rule: Rule,
    /// The connection concerned, if only one.
    pub connection: Option<usize>,
    /// Why.
    pub reason: String,
}

#[cfg(feature = "serde")]
impl serde::Serialize for NotChecked {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("NotChecked", 4)?;
        m.serialize_field("code", self.rule.code())?;
        m.serialize_field("name", self.rule.name())?;
        m.serialize_field("connection", &self.connection)?;
        m.serialize_field("reason", &self.reason)?;
        m.end()
    }
}

/// Percentiles of a set of durations, in ms.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Distribution {
    /// How many values.
    pub count: u64,
    /// Smallest.
    pub min: u64,
    /// Median (nearest rank).
    pub p50: u64,
    /// 95th percentile (nearest rank).
    pub p95: u64,
    /// Largest.
    pub max: u64,
}

/// A bounded histogram of millisecond values: exact below 1024 ms, then 64 buckets per power
/// of two (under 1.6 % error). Memory is bounded whatever the number of values.
#[derive(Clone, Debug, Default)]
pub(crate) struct Histogram {
    /// Counts of the exact buckets (values below 1024 ms), allocated on first use.
    exact: Vec<u32>,
    buckets: BTreeMap<u32, u64>,
    count: u64,
    min: u64,
    max: u64,
}

const EXACT: u64 = 1024;

fn bucket_of(v: u64) -> u32 {
    if v < EXACT {
        // v < 1024 fits.
        #[allow(clippy::cast_possible_truncation)]
        return v as u32;
    }
    let exp = 63 - v.leading_zeros(); // >= 10
    #[allow(clippy::cast_possible_truncation)]
    let sub = ((v >> (exp - 6)) & 63) as u32;
    1024 + (exp - 10) * 64 + sub
}

fn bucket_floor(b: u32) -> u64 {
    if u64::from(b) < EXACT {
        return u64::from(b);
    }
    let exp = (b - 1024) / 64 + 10;
    let sub = u64::from((b - 1024) % 64);
    (1u64 << exp) | (sub << (exp - 6))
}

impl Histogram {
    pub(crate) fn add(&mut self, v: u64) {
        if self.count == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.count += 1;
        if v < EXACT {
            if self.exact.is_empty() {
                self.exact = alloc::vec![0; 1024];
            }
            // v < 1024.
            #[allow(clippy::cast_possible_truncation)]
            let slot = &mut self.exact[v as usize];
            match slot.checked_add(1) {
                Some(n) => *slot = n,
                // Spill a saturated exact counter into the map.
                None => *self.buckets.entry(bucket_of(v)).or_insert(0) += 1,
            }
        } else {
            *self.buckets.entry(bucket_of(v)).or_insert(0) += 1;
        }
    }

    /// Adds every value of `other`.
    pub(crate) fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            self.min = other.min;
            self.max = other.max;
        } else {
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
        }
        self.count += other.count;
        for (b, &n) in other.exact.iter().enumerate().filter(|(_, &n)| n > 0) {
            // b < 1024.
            #[allow(clippy::cast_possible_truncation)]
            let key = b as u32;
            *self.buckets.entry(key).or_insert(0) += u64::from(n);
        }
        for (&b, &n) in &other.buckets {
            *self.buckets.entry(b).or_insert(0) += n;
        }
    }

    /// Every non-empty bucket in value order, with its count.
    fn counts(&self) -> Vec<(u32, u64)> {
        let mut merged: BTreeMap<u32, u64> = self.buckets.clone();
        for (b, &n) in self.exact.iter().enumerate().filter(|(_, &n)| n > 0) {
            // b < 1024.
            #[allow(clippy::cast_possible_truncation)]
            let key = b as u32;
            *merged.entry(key).or_insert(0) += u64::from(n);
        }
        merged.into_iter().collect()
    }

    /// The nearest-rank percentile (`per_mille` of 1000) over `counts`.
    fn percentile(&self, counts: &[(u32, u64)], per_mille: u64) -> u64 {
        let rank = (self.count * per_mille).div_ceil(1000).max(1);
        let mut seen = 0;
        for &(b, n) in counts {
            seen += n;
            if seen >= rank {
                return bucket_floor(b).clamp(self.min, self.max);
            }
        }
        self.max
    }

    pub(crate) fn summary(&self) -> Option<Distribution> {
        if self.count == 0 {
            return None;
        }
        let counts = self.counts();
        Some(Distribution {
            count: self.count,
            min: self.min,
            p50: self.percentile(&counts, 500),
            p95: self.percentile(&counts, 950),
            max: self.max,
        })
    }
}

/// Stats of one connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ConnectionStats {
    /// Index in the session.
    pub index: usize,
    /// HTTP status, if a response arrived.
    pub status: Option<u16>,
    /// How it ended, if known.
    pub end: Option<EndKind>,
    /// Events dispatched.
    pub events: u64,
    /// Body bytes received.
    pub bytes: u64,
    /// From request start to end, ms.
    pub duration_ms: Option<u64>,
    /// From request start to the first event, ms.
    pub time_to_first_event_ms: Option<u64>,
    /// Time between consecutive events, ms.
    pub gap_ms: Option<Distribution>,
    /// Body bytes per second over the connection's duration.
    pub throughput_bytes_per_s: Option<u64>,
    /// For a reconnect (see [`SessionStats::reconnects`]), ms from the end of the connection
    /// it reconnects after to this request: the previous connection, or under the MCP
    /// profiles the latest connection of the stream it resumes. `None` for a connection that
    /// is no reconnect, or when that end or the timing is unknown.
    pub reconnect_delay_ms: Option<u64>,
    /// `Last-Event-ID` sent, if any.
    pub last_event_id_sent: Option<String>,
    /// The client's last event id at the end of this connection (empty when it has none, or
    /// when it is unknown after a body that was not recorded).
    pub last_event_id: String,
    /// The reconnection time in force at the end, ms (`None` when none was sent, or when it
    /// is unknown after a body that was not recorded).
    pub retry_ms: Option<u64>,
    /// The connection's 200 body was not recorded (see
    /// [`Validator::body_unknown`](super::Validator::body_unknown)): `events` and `bytes`
    /// count nothing, and `last_event_id` and `retry_ms` are unknown. Serialized only when
    /// true, so reports of fully recorded sessions keep their exact JSON.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "core::ops::Not::not"))]
    pub body_unknown: bool,
}

/// Stats of the whole session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SessionStats {
    /// Connections opened.
    pub connections: u64,
    /// Later connections that reconnect: every connection after the first (one `EventSource`),
    /// except under the MCP profiles, where a session holds several streams and only a later
    /// connection that resumes one (it sends `Last-Event-ID`) is a reconnect, a new stream
    /// being none.
    pub reconnects: u64,
    /// Events dispatched, all connections (none of a body that was not recorded).
    pub events: u64,
    /// Body bytes, all connections (none of a body that was not recorded).
    pub bytes: u64,
    /// From the first request to the last end, ms.
    pub duration_ms: Option<u64>,
    /// From the session's first request to its first event, ms (connections that failed
    /// before one count against it; unknown after a body that was not recorded came first).
    pub time_to_first_event_ms: Option<u64>,
    /// Time between consecutive events within connections, ms.
    pub gap_ms: Option<Distribution>,
    /// The delays of the reconnects counted in `reconnects` (each connection's
    /// [`ConnectionStats::reconnect_delay_ms`]), ms.
    pub reconnect_delay_ms: Option<Distribution>,
    /// Body bytes per second over the session (unknown when a body was not recorded).
    pub throughput_bytes_per_s: Option<u64>,
    /// Per-connection stats (the latest `window.connections`).
    pub per_connection: Vec<ConnectionStats>,
    /// Per-connection stats left out by the window.
    pub per_connection_dropped: u64,
}

/// The result of a validation. Serializes (feature `serde`) to the same JSON from every
/// binding; `Display` renders it for humans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Report {
    /// Always `"ssert-report"`.
    pub format: &'static str,
    /// Report format version (1).
    pub version: u32,
    /// No finding at or above `fail_on`.
    pub passed: bool,
    /// The severity threshold used.
    pub fail_on: Severity,
    /// Findings with severity error.
    pub errors: u64,
    /// Findings with severity warning.
    pub warnings: u64,
    /// Findings with severity info.
    pub infos: u64,
    /// The findings, in the order found (at most `window.findings`).
    pub findings: Vec<Finding>,
    /// Findings counted but not kept.
    pub findings_dropped: u64,
    /// Rules that could not be checked: every one that could not be checked for the whole
    /// session, and the first `window.findings` notes about one connection.
    pub not_checked: Vec<NotChecked>,
    /// Notes about one connection counted but not kept (past `window.findings`): a session
    /// of endless reconnects whose request headers were not recorded, say.
    pub not_checked_dropped: u64,
    /// Numbers.
    pub stats: SessionStats,
}

impl Report {
    /// Whether a finding of this rule is in the report.
    pub fn has(&self, rule: Rule) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }

    /// The distinct codes of the findings, sorted.
    pub fn codes(&self) -> Vec<&'static str> {
        let mut codes: Vec<_> = self.findings.iter().map(|f| f.rule.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}[{} {}]: {}",
            self.severity,
            self.rule.code(),
            self.rule.name(),
            self.message
        )?;
        let mut place = String::new();
        let mut part = |text: String| {
            if !place.is_empty() {
                place.push_str(", ");
            }
            place.push_str(&text);
        };
        if let Some(c) = self.connection {
            part(alloc::format!("connection {c}"));
        }
        if let Some(e) = self.event {
            part(alloc::format!("event {e}"));
        }
        if let Some(o) = self.offset {
            part(alloc::format!("byte {o}"));
        }
        if let Some(t) = self.t {
            part(alloc::format!("t={t}ms"));
        }
        if !place.is_empty() {
            writeln!(f, "  --> {place}")?;
        }
        if let Some(excerpt) = &self.excerpt {
            writeln!(f, "   |")?;
            writeln!(f, "   | {excerpt}")?;
            writeln!(f, "   |")?;
        }
        Ok(())
    }
}

/// The not-checked notes by rule and reason, in the order first noted, each with the
/// connections it concerns (none for a note about the whole session, which stays apart).
fn group_not_checked(notes: &[NotChecked]) -> Vec<(&NotChecked, Vec<usize>)> {
    let mut groups: Vec<(&NotChecked, Vec<usize>)> = Vec::new();
    let mut by_key: BTreeMap<(Rule, bool, &str), usize> = BTreeMap::new();
    for nc in notes {
        let key = (nc.rule, nc.connection.is_some(), nc.reason.as_str());
        let at = *by_key.entry(key).or_insert_with(|| {
            groups.push((nc, Vec::new()));
            groups.len() - 1
        });
        if let Some(c) = nc.connection {
            groups[at].1.push(c);
        }
    }
    groups
}

/// Connection indices as ranges (`0-4, 7, 9-12`), at most 8 of them, then `...`.
fn connection_ranges(list: &[usize]) -> String {
    const SHOWN: usize = 8;
    let mut sorted = list.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for c in sorted {
        match ranges.last_mut() {
            Some((_, end)) if end.checked_add(1) == Some(c) => *end = c,
            _ => ranges.push((c, c)),
        }
    }
    let mut out = String::new();
    for (i, &(start, end)) in ranges.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if i == SHOWN {
            out.push_str("...");
            break;
        }
        out.push_str(&if start == end {
            alloc::format!("{start}")
        } else {
            alloc::format!("{start}-{end}")
        });
    }
    out
}

fn ms(v: Option<u64>) -> String {
    v.map_or_else(|| String::from("-"), |v| alloc::format!("{v}ms"))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        if self.findings_dropped > 0 {
            writeln!(
                f,
                "... {} more findings not kept (window.findings)\n",
                self.findings_dropped
            )?;
        }
        // One line per rule and reason: the connections it concerns are listed together.
        for (nc, connections) in group_not_checked(&self.not_checked) {
            let place = match connections.as_slice() {
                [] => String::new(),
                [c] => alloc::format!(" on connection {c}"),
                list => alloc::format!(
                    " on {} connections ({})",
                    list.len(),
                    connection_ranges(list)
                ),
            };
            writeln!(
                f,
                "note[{} {}]: not checked{place}: {}",
                nc.rule.code(),
                nc.rule.name(),
                nc.reason
            )?;
        }
        if self.not_checked_dropped > 0 {
            writeln!(
                f,
                "... {} more not-checked notes not kept (window.findings)",
                self.not_checked_dropped
            )?;
        }
        let s = &self.stats;
        let gaps = s.gap_ms.map_or_else(
            || String::from("-"),
            |g| alloc::format!("p50 {}ms p95 {}ms max {}ms", g.p50, g.p95, g.max),
        );
        writeln!(
            f,
            "{}: {} error(s), {} warning(s), {} info; {} connection(s), {} reconnect(s), {} event(s), {} byte(s); first event {}; gaps {}",
            if self.passed { "PASS" } else { "FAIL" },
            self.errors,
            self.warnings,
            self.infos,
            s.connections,
            s.reconnects,
            s.events,
            s.bytes,
            ms(s.time_to_first_event_ms),
            gaps
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_exact_below_1024_and_close_above() {
        let mut h = Histogram::default();
        for v in 1..=100 {
            h.add(v);
        }
        let d = h.summary().unwrap();
        assert_eq!((d.count, d.min, d.p50, d.p95, d.max), (100, 1, 50, 95, 100));
        for v in [1024u64, 5000, 123_456, u64::MAX / 3] {
            let floor = bucket_floor(bucket_of(v));
            assert!(floor <= v && v - floor <= v / 64, "{v} -> {floor}");
        }
        assert!(Histogram::default().summary().is_none());
    }

    #[test]
    fn not_checked_notes_are_grouped_by_rule_and_reason() {
        let note = |rule, connection, reason: &str| NotChecked {
            rule,
            connection,
            reason: reason.into(),
        };
        let mut report = Report {
            not_checked: alloc::vec![
                note(
                    Rule::AcceptHeader,
                    Some(0),
                    "request headers were not recorded"
                ),
                note(Rule::Heartbeat, None, "the recording has no timing"),
                note(
                    Rule::LastEventId,
                    Some(1),
                    "request headers were not recorded"
                ),
            ],
            not_checked_dropped: 7,
            ..Report::default()
        };
        for c in (1..12).chain(20..23) {
            report.not_checked.push(note(
                Rule::AcceptHeader,
                Some(c),
                "request headers were not recorded",
            ));
        }
        let text = alloc::format!("{report}");
        let notes: Vec<&str> = text.lines().filter(|l| !l.starts_with("FAIL")).collect();
        assert_eq!(
            notes,
            [
                "note[SSE106 accept-header]: not checked on 15 connections (0-11, 20-22): request headers were not recorded",
                "note[SSE305 heartbeat]: not checked: the recording has no timing",
                "note[SSE401 last-event-id]: not checked on connection 1: request headers were not recorded",
                "... 7 more not-checked notes not kept (window.findings)",
            ],
            "{text}"
        );
        let many: Vec<usize> = (0..40).step_by(2).collect();
        assert_eq!(connection_ranges(&many), "0, 2, 4, 6, 8, 10, 12, 14, ...");
    }
}
