//! Small bounded-memory trackers the engine uses: integer id ranges, a window of recent opaque
//! ids, and a chunk-boundary-aware UTF-8 check.

use alloc::borrow::ToOwned;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;

/// Sorted, disjoint, non-adjacent inclusive ranges of u64. A deque: the engine forgets the
/// oldest range of a full window once per new range (`pop_front`, O(1)), and new ranges
/// mostly come last (`push_back`, O(1)).
#[derive(Clone, Debug, Default)]
pub(super) struct IntervalSet {
    pub(super) ranges: VecDeque<(u64, u64)>,
}

impl IntervalSet {
    pub(super) fn contains(&self, v: u64) -> bool {
        // Ids mostly grow: the last range answers without a search.
        match self.ranges.back() {
            None => false,
            Some(&(a, b)) if a <= v => v <= b,
            Some(_) => {
                let i = self.ranges.partition_point(|r| r.1 < v);
                self.ranges.get(i).is_some_and(|r| r.0 <= v)
            }
        }
    }

    pub(super) fn insert(&mut self, v: u64) {
        if let Some(last) = self.ranges.back_mut() {
            if last.1.checked_add(1) == Some(v) {
                last.1 = v;
                return;
            }
        }
        self.insert_range(v, v);
    }

    pub(super) fn insert_range(&mut self, a: u64, b: u64) {
        // Past the last range and not touching it: a new last range, without a search.
        if self
            .ranges
            .back()
            .is_none_or(|last| last.1.saturating_add(1) < a)
        {
            self.ranges.push_back((a, b));
            return;
        }
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

    pub(super) fn min(&self) -> Option<u64> {
        self.ranges.front().map(|r| r.0)
    }

    pub(super) fn max(&self) -> Option<u64> {
        self.ranges.back().map(|r| r.1)
    }

    /// The ranges of `[lo, hi]` not in the set.
    pub(super) fn gaps(&self, lo: u64, hi: u64) -> Vec<(u64, u64)> {
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

/// A bounded set of recent strings (oldest forgotten first), each with the order in which it
/// was first noted: the engine's ids in the order the client received them.
#[derive(Default)]
pub(super) struct RecentIds {
    map: BTreeMap<String, u64>,
    order: VecDeque<String>,
    next: u64,
}

impl RecentIds {
    /// When `id` was first noted (a larger number is later), if it is remembered.
    pub(super) fn get(&self, id: &str) -> Option<u64> {
        self.map.get(id).copied()
    }

    /// Notes `id` (a string noted already keeps its place), forgetting the oldest beyond `cap`.
    pub(super) fn insert(&mut self, id: &str, cap: usize) {
        // One search of the map per id: ids are noted at every event.
        let alloc::collections::btree_map::Entry::Vacant(slot) = self.map.entry(id.to_owned())
        else {
            return;
        };
        slot.insert(self.next);
        self.next += 1;
        self.order.push_back(id.to_owned());
        while self.order.len() > cap {
            if let Some(old) = self.order.pop_front() {
                self.map.remove(&old);
            }
        }
    }
}

/// Checks UTF-8 across chunk boundaries in one SIMD pass per chunk, reporting the offset of
/// every maximal invalid subsequence (the same offsets as the parser's strict mode).
#[derive(Default)]
pub(super) struct Utf8Check {
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
    pub(super) fn feed(&mut self, data: &[u8], offset: u64, mut invalid: impl FnMut(u64)) {
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
    pub(super) fn finish(&mut self, mut invalid: impl FnMut(u64)) {
        if self.carry_len > 0 {
            invalid(self.carry_offset);
        }
        self.carry_len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

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

    #[test]
    fn interval_set_agrees_with_a_set_of_values() {
        // A small xorshift: many orders of inserts, ranges and lookups, with the fast paths
        // at the end and the searches inside.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        for _ in 0..200 {
            let mut set = IntervalSet::default();
            let mut model = alloc::collections::BTreeSet::new();
            for _ in 0..40 {
                let a = next(64);
                if next(2) == 0 {
                    set.insert(a);
                    model.insert(a);
                } else {
                    let b = a + next(4);
                    set.insert_range(a, b);
                    model.extend(a..=b);
                }
                for v in 0..72 {
                    assert_eq!(
                        set.contains(v),
                        model.contains(&v),
                        "{v} in {:?}",
                        set.ranges
                    );
                }
                let ordered = set.ranges.iter().zip(set.ranges.iter().skip(1));
                assert!(
                    ordered.into_iter().all(|(x, y)| x.1 + 1 < y.0),
                    "{:?}",
                    set.ranges
                );
            }
        }
    }
}
