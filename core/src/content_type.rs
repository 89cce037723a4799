//! The `Content-Type` test an `EventSource` applies to a response, and the HTTP field value
//! syntax the validator reads headers with (lists, media types and their parameters).

/// Whether a `Content-Type` value names `text/event-stream`: its MIME type essence (type and
/// subtype, before any `;` parameters, with HTTP whitespace trimmed) compared ASCII
/// case-insensitively, as the HTML standard's "fail the connection" check does. Parameters such
/// as `charset` are not judged here. A comma-separated value, which is what HTTP clients hand
/// over for a field sent on several lines, is read as Fetch's "extract a MIME type" reads it:
/// the last element that parses as a media type (and is not `*/*`) is the one a browser uses.
///
/// ```
/// use ssert_core::is_event_stream_type;
///
/// assert!(is_event_stream_type("text/event-stream"));
/// assert!(is_event_stream_type("Text/Event-Stream ; charset=utf-8"));
/// assert!(!is_event_stream_type("text/event-stream-x"));
/// assert!(!is_event_stream_type("x-text/event-stream"));
/// // Two `Content-Type` lines, joined by the client: the browser takes the last one.
/// assert!(is_event_stream_type("text/html, text/event-stream"));
/// assert!(!is_event_stream_type("text/event-stream, text/html"));
/// assert!(is_event_stream_type("text/event-stream, */*, nonsense"));
/// ```
pub fn is_event_stream_type(content_type: &str) -> bool {
    split_unquoted(content_type, b',')
        .filter_map(|item| MediaType::parse(item).filter(|m| m.essence != "*/*"))
        .last()
        .is_some_and(|m| m.essence.eq_ignore_ascii_case("text/event-stream"))
}

fn is_http_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

// The validator (which needs `alloc`) reads header fields with these.
#[cfg(feature = "alloc")]
use alloc::{borrow::Cow, string::String};

/// `value` cut at every `sep` outside a quoted string (RFC 9110, section 5.6.4: a quoted
/// string may hold `,` and `;`, and `\` escapes the next character in it).
pub(crate) fn split_unquoted(value: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    core::iter::from_fn(move || {
        let text = rest?;
        let bytes = text.as_bytes();
        let mut quoted = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b if b == sep && !quoted => {
                    rest = Some(&text[i + 1..]);
                    return Some(&text[..i]);
                }
                _ => {}
            }
            i += 1;
        }
        rest = None;
        Some(text)
    })
}

/// The elements of a list-based field value (RFC 9110, section 5.6.1), without the whitespace
/// around them; empty elements (`a, , b`) are skipped, as recipients must.
#[cfg(feature = "alloc")]
pub(crate) fn list_items(value: &str) -> impl Iterator<Item = &str> {
    split_unquoted(value, b',')
        .map(|item| item.trim_matches(is_http_whitespace))
        .filter(|item| !item.is_empty())
}

/// A media type or media range (`type/subtype` and `;` parameters), as written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MediaType<'a> {
    /// `type/subtype`, without whitespace around it; compare it ASCII case-insensitively.
    pub(crate) essence: &'a str,
    /// The `;` parameters (read by `param`, which needs `alloc`).
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    params: &'a str,
}

impl<'a> MediaType<'a> {
    /// Reads one list element: `None` unless it starts with a `type/subtype` made of token
    /// characters (`*` included, which media ranges use).
    pub(crate) fn parse(item: &'a str) -> Option<MediaType<'a>> {
        let head = split_unquoted(item, b';').next()?;
        let essence = head.trim_matches(is_http_whitespace);
        let (kind, subtype) = essence.split_once('/')?;
        if !is_token(kind) || !is_token(subtype) {
            return None;
        }
        Some(MediaType {
            essence,
            params: &item[head.len()..],
        })
    }
}

#[cfg(feature = "alloc")]
impl<'a> MediaType<'a> {
    /// The value of the first parameter named `name` (ASCII case-insensitive), a quoted
    /// string read as a browser reads it ([`param_value`]).
    pub(crate) fn param(&self, name: &str) -> Option<Cow<'a, str>> {
        split_unquoted(self.params, b';')
            .filter_map(|p| p.split_once('='))
            .find(|(key, _)| {
                key.trim_matches(is_http_whitespace)
                    .eq_ignore_ascii_case(name)
            })
            .map(|(_, value)| param_value(value))
    }
}

/// A parameter value as written after its `=`, read as the WHATWG MIME Sniffing standard's
/// "parse a MIME type" reads it: a value that starts with `"` is a quoted string, read with
/// "collect an HTTP quoted string" with extract-value (Fetch): each backslash is dropped and the
/// character after it kept as it is, the value ends at the closing quote (what follows it is
/// ignored) or, when there is none, at the end. Any other value is taken as it is. HTTP
/// whitespace around the value is dropped either way.
#[cfg(feature = "alloc")]
fn param_value(value: &str) -> Cow<'_, str> {
    let value = value.trim_matches(is_http_whitespace);
    let Some(quoted) = value.strip_prefix('"') else {
        return Cow::Borrowed(value);
    };
    // Most quoted values escape nothing: they are borrowed.
    let plain = quoted.find(['"', '\\']).unwrap_or(quoted.len());
    if !quoted[plain..].starts_with('\\') {
        return Cow::Borrowed(&quoted[..plain]);
    }
    let mut out = String::from(&quoted[..plain]);
    let mut rest = quoted[plain..].chars();
    while let Some(c) = rest.next() {
        match c {
            '"' => break,
            // A backslash at the very end escapes nothing and is kept, as Fetch says.
            '\\' => out.push(rest.next().unwrap_or('\\')),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// RFC 9110 `token`: one or more `tchar`.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The MIME type a browser reads from a response's `Content-Type` field lines, and its
/// charset: the Fetch standard's "extract a MIME type". Every line's values count (the lines
/// are combined into one list); the last value that parses as a media type, and is not `*/*`,
/// wins, keeping the charset of an earlier value of the same essence when it names none.
/// `None` when no value parses.
#[cfg(feature = "alloc")]
pub(crate) fn extract_mime_type<'a>(
    lines: impl Iterator<Item = &'a str>,
) -> Option<(MediaType<'a>, Option<Cow<'a, str>>)> {
    // The standard's steps: `charset` is only taken from the first of a run of values of one
    // essence, and lent to the later ones of that run that name none.
    let mut found = None;
    let mut essence = "";
    let mut charset = None;
    for item in lines.flat_map(list_items) {
        let Some(mime) = MediaType::parse(item).filter(|m| m.essence != "*/*") else {
            continue;
        };
        let own = mime.param("charset");
        if !mime.essence.eq_ignore_ascii_case(essence) {
            essence = mime.essence;
            charset.clone_from(&own);
        }
        found = Some((mime, own.or_else(|| charset.clone())));
    }
    found
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;

    #[test]
    fn lists_split_outside_quoted_strings() {
        let items: alloc::vec::Vec<&str> =
            list_items(r#" no-cache="a, b", , max-age=0,"x\"," "#).collect();
        assert_eq!(items, [r#"no-cache="a, b""#, "max-age=0", r#""x\",""#]);
    }

    #[test]
    fn media_types_and_parameters() {
        let m = MediaType::parse(r#"Text/Event-Stream ; q=0.5; charset="utf-8""#).unwrap();
        assert_eq!(m.essence, "Text/Event-Stream");
        assert_eq!(m.param("Q").as_deref(), Some("0.5"));
        assert_eq!(m.param("charset").as_deref(), Some("utf-8"));
        assert!(MediaType::parse("text/").is_none());
        assert!(MediaType::parse("text event-stream").is_none());
        assert_eq!(MediaType::parse("*/*").unwrap().essence, "*/*");
    }

    #[test]
    fn quoted_parameter_values_are_read_as_a_browser_reads_them() {
        let charset = |value: &str| {
            let item = alloc::format!("text/event-stream; charset={value}; q=1");
            let m = MediaType::parse(&item).unwrap();
            m.param("charset").map(Cow::into_owned)
        };
        // Fetch's "collect an HTTP quoted string" with extract-value: a backslash escapes the
        // next character, whatever it is, and is dropped.
        assert_eq!(charset(r#""utf\-8""#).as_deref(), Some("utf-8"));
        assert_eq!(charset(r#""\u\t\f\-\8""#).as_deref(), Some("utf-8"));
        assert_eq!(charset(r#""a\\b""#).as_deref(), Some(r"a\b"));
        assert_eq!(charset(r#""a\"b""#).as_deref(), Some(r#"a"b"#));
        assert_eq!(charset(r#""a\;b""#).as_deref(), Some("a;b"));
        // The value ends at the closing quote: what follows it, up to `;`, is ignored.
        assert_eq!(charset(r#""utf-8"x"#).as_deref(), Some("utf-8"));
        assert_eq!(charset(r#""""#).as_deref(), Some(""));
        // A token is taken as it is, backslashes and all.
        assert_eq!(charset(r"utf\-8").as_deref(), Some(r"utf\-8"));
        // With no closing quote, the value runs to the end (the `;` is inside it), and a
        // backslash that ends it is kept.
        let open = MediaType::parse(r#"text/event-stream; charset="utf-8; q=1"#).unwrap();
        assert_eq!(open.param("charset").as_deref(), Some("utf-8; q=1"));
        let open = MediaType::parse(r#"text/event-stream; charset="utf-8\"#).unwrap();
        assert_eq!(open.param("charset").as_deref(), Some(r"utf-8\"));
        // Values that escape nothing are borrowed.
        let m = MediaType::parse(r#"text/event-stream; charset="utf-8""#).unwrap();
        assert!(matches!(m.param("charset"), Some(Cow::Borrowed("utf-8"))));
    }

    #[test]
    fn the_charset_of_the_extracted_type_is_unescaped() {
        let (_, charset) =
            extract_mime_type([r#"text/event-stream; charset="utf\-8""#].into_iter()).unwrap();
        assert_eq!(charset.as_deref(), Some("utf-8"));
        // Lent to a later value of the same essence that names none.
        let lines = [
            r#"text/event-stream; charset="lat\in1""#,
            "text/event-stream",
        ];
        let (_, charset) = extract_mime_type(lines.into_iter()).unwrap();
        assert_eq!(charset.as_deref(), Some("latin1"));
    }

    #[test]
    fn the_last_valid_mime_type_wins() {
        let lines = [
            "text/event-stream; charset=latin1",
            "garbage, */*",
            "TEXT/event-stream",
        ];
        let (mime, charset) = extract_mime_type(lines.into_iter()).unwrap();
        assert_eq!(mime.essence, "TEXT/event-stream");
        assert_eq!(charset.as_deref(), Some("latin1"));
        let (mime, charset) =
            extract_mime_type(["text/event-stream", "text/html"].into_iter()).unwrap();
        assert_eq!((mime.essence, charset), ("text/html", None));
        assert!(extract_mime_type(["nonsense"].into_iter()).is_none());
    }
}
