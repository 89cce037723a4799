//! A small, strict JSON (RFC 8259) parser for event `data`, with no dependencies.
//!
//! The validator checks that `data` parses as JSON and the protocol profiles look at a few
//! fields (`type`, `index`, `jsonrpc`, ...). This parser borrows strings from the input when
//! they contain no escapes, never recurses deeper than `MAX_DEPTH` so hostile input cannot
//! overflow the stack (deeper values are checked without recursion, not built), and reports the
//! byte position of the first error.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// Values nested deeper than this are checked in a loop rather than recursed into, and not
/// built: they are `Value::Deep`. JSON itself has no depth limit (RFC 8259 section 9 lets a
/// parser set one, but `JSON.parse` takes any depth), so deep data is still JSON.
const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as `f64`, with its exact integer value when it is an integer that fits `i64`.
    Number {
        /// The value as a float.
        float: f64,
        /// The exact value when the literal has no fraction or exponent and fits `i64`.
        int: Option<i64>,
    },
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object, members in document order (duplicate names kept).
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
    /// An array or object nested deeper than the parse was asked to build (at most
    /// `MAX_DEPTH`): valid, but its content is not kept (nothing reads that deep).
    Deep {
        /// An object, not an array.
        object: bool,
        /// It has no element or member.
        empty: bool,
    },
}

impl<'a> Value<'a> {
    /// The last member named `name`, if this is an object that has one: with a name repeated,
    /// the value `JSON.parse`, Python's `json` and serde_json keep, so the one clients act on.
    pub fn get(&self, name: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().rfind(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The exact integer value, if this is an integer literal that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number { int, .. } => *int,
            _ => None,
        }
    }

    /// Whether Python would take this value as true (what `if data.get("error")` tests): not
    /// `null`, `false`, zero, or an empty string, array or object.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number { float, .. } => *float != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Object(members) => !members.is_empty(),
            Value::Deep { empty, .. } => !empty,
        }
    }

    /// Whether this is a number without a fraction, of any size (`1e3` too, and integers
    /// beyond `i64` that [`as_i64`](Self::as_i64) does not give).
    pub fn is_integer(&self) -> bool {
        matches!(self, Value::Number { float, .. } if *float % 1.0 == 0.0)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_) | Value::Deep { object: true, .. })
    }

    /// A short name of the JSON type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number { .. } => "number",
            Value::String(_) => "string",
            Value::Array(_) | Value::Deep { object: false, .. } => "array",
            Value::Object(_) | Value::Deep { object: true, .. } => "object",
        }
    }
}

/// A JSON syntax error: what was wrong and at which byte of the text.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// Byte index in the parsed text.
    pub position: usize,
    /// What was expected or found.
    pub message: &'static str,
}

/// Parses one JSON text (surrounding whitespace allowed, nothing else after the value).
pub fn parse(text: &str) -> Result<Value<'_>, JsonError> {
    parse_to_depth(text, MAX_DEPTH)
}

/// Parses one JSON text as [`parse`] does, but builds only the arrays and objects nested less
/// than `depth` deep (the top-level value is at depth 0); deeper ones are checked and become
/// [`Value::Deep`]. Depth 0 only checks the text, in memory that does not grow with it.
pub fn parse_to_depth(text: &str, depth: usize) -> Result<Value<'_>, JsonError> {
    let mut p = JsonParser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        build_depth: depth.min(MAX_DEPTH),
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.error("unexpected data after the JSON value"));
    }
    Ok(value)
}

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Arrays and objects at this depth or deeper are checked, not built.
    build_depth: usize,
}

impl<'a> JsonParser<'a> {
    fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            position: self.pos,
            message,
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str, value: Value<'a>) -> Result<Value<'a>, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        match self.bytes.get(self.pos) {
            None => Err(self.error("unexpected end of JSON")),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[' | b'{') if depth >= self.build_depth => self.deep(),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    self.skip_ws();
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Value::Array(items));
                        }
                        _ => return Err(self.error("expected ',' or ']'")),
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut members = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                loop {
                    let name = self.member_name()?;
                    let value = self.value(depth + 1)?;
                    members.push((name, value));
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Value::Object(members));
                        }
                        _ => return Err(self.error("expected ',' or '}'")),
                    }
                }
            }
            Some(_) => Err(self.error("expected a JSON value")),
        }
    }

    /// An object member's name and its `:`, with the whitespace around them.
    fn member_name(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(self.error("expected a member name string"));
        }
        let name = self.string()?;
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b':') {
            return Err(self.error("expected ':'"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(name)
    }

    /// Checks the array or object at `pos` with the same grammar and errors as `value`, but
    /// in a loop with a stack of the brackets still open, so any depth is fine.
    fn deep(&mut self) -> Result<Value<'a>, JsonError> {
        let object = self.bytes[self.pos] == b'{';
        let close = if object { b'}' } else { b']' };
        let empty = self.bytes[self.pos + 1..]
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            == Some(&close);
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value starts at `pos`.
            match self.bytes.get(self.pos) {
                Some(&b @ (b'[' | b'{')) => {
                    let close = if b == b'[' { b']' } else { b'}' };
                    self.pos += 1;
                    self.skip_ws();
                    if self.bytes.get(self.pos) != Some(&close) {
                        open.push(close);
                        if close == b'}' {
                            self.member_name()?;
                        }
                        continue;
                    }
                    self.pos += 1;
                }
                // A scalar (or an error): `value` does not recurse for these.
                _ => {
                    self.value(self.build_depth)?;
                }
            }
            // After a value: close what it ends, until a ',' calls for the next value.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(Value::Deep { object, empty });
                };
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if close == b'}' {
                            self.member_name()?;
                        }
                        break;
                    }
                    Some(&b) if b == close => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ if close == b']' => return Err(self.error("expected ',' or ']'")),
                    _ => return Err(self.error("expected ',' or '}'")),
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value<'a>, JsonError> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        let mut integral = true;
        if self.bytes.get(self.pos) == Some(&b'.') {
            integral = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            integral = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number: digits expected in exponent"));
            }
        }
        let literal = &self.text[start..self.pos];
        let int = if integral {
            literal.parse::<i64>().ok()
        } else {
            None
        };
        let float = literal.parse::<f64>().unwrap_or(f64::NAN);
        Ok(Value::Number { float, int })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let Some(hex) = self.bytes.get(self.pos..self.pos + 4) else {
            return Err(self.error("truncated \\u escape"));
        };
        let mut n = 0u32;
        for &b in hex {
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error("invalid \\u escape")),
            };
            n = n * 16 + u32::from(d);
        }
        self.pos += 4;
        Ok(n)
    }

    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.pos += 1; // opening quote
        let start = self.pos;
        // Fast path: no escapes, borrow.
        loop {
            match self.bytes.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    let s = &self.text[start..self.pos];
                    self.pos += 1;
                    return Ok(Cow::Borrowed(s));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.error("control character in string")),
                Some(_) => self.pos += 1,
            }
        }
        let mut owned = String::from(&self.text[start..self.pos]);
        loop {
            match self.bytes.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(owned));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let unit = self.hex4()?;
                            // RFC 8259's grammar allows any escaped code unit, and JSON.parse /
                            // json.loads accept a lone surrogate: it decodes as U+FFFD here (a
                            // Rust string cannot hold it). A high surrogate not followed by a
                            // low one leaves that next escape to be read on its own.
                            let code = if (0xD800..0xDC00).contains(&unit) {
                                let saved = self.pos;
                                let low = if self.bytes[self.pos..].starts_with(b"\\u") {
                                    self.pos += 2;
                                    self.hex4().ok()
                                } else {
                                    None
                                };
                                match low {
                                    Some(low) if (0xDC00..0xE000).contains(&low) => {
                                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                                    }
                                    _ => {
                                        self.pos = saved;
                                        0xFFFD
                                    }
                                }
                            } else {
                                unit
                            };
                            owned.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                            continue;
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    owned.push(escaped);
                    self.pos += 1;
                }
                Some(0..=0x1f) => return Err(self.error("control character in string")),
                Some(_) => {
                    // Copy the run up to the next quote or backslash in one go.
                    let run_start = self.pos;
                    while let Some(&b) = self.bytes.get(self.pos) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    owned.push_str(&self.text[run_start..self.pos]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_values() {
        let v = parse(r#" {"type":"content_block_delta","index":2,"x":[1.5,-0,true,null,"a\"b\u00e9\ud83d\ude00"]} "#)
            .unwrap();
        assert_eq!(
            v.get("type").and_then(Value::as_str),
            Some("content_block_delta")
        );
        assert_eq!(v.get("index").and_then(Value::as_i64), Some(2));
        let Some(Value::Array(items)) = v.get("x") else {
            panic!("array expected")
        };
        assert_eq!(items[0].as_i64(), None);
        assert_eq!(items[1].as_i64(), Some(0));
        assert_eq!(items[4].as_str(), Some("a\"b\u{e9}\u{1F600}"));
    }

    #[test]
    fn rejects_invalid_json_with_position() {
        for (text, position) in [
            ("", 0),
            ("[DONE]", 1),
            ("{\"a\":1,}", 7),
            ("01", 1),
            ("1.", 2),
            ("\"a\tb\"", 2),
            ("{\"a\" 1}", 5),
            ("[1] x", 4),
            ("tru", 0),
        ] {
            assert_eq!(
                parse(text).map_err(|e| e.position),
                Err(position),
                "{text:?}"
            );
        }
    }

    #[test]
    fn lone_surrogates_decode_as_replacement() {
        for (text, decoded) in [
            (r#""\ud83d""#, "\u{FFFD}"),
            (r#""\ude00x""#, "\u{FFFD}x"),
            (r#""\ud83d\u0041""#, "\u{FFFD}A"),
            (r#""\ud83d\ud83d\ude00""#, "\u{FFFD}\u{1F600}"),
            (r#""\ud83d\\""#, "\u{FFFD}\\"),
        ] {
            assert_eq!(parse(text).unwrap().as_str(), Some(decoded), "{text}");
        }
        assert!(parse(r#""\ud83d\u00""#).is_err());
    }

    #[test]
    fn any_depth_is_json() {
        // 129 was "not JSON: nesting too deep"; JSON.parse and json.loads take it.
        for depth in [MAX_DEPTH, MAX_DEPTH + 1, 1_000_000] {
            let arrays = "[".repeat(depth) + &"]".repeat(depth);
            assert!(parse(&arrays).is_ok(), "{depth}");
            let objects = r#"{"a":"#.repeat(depth) + "1" + &"}".repeat(depth);
            assert!(parse(&objects).is_ok(), "{depth}");
        }
        let mixed = r#"[{"a": [1, "x\"]", {}, [], null, {"b": [true, -0.5e3]}]}, 2] "#;
        let deep = "[".repeat(MAX_DEPTH) + mixed + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let text = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let v = parse(&text).unwrap();
        let mut inner = &v;
        for _ in 0..MAX_DEPTH {
            let Value::Array(items) = inner else {
                panic!("array expected")
            };
            inner = &items[0];
        }
        assert_eq!(
            inner,
            &Value::Deep {
                object: false,
                empty: true
            }
        );
        assert_eq!(inner.kind(), "array");
    }

    #[test]
    fn a_shallow_parse_checks_what_it_does_not_build() {
        let text = r#"{"a": {"b": [1, {}]}, "c": [], "d": { }}"#;
        let Value::Object(members) = parse_to_depth(text, 1).unwrap() else {
            panic!("object expected")
        };
        let kinds: Vec<_> = members.iter().map(|(_, v)| v.clone()).collect();
        assert_eq!(
            kinds,
            [
                Value::Deep {
                    object: true,
                    empty: false
                },
                Value::Deep {
                    object: false,
                    empty: true
                },
                Value::Deep {
                    object: true,
                    empty: true
                },
            ]
        );
        assert!(members[0].1.is_truthy() && !members[1].1.is_truthy());
        assert_eq!(
            parse_to_depth(text, 0).unwrap(),
            Value::Deep {
                object: true,
                empty: false
            }
        );
        assert_eq!(parse_to_depth(text, 4).unwrap(), parse(text).unwrap());
        // The same errors, at the same positions, whatever is built.
        for broken in [
            r#"{"a": {"b": [1, {]}}"#,
            r#"[1, [2, ]]"#,
            r#"{"a": [] "b": 1}"#,
        ] {
            let full = parse(broken).unwrap_err();
            for depth in 0..4 {
                assert_eq!(
                    parse_to_depth(broken, depth).unwrap_err(),
                    full,
                    "{broken} at {depth}"
                );
            }
        }
    }

    #[test]
    fn deep_errors_are_the_errors_of_shallow_ones() {
        for broken in [
            "[1,]",
            "[1 2]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{"a":1 "b":2}"#,
            "{1:2}",
            r#"["a\x"]"#,
            "[tru]",
            "[01]",
            r#"{"a":"#,
            "[1,",
            "[\"a\tb\"]",
        ] {
            let shallow = parse(&(String::from("[") + broken + "]")).unwrap_err();
            let k = MAX_DEPTH + 3;
            let deep = parse(&("[".repeat(k) + broken + &"]".repeat(k))).unwrap_err();
            assert_eq!(deep.message, shallow.message, "{broken}");
            assert_eq!(deep.position - k, shallow.position - 1, "{broken}");
        }
    }
}
