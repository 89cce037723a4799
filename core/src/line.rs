//! The no-alloc layer: splitting a byte stream into lines and a line into its field.
//!
//! [`Tokenizer`] works over a buffer that the caller owns, httparse-style: it reports a
//! [`Status::Complete`] line with the number of bytes it consumed, or [`Status::Partial`] when
//! the buffer holds no complete line yet (nothing consumed; append more bytes and call again).
//! [`Line::parse`] classifies one line. The push [`Parser`](crate::Parser) classifies lines the
//! same way, and finds their ends a whole chunk at a time (`LineEnds`) rather than line by line.

/// The UTF-8 byte order mark. The spec's "UTF-8 decode" strips one at the very start of the
/// stream and nowhere else.
pub const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// How a line ended.
///
/// The spec's ABNF: `end-of-line = ( cr lf / cr / lf )`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Terminator {
    /// A lone U+000D CARRIAGE RETURN.
    Cr,
    /// A lone U+000A LINE FEED.
    Lf,
    /// CR followed by LF: one line end, even when the two bytes arrive in different chunks.
    CrLf,
    /// The stream ended without a line end: such a line is never processed.
    Eof,
}

impl Terminator {
    /// The bytes of this terminator (empty for [`Terminator::Eof`]).
    pub const fn as_bytes(self) -> &'static [u8] {
        match self {
            Terminator::Cr => b"\r",
            Terminator::Lf => b"\n",
            Terminator::CrLf => b"\r\n",
            Terminator::Eof => b"",
        }
    }
}

/// One line of an event stream, classified as the spec's "Interpreting an event stream" does.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// An empty line: "If the line is empty (a blank line) — Dispatch the event".
    Blank,
    /// A line starting with `:`. Holds the text after the colon with one leading space
    /// removed (the spec ignores comments; ssert exposes them for heartbeat checks).
    Comment(&'a [u8]),
    /// A field. For `name:value` the value is what follows the first colon with one leading
    /// U+0020 SPACE removed; a line without a colon is a field named by the whole line with
    /// an empty value.
    Field {
        /// The field name (case-sensitive: `Data` is not `data`).
        name: &'a [u8],
        /// The field value.
        value: &'a [u8],
    },
}

impl<'a> Line<'a> {
    /// Classifies one line (without its terminator).
    ///
    /// ```
    /// use ssert_core::Line;
    /// assert_eq!(Line::parse(b""), Line::Blank);
    /// assert_eq!(Line::parse(b": ping"), Line::Comment(b"ping"));
    /// assert_eq!(Line::parse(b"data:  two"), Line::Field { name: b"data", value: b" two" });
    /// assert_eq!(Line::parse(b"data"), Line::Field { name: b"data", value: b"" });
    /// ```
    pub fn parse(line: &'a [u8]) -> Line<'a> {
        match shape(line) {
            Shape::Blank => Line::Blank,
            Shape::Comment { text } => Line::Comment(&line[text..]),
            Shape::Field { name_end, value } => Line::Field {
                name: &line[..name_end],
                value: &line[value..],
            },
        }
    }
}

/// Where the parts of a line are, as indices, so that the parser can take them from either the
/// chunk or its own buffer.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Blank,
    Comment { text: usize },
    Field { name_end: usize, value: usize },
}

/// Where a line's parts are: [`shape_by_search`], with shortcuts for the common spellings.
#[inline]
pub(crate) fn shape(line: &[u8]) -> Shape {
    if line.is_empty() {
        return Shape::Blank;
    }
    // Most lines of real streams spell their field one of these ways: no search for the colon.
    if line.starts_with(b"data: ") {
        return Shape::Field {
            name_end: 4,
            value: 6,
        };
    }
    if line.starts_with(b"id: ") {
        return Shape::Field {
            name_end: 2,
            value: 4,
        };
    }
    if line.starts_with(b"event: ") {
        return Shape::Field {
            name_end: 5,
            value: 7,
        };
    }
    shape_by_search(line)
}

/// [`shape`] without its shortcuts: the colon search that defines it.
#[inline]
fn shape_by_search(line: &[u8]) -> Shape {
    if line.is_empty() {
        return Shape::Blank;
    }
    // The colon ends the field name, so it is near the start of every line that has one.
    match line.iter().position(|&b| b == b':') {
        Some(0) => Shape::Comment {
            text: 1 + usize::from(line.get(1) == Some(&b' ')),
        },
        Some(colon) => Shape::Field {
            name_end: colon,
            // "If value starts with a U+0020 SPACE character, remove it from value."
            value: colon + 1 + usize::from(line.get(colon + 1) == Some(&b' ')),
        },
        None => Shape::Field {
            name_end: line.len(),
            value: line.len(),
        },
    }
}

/// The CR and LF bytes of one chunk, found a 64-byte block at a time.
///
/// The push parser (and the [`Tokenizer`]) ask for the next line end once per line. Searching
/// from each line's start costs a loop whose exit, at an unpredictable line length, is a
/// mispredicted branch; here one SIMD pass per block marks every CR and LF in a 64-bit mask, and
/// each line end is then a `trailing_zeros`. Lines longer than two blocks are left to `memchr2`, which is faster per
/// byte on long runs (`benches/` measures both effects).
pub(crate) struct LineEnds<'a> {
    bytes: &'a [u8],
    /// Offset of the 64-byte block that `mask` describes.
    block: usize,
    /// Bit `i` is set when `bytes[block + i]` is CR or LF and not before the last `from`.
    mask: u64,
}

impl<'a> LineEnds<'a> {
    const BLOCK: usize = 64;

    pub(crate) fn new(bytes: &'a [u8]) -> LineEnds<'a> {
        LineEnds {
            bytes,
            block: 0,
            mask: block_mask(bytes, 0),
        }
    }

    /// The offset of the first CR or LF at or after `from`. Each call's `from` must be greater
    /// than the offset the previous call returned.
    #[inline(always)]
    pub(crate) fn next_from(&mut self, from: usize) -> Option<usize> {
        if from >= self.block + Self::BLOCK {
            self.block = from - from % Self::BLOCK;
            if self.block >= self.bytes.len() {
                return None;
            }
            self.mask = block_mask(self.bytes, self.block);
        }
        self.mask &= u64::MAX << (from - self.block);
        if self.mask == 0 {
            self.block += Self::BLOCK;
            if self.block >= self.bytes.len() {
                return None;
            }
            self.mask = block_mask(self.bytes, self.block);
            if self.mask == 0 {
                // A line longer than two blocks: `memchr2` skips ahead faster (AVX2 where the
                // CPU has it). Its block has no line end before `at`, as `next` is a block start.
                let next = self.block + Self::BLOCK;
                let at = next + memchr::memchr2(b'\n', b'\r', self.bytes.get(next..)?)?;
                self.block = at - at % Self::BLOCK;
                self.mask = block_mask(self.bytes, self.block);
            }
        }
        Some(self.block + self.mask.trailing_zeros() as usize)
    }
}

/// The CR/LF mask of the block of `bytes` starting at `at`; bytes past the end count as neither.
#[inline]
fn block_mask(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + LineEnds::BLOCK) {
        Some(block) => mask64(block.try_into().unwrap_or(&[0; LineEnds::BLOCK])),
        None => {
            let mut block = [0; LineEnds::BLOCK];
            let tail = bytes.get(at..).unwrap_or_default();
            block[..tail.len()].copy_from_slice(tail);
            mask64(&block)
        }
    }
}

/// Bit `i` set when `block[i]` is CR or LF.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn mask64(block: &[u8; 64]) -> u64 {
    #[allow(unsafe_code)]
    // SAFETY: `sse2_mask64` only needs SSE2, and the `cfg` above compiles this call only when
    // the build enables SSE2 for every CPU it runs on (all x86_64 targets do).
    unsafe {
        sse2_mask64(block)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_mask64(block: &[u8; 64]) -> u64 {
    use core::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi8,
    };
    let lf = _mm_set1_epi8(b'\n' as i8);
    let cr = _mm_set1_epi8(b'\r' as i8);
    let mut mask = 0;
    for (index, b) in block.chunks_exact(16).enumerate() {
        // Sixteen byte arguments, one 16-byte load once compiled (no pointer, no `unsafe`).
        #[allow(clippy::cast_possible_wrap)]
        let lanes = _mm_set_epi8(
            b[15] as i8,
            b[14] as i8,
            b[13] as i8,
            b[12] as i8,
            b[11] as i8,
            b[10] as i8,
            b[9] as i8,
            b[8] as i8,
            b[7] as i8,
            b[6] as i8,
            b[5] as i8,
            b[4] as i8,
            b[3] as i8,
            b[2] as i8,
            b[1] as i8,
            b[0] as i8,
        );
        let hits = _mm_or_si128(_mm_cmpeq_epi8(lanes, lf), _mm_cmpeq_epi8(lanes, cr));
        #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
        let bits = _mm_movemask_epi8(hits) as u16;
        mask |= u64::from(bits) << (16 * index);
    }
    mask
}

/// Bit `i` set when `block[i]` is CR or LF.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn mask64(block: &[u8; 64]) -> u64 {
    use core::arch::wasm32::{u8x16, u8x16_bitmask, u8x16_eq, u8x16_splat, v128_or};
    let mut mask = 0;
    for (index, b) in block.chunks_exact(16).enumerate() {
        // Sixteen byte arguments, one `v128.load` once compiled.
        let lanes = u8x16(
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
            b[14], b[15],
        );
        let hits = v128_or(
            u8x16_eq(lanes, u8x16_splat(b'\n')),
            u8x16_eq(lanes, u8x16_splat(b'\r')),
        );
        mask |= u64::from(u8x16_bitmask(hits)) << (16 * index);
    }
    mask
}

/// Bit `i` set when `block[i]` is CR or LF.
#[cfg(not(any(
    all(target_arch = "x86_64", target_feature = "sse2"),
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
#[inline]
fn mask64(block: &[u8; 64]) -> u64 {
    portable_mask64(block)
}

/// [`mask64`] with integer arithmetic only, eight bytes at a time: for targets without a SIMD
/// version, and the reference the SIMD versions are tested against.
#[cfg_attr(
    any(
        all(target_arch = "x86_64", target_feature = "sse2"),
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
fn portable_mask64(block: &[u8; 64]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 0x7F;
    // High bit of each byte set exactly when the byte is zero (no borrow between bytes).
    let zero_bytes = |x: u64| !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
    let mut mask = 0;
    for (index, word) in block.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let hits = zero_bytes(word ^ (ONES * u64::from(b'\n')))
            | zero_bytes(word ^ (ONES * u64::from(b'\r')));
        // Gathers the eight high bits into the top byte, lowest address lowest.
        let bits = (hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= bits << (8 * index);
    }
    mask
}

/// The result of a step that may need more input, as in httparse.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// The step finished with this value.
    Complete(T),
    /// More input is needed; nothing was consumed.
    Partial,
}

/// A complete line found by [`Tokenizer::next_line`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RawLine<'b> {
    /// Bytes consumed from the buffer: any skipped BOM or LF, the line and its terminator.
    pub consumed: usize,
    /// The line, without its terminator.
    pub line: &'b [u8],
    /// How it ended. A CR that is the last byte of the buffer is reported as
    /// [`Terminator::Cr`] at once; an LF at the start of the next buffer is then skipped.
    pub terminator: Terminator,
}

/// A line splitter over a caller-held buffer, needing no allocation.
///
/// The caller keeps the unconsumed bytes, appends new input after them, and calls
/// [`next_line`](Tokenizer::next_line) again. The tokenizer remembers only two facts across
/// calls: whether the BOM check is done, and whether the last line ended in a CR (so that an LF
/// beginning the next buffer completes a CRLF instead of making a blank line).
///
/// ```
/// use ssert_core::{Line, Status, Terminator, Tokenizer};
///
/// let mut tokenizer = Tokenizer::new();
/// let mut buffer: &[u8] = b"\xEF\xBB\xBFdata: hi\r";
/// let Status::Complete(raw) = tokenizer.next_line(buffer) else { panic!() };
/// assert_eq!(raw.line, b"data: hi");
/// assert_eq!(raw.terminator, Terminator::Cr); // known at once, no need to wait for an LF
/// assert_eq!(Line::parse(raw.line), Line::Field { name: b"data", value: b"hi" });
/// buffer = &buffer[raw.consumed..];
/// assert_eq!(tokenizer.next_line(buffer), Status::Partial);
///
/// // The LF of that CRLF arrives with the next bytes and is skipped.
/// let Status::Complete(raw) = tokenizer.next_line(b"\n\n") else { panic!() };
/// assert_eq!((raw.consumed, raw.line, raw.terminator), (2, &b""[..], Terminator::Lf));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Tokenizer {
    started: bool,
    after_cr: bool,
}

impl Tokenizer {
    /// A tokenizer at the start of a stream.
    pub const fn new() -> Tokenizer {
        Tokenizer {
            started: false,
            after_cr: false,
        }
    }

    /// Finds the next complete line at the start of `buffer`.
    pub fn next_line<'b>(&mut self, buffer: &'b [u8]) -> Status<RawLine<'b>> {
        let mut skip = 0;
        if !self.started {
            match bom_prefix(buffer) {
                BomPrefix::Partial => return Status::Partial,
                BomPrefix::Complete => skip = BOM.len(),
                BomPrefix::Absent => {}
            }
        }
        if self.after_cr && buffer.get(skip) == Some(&b'\n') {
            skip += 1;
        }
        let rest = &buffer[skip..];
        let Some(at) = LineEnds::new(rest).next_from(0) else {
            return Status::Partial;
        };
        let (terminator, len) = match rest[at] {
            b'\n' => (Terminator::Lf, 1),
            _ if rest.get(at + 1) == Some(&b'\n') => (Terminator::CrLf, 2),
            _ => (Terminator::Cr, 1),
        };
        self.started = true;
        self.after_cr = terminator == Terminator::Cr;
        Status::Complete(RawLine {
            consumed: skip + at + len,
            line: &rest[..at],
            terminator,
        })
    }

    /// Ends the stream: returns the unterminated rest of `buffer` (which the spec discards),
    /// if there is any, and resets the tokenizer for a new stream.
    pub fn finish<'b>(&mut self, buffer: &'b [u8]) -> Option<&'b [u8]> {
        let mut rest = buffer;
        if !self.started && rest.starts_with(&BOM) {
            rest = &rest[BOM.len()..];
        }
        if self.after_cr && rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
        *self = Tokenizer::new();
        (!rest.is_empty()).then_some(rest)
    }
}

/// How much of a BOM a stream's first bytes hold.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum BomPrefix {
    /// The bytes start with the whole BOM.
    Complete,
    /// The bytes are a proper prefix of the BOM: more input decides.
    Partial,
    /// No BOM.
    Absent,
}

pub(crate) fn bom_prefix(bytes: &[u8]) -> BomPrefix {
    if bytes.starts_with(&BOM) {
        BomPrefix::Complete
    } else if bytes.len() < BOM.len() && BOM.starts_with(bytes) {
        BomPrefix::Partial
    } else {
        BomPrefix::Absent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line end, found by the block scanner from each line's start, as a plain search
    /// finds them: all lengths up to several blocks, every alignment of the matches.
    #[test]
    #[allow(clippy::cast_possible_truncation)] // Truncating the generator's state is the point.
    fn line_ends_agree_with_a_plain_search() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut bytes = [0u8; 400];
        for len in 0..bytes.len() {
            for round in 0..30 {
                // Dense line ends, and sparse ones: lines longer than one and two blocks.
                let odds = [11, 60, 400][round % 3];
                for byte in bytes[..len].iter_mut() {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    *byte = match state % odds {
                        0 => b'\n',
                        1 => b'\r',
                        2 => 0x8A,
                        3 => 0x8D,
                        _ => (state >> 32) as u8 | 0x20,
                    };
                }
                let bytes = &bytes[..len];
                let mut scanner = LineEnds::new(bytes);
                let mut from = (state % 3) as usize;
                loop {
                    let expected = bytes
                        .get(from..)
                        .and_then(|rest| rest.iter().position(|&b| b == b'\n' || b == b'\r'))
                        .map(|at| from + at);
                    let found = if from <= len {
                        scanner.next_from(from)
                    } else {
                        None
                    };
                    assert_eq!(found, expected, "from {from} in {bytes:?}");
                    let Some(at) = found else { break };
                    // Skip ahead as the parser does after a CRLF, sometimes further.
                    from = at + 1 + (state as usize >> (at % 7)) % 3;
                }
            }
        }
    }

    /// The shortcuts for common field spellings agree with the colon search on every line
    /// that starts like them, or almost does.
    #[test]
    fn shape_shortcuts_agree_with_the_colon_search() {
        let starts: [&[u8]; 14] = [
            b"data: ", b"data:", b"data:  ", b"data", b"dat: ", b"Data: ", b"id: ", b"id:", b"id",
            b"i: ", b"event: ", b"event:", b"even: ", b"event :",
        ];
        let tails: [&[u8]; 6] = [b"", b"x", b" ", b":", b"a: b", b"\xC3\xA9"];
        for start in starts {
            for tail in tails {
                let mut line = [0u8; 16];
                line[..start.len()].copy_from_slice(start);
                line[start.len()..start.len() + tail.len()].copy_from_slice(tail);
                let line = &line[..start.len() + tail.len()];
                assert_eq!(shape(line), shape_by_search(line), "{line:?}");
            }
        }
    }

    /// The SIMD mask (where this target has one) against the integer-only one.
    #[test]
    #[allow(clippy::cast_possible_truncation)] // Truncating the generator's state is the point.
    fn mask64_agrees_with_portable_mask64() {
        let interesting = [
            b'\n',
            b'\r',
            0,
            0x0A ^ 0x80,
            0x0D ^ 0x80,
            0xFF,
            0x0B,
            0x0C,
            b'a',
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            let mut block = [0u8; 64];
            for byte in block.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = interesting[(state % interesting.len() as u64) as usize];
            }
            let expected = block
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n' || b == b'\r')
                .fold(0u64, |mask, (i, _)| mask | 1 << i);
            assert_eq!(portable_mask64(&block), expected, "{block:?}");
            assert_eq!(mask64(&block), expected, "{block:?}");
        }
    }
}
