//! The validator on fuzzer-built sessions: it never panics, and its report does not depend on
//! how the session reaches it. For every session and every option set the validator accepts,
//! these give the same report:
//! - `validate` on the recording;
//! - `validate` on it with the chunks of its unknown bodies removed (they are ignored);
//! - `validate` on the recording written as JSON and read back (which must give the recording);
//! - the streaming `Validator` fed the recording's JSON Lines one line at a time;
//! - `validate` on the recording with every body cut into other chunks at the same instants
//!   (where a body is split is a transport accident, not something the server did).
//!
//! Bodies are built from SSE-shaped pieces (fields with small integer ids, blank lines, line
//! endings of every kind) mixed with raw bytes, so that the id, resume and timing rules see
//! sessions they can reason about, not only noise.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use ssert_core::validate::{
    validate, Chunk, Connection, End, EndKind, ExpectedEvent, IdOrderKind, Profile, Recording,
    Request, Response, Timing, ValidateOptions, Validator,
};
use ssert_core_fuzz::chunks;

#[derive(Arbitrary, Debug)]
struct Input {
    options: Options,
    timing_none: bool,
    connections: Vec<Conn>,
    unknown_bodies: Vec<u8>,
    /// Expected-log entries: id, type, data (`Some(n)`: the `n`-th of `LOG_DATA`).
    expected: Option<Vec<(u8, Option<u8>, Option<u8>)>>,
    cuts: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct Options {
    profile: u8,
    order: u8,
    consecutive: Option<bool>,
    ids_required: Option<bool>,
    retry_required: Option<bool>,
    retry_bounds: Option<(u16, u16)>,
    max_silence: Option<u16>,
    ttfe: Option<u16>,
    /// Bit i enables SSE307 + i (event types, data JSON, grammar, after-terminal).
    opt_in: u8,
    grammar: u8,
    connection_scope: bool,
    slack: Option<u8>,
    max_line_len: Option<u8>,
    max_event_size: Option<u8>,
    max_buffered: Option<u16>,
    window_ids: Option<u8>,
    window_connections: Option<u8>,
    window_findings: Option<u8>,
    excerpt_bytes: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct Conn {
    method: bool,
    /// Request headers: `None` = not observed.
    headers: Option<Vec<Header>>,
    last_event_id: Option<Piece>,
    request_dt: u16,
    response: Option<Resp>,
    chunks: Vec<(u16, Vec<Piece>)>,
    end: Option<(u8, u16)>,
}

#[derive(Arbitrary, Debug)]
struct Resp {
    status: u8,
    content_type: u8,
    headers: Vec<Header>,
    dt: Option<u16>,
}

#[derive(Arbitrary, Debug)]
struct Header(u8, String);

#[derive(Arbitrary, Debug)]
enum Piece {
    Id(u8),
    Data(String),
    Event(u8),
    Retry(u16),
    Comment,
    Blank,
    Raw(Vec<u8>),
    Ending(u8),
}

const HEADER_NAMES: [&str; 8] = [
    "accept",
    "last-event-id",
    "content-type",
    "cache-control",
    "content-encoding",
    "x-accel-buffering",
    "Accept",
    "x-other",
];
const CONTENT_TYPES: [&str; 6] = [
    "text/event-stream",
    "text/event-stream; charset=utf-8",
    "Text/Event-Stream;charset=latin1",
    "application/json",
    "text/plain",
    "",
];
/// Data for expected-log entries: short strings a fuzzed `data:` line is likely to carry.
const LOG_DATA: [&str; 4] = ["", "a", "x", "0"];
const TYPES: [&str; 6] = ["message", "token", "done", "error", "message_start", "ping"];
const STATUSES: [u16; 6] = [200, 204, 202, 500, 301, 0];
const GRAMMARS: [&str; 4] = ["token* done", "(message | token)+ (done | error)?", "(", ""];

fn piece_bytes(piece: &Piece, out: &mut Vec<u8>) {
    match piece {
        Piece::Id(n) => out.extend_from_slice(format!("id: {n}\n").as_bytes()),
        Piece::Data(text) => {
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
        Piece::Event(n) => {
            let name = TYPES[usize::from(*n) % TYPES.len()];
            out.extend_from_slice(format!("event: {name}\n").as_bytes());
        }
        Piece::Retry(ms) => out.extend_from_slice(format!("retry: {ms}\n").as_bytes()),
        Piece::Comment => out.extend_from_slice(b": ping\n"),
        Piece::Blank => out.push(b'\n'),
        Piece::Raw(bytes) => out.extend_from_slice(bytes),
        Piece::Ending(kind) => out.extend_from_slice(match kind % 3 {
            0 => b"\r",
            1 => b"\r\n",
            _ => b"\n",
        }),
    }
}

fn header(header: &Header) -> (String, String) {
    let name = HEADER_NAMES[usize::from(header.0) % HEADER_NAMES.len()];
    (name.into(), header.1.clone())
}

fn options(o: &Options) -> ValidateOptions {
    let mut options = ValidateOptions::default();
    options.profile = match o.profile % 9 {
        0 => Some(Profile::OpenAiChat),
        1 => Some(Profile::OpenAiResponses),
        2 => Some(Profile::AnthropicMessages),
        3 => Some(Profile::Mcp),
        4 => Some(Profile::Mcp20250326),
        5 => Some(Profile::Mcp20251125),
        _ => None,
    };
    options.ids.order = match o.order % 8 {
        0 => Some(IdOrderKind::Integer),
        1 => Some(IdOrderKind::Lexicographic),
        2 => Some(IdOrderKind::Ulid),
        3 => Some(IdOrderKind::Uuid7),
        4 => Some(IdOrderKind::None),
        5 => Some(IdOrderKind::Auto),
        _ => None,
    };
    options.ids.consecutive = o.consecutive;
    options.ids.required = o.ids_required;
    options.retry.required = o.retry_required;
    if let Some((min, max)) = o.retry_bounds {
        options.retry.min_ms = Some(u64::from(min));
        options.retry.max_ms = Some(u64::from(max));
    }
    options.heartbeat.max_silence_ms = o.max_silence.map(u64::from);
    options.time_to_first_event.max_ms = o.ttfe.map(u64::from);
    for (bit, code) in ["SSE307", "SSE308", "SSE309", "SSE310"].iter().enumerate() {
        if o.opt_in & (1 << bit) != 0 {
            options.enable.push((*code).into());
        }
    }
    if o.opt_in & 16 != 0 {
        options.event_types.allowed = Some(TYPES[..3].iter().map(|t| (*t).into()).collect());
        options.terminal.types = Some(vec!["done".into(), "error".into()]);
        options.data_json.types = Some(vec!["token".into()]);
        options.grammar.pattern = Some(GRAMMARS[usize::from(o.grammar) % GRAMMARS.len()].into());
    }
    if o.connection_scope {
        options.grammar.scope = Some(ssert_core::validate::Scope::Connection);
        options.terminal.scope = Some(ssert_core::validate::Scope::Connection);
    }
    options.reconnect.slack_ms = o.slack.map(u64::from);
    options.limits.max_line_len = o.max_line_len.map(usize::from);
    options.limits.max_event_size = o.max_event_size.map(usize::from);
    options.limits.max_buffered = o.max_buffered.map(usize::from);
    options.window.ids = o.window_ids.map(usize::from);
    options.window.connections = o.window_connections.map(usize::from);
    options.window.findings = o.window_findings.map(usize::from);
    options.window.excerpt_bytes = o.excerpt_bytes.map(usize::from);
    options
}

fn recording(input: &Input) -> Recording {
    let mut t = 0u64;
    let mut connections = Vec::new();
    for conn in &input.connections {
        t += u64::from(conn.request_dt);
        let mut headers = conn
            .headers
            .as_ref()
            .map(|list| list.iter().map(header).collect::<Vec<_>>());
        if let (Some(list), Some(piece)) = (headers.as_mut(), &conn.last_event_id) {
            let mut value = Vec::new();
            piece_bytes(piece, &mut value);
            list.push((
                "last-event-id".into(),
                String::from_utf8_lossy(&value).into(),
            ));
        }
        let request = Request {
            method: if conn.method { "POST" } else { "GET" }.into(),
            url: "http://127.0.0.1/sse".into(),
            headers,
            t,
        };
        let response = conn.response.as_ref().map(|r| {
            let mut headers: Vec<_> = r.headers.iter().map(header).collect();
            let content_type = CONTENT_TYPES[usize::from(r.content_type) % CONTENT_TYPES.len()];
            if !content_type.is_empty() {
                headers.insert(0, ("content-type".into(), content_type.into()));
            }
            let status = match STATUSES[usize::from(r.status) % STATUSES.len()] {
                0 => u16::from(r.status) * 3,
                status => status,
            };
            Response {
                status,
                headers,
                t: r.dt.map(|dt| t + u64::from(dt)),
            }
        });
        let mut chunk_t = t;
        let chunks = conn
            .chunks
            .iter()
            .map(|(dt, pieces)| {
                chunk_t += u64::from(*dt);
                let mut data = Vec::new();
                for piece in pieces {
                    piece_bytes(piece, &mut data);
                }
                Chunk { t: chunk_t, data }
            })
            .collect();
        let end = conn.end.map(|(kind, dt)| End {
            kind: match kind % 4 {
                0 => EndKind::Eof,
                1 => EndKind::ClientClosed,
                2 => EndKind::NetworkError,
                _ => EndKind::Timeout,
            },
            t: chunk_t + u64::from(dt),
            message: (kind & 4 != 0).then(|| "reset".into()),
        });
        t = chunk_t;
        connections.push(Connection {
            request,
            response,
            chunks,
            end,
        });
    }
    let unknown_bodies = input
        .unknown_bodies
        .iter()
        .filter_map(|&i| (usize::from(i) < connections.len()).then_some(usize::from(i)))
        .collect();
    Recording {
        timing: if input.timing_none {
            Timing::None
        } else {
            Timing::Monotonic
        },
        connections,
        unknown_bodies,
        // A log's ids are unique (a log that repeats one is refused): later repeats are left
        // out, so that every log is validated.
        expected: input.expected.as_ref().map(|log| {
            let mut seen = std::collections::BTreeSet::new();
            log.iter()
                .filter(|(id, _, _)| seen.insert(*id))
                .map(|(id, kind, data)| ExpectedEvent {
                    id: id.to_string(),
                    event_type: kind.map(|k| TYPES[usize::from(k) % TYPES.len()].into()),
                    data: data.map(|d| LOG_DATA[usize::from(d) % LOG_DATA.len()].into()),
                })
                .collect()
        }),
        ..Recording::default()
    }
}

fuzz_target!(|input: Input| {
    let options = options(&input.options);
    let recording = recording(&input);
    let Ok(report) = validate(&recording, &options) else {
        return; // options the validator refuses (an invalid grammar): nothing to compare
    };
    assert!(report.to_json().starts_with('{'), "the report serializes");
    let _ = report.to_string();

    // The chunks of a body marked unknown are ignored, and JSON writes none.
    let mut recording = recording;
    for &index in &recording.unknown_bodies {
        recording.connections[index].chunks.clear();
    }
    assert_eq!(
        validate(&recording, &options).expect("the same options"),
        report,
        "the chunks of an unknown body changed the report"
    );

    let read_back =
        Recording::from_json(&recording.to_json()).expect("a written recording reads back");
    assert_eq!(
        read_back, recording,
        "JSON round trip changed the recording"
    );

    let mut streaming = Validator::new(&options).expect("the same options");
    for line in recording.to_json_lines().lines() {
        streaming
            .record_json(line)
            .expect("a written JSON Lines recording reads back");
    }
    assert_eq!(
        streaming.finish(),
        report,
        "streaming the JSON Lines changed the report"
    );

    let mut rechunked = recording.clone();
    for connection in &mut rechunked.connections {
        connection.chunks = connection
            .chunks
            .iter()
            .flat_map(|chunk| {
                // An empty chunk stays: it still says the connection was seen at `t`.
                if chunk.data.is_empty() {
                    return vec![chunk.clone()];
                }
                chunks(&chunk.data, &input.cuts)
                    .into_iter()
                    .filter(|data| !data.is_empty())
                    .map(|data| Chunk {
                        t: chunk.t,
                        data: data.to_vec(),
                    })
                    .collect()
            })
            .collect();
    }
    assert_eq!(
        validate(&rechunked, &options).expect("the same options"),
        report,
        "cutting the bodies into other chunks changed the report"
    );
});
