//! Shared test harness: conformance vector loading, chunkings and a recording sink.
//!
//! The vector format is documented in `testdata/README.md`; the JS and Python runners read
//! the same files.

// Each test binary that includes this module uses a different part of it.
#![allow(dead_code)]
// A chunking is a list of ranges; a list with one range (the whole input) is meant.
#![allow(clippy::single_range_in_vec_init)]

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use ssert_core::{Error, FieldName, LineKind, OwnedEvent, Parser, ParserConfig, Terminator, Trace};

/// The largest integer a JavaScript number holds exactly; larger retries are JSON strings.
pub const JS_SAFE_MAX: u64 = (1 << 53) - 1;

/// `testdata/parser`, where the vector files live.
pub fn vector_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/parser")
}

/// One `testdata/parser/*.json` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorFile {
    /// Kebab-case group name, equal to the file stem.
    pub group: String,
    /// What the group covers.
    pub description: String,
    /// The vectors, in file order.
    pub vectors: Vec<Vector>,
}

/// One conformance vector (see `testdata/README.md`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    pub name: String,
    pub description: String,
    /// Base64 of the raw stream.
    pub input: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub options: Option<Options>,
    pub events: Vec<ExpectedEvent>,
    pub retries: Vec<RetryValue>,
    #[serde(default)]
    pub comments: Option<Vec<String>>,
    #[serde(default)]
    pub errors: Vec<ExpectedError>,
    pub last_event_id: String,
    #[serde(default)]
    pub trace: Option<Vec<Value>>,
    /// The file the vector came from (filled by the loader).
    #[serde(skip)]
    pub file: String,
    /// The decoded `input` (filled by the loader).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Parser options of a vector; missing keys take the defaults.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Options {
    pub max_line_len: Option<usize>,
    pub max_event_size: Option<usize>,
    pub max_buffered: Option<usize>,
    pub strict_utf8: Option<bool>,
}

/// An expected event.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedEvent {
    #[serde(rename = "type")]
    pub event_type: String,
    pub data: String,
    pub id: String,
}

/// A retry value: a JSON number up to 2^53-1, a decimal string above.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum RetryValue {
    Number(u64),
    Text(String),
}

impl RetryValue {
    /// The value, or a description of why it breaks the format rule.
    pub fn value(&self) -> Result<u64, String> {
        match self {
            RetryValue::Number(n) if *n <= JS_SAFE_MAX => Ok(*n),
            RetryValue::Number(n) => Err(format!("{n} > 2^53-1 must be a string")),
            RetryValue::Text(s) => match s.parse::<u64>() {
                Ok(n) if n > JS_SAFE_MAX && s == &n.to_string() => Ok(n),
                Ok(n) => Err(format!(
                    "{s:?}: {n} <= 2^53-1 must be a number (or not canonical)"
                )),
                Err(e) => Err(format!("{s:?}: {e}")),
            },
        }
    }
}

/// An expected error.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    pub code: String,
    pub offset: u64,
}

impl Vector {
    /// The parser configuration the vector's options describe.
    pub fn config(&self) -> ParserConfig {
        let mut config = ParserConfig::default();
        if let Some(options) = &self.options {
            if let Some(n) = options.max_line_len {
                config = config.max_line_len(n);
            }
            if let Some(n) = options.max_event_size {
                config = config.max_event_size(n);
            }
            if let Some(n) = options.max_buffered {
                config = config.max_buffered(n);
            }
            if let Some(strict) = options.strict_utf8 {
                config = config.strict_utf8(strict);
            }
        }
        config
    }

    /// `file:name`, for messages.
    pub fn label(&self) -> String {
        format!("{}:{}", self.file, self.name)
    }

    /// The expectations as JSON, in the shape [`observed_json`] produces.
    pub fn expected_json(&self) -> Value {
        let retries: Vec<Value> = self
            .retries
            .iter()
            .map(|r| retry_json(r.value().unwrap_or(u64::MAX)))
            .collect();
        let events: Vec<Value> = self
            .events
            .iter()
            .map(|e| json!({"type": e.event_type, "data": e.data, "id": e.id}))
            .collect();
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|e| json!({"code": e.code, "offset": e.offset}))
            .collect();
        let mut out = json!({
            "events": events,
            "retries": retries,
            "errors": errors,
            "last_event_id": self.last_event_id,
        });
        if let Some(comments) = &self.comments {
            out["comments"] = json!(comments);
        }
        if let Some(trace) = &self.trace {
            out["trace"] = Value::Array(trace.clone());
        }
        out
    }
}

/// Loads every vector file, sorted by file name, decoding the inputs. Panics with the file
/// name on any malformed file.
pub fn load_files() -> Vec<(String, VectorFile)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(vector_dir())
        .expect("testdata/parser exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
            let mut parsed: VectorFile =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            for vector in &mut parsed.vectors {
                vector.file.clone_from(&file);
                vector.bytes = base64::engine::general_purpose::STANDARD
                    .decode(&vector.input)
                    .unwrap_or_else(|e| panic!("{file}:{}: bad base64: {e}", vector.name));
            }
            (file, parsed)
        })
        .collect()
}

/// Every vector of every file.
pub fn load_vectors() -> Vec<Vector> {
    load_files()
        .into_iter()
        .flat_map(|(_, file)| file.vectors)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Chunkings

/// A way to cut an input into chunks (ranges may be empty: an empty feed must be harmless).
#[derive(Clone, Debug)]
pub struct Chunking {
    pub label: String,
    pub chunks: Vec<Range<usize>>,
}

/// The whole input as one chunk.
pub fn whole(len: usize) -> Chunking {
    Chunking {
        label: "whole".into(),
        chunks: vec![0..len],
    }
}

/// One byte per chunk.
pub fn byte_by_byte(len: usize) -> Chunking {
    Chunking {
        label: "byte-by-byte".into(),
        chunks: (0..len).map(|i| i..i + 1).collect(),
    }
}

/// Two chunks split at `at`.
pub fn split_at(len: usize, at: usize) -> Chunking {
    Chunking {
        label: format!("split-at-{at}"),
        chunks: vec![0..at, at..len],
    }
}

/// Empty chunks before the input and between all its bytes.
pub fn empty_interleaved(len: usize) -> Chunking {
    let mut chunks = vec![0..0];
    for i in 0..len {
        chunks.push(i..i + 1);
        chunks.push(i + 1..i + 1);
    }
    Chunking {
        label: "empty-interleaved".into(),
        chunks,
    }
}

/// An empty chunk, then the whole input (a BOM after an empty read must still be stripped).
pub fn empty_then_whole(len: usize) -> Chunking {
    Chunking {
        label: "empty-then-whole".into(),
        chunks: vec![0..0, 0..len],
    }
}

/// Random cuts; the density of cuts is itself random so that both tiny and large chunks occur.
pub fn random_splits(len: usize, rng: &mut SplitMix64) -> Chunking {
    let one_in = [2u64, 3, 8, 64][(rng.next() % 4) as usize];
    let mut chunks = Vec::new();
    let mut start = 0;
    for at in 1..len {
        if rng.next() % one_in == 0 {
            chunks.push(start..at);
            start = at;
            if rng.next() % 16 == 0 {
                chunks.push(at..at);
            }
        }
    }
    chunks.push(start..len);
    Chunking {
        label: format!("random(1-in-{one_in}, {} chunks)", chunks.len()),
        chunks,
    }
}

/// Every chunking the conformance runner applies to an input of `len` bytes: whole, empty
/// first, byte by byte, empty chunks interleaved, every two-chunk split, and `random` random
/// splittings drawn from `rng`.
pub fn all_chunkings(len: usize, rng: &mut SplitMix64, random: usize) -> Vec<Chunking> {
    let mut out = vec![
        whole(len),
        empty_then_whole(len),
        byte_by_byte(len),
        empty_interleaved(len),
    ];
    out.extend((1..len).map(|at| split_at(len, at)));
    out.extend((0..random).map(|_| random_splits(len, rng)));
    out
}

/// The small, seedable generator behind the random chunkings (SplitMix64).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The seed for random chunkings: `SSERT_CHUNK_SEED` if set, else a fresh random one. Print
/// it with every failure so the run can be reproduced.
pub fn chunk_seed() -> u64 {
    match std::env::var("SSERT_CHUNK_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("SSERT_CHUNK_SEED={text:?} is not a u64")),
        Err(_) => {
            use std::hash::{BuildHasher, Hasher};
            // RandomState is seeded from the OS; hashing the time on top keeps runs distinct.
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            hasher.finish()
        }
    }
}

/// A per-vector generator, so a vector's random chunkings depend only on the seed and its name.
pub fn rng_for(seed: u64, name: &str) -> SplitMix64 {
    // FNV-1a of the name, mixed into the seed.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    SplitMix64::new(seed ^ hash)
}

// ---------------------------------------------------------------------------------------------
// Recording

mod recorder;
pub use recorder::{Call, Recorder};

/// What one stream produced: every sink call and the parser state after `finish`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub calls: Vec<Call>,
    /// `Parser::offset()` after the last chunk, before `finish`.
    pub offset_before_finish: u64,
    pub last_event_id: String,
    pub reconnection_time: Option<u64>,
}

impl Run {
    pub fn events(&self) -> Vec<&OwnedEvent> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Event(e) => Some(e),
                _ => None,
            })
            .collect()
    }
    pub fn retries(&self) -> Vec<u64> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Retry(r) => Some(*r),
                _ => None,
            })
            .collect()
    }
    pub fn comments(&self) -> Vec<&str> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Comment(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }
    pub fn errors(&self) -> Vec<Error> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Error(e) => Some(*e),
                _ => None,
            })
            .collect()
    }
    pub fn trace(&self) -> Vec<Trace> {
        self.calls
            .iter()
            .filter_map(|c| match c {
                Call::Trace(t) => Some(*t),
                _ => None,
            })
            .collect()
    }
}

/// Feeds `input` cut into `chunks` to a fresh parser, then finishes the stream.
pub fn run(config: ParserConfig, input: &[u8], chunks: &[Range<usize>]) -> Run {
    let mut parser = Parser::with_config(config);
    let mut recorder = Recorder::default();
    for chunk in chunks {
        parser.feed(&input[chunk.clone()], &mut recorder);
    }
    let offset_before_finish = parser.offset();
    parser.finish(&mut recorder);
    Run {
        calls: recorder.calls,
        offset_before_finish,
        last_event_id: parser.last_event_id().to_owned(),
        reconnection_time: parser.reconnection_time(),
    }
}

/// Feeds `input` as one chunk.
pub fn run_whole(config: ParserConfig, input: &[u8]) -> Run {
    run(config, input, &[0..input.len()])
}

/// A run in the JSON shape of a vector's expectations. `with_comments` / `with_trace` add
/// those keys (vectors compare them only when present).
pub fn observed_json(run: &Run, with_comments: bool, with_trace: bool) -> Value {
    let events: Vec<Value> = run
        .events()
        .iter()
        .map(|e| json!({"type": e.event_type(), "data": e.data, "id": e.id}))
        .collect();
    let retries: Vec<Value> = run.retries().into_iter().map(retry_json).collect();
    let errors: Vec<Value> = run
        .errors()
        .iter()
        .map(|e| json!({"code": e.code(), "offset": e.offset()}))
        .collect();
    let mut out = json!({
        "events": events,
        "retries": retries,
        "errors": errors,
        "last_event_id": run.last_event_id,
    });
    if with_comments {
        out["comments"] = json!(run.comments());
    }
    if with_trace {
        out["trace"] = Value::Array(run.trace().iter().map(trace_json).collect());
    }
    out
}

/// A retry in the vector format: a number up to 2^53-1, a decimal string above.
pub fn retry_json(millis: u64) -> Value {
    if millis <= JS_SAFE_MAX {
        json!(millis)
    } else {
        json!(millis.to_string())
    }
}

/// The documented JSON form of a trace record (`testdata/README.md`). Written out by hand so
/// the test does not depend on the crate's optional `serde` feature; a separate test checks
/// that the serde form is identical.
pub fn trace_json(record: &Trace) -> Value {
    match record {
        Trace::Bom { offset } => json!({"type": "bom", "offset": offset}),
        Trace::IgnoredId { offset } => json!({"type": "ignored_id", "offset": offset}),
        Trace::InvalidRetry { offset } => json!({"type": "invalid_retry", "offset": offset}),
        Trace::DiscardedTail { start, end } => {
            json!({"type": "discarded_tail", "start": start, "end": end})
        }
        Trace::Line(line) => {
            let terminator = match line.terminator {
                Terminator::Cr => "cr",
                Terminator::Lf => "lf",
                Terminator::CrLf => "crlf",
                Terminator::Eof => "eof",
            };
            let mut out = json!({
                "type": "line",
                "start": line.start,
                "end": line.end,
                "terminator": terminator,
            });
            match line.kind {
                LineKind::Blank => out["kind"] = json!("blank"),
                LineKind::Comment => out["kind"] = json!("comment"),
                LineKind::Oversized => out["kind"] = json!("oversized"),
                LineKind::Field(name) => {
                    out["kind"] = json!("field");
                    out["field"] = json!(match name {
                        FieldName::Data => "data",
                        FieldName::Event => "event",
                        FieldName::Id => "id",
                        FieldName::Retry => "retry",
                        FieldName::Unknown => "unknown",
                    });
                }
            }
            out
        }
    }
}

/// A readable, line-per-key difference between two JSON objects (empty if equal).
pub fn json_diff(expected: &Value, observed: &Value) -> String {
    let mut out = String::new();
    let keys = expected
        .as_object()
        .into_iter()
        .flat_map(|o| o.keys())
        .chain(observed.as_object().into_iter().flat_map(|o| o.keys()));
    let mut seen = std::collections::BTreeSet::new();
    for key in keys {
        if !seen.insert(key.clone()) {
            continue;
        }
        let (e, o) = (&expected[key.as_str()], &observed[key.as_str()]);
        if e != o {
            let _ = writeln!(out, "    {key}:\n      expected {e}\n      observed {o}");
        }
    }
    out
}
