//! The no-alloc layer: splitting a byte stream into lines and a line into its field.
//!
//! [`Tokenizer`] works over a buffer that the caller owns, httparse-style: it reports a
//! [`Status::Complete`] line with the number of bytes it consumed, or [`Status::Partial`] when
//! the buffer holds no complete line yet (nothing consumed; append more bytes and call again).
//! [`Line::parse`] classifies one line. The push [`Parser`](crate::Parser) is built on the same
//! two pieces.

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

#[inline]
pub(crate) fn shape(line: &[u8]) -> Shape {
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

/// The position of the next CR or LF in `bytes`, and which one it is.
///
/// Most lines of real streams are short (`id: 7`, `event: token`, the blank line), and a SIMD
/// search costs more to set up than such a line is long. So the first words are searched 8
/// bytes at a time with plain integer arithmetic, and `memchr2` (SIMD) takes the rest.
#[inline]
pub(crate) fn find_line_end(bytes: &[u8]) -> Option<(usize, u8)> {
    const WORD: usize = 8;
    const SHORT: usize = 8 * WORD;
    let mut at = 0;
    while at + WORD <= bytes.len().min(SHORT) {
        let word = u64::from_le_bytes(bytes[at..at + WORD].try_into().unwrap_or_default());
        let found = lowest_match_mask(word, b'\n') | lowest_match_mask(word, b'\r');
        if found != 0 {
            let hit = at + (found.trailing_zeros() / 8) as usize;
            return Some((hit, bytes[hit]));
        }
        at += WORD;
    }
    if at < SHORT {
        // Fewer than 8 bytes left of a short input.
        return bytes[at..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map(|hit| (at + hit, bytes[at + hit]));
    }
    memchr::memchr2(b'\n', b'\r', &bytes[at..]).map(|hit| (at + hit, bytes[at + hit]))
}

/// A mask whose lowest set bit is the high bit of the first byte of `word` (little-endian
/// order) that equals `byte`; zero if no byte does.
///
/// The classic "has a zero byte" test: bits above the first match may be set falsely (a borrow
/// runs on from it), but the lowest one never is, and only the lowest is used. OR-ing two such
/// masks keeps that property.
#[inline(always)]
fn lowest_match_mask(word: u64, byte: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = word ^ (u64::from(byte) * ONES);
    x.wrapping_sub(ONES) & !x & (ONES << 7)
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
        let Some((at, byte)) = find_line_end(rest) else {
            return Status::Partial;
        };
        let (terminator, len) = match byte {
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

    /// The word-at-a-time search against the obvious one, at every length and position.
    #[test]
    fn find_line_end_agrees_with_a_plain_search() {
        let alphabet = [
            b'a',
            b'\n',
            b'\r',
            0x80,
            0x0A ^ 0x80,
            0xFF,
            0x0D + 1,
            0x0A - 1,
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..80 {
            for _ in 0..200 {
                let bytes: alloc_free::Buf = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        // Mostly plain bytes, so that matches land at every distance.
                        if state % 9 == 0 {
                            alphabet[(state >> 8) as usize % alphabet.len()]
                        } else {
                            alphabet[0]
                        }
                    })
                    .collect();
                let bytes = bytes.as_slice();
                let expected = bytes
                    .iter()
                    .position(|&b| b == b'\n' || b == b'\r')
                    .map(|at| (at, bytes[at]));
                assert_eq!(find_line_end(bytes), expected, "{bytes:?}");
            }
        }
    }

    /// A fixed-capacity byte buffer, so the test runs without `alloc`.
    mod alloc_free {
        pub struct Buf {
            bytes: [u8; 128],
            len: usize,
        }
        impl Buf {
            pub fn as_slice(&self) -> &[u8] {
                &self.bytes[..self.len]
            }
        }
        impl FromIterator<u8> for Buf {
            fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Buf {
                let mut buf = Buf {
                    bytes: [0; 128],
                    len: 0,
                };
                for byte in iter {
                    buf.bytes[buf.len] = byte;
                    buf.len += 1;
                }
                buf
            }
        }
    }
}
