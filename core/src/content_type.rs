//! The `Content-Type` test an `EventSource` applies to a response, and the HTTP field value
//! syntax the validator reads headers with (lists, media types and their parameters).

/// Whether a `Content-Type` value names `text/event-stream`: its MIME type essence (type and
/// subtype, before any `;` parameters, with HTTP whitespace trimmed) compared ASCII
/// case-insensitively, as the HTML standard's "fail the connection" check does. Parameters such
/// as `charset` are not judged here.
///
/// ```
/// use ssert_core::is_event_stream_type;
///
/// assert!(is_event_stream_type("text/event-stream"));
/// assert!(is_event_stream_type("Text/Event-Stream ; charset=utf-8"));
/// assert!(!is_event_stream_type("text/event-stream-x"));
/// assert!(!is_event_stream_type("x-text/event-stream"));
/// ```
pub fn is_event_stream_type(content_type: &str) -> bool {
    has_essence(content_type, "text/event-stream")
}

/// Whether a `Content-Type` value's MIME type essence is `essence` (given in lower case), with
/// the rules of [`is_event_stream_type`].
pub(crate) fn has_essence(content_type: &str, essence: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim_matches(is_http_whitespace)
        .eq_ignore_ascii_case(essence)
}

fn is_http_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

// The validator (which needs `alloc`) reads header fields with these.
/// `value` cut at every `sep` outside a quoted string (RFC 9110, section 5.6.4: a quoted
/// string may hold `,` and `;`, and `\` escapes the next character in it).
#[cfg(feature = "alloc")]
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
#[cfg(feature = "alloc")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct MediaType<'a> {
    /// `type/subtype`, without whitespace around it; compare it ASCII case-insensitively.
    pub(crate) essence: &'a str,
    params: &'a str,
}

#[cfg(feature = "alloc")]
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

    /// The value of the first parameter named `name` (ASCII case-insensitive), without the
    /// quotes of a quoted string.
    pub(crate) fn param(&self, name: &str) -> Option<&'a str> {
        split_unquoted(self.params, b';')
            .filter_map(|p| p.split_once('='))
            .find(|(key, _)| {
                key.trim_matches(is_http_whitespace)
                    .eq_ignore_ascii_case(name)
            })
            .map(|(_, value)| {
                let value = value.trim_matches(is_http_whitespace);
                value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value)
            })
    }
}

/// RFC 9110 `token`: one or more `tchar`.
#[cfg(feature = "alloc")]
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
) -> Option<(MediaType<'a>, Option<&'a str>)> {
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
            charset = own;
        }
        found = Some((mime, own.or(charset)));
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
        assert_eq!(m.param("Q"), Some("0.5"));
        assert_eq!(m.param("charset"), Some("utf-8"));
        assert!(MediaType::parse("text/").is_none());
        assert!(MediaType::parse("text event-stream").is_none());
        assert_eq!(MediaType::parse("*/*").unwrap().essence, "*/*");
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
        assert_eq!(charset, Some("latin1"));
        let (mime, charset) =
            extract_mime_type(["text/event-stream", "text/html"].into_iter()).unwrap();
        assert_eq!((mime.essence, charset), ("text/html", None));
        assert!(extract_mime_type(["nonsense"].into_iter()).is_none());
    }
}
