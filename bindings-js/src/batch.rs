//! The batch: everything the core reports for one chunk, laid out for one bulk read from JS.
//!
//! Shared by the wasm-bindgen engine (`ssert-wasm`) and the C-ABI engine of the k6 build
//! (`ssert-k6`, which includes this file), so both JS readers decode the same layout.
//!
//! A batch is a flat `u32` record array plus two string buffers: every string of the batch that
//! is pure ASCII goes to the ASCII buffer, every other string to the UTF-8 buffer, each back to
//! back in record order. ASCII is split out because JS can turn ASCII bytes into a string with a
//! plain byte copy (Latin-1 decoding), several times faster than UTF-8 decoding.
//!
//! Each record starts with its tag. A string is given by its length word: bit 31 set means "in
//! the ASCII buffer" and the low 31 bits are its length in bytes (= UTF-16 code units); bit 31
//! clear means "in the UTF-8 buffer" and the value is its length in UTF-16 code units (the unit
//! JS strings are sliced in). 64-bit numbers are two words, low then high.
//!
//! | tag | words after the tag |
//! |---|---|
//! | [`TAG_EVENT`] | event-type length or [`NO_EVENT_FIELD`], data length, id length |
//! | [`TAG_RETRY`] | value low, value high |
//! | [`TAG_COMMENT`] | text length |
//! | [`TAG_ERROR`] | code length, message length, offset low, offset high |

use ssert_core::{Error, Event, Sink};

/// Record tag of a dispatched event.
pub const TAG_EVENT: u32 = 0;
/// Record tag of a valid `retry` field.
pub const TAG_RETRY: u32 = 1;
/// Record tag of a comment line.
pub const TAG_COMMENT: u32 = 2;
/// Record tag of a (non-fatal) parse error.
pub const TAG_ERROR: u32 = 3;
/// Event-type length meaning "the block had no `event` field" (JS `event: undefined`).
pub const NO_EVENT_FIELD: u32 = u32::MAX;
/// Bit of a string length word meaning "this string is in the ASCII buffer".
pub const ASCII_FLAG: u32 = 1 << 31;

/// Length in UTF-16 code units of a string that is not pure ASCII: one unit per UTF-8 leading
/// byte, plus one more for each four-byte sequence (a surrogate pair). Counted bytewise, without
/// decoding, so the loop vectorizes (simd128 on wasm).
fn utf16_len(text: &str) -> usize {
    text.as_bytes()
        .chunks(255)
        .map(|block| {
            // At most two units per byte: a block's count fits in a u16.
            let units: u16 = block
                .iter()
                .map(|&byte| u16::from((byte & 0xC0) != 0x80) + u16::from(byte >= 0xF0))
                .sum();
            usize::from(units)
        })
        .sum()
}

/// A length as a record word. wasm32 memory is at most 4 GiB and the parser's limits keep every
/// string far below 2 GiB, so the value always fits in the 31 bits.
fn length_word(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX) & !ASCII_FLAG
}

/// Splits a 64-bit value into the (low, high) words of a record.
#[allow(clippy::cast_possible_truncation)] // truncation to the low word is the point
pub fn split_u64(value: u64) -> [u32; 2] {
    [value as u32, (value >> 32) as u32]
}

/// Everything the core reported for one chunk, in the layout described in the module docs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The records.
    pub ops: Vec<u32>,
    /// The strings that are not pure ASCII, back to back, in record order.
    pub utf8: String,
    /// The pure-ASCII strings, back to back, in record order.
    pub ascii: String,
}

impl Batch {
    /// Appends a string to the right buffer and returns its length word.
    fn push_text(&mut self, text: &str) -> u32 {
        if text.is_ascii() {
            self.ascii.push_str(text);
            length_word(text.len()) | ASCII_FLAG
        } else {
            self.utf8.push_str(text);
            length_word(utf16_len(text))
        }
    }

    /// Empties the batch, keeping its allocations for the next chunk.
    pub fn clear(&mut self) {
        self.ops.clear();
        self.utf8.clear();
        self.ascii.clear();
    }
}

impl Sink for Batch {
    fn event(&mut self, event: Event<'_>) {
        let event_len = match event.event {
            Some(event_type) => self.push_text(event_type),
            None => NO_EVENT_FIELD,
        };
        let data_len = self.push_text(event.data);
        let id_len = self.push_text(event.id);
        self.ops
            .extend_from_slice(&[TAG_EVENT, event_len, data_len, id_len]);
    }

    fn retry(&mut self, millis: u64) {
        let [low, high] = split_u64(millis);
        self.ops.extend_from_slice(&[TAG_RETRY, low, high]);
    }

    fn comment(&mut self, text: &str) {
        let len = self.push_text(text);
        self.ops.extend_from_slice(&[TAG_COMMENT, len]);
    }

    fn error(&mut self, error: Error) {
        let code_len = self.push_text(error.code());
        let message_len = self.push_text(error.kind().message());
        let [low, high] = split_u64(error.offset());
        self.ops
            .extend_from_slice(&[TAG_ERROR, code_len, message_len, low, high]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssert_core::Parser;

    const A: u32 = ASCII_FLAG;

    #[test]
    fn utf16_len_counts_code_units() {
        assert_eq!(utf16_len("é"), 1);
        assert_eq!(utf16_len("\u{FFFD}"), 1);
        assert_eq!(utf16_len("😀x"), 3);
        let long = "aé😀日".repeat(300);
        assert_eq!(utf16_len(&long), long.encode_utf16().count());
    }

    #[test]
    fn batch_records_every_sink_call_in_order() {
        let mut parser = Parser::new();
        let mut batch = Batch::default();
        parser.feed(
            b":hi\nretry: 4294967297\nevent: e\ndata: \xC3\xA9\n\n",
            &mut batch,
        );
        parser.feed(b"data: tail", &mut batch);
        parser.finish(&mut batch);
        let [low, high] = split_u64(4_294_967_297);
        assert_eq!((low, high), (1, 1));
        let code = "INCOMPLETE_EVENT";
        let message = ssert_core::ErrorKind::IncompleteEvent.message();
        let [code_len, message_len] = [code.len(), message.len()].map(length_word);
        assert_eq!(
            batch.ops,
            [
                TAG_COMMENT,
                A | 2,
                TAG_RETRY,
                1,
                1,
                TAG_EVENT,
                A | 1,
                1,
                A,
                TAG_ERROR,
                A | code_len,
                A | message_len,
                41,
                0
            ]
        );
        assert_eq!(batch.ascii, format!("hie{code}{message}"));
        assert_eq!(batch.utf8, "é");
    }

    #[test]
    fn an_event_without_event_field_has_no_event_length() {
        let mut parser = Parser::new();
        let mut batch = Batch::default();
        parser.feed(b"id: 7\ndata: x\xF0\x9F\x98\x80\n\n", &mut batch);
        assert_eq!(batch.ops, [TAG_EVENT, NO_EVENT_FIELD, 3, A | 1]);
        assert_eq!(batch.utf8, "x😀");
        assert_eq!(batch.ascii, "7");
    }
}
