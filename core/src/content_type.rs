//! The `Content-Type` test an `EventSource` applies to a response.

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
        .trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
        .eq_ignore_ascii_case(essence)
}
