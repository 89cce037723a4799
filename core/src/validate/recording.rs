//! The session recording format: what a recorder writes and the validator reads.
//!
//! See the [module docs](super) for the JSON layout. The types here are plain data; with the
//! `serde` feature they (de)serialize to exactly that layout, and with the `json` feature
//! [`Recording::from_json`] reads a whole-document or JSON Lines recording and
//! [`Recording::from_har`] imports a HAR file.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

/// The value of the `format` member of every recording.
pub const FORMAT: &str = "ssert-recording";
/// The version of the recording format this crate reads and writes.
pub const VERSION: u32 = 1;

/// Whether the `t` timestamps of a recording mean anything.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Timing {
    /// Timestamps are monotonic milliseconds since the session started.
    #[default]
    Monotonic,
    /// No timing was recorded (e.g. a HAR import): timing rules report "not checked".
    None,
}

/// A recorded SSE session: the connections a client made, in order.
///
/// With the `serde` feature it (de)serializes to the JSON layout of the [module docs](super),
/// where a connection in [`unknown_bodies`](Self::unknown_bodies) has `"chunks": null`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] for this crate.
    pub version: u32,
    /// Whether timestamps are meaningful.
    pub timing: Timing,
    /// Free text naming the recorder (e.g. `"ssert-py httpx"`), for humans.
    pub source: Option<String>,
    /// The connections, in the order they were opened.
    pub connections: Vec<Connection>,
    /// The connections (indices into `connections`) whose body was not recorded, such as a HAR
    /// entry without its response text: their `chunks` are ignored, and the validator reports
    /// what depends on the body as not checked instead of reading it as an empty body. Kept
    /// here rather than in [`Connection`] so that code building connections field by field
    /// keeps compiling. In JSON such a connection has `"chunks": null`.
    pub unknown_bodies: BTreeSet<usize>,
    /// The events the server says it published, in order: the source of truth for the loss
    /// and duplicate checks, when known. `Some` of an empty list says it published nothing
    /// (every delivered event is then SSE407); `None` that the log is unknown. Ids are unique:
    /// the readers reject a log that repeats one, as does [`validate`](super::validate).
    pub expected: Option<Vec<ExpectedEvent>>,
}

impl Default for Recording {
    fn default() -> Recording {
        Recording {
            format: FORMAT.into(),
            version: VERSION,
            timing: Timing::Monotonic,
            source: None,
            connections: Vec::new(),
            unknown_bodies: BTreeSet::new(),
            expected: None,
        }
    }
}

/// One HTTP request and the stream it got back. Whether its body was recorded at all is the
/// recording's to say ([`Recording::unknown_bodies`]); read on its own (a JSON Lines
/// `connection` line), a connection with `"chunks": null` is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Connection {
    /// What the client sent.
    pub request: Request,
    /// The response head, absent if the connection failed before one arrived.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub response: Option<Response>,
    /// The raw body bytes, as received.
    #[cfg_attr(feature = "serde", serde(default))]
    pub chunks: Vec<Chunk>,
    /// How the connection ended; absent if the recording stopped while it was open.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub end: Option<End>,
}

/// A header list: `[name, value]` pairs in the order seen (names compared case-insensitively).
pub type Headers = Vec<(String, String)>;

/// The request of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Request {
    /// HTTP method, `GET` by default.
    #[cfg_attr(feature = "serde", serde(default = "default_method"))]
    pub method: String,
    /// The URL requested.
    #[cfg_attr(feature = "serde", serde(default))]
    pub url: String,
    /// The request headers as sent, including `Last-Event-ID`; absent (`null`) when the
    /// recorder could not observe them (then the rules that need them report "not checked").
    #[cfg_attr(feature = "serde", serde(default))]
    pub headers: Option<Headers>,
    /// When the request started, in ms since the session started.
    #[cfg_attr(feature = "serde", serde(default, deserialize_with = "integer::u64"))]
    pub t: u64,
}

#[cfg(feature = "serde")]
fn default_method() -> String {
    "GET".into()
}

impl Default for Request {
    fn default() -> Request {
        Request {
            method: "GET".into(),
            url: String::new(),
            headers: Some(Vec::new()),
            t: 0,
        }
    }
}

/// What a request said about `Last-Event-ID`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SentLastEventId<'a> {
    /// The recorder did not observe the request headers.
    Unknown,
    /// No `Last-Event-ID` header was sent.
    Absent,
    /// This value was sent.
    Sent(&'a str),
}

impl Request {
    /// The first header named `name` (ASCII case-insensitive), if the headers are known. A
    /// field sent on several lines is a list: see [`header_list`](Self::header_list).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(self.headers.as_deref()?, name)
    }

    /// Every field line named `name` (ASCII case-insensitive), in the order sent; none when the
    /// headers are not known.
    pub fn header_lines<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        header_lines(self.headers.as_deref().unwrap_or(&[]), name)
    }

    /// The field lines named `name` as one value, joined with `", "` as RFC 9110 section 5.3
    /// allows for a list-based field (`Accept`, `Cache-Control`...); `None` when there is no
    /// such line or the headers are not known.
    pub fn header_list(&self, name: &str) -> Option<String> {
        header_list(self.headers.as_deref()?, name)
    }

    /// The `Last-Event-ID` the request carried.
    pub fn last_event_id(&self) -> SentLastEventId<'_> {
        match &self.headers {
            None => SentLastEventId::Unknown,
            Some(h) => {
                header(h, "last-event-id").map_or(SentLastEventId::Absent, SentLastEventId::Sent)
            }
        }
    }
}

/// The first header named `name` (ASCII case-insensitive). A field sent on several lines is a
/// list (RFC 9110, section 5.3): [`Request::header_list`] and [`Response::header_list`] read
/// all of them.
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Every field line named `name` (ASCII case-insensitive), in order.
fn header_lines<'h>(
    headers: &'h [(String, String)],
    name: &'h str,
) -> impl Iterator<Item = &'h str> + 'h {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The field lines named `name` joined with `", "` (RFC 9110, section 5.3), or `None`.
fn header_list(headers: &[(String, String)], name: &str) -> Option<String> {
    let mut lines = header_lines(headers, name);
    let mut value = String::from(lines.next()?);
    for line in lines {
        value.push_str(", ");
        value.push_str(line);
    }
    Some(value)
}

/// The response head of a connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Response {
    /// HTTP status code.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "integer::u16"))]
    pub status: u16,
    /// Response headers.
    #[cfg_attr(feature = "serde", serde(default))]
    pub headers: Headers,
    /// When the response head arrived, in ms since the session started.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "integer::option_u64"
        )
    )]
    pub t: Option<u64>,
}

impl Response {
    /// The first header named `name` (ASCII case-insensitive). A field sent on several lines is
    /// a list: see [`header_list`](Self::header_list).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Every field line named `name` (ASCII case-insensitive), in the order received.
    pub fn header_lines<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        header_lines(&self.headers, name)
    }

    /// The field lines named `name` as one value, joined with `", "` as RFC 9110 section 5.3
    /// allows for a list-based field (`Cache-Control`, `Content-Encoding`...); `None` when there
    /// is no such line.
    pub fn header_list(&self, name: &str) -> Option<String> {
        header_list(&self.headers, name)
    }
}

/// Body bytes as one read returned them. In JSON: `{"t": 12, "data": "<base64>"}`; a reader
/// also accepts `{"t": 12, "text": "data: x\n\n"}` for hand-written files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chunk {
    /// When the bytes arrived, in ms since the session started.
    pub t: u64,
    /// The raw bytes.
    pub data: Vec<u8>,
}

/// How a connection ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EndKind {
    /// The server ended the body.
    Eof,
    /// The client closed the connection (e.g. `EventSource.close()`, a test forcing a reconnect).
    ClientClosed,
    /// The connection failed (reset, DNS, TLS, ...).
    NetworkError,
    /// The recorder gave up waiting.
    Timeout,
}

impl EndKind {
    /// The JSON name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            EndKind::Eof => "eof",
            EndKind::ClientClosed => "client_closed",
            EndKind::NetworkError => "network_error",
            EndKind::Timeout => "timeout",
        }
    }
}

/// The end of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct End {
    /// How it ended.
    pub kind: EndKind,
    /// When, in ms since the session started. Required: a default would make the connection
    /// end before its own request, and the timing rules would then pass it unseen.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "integer::u64"))]
    pub t: u64,
    /// Error text, if any.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub message: Option<String>,
}

/// One entry of the expected event log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExpectedEvent {
    /// The event's id.
    pub id: String,
    /// Its type, when it should be compared.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "type", default, skip_serializing_if = "Option::is_none")
    )]
    pub event_type: Option<String>,
    /// Its data, when it should be compared.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub data: Option<String>,
}

/// The first line of a JSON Lines recording.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    #[cfg_attr(feature = "serde", serde(deserialize_with = "integer::u32"))]
    pub version: u32,
    /// Whether timestamps are meaningful.
    #[cfg_attr(feature = "serde", serde(default))]
    pub timing: Timing,
    /// Free text naming the recorder.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub source: Option<String>,
    /// An expected log given whole (`"expected": [...]`), which `expected` lines may extend;
    /// what an empty log needs, having no entry to write as a line. The writer puts it here
    /// only for an empty log.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub expected: Option<Vec<ExpectedEvent>>,
}

/// One line of a JSON Lines recording, tagged by `type`. A recorder writes a `header` line,
/// then for each connection a `request` line, a `response` line once the head arrives, one
/// `chunk` line per read and an `end` line — or a whole `connection` on one line; `expected`
/// lines, if any, come before the first `request` (an empty log is the header's
/// `"expected": []`). `response`, `chunk`, `body_unknown` and
/// `end` apply to the latest `request`.
/// These are also exactly the calls of the streaming [`Validator`](super::Validator).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "type", rename_all = "snake_case"))]
#[allow(clippy::large_enum_variant)]
pub enum Record {
    /// The first line.
    Header(Header),
    /// A whole connection.
    Connection(Connection),
    /// A new connection starts.
    Request(Request),
    /// The current connection's response head.
    Response(Response),
    /// Body bytes of the current connection.
    Chunk(Chunk),
    /// The current connection ended.
    End(End),
    /// The current connection's body was not recorded (`{"type":"body_unknown"}`): no
    /// `chunk` line of the connection may come before or after it.
    BodyUnknown,
    /// One expected event (`{"type":"expected","event":{"id":"7"}}`; wrapped because the
    /// event has a `type` member of its own).
    Expected {
        /// The event.
        event: ExpectedEvent,
    },
}

/// Reads the integers of the recording format. JSON Schema defines `integer` by value, so the
/// schema's integers include integral floats (`10.0`, `1e3`, as some JSON writers put any
/// number); they are accepted up to 2^53 - 1, below which a float holds every integer exactly.
#[cfg(feature = "serde")]
mod integer {
    use core::fmt;
    use serde::de::{Deserialize, Deserializer, Error, Unexpected, Visitor};

    /// 2^53 - 1 (JavaScript's `MAX_SAFE_INTEGER`): a larger float may stand for a neighbouring
    /// integer, so it is refused rather than read as the wrong time.
    const MAX_EXACT: f64 = 9_007_199_254_740_991.0;

    /// The integer a float stands for, if it is a non-negative integral value at most 2^53 - 1.
    pub(super) fn integral(value: f64) -> Option<u64> {
        const TWO_32: f64 = 4_294_967_296.0;
        if !(0.0..=MAX_EXACT).contains(&value) {
            return None;
        }
        // Two 32-bit halves rather than one `as u64`: wasm2js (the k6 build) miscompiles the
        // 64-bit float-to-integer conversion.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // both below 2^32
        let (high, low) = {
            let high = (value / TWO_32) as u32;
            (high, (value - f64::from(high) * TWO_32) as u32)
        };
        let exact = f64::from(high) * TWO_32 + f64::from(low) == value;
        exact.then_some((u64::from(high) << 32) | u64::from(low))
    }

    struct Integer;

    impl Visitor<'_> for Integer {
        type Value = u64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative integer")
        }

        fn visit_u64<E: Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }

        fn visit_i64<E: Error>(self, value: i64) -> Result<u64, E> {
            u64::try_from(value).map_err(|_| E::invalid_value(Unexpected::Signed(value), &self))
        }

        fn visit_f64<E: Error>(self, value: f64) -> Result<u64, E> {
            integral(value).ok_or_else(|| {
                E::invalid_value(
                    Unexpected::Float(value),
                    &"a non-negative integer (a float only if integral and at most 2^53 - 1)",
                )
            })
        }
    }

    struct Lenient(u64);

    impl<'de> Deserialize<'de> for Lenient {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lenient, D::Error> {
            d.deserialize_any(Integer).map(Lenient)
        }
    }

    pub(super) fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        Lenient::deserialize(d).map(|Lenient(value)| value)
    }

    pub(super) fn option_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(Option::<Lenient>::deserialize(d)?.map(|Lenient(value)| value))
    }

    pub(super) fn u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let value = u64(d)?;
        u32::try_from(value)
            .map_err(|_| D::Error::invalid_value(Unexpected::Unsigned(value), &"a u32"))
    }

    pub(super) fn u16<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
        let value = u64(d)?;
        u16::try_from(value)
            .map_err(|_| D::Error::invalid_value(Unexpected::Unsigned(value), &"a u16"))
    }
}

#[cfg(feature = "serde")]
mod chunk_serde {
    use super::Chunk;
    use crate::validate::base64;
    use alloc::string::String;
    use serde::de::Error as _;
    use serde::ser::SerializeStruct;

    impl serde::Serialize for Chunk {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_struct("Chunk", 2)?;
            m.serialize_field("t", &self.t)?;
            m.serialize_field("data", &base64::encode(&self.data))?;
            m.end()
        }
    }

    #[derive(serde::Deserialize)]
    struct ChunkRepr {
        #[serde(default, deserialize_with = "super::integer::u64")]
        t: u64,
        data: Option<String>,
        text: Option<String>,
    }

    impl<'de> serde::Deserialize<'de> for Chunk {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Chunk, D::Error> {
            let repr = ChunkRepr::deserialize(d)?;
            let data = match (repr.data, repr.text) {
                (Some(b64), None) => base64::decode(&b64).map_err(|i| {
                    D::Error::custom(alloc::format!("chunk `data` is not base64 (character {i})"))
                })?,
                (None, Some(text)) => text.into_bytes(),
                _ => {
                    return Err(D::Error::custom(
                        "a chunk needs exactly one of `data` (base64) or `text`",
                    ))
                }
            };
            Ok(Chunk { t: repr.t, data })
        }
    }
}

#[cfg(feature = "serde")]
mod body_serde {
    //! Whether a body was recorded lives in the recording ([`Recording::unknown_bodies`]) but
    //! is written per connection, as `"chunks": null` (like request `headers: null`: not
    //! observed). A reader that predates it then rejects the recording instead of reading an
    //! empty body.

    use super::{Chunk, Connection, End, ExpectedEvent, Recording, Request, Response, Timing};
    use alloc::string::String;
    use alloc::vec::Vec;
    use serde::de::Error as _;
    use serde::ser::{SerializeSeq, SerializeStruct};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A connection as JSON has it. Named `Connection` so that error messages stay those of
    /// the plain derive.
    #[derive(Deserialize)]
    #[serde(rename = "Connection", expecting = "struct Connection")]
    struct ConnectionIn {
        request: Request,
        #[serde(default)]
        response: Option<Response>,
        /// `None`: `null`, the body was not recorded.
        #[serde(default = "no_chunks", deserialize_with = "nullable")]
        chunks: Option<Vec<Chunk>>,
        #[serde(default)]
        end: Option<End>,
    }

    fn no_chunks() -> Option<Vec<Chunk>> {
        Some(Vec::new())
    }

    fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Chunk>>, D::Error> {
        Option::deserialize(d)
    }

    impl ConnectionIn {
        /// The connection, and whether its body is unknown.
        fn split(self) -> (Connection, bool) {
            let unknown = self.chunks.is_none();
            let connection = Connection {
                request: self.request,
                response: self.response,
                chunks: self.chunks.unwrap_or_default(),
                end: self.end,
            };
            (connection, unknown)
        }
    }

    impl<'de> Deserialize<'de> for Connection {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Connection, D::Error> {
            match ConnectionIn::deserialize(d)?.split() {
                (connection, false) => Ok(connection),
                (_, true) => Err(D::Error::custom(
                    "a connection read on its own cannot have `chunks: null` (body not recorded): in JSON Lines, write its `request`, `response`, `body_unknown` and `end` lines",
                )),
            }
        }
    }

    /// A recording as JSON has it (same member names and defaults as the type).
    #[derive(Deserialize)]
    #[serde(rename = "Recording", expecting = "struct Recording")]
    struct RecordingIn {
        format: String,
        #[serde(deserialize_with = "super::integer::u32")]
        version: u32,
        #[serde(default)]
        timing: Timing,
        #[serde(default)]
        source: Option<String>,
        #[serde(default)]
        connections: Vec<ConnectionIn>,
        #[serde(default)]
        expected: Option<Vec<ExpectedEvent>>,
    }

    impl<'de> Deserialize<'de> for Recording {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Recording, D::Error> {
            let r = RecordingIn::deserialize(d)?;
            let mut recording = Recording {
                format: r.format,
                version: r.version,
                timing: r.timing,
                source: r.source,
                connections: Vec::with_capacity(r.connections.len()),
                expected: r.expected,
                ..Recording::default()
            };
            for (i, c) in r.connections.into_iter().enumerate() {
                let (connection, unknown) = c.split();
                if unknown {
                    recording.unknown_bodies.insert(i);
                }
                recording.connections.push(connection);
            }
            Ok(recording)
        }
    }

    /// A connection whose body is unknown, as written.
    #[derive(Serialize)]
    #[serde(rename = "Connection")]
    struct UnknownBody<'a> {
        request: &'a Request,
        #[serde(skip_serializing_if = "Option::is_none")]
        response: Option<&'a Response>,
        chunks: Option<&'a [Chunk]>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end: Option<&'a End>,
    }

    struct Connections<'a>(&'a Recording);

    impl Serialize for Connections<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let recording = self.0;
            let mut seq = s.serialize_seq(Some(recording.connections.len()))?;
            for (i, c) in recording.connections.iter().enumerate() {
                if recording.unknown_bodies.contains(&i) {
                    seq.serialize_element(&UnknownBody {
                        request: &c.request,
                        response: c.response.as_ref(),
                        chunks: None,
                        end: c.end.as_ref(),
                    })?;
                } else {
                    seq.serialize_element(c)?;
                }
            }
            seq.end()
        }
    }

    impl Serialize for Recording {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let len = 4 + usize::from(self.source.is_some()) + usize::from(self.expected.is_some());
            let mut m = s.serialize_struct("Recording", len)?;
            m.serialize_field("format", &self.format)?;
            m.serialize_field("version", &self.version)?;
            m.serialize_field("timing", &self.timing)?;
            match &self.source {
                Some(source) => m.serialize_field("source", source)?,
                None => m.skip_field("source")?,
            }
            m.serialize_field("connections", &Connections(self))?;
            match &self.expected {
                Some(expected) => m.serialize_field("expected", expected)?,
                None => m.skip_field("expected")?,
            }
            m.end()
        }
    }
}

/// Why a recording could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// 1-based line of a JSON Lines recording (or of the JSON text) where it went wrong.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl core::fmt::Display for LoadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn check_header(format: &str, version: u32) -> Result<(), String> {
    if format != FORMAT {
        return Err(alloc::format!(
            "`format` is {format:?}, expected {FORMAT:?}"
        ));
    }
    if version != VERSION {
        return Err(alloc::format!(
            "recording version {version} is not supported (this reader knows {VERSION})"
        ));
    }
    Ok(())
}

/// Why an expected log is rejected: the entry at `position` repeats the id of entry `first`.
pub(crate) fn repeated_id(position: usize, id: &str, first: u64) -> String {
    alloc::format!(
        "`expected` entry {position} repeats the id {id:?} of entry {first}: the ids of an expected log must be unique (a client cannot tell two events with one id apart)"
    )
}

/// The first repeated id of an expected log, as an error message.
#[cfg(feature = "json")]
fn check_expected(events: &[ExpectedEvent]) -> Result<(), String> {
    let mut seen: BTreeMap<&str, u64> = BTreeMap::new();
    for (position, event) in events.iter().enumerate() {
        if let Some(&first) = seen.get(event.id.as_str()) {
            return Err(repeated_id(position, &event.id, first));
        }
        seen.insert(&event.id, position as u64);
    }
    Ok(())
}

/// Builds a [`Recording`] from [`Record`]s in order (the JSON Lines form).
#[derive(Clone, Debug, Default)]
pub struct RecordingBuilder {
    recording: Option<Recording>,
    /// The ids of the expected log so far, with their positions.
    expected_ids: BTreeMap<String, u64>,
}

impl RecordingBuilder {
    /// Applies one record. The first must be a [`Record::Header`]; [`Record::Expected`] ones
    /// come before the first connection and have unique ids.
    ///
    /// # Errors
    ///
    /// A message saying what is wrong with the record where it stands (the reader adds its
    /// line): a record before the header or a second header, a connection's record before any
    /// `request`, a `chunk` and `body_unknown` of one connection, an `expected` record after
    /// the first connection (the streaming [`Validator`](super::Validator) could not match
    /// the events before it), or one repeating an id of the log.
    ///
    /// ```
    /// use ssert_core::validate::{ExpectedEvent, Header, Record, RecordingBuilder, Request};
    ///
    /// let mut b = RecordingBuilder::default();
    /// b.push(Record::Header(Header { format: "ssert-recording".into(), version: 1, timing: Default::default(), source: None, expected: None })).unwrap();
    /// b.push(Record::Request(Request::default())).unwrap();
    /// let late = Record::Expected { event: ExpectedEvent { id: "1".into(), ..ExpectedEvent::default() } };
    /// assert!(b.push(late).unwrap_err().contains("after the first connection"));
    /// ```
    pub fn push(&mut self, record: Record) -> Result<(), String> {
        let Some(rec) = self.recording.as_mut() else {
            let Record::Header(h) = record else {
                return Err("the first record must be the `header`".into());
            };
            check_header(&h.format, h.version)?;
            self.recording = Some(Recording {
                timing: h.timing,
                source: h.source,
                ..Recording::default()
            });
            if let Some(log) = h.expected {
                self.recording.as_mut().expect("just set").expected = Some(Vec::new());
                for event in log {
                    self.push(Record::Expected { event })?;
                }
            }
            return Ok(());
        };
        match record {
            Record::Header(_) => return Err("a second `header`".into()),
            Record::Connection(c) => rec.connections.push(c),
            Record::Request(r) => rec.connections.push(Connection {
                request: r,
                ..Connection::default()
            }),
            Record::Expected { .. } if !rec.connections.is_empty() => {
                return Err("an `expected` record after the first connection: the expected log comes before the first `request` (or `connection`)".into());
            }
            Record::Expected { event } => {
                let log = rec.expected.get_or_insert_with(Vec::new);
                let position = log.len() as u64;
                if let Some(&first) = self.expected_ids.get(&event.id) {
                    return Err(repeated_id(log.len(), &event.id, first));
                }
                self.expected_ids.insert(event.id.clone(), position);
                log.push(event);
            }
            Record::Response(r) => last(rec)?.response = Some(r),
            Record::Chunk(c) => {
                let index = rec.connections.len().checked_sub(1);
                if index.is_some_and(|i| rec.unknown_bodies.contains(&i)) {
                    return Err("a `chunk` of a connection whose body is unknown".into());
                }
                last(rec)?.chunks.push(c);
            }
            Record::BodyUnknown => {
                if !last(rec)?.chunks.is_empty() {
                    return Err("`body_unknown` after a `chunk` of the same connection".into());
                }
                rec.unknown_bodies.insert(rec.connections.len() - 1);
            }
            Record::End(e) => last(rec)?.end = Some(e),
        }
        Ok(())
    }

    /// The recording built so far (`None` before the header).
    pub fn finish(self) -> Option<Recording> {
        self.recording
    }
}

fn last(rec: &mut Recording) -> Result<&mut Connection, String> {
    rec.connections
        .last_mut()
        .ok_or_else(|| String::from("no `request` before this record"))
}

impl Recording {
    /// The records that write this recording as JSON Lines (header, the expected log, then per
    /// connection request / response / chunks, or `body_unknown`, / end). An empty expected log
    /// is the header's `expected: []`, as it has no entry to write as a record.
    pub fn records(&self) -> Vec<Record> {
        let mut out = Vec::new();
        out.push(Record::Header(Header {
            format: self.format.clone(),
            version: self.version,
            timing: self.timing,
            source: self.source.clone(),
            expected: self
                .expected
                .as_ref()
                .filter(|log| log.is_empty())
                .map(|_| Vec::new()),
        }));
        for e in self.expected.iter().flatten() {
            out.push(Record::Expected { event: e.clone() });
        }
        for (i, c) in self.connections.iter().enumerate() {
            out.push(Record::Request(c.request.clone()));
            if let Some(r) = &c.response {
                out.push(Record::Response(r.clone()));
            }
            if self.unknown_bodies.contains(&i) {
                out.push(Record::BodyUnknown);
            } else {
                out.extend(c.chunks.iter().cloned().map(Record::Chunk));
            }
            if let Some(e) = &c.end {
                out.push(Record::End(e.clone()));
            }
        }
        out
    }
}

#[cfg(feature = "json")]
mod json_io {
    use super::*;
    use crate::validate::base64;
    use serde_json::Value;

    fn json_err(e: &serde_json::Error, line: Option<usize>) -> LoadError {
        LoadError {
            line: line.or(Some(e.line())),
            message: alloc::format!("{e}"),
        }
    }

    fn error(message: String) -> LoadError {
        LoadError {
            line: None,
            message,
        }
    }

    /// The members of a JSON object that tell a JSON Lines record (`type`) and a HAR (`log`).
    #[derive(serde::Deserialize)]
    struct Members {
        #[serde(default, rename = "type")]
        kind: Option<String>,
        #[serde(default)]
        log: Option<serde::de::IgnoredAny>,
    }

    /// The text without one leading byte order mark, which editors on Windows write before
    /// UTF-8 JSON (RFC 8259 lets a parser ignore it; serde_json does not).
    fn without_bom(text: &str) -> &str {
        text.strip_prefix('\u{feff}').unwrap_or(text)
    }

    impl Recording {
        /// Reads a recording: a whole JSON document, or JSON Lines (a `header` line first).
        /// A HAR file (an object with `log.entries`) is imported with [`Recording::from_har`].
        /// One leading byte order mark is ignored.
        ///
        /// When the text is none of them, the error is that of the reader the text looks
        /// meant for: JSON Lines when its first line is an object with a `type` member, HAR
        /// when it is an object with a `log` member, else the whole-document reader's.
        pub fn from_json(text: &str) -> Result<Recording, LoadError> {
            let text = without_bom(text);
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            // Only the members that decide the form are read; the rest is skipped unparsed.
            let first_type = serde_json::from_str::<Members>(first).ok().map(|m| m.kind);
            if matches!(&first_type, Some(Some(kind)) if kind == "header") {
                return Recording::read_json_lines(text);
            }
            let rec: Recording = match serde_json::from_str(text) {
                Ok(rec) => rec,
                Err(e) => {
                    if matches!(first_type, Some(Some(_))) {
                        return Recording::read_json_lines(text);
                    }
                    let has_log =
                        serde_json::from_str::<Members>(text).is_ok_and(|m| m.log.is_some());
                    return if has_log {
                        Recording::read_har(text)
                    } else {
                        Err(json_err(&e, None))
                    };
                }
            };
            check_header(&rec.format, rec.version).map_err(error)?;
            check_expected(rec.expected.as_deref().unwrap_or_default()).map_err(error)?;
            Ok(rec)
        }

        /// Reads a JSON Lines recording (blank lines and one leading byte order mark ignored).
        pub fn from_json_lines(text: &str) -> Result<Recording, LoadError> {
            Recording::read_json_lines(without_bom(text))
        }

        fn read_json_lines(text: &str) -> Result<Recording, LoadError> {
            let mut builder = RecordingBuilder::default();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let record: Record =
                    serde_json::from_str(line).map_err(|e| json_err(&e, Some(i + 1)))?;
                builder.push(record).map_err(|message| LoadError {
                    line: Some(i + 1),
                    message,
                })?;
            }
            builder
                .finish()
                .ok_or_else(|| error("empty recording".into()))
        }

        /// Writes the recording as one JSON document.
        pub fn to_json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }

        /// Writes the recording as JSON Lines.
        pub fn to_json_lines(&self) -> String {
            let mut out = String::new();
            for record in self.records() {
                out.push_str(&serde_json::to_string(&record).unwrap_or_default());
                out.push('\n');
            }
            out
        }

        /// Imports the `text/event-stream` entries of a HAR 1.2 file, one connection each, in
        /// file order (one leading byte order mark ignored). A HAR keeps only the whole body,
        /// so each connection gets one chunk and the recording is marked [`Timing::None`]:
        /// timing rules report "not checked".
        ///
        /// How the entries are read:
        /// - An entry is a stream when `response.content.mimeType` is `text/event-stream`
        ///   ([`crate::is_event_stream_type`]: parameters aside, any case); an empty or missing
        ///   `mimeType` falls back to the response's `Content-Type` header.
        /// - The response headers are `response.headers`. When that list is empty or missing
        ///   (the exporter did not capture headers), the connection gets one header,
        ///   `content-type` with the `mimeType` value, which is what the browser read: its body
        ///   is then validated as a stream (header rules such as SSE103 still see no other
        ///   header). Captured headers are kept as they are, even without a `Content-Type`:
        ///   an `EventSource` fails such a response, and SSE102 says why.
        /// - The body is `content.text`, decoded from base64 when `content.encoding` says so
        ///   (any case). An entry whose `text` is missing or `null` (the HAR did not capture the
        ///   body, as HAR 1.2 allows and browsers do for event streams) is kept as a connection
        ///   whose body is unknown ([`Recording::unknown_bodies`], `"chunks": null`), not read
        ///   as an empty body, which would make the client's last event id wrong for the next
        ///   reconnect, nor dropped, which would hide its request and response head. The
        ///   validator checks those and reports what depends on the body as not checked.
        /// - `response.status` must be an integer from 0 to 65535 (an integral float such as
        ///   `200.0` counts); anything else is an error naming the entry. A status of 0 or none
        ///   means no response arrived (what browsers write for a failed request): the
        ///   connection then has no `response` and no chunks.
        /// - The connection ends `eof`, unless the entry has a browser's `response._error`
        ///   (Chrome writes e.g. `"net::ERR_ABORTED"`): then `client_closed` for
        ///   `ERR_ABORTED` (what Chrome reports when the page closed the stream), else
        ///   `network_error`, with the error text as the message. An entry with neither a
        ///   response nor `_error` has no `end` (unknown).
        pub fn from_har(text: &str) -> Result<Recording, LoadError> {
            Recording::read_har(without_bom(text))
        }

        fn read_har(text: &str) -> Result<Recording, LoadError> {
            let har: Value = serde_json::from_str(text).map_err(|e| json_err(&e, None))?;
            let log = har
                .get("log")
                .filter(|log| log.is_object())
                .ok_or_else(|| error("not a HAR file: no `log` object".into()))?;
            let entries = log
                .get("entries")
                .and_then(Value::as_array)
                .ok_or_else(|| error("HAR `log.entries` is missing or not an array".into()))?;
            let mut rec = Recording {
                timing: Timing::None,
                source: Some("har".into()),
                ..Recording::default()
            };
            for (i, entry) in entries.iter().enumerate() {
                if let Some((connection, body_known)) = har_connection(i, entry)? {
                    if !body_known {
                        rec.unknown_bodies.insert(rec.connections.len());
                    }
                    rec.connections.push(connection);
                }
            }
            Ok(rec)
        }
    }

    fn har_headers(v: Option<&Value>) -> Headers {
        v.and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|h| {
                        Some((
                            h.get("name")?.as_str()?.into(),
                            h.get("value")?.as_str()?.into(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The entry's status, `None` when no response arrived (0 or no status).
    fn har_status(i: usize, entry: &Value) -> Result<Option<u16>, LoadError> {
        let value = match entry.pointer("/response/status") {
            None | Some(Value::Null) => return Ok(None),
            Some(value) => value,
        };
        let status = value
            .as_u64()
            .or_else(|| value.as_f64().and_then(super::integer::integral))
            .and_then(|n| u16::try_from(n).ok())
            .ok_or_else(|| {
                error(alloc::format!(
                    "entry {i}: `response.status` is {value}, not an HTTP status code"
                ))
            })?;
        Ok((status != 0).then_some(status))
    }

    /// How the entry's connection ended: a browser's `_error` says it failed.
    fn har_end(entry: &Value, responded: bool) -> Option<End> {
        let failure = entry
            .pointer("/response/_error")
            .and_then(Value::as_str)
            .filter(|e| !e.trim().is_empty());
        let kind = match failure {
            Some(e) if e.contains("ERR_ABORTED") => EndKind::ClientClosed,
            Some(_) => EndKind::NetworkError,
            None if responded => EndKind::Eof,
            None => return None,
        };
        Some(End {
            kind,
            t: 0,
            message: failure.map(String::from),
        })
    }

    /// The entry's connection and whether its body is known; `None` for an entry that is no
    /// event stream.
    fn har_connection(i: usize, entry: &Value) -> Result<Option<(Connection, bool)>, LoadError> {
        let mut response_headers = har_headers(entry.pointer("/response/headers"));
        let mime = entry
            .pointer("/response/content/mimeType")
            .and_then(Value::as_str)
            .filter(|m| !m.trim().is_empty())
            .or_else(|| header(&response_headers, "content-type"))
            .unwrap_or("");
        if !crate::is_event_stream_type(mime) {
            return Ok(None);
        }
        // No header at all means the exporter did not capture them, not that the server sent
        // none: `mimeType` is the type the browser read, and without it the validator would
        // take the stream for a response an EventSource refuses and skip its body.
        if response_headers.is_empty() {
            response_headers.push(("content-type".into(), mime.into()));
        }
        let status = har_status(i, entry)?;
        let content = entry.pointer("/response/content");
        let body_text = content.and_then(|c| c.get("text")).and_then(Value::as_str);
        let body_known = status.is_none() || body_text.is_some();
        let chunks = match (status, body_text) {
            (None, _) | (Some(_), None) => Vec::new(),
            (Some(_), Some(text)) => {
                let base64_encoded = content
                    .and_then(|c| c.get("encoding"))
                    .and_then(Value::as_str)
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case("base64"));
                let body = if base64_encoded {
                    base64::decode(text).map_err(|p| {
                        error(alloc::format!(
                            "entry {i}: response body is not base64 (character {p})"
                        ))
                    })?
                } else {
                    text.as_bytes().to_vec()
                };
                if body.is_empty() {
                    Vec::new()
                } else {
                    alloc::vec![Chunk { t: 0, data: body }]
                }
            }
        };
        let connection = Connection {
            request: Request {
                method: entry
                    .pointer("/request/method")
                    .and_then(Value::as_str)
                    .unwrap_or("GET")
                    .into(),
                url: entry
                    .pointer("/request/url")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                headers: Some(har_headers(entry.pointer("/request/headers"))),
                t: 0,
            },
            response: status.map(|status| Response {
                status,
                headers: response_headers,
                t: None,
            }),
            chunks,
            end: har_end(entry, status.is_some()),
        };
        Ok(Some((connection, body_known)))
    }
}
