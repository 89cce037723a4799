//! Benchmark support for ssert: deterministic SSE corpora, chunkings, and one driver per parser.
//!
//! Everything here is reproducible bit for bit: the corpora and the network-like chunk sizes come
//! from a fixed-seed PRNG, nothing is downloaded. The criterion bench (`benches/parse.rs`), the
//! side-by-side `compare` binary and — through the `gen-corpus` binary, which writes the same
//! bytes and chunk sizes to files — the Node and Python benchmarks all measure the same input.
//!
//! The four contenders, each run over the same chunks:
//!
//! * [`run_ssert`]: `ssert_core::Parser::feed` with a sink that counts events and data bytes;
//! * [`run_sse_stream`]: the `sse-stream` crate's `SseByteStream`;
//! * [`run_eventsource_stream`]: the `eventsource-stream` crate's `EventStream`;
//! * [`run_floor`]: not a parser but a lower bound on what any UTF-8 SSE parser must do —
//!   validate UTF-8 (`core::str::from_utf8`) and find every line end;
//! * [`run_floor_simd`]: the same floor with the `simdutf8` validator ssert-core uses.

use core::convert::Infallible;
use std::fmt::Write as _;

use futures::executor::block_on;
use futures::stream::{self, StreamExt};

/// The seed every corpus generator and chunker starts from.
pub const SEED: u64 = 0x5353_4552_545f_3031; // "SSERT_01"

/// The size the corpus generators aim for (each corpus ends at the first event past it).
pub const CORPUS_TARGET_BYTES: usize = 4 << 20;

/// The chunk size of [`Chunking::Fixed64K`].
pub const FIXED_CHUNK_LEN: usize = 64 << 10;

/// The largest chunk of [`Chunking::Network`] (an Ethernet MTU's worth of payload).
pub const NETWORK_MAX_CHUNK_LEN: usize = 1500;

/// A small, fast, deterministic PRNG (SplitMix64). Statistical quality is ample for picking
/// words and sizes; what matters is that the same seed gives the same stream everywhere.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `lo..=hi` (`lo <= hi`).
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        debug_assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        // Modulo bias is irrelevant for spans this small next to 2^64.
        lo + usize::try_from(self.next_u64() % span).expect("span fits in usize")
    }

    /// `true` with probability `numerator / denominator`.
    pub fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.next_u64() % denominator < numerator
    }

    /// A uniformly chosen element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
}

/// The kinds of stream the benchmarks parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CorpusKind {
    /// An LLM token stream: tiny JSON deltas, each event with `id:` and `event: token`.
    LlmTokens,
    /// Single-line JSON events of about 1 KiB.
    Json1K,
    /// Events of about 64 KiB spread over many `data:` lines.
    Multiline64K,
    /// Small events with CRLF, CR and LF line endings mixed, `: ping` comments and `retry:`.
    MixedEndings,
}

impl CorpusKind {
    /// Every corpus, in report order.
    pub const ALL: [CorpusKind; 4] = [
        CorpusKind::LlmTokens,
        CorpusKind::Json1K,
        CorpusKind::Multiline64K,
        CorpusKind::MixedEndings,
    ];

    /// A short kebab-case name (used for file names and report rows).
    pub fn name(self) -> &'static str {
        match self {
            CorpusKind::LlmTokens => "llm-tokens",
            CorpusKind::Json1K => "json-1k",
            CorpusKind::Multiline64K => "multiline-64k",
            CorpusKind::MixedEndings => "mixed-endings",
        }
    }

    /// One sentence describing the corpus.
    pub fn description(self) -> &'static str {
        match self {
            CorpusKind::LlmTokens => {
                "LLM token stream: ~100-byte events with id, `event: token` and a tiny JSON delta"
            }
            CorpusKind::Json1K => "single-line JSON events of about 1 KiB with id and event type",
            CorpusKind::Multiline64K => "events of about 64 KiB of text over ~80-byte data lines",
            CorpusKind::MixedEndings => {
                "small events with CRLF/CR/LF endings mixed, `: ping` comments and retry fields"
            }
        }
    }

    /// Whether the corpus is made of small events (the "small-event" targets apply to it).
    pub fn small_events(self) -> bool {
        matches!(self, CorpusKind::LlmTokens | CorpusKind::MixedEndings)
    }

    /// Generates this corpus (deterministic: always the same bytes).
    pub fn generate(self) -> Vec<u8> {
        let mut rng = SplitMix64::new(SEED ^ (self as u64 + 1).wrapping_mul(0x1000_0000_01B3));
        let mut out = String::with_capacity(CORPUS_TARGET_BYTES + (128 << 10));
        let mut id = 0u64;
        while out.len() < CORPUS_TARGET_BYTES {
            id += 1;
            match self {
                CorpusKind::LlmTokens => llm_token_event(&mut rng, id, &mut out),
                CorpusKind::Json1K => json_event(&mut rng, id, &mut out),
                CorpusKind::Multiline64K => multiline_event(&mut rng, id, &mut out),
                CorpusKind::MixedEndings => mixed_endings_event(&mut rng, id, &mut out),
            }
        }
        out.into_bytes()
    }
}

/// Words for generated text; a few are non-ASCII so UTF-8 decoding is exercised (multi-byte
/// characters also end up split across chunks).
const WORDS: &[&str] = &[
    "the",
    "stream",
    "event",
    "parser",
    "token",
    "data",
    "chunk",
    "line",
    "server",
    "client",
    "reconnect",
    "spec",
    "byte",
    "offset",
    "résumé",
    "naïve",
    "café",
    "日本語",
    "данные",
    "Ωmega",
    "emoji🙂",
    "über",
    "quote\\\"d",
    "tab\\t",
    "and",
    "of",
    "to",
    "a",
    "in",
    "is",
    "for",
    "with",
];

fn push_words(rng: &mut SplitMix64, out: &mut String, approx_len: usize) {
    let start = out.len();
    while out.len() - start < approx_len {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(rng.pick::<&str>(WORDS));
    }
}

fn llm_token_event(rng: &mut SplitMix64, id: u64, out: &mut String) {
    let token = *rng.pick(WORDS);
    let space = if rng.chance(3, 4) { " " } else { "" };
    write!(
        out,
        "id: {id}\nevent: token\ndata: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{space}{token}\"}}}}]}}\n\n"
    )
    .expect("writing to a String cannot fail");
}

fn json_event(rng: &mut SplitMix64, id: u64, out: &mut String) {
    let kind = *rng.pick(&["update", "snapshot", "patch"]);
    write!(
        out,
        "id: {id}\nevent: {kind}\ndata: {{\"seq\":{id},\"items\":["
    )
    .expect("infallible");
    let start = out.len();
    let mut item = 0;
    while out.len() - start < 900 {
        if item > 0 {
            out.push(',');
        }
        let score = rng.next_u64() % 100_000;
        write!(out, "{{\"id\":{item},\"score\":{score},\"label\":\"").expect("infallible");
        push_words(rng, out, 30);
        out.push_str("\"}");
        item += 1;
    }
    out.push_str("]}\n\n");
}

fn multiline_event(rng: &mut SplitMix64, id: u64, out: &mut String) {
    write!(out, "id: {id}\nevent: document\n").expect("infallible");
    let start = out.len();
    while out.len() - start < (64 << 10) {
        // Occasionally an empty data line (a paragraph break inside the data) and the
        // no-space `data:x` form.
        if rng.chance(1, 20) {
            out.push_str("data:\n");
            continue;
        }
        out.push_str(if rng.chance(1, 10) { "data:" } else { "data: " });
        let len = rng.range(40, 120);
        push_words(rng, out, len);
        out.push('\n');
    }
    out.push('\n');
}

fn mixed_endings_event(rng: &mut SplitMix64, id: u64, out: &mut String) {
    // A CR-ended line followed by an LF-ended blank line would read as one CRLF, swallowing the
    // blank line (and merging two events); a blank line after a CR therefore ends in CR or CRLF.
    fn end_line(rng: &mut SplitMix64, out: &mut String, blank: bool) {
        let after_cr = out.ends_with('\r');
        let ending = match rng.range(0, 2) {
            0 => "\n",
            1 => "\r\n",
            _ => "\r",
        };
        out.push_str(if blank && after_cr && ending == "\n" {
            "\r\n"
        } else {
            ending
        });
    }
    if rng.chance(1, 4) {
        out.push_str(": ping");
        end_line(rng, out, false);
    }
    write!(out, "id: {id}").expect("infallible");
    end_line(rng, out, false);
    if rng.chance(1, 2) {
        out.push_str("event: status");
        end_line(rng, out, false);
    }
    if rng.chance(1, 50) {
        write!(out, "retry: {}", rng.range(500, 10_000)).expect("infallible");
        end_line(rng, out, false);
    }
    for _ in 0..rng.range(1, 3) {
        out.push_str("data: ");
        let len = rng.range(10, 80);
        push_words(rng, out, len);
        end_line(rng, out, false);
    }
    // The stream must end on a complete blank line whatever the parser does with a final lone
    // CR, so the very last event of a corpus is closed by the caller's size check: always close
    // with a terminator that cannot wait for more input.
    if out.len() >= CORPUS_TARGET_BYTES {
        out.push_str("\r\n");
    } else {
        end_line(rng, out, true);
    }
}

/// How a corpus is cut into chunks before it is fed to a parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Chunking {
    /// Fixed 64 KiB chunks (the last one shorter): a fast local read.
    Fixed64K,
    /// Chunks of 1..=1500 bytes drawn from a fixed-seed PRNG: what a network read looks like.
    Network,
}

impl Chunking {
    /// Both chunkings, in report order.
    pub const ALL: [Chunking; 2] = [Chunking::Fixed64K, Chunking::Network];

    /// A short name for reports and file names.
    pub fn name(self) -> &'static str {
        match self {
            Chunking::Fixed64K => "64k",
            Chunking::Network => "net",
        }
    }

    /// The lengths of the chunks `total` bytes are cut into (they sum to `total`).
    pub fn chunk_lens(self, total: usize) -> Vec<usize> {
        let mut lens = Vec::new();
        let mut rest = total;
        let mut rng = SplitMix64::new(SEED ^ 0x00C0_FFEE);
        while rest > 0 {
            let len = match self {
                Chunking::Fixed64K => FIXED_CHUNK_LEN,
                Chunking::Network => rng.range(1, NETWORK_MAX_CHUNK_LEN),
            }
            .min(rest);
            lens.push(len);
            rest -= len;
        }
        lens
    }

    /// `input` cut into chunks.
    pub fn split(self, input: &[u8]) -> Vec<&[u8]> {
        let mut rest = input;
        self.chunk_lens(input.len())
            .into_iter()
            .map(|len| {
                let (chunk, tail) = rest.split_at(len);
                rest = tail;
                chunk
            })
            .collect()
    }
}

/// What one run of a contender saw; used to check that the parsers agree and to keep the
/// optimizer from discarding the work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Events dispatched (for the floor loop: line terminator bytes, CR and LF counted apart).
    pub events: u64,
    /// Total length of the events' data in bytes (for the floor loop: invalid UTF-8 sequences).
    pub data_bytes: u64,
    /// Whether the parser gave up with an error before the end of the input (`sse-stream` and
    /// `eventsource-stream` stop at invalid UTF-8; ssert never stops).
    pub stopped_by_error: bool,
}

/// The sink for ssert: counts events and touches each event's data length.
#[derive(Default)]
struct CountingSink {
    outcome: Outcome,
}

impl ssert_core::Sink for CountingSink {
    fn event(&mut self, event: ssert_core::Event<'_>) {
        self.outcome.events += 1;
        self.outcome.data_bytes += event.data.len() as u64;
    }
}

/// ssert-core: `Parser::feed` per chunk, then `finish`.
pub fn run_ssert(chunks: &[&[u8]]) -> Outcome {
    let mut parser = ssert_core::Parser::new();
    let mut sink = CountingSink::default();
    for chunk in chunks {
        parser.feed(chunk, &mut sink);
    }
    parser.finish(&mut sink);
    sink.outcome
}

/// The `sse-stream` crate: `SseByteStream` over a `stream::iter` of the chunks, driven by
/// `block_on`. It yields raw blocks, including blocks without data (a lone `id:` or `retry:`);
/// like an EventSource we count only blocks that carry data.
pub fn run_sse_stream(chunks: &[&[u8]]) -> Outcome {
    let input = stream::iter(chunks.iter().map(|chunk| Ok::<&[u8], Infallible>(chunk)));
    let mut events = sse_stream::SseByteStream::new(input);
    block_on(async {
        let mut outcome = Outcome::default();
        while let Some(item) = events.next().await {
            let Ok(block) = item else {
                outcome.stopped_by_error = true;
                break;
            };
            if let Some(data) = block.data {
                outcome.events += 1;
                outcome.data_bytes += data.len() as u64;
            }
        }
        outcome
    })
}

/// The `eventsource-stream` crate: `EventStream` over a `stream::iter` of the chunks, driven
/// by `block_on`.
pub fn run_eventsource_stream(chunks: &[&[u8]]) -> Outcome {
    let input = stream::iter(chunks.iter().map(|chunk| Ok::<&[u8], Infallible>(chunk)));
    let mut events = eventsource_stream::EventStream::new(input);
    block_on(async {
        let mut outcome = Outcome::default();
        while let Some(item) = events.next().await {
            let Ok(event) = item else {
                outcome.stopped_by_error = true;
                break;
            };
            outcome.events += 1;
            outcome.data_bytes += event.data.len() as u64;
        }
        outcome
    })
}

/// The floor loop: per chunk, validate UTF-8 (carrying a character split across chunks into
/// the next one) and count the CR and LF bytes with `memchr2`. Any correct parser of a
/// `text/event-stream` has to do at least this much work.
pub fn run_floor(chunks: &[&[u8]]) -> Outcome {
    let mut floor = Floor::new(std_utf8);
    for chunk in chunks {
        floor.feed(chunk);
    }
    floor.finish()
}

/// The floor loop with `simdutf8` (the SIMD validator ssert-core itself uses) instead of
/// `core::str::from_utf8`: a tighter lower bound than [`run_floor`] on machines with SSE4.2
/// or AVX2.
pub fn run_floor_simd(chunks: &[&[u8]]) -> Outcome {
    let mut floor = Floor::new(simd_utf8);
    for chunk in chunks {
        floor.feed(chunk);
    }
    floor.finish()
}

/// A UTF-8 validator: `Err((valid_up_to, error_len))` like `core::str::Utf8Error`.
type Validator = fn(&[u8]) -> Result<(), (usize, Option<usize>)>;

fn std_utf8(bytes: &[u8]) -> Result<(), (usize, Option<usize>)> {
    core::str::from_utf8(bytes)
        .map(drop)
        .map_err(|e| (e.valid_up_to(), e.error_len()))
}

fn simd_utf8(bytes: &[u8]) -> Result<(), (usize, Option<usize>)> {
    simdutf8::compat::from_utf8(bytes)
        .map(drop)
        .map_err(|e| (e.valid_up_to(), e.error_len()))
}

/// State of the floor loop between chunks.
struct Floor {
    validator: Validator,
    /// The start of a UTF-8 sequence cut off at the end of the previous chunk.
    carry: [u8; 4],
    carry_len: usize,
    carry_width: usize,
    line_ends: u64,
    invalid: u64,
}

impl Floor {
    fn new(validator: Validator) -> Floor {
        Floor {
            validator,
            carry: [0; 4],
            carry_len: 0,
            carry_width: 0,
            line_ends: 0,
            invalid: 0,
        }
    }

    fn feed(&mut self, mut chunk: &[u8]) {
        self.line_ends += memchr::memchr2_iter(b'\n', b'\r', chunk).count() as u64;
        if self.carry_len > 0 {
            let before = self.carry_len;
            let take = (self.carry_width - before).min(chunk.len());
            self.carry[before..before + take].copy_from_slice(&chunk[..take]);
            self.carry_len += take;
            match (self.validator)(&self.carry[..self.carry_len]) {
                Ok(()) => {
                    self.carry_len = 0;
                    chunk = &chunk[take..];
                }
                Err((_, error_len)) => match error_len {
                    // Still short of a whole character: this chunk was all borrowed.
                    None => return,
                    Some(bad) => {
                        // The invalid sequence may end before the bytes borrowed from this
                        // chunk; those are validated again as ordinary input.
                        self.invalid += 1;
                        self.carry_len = 0;
                        chunk = &chunk[bad.saturating_sub(before)..];
                    }
                },
            }
        }
        self.validate(chunk);
    }

    fn validate(&mut self, mut bytes: &[u8]) {
        loop {
            match (self.validator)(bytes) {
                Ok(()) => return,
                Err((valid, error_len)) => match error_len {
                    Some(bad) => {
                        self.invalid += 1;
                        bytes = &bytes[valid + bad..];
                    }
                    None => {
                        let tail = &bytes[valid..];
                        self.carry[..tail.len()].copy_from_slice(tail);
                        self.carry_len = tail.len();
                        self.carry_width = utf8_width(tail[0]);
                        return;
                    }
                },
            }
        }
    }

    fn finish(self) -> Outcome {
        Outcome {
            events: self.line_ends,
            data_bytes: self.invalid + u64::from(self.carry_len > 0),
            stopped_by_error: false,
        }
    }
}

/// The length of the UTF-8 sequence a leading byte announces (1 for anything else, so a
/// stray byte can never make the floor loop wait for more input forever).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// An event as the comparison sees it: its type and its data. (Ids are left out: `sse-stream`
/// reports each block's own `id` field, not the last event ID an EventSource would carry.)
pub type EventSummary = (String, String);

/// Every event a parser finds in `chunks`, and the error it stopped at, if any.
fn collect_events(contender: Contender, chunks: &[&[u8]]) -> (Vec<EventSummary>, Option<String>) {
    let input = || stream::iter(chunks.iter().map(|chunk| Ok::<&[u8], Infallible>(chunk)));
    let mut events = Vec::new();
    let mut error = None;
    match contender {
        Contender::Ssert => {
            let mut parser = ssert_core::Parser::new();
            let mut sink = |event: ssert_core::Event<'_>| {
                events.push((event.event_type().to_owned(), event.data.to_owned()));
            };
            for chunk in chunks {
                parser.feed(chunk, &mut sink);
            }
            parser.finish(&mut sink);
        }
        Contender::SseStream => block_on(async {
            let mut blocks = sse_stream::SseByteStream::new(input());
            while let Some(item) = blocks.next().await {
                match item {
                    Ok(block) => {
                        if let Some(data) = block.data {
                            let kind = block.event.filter(|e| !e.is_empty());
                            events.push((kind.unwrap_or_else(|| "message".into()), data));
                        }
                    }
                    Err(e) => {
                        error = Some(e.to_string());
                        break;
                    }
                }
            }
        }),
        Contender::EventsourceStream => block_on(async {
            let mut stream = eventsource_stream::EventStream::new(input());
            while let Some(item) = stream.next().await {
                match item {
                    Ok(event) => events.push((event.event, event.data)),
                    Err(e) => {
                        error = Some(e.to_string());
                        break;
                    }
                }
            }
        }),
        Contender::Floor | Contender::FloorSimd => {}
    }
    (events, error)
}

fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push_str("...");
    }
    format!("{short:?}")
}

/// Why `contender` does not find the events ssert finds in `chunks`: the error it stopped at,
/// or the first event that differs. `None` when they agree on every event's type and data.
pub fn explain_difference(contender: Contender, chunks: &[&[u8]]) -> Option<String> {
    let (expected, _) = collect_events(Contender::Ssert, chunks);
    let (found, error) = collect_events(contender, chunks);
    let first_difference = expected.iter().zip(&found).position(|(a, b)| a != b);
    let detail = match first_difference {
        Some(index) => format!(
            "event #{index}: ssert ({}, {}) vs {} ({}, {})",
            expected[index].0,
            excerpt(&expected[index].1),
            contender.name(),
            found[index].0,
            excerpt(&found[index].1)
        ),
        None if expected.len() == found.len() => {
            return error.map(|e| format!("stopped at the end with an error: {e}"));
        }
        None => format!(
            "same first {} events, then ssert has {} and {} has {}",
            expected.len().min(found.len()),
            expected.len(),
            contender.name(),
            found.len()
        ),
    };
    Some(match error {
        Some(e) => format!("{detail}; {} stopped with an error: {e}", contender.name()),
        None => detail,
    })
}

/// One contender of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Contender {
    /// ssert-core.
    Ssert,
    /// The `sse-stream` crate.
    SseStream,
    /// The `eventsource-stream` crate.
    EventsourceStream,
    /// The UTF-8 validation + line-end counting floor loop, with `core::str::from_utf8`.
    Floor,
    /// The same floor loop with `simdutf8`.
    FloorSimd,
}

impl Contender {
    /// Every contender, in report order.
    pub const ALL: [Contender; 5] = [
        Contender::Ssert,
        Contender::SseStream,
        Contender::EventsourceStream,
        Contender::Floor,
        Contender::FloorSimd,
    ];

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Ssert => "ssert",
            Contender::SseStream => "sse-stream",
            Contender::EventsourceStream => "eventsource-stream",
            Contender::Floor => "floor",
            Contender::FloorSimd => "floor-simd",
        }
    }

    /// Runs this contender once over `chunks`.
    pub fn run(self, chunks: &[&[u8]]) -> Outcome {
        match self {
            Contender::Ssert => run_ssert(chunks),
            Contender::SseStream => run_sse_stream(chunks),
            Contender::EventsourceStream => run_eventsource_stream(chunks),
            Contender::Floor => run_floor(chunks),
            Contender::FloorSimd => run_floor_simd(chunks),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floor_outcome(line_ends: u64, invalid: u64) -> Outcome {
        Outcome {
            events: line_ends,
            data_bytes: invalid,
            stopped_by_error: false,
        }
    }

    #[test]
    fn corpora_are_deterministic_and_sized() {
        for kind in CorpusKind::ALL {
            let first = kind.generate();
            assert_eq!(
                first,
                kind.generate(),
                "{} is not deterministic",
                kind.name()
            );
            assert!(
                first.len() >= CORPUS_TARGET_BYTES,
                "{} too small",
                kind.name()
            );
            assert!(
                first.len() < CORPUS_TARGET_BYTES + (128 << 10),
                "{} too big",
                kind.name()
            );
            assert!(
                core::str::from_utf8(&first).is_ok(),
                "{} is not UTF-8",
                kind.name()
            );
        }
    }

    #[test]
    fn chunkings_cover_the_input_exactly() {
        let input = CorpusKind::MixedEndings.generate();
        for chunking in Chunking::ALL {
            let chunks = chunking.split(&input);
            assert_eq!(chunks.concat(), input);
            let max = match chunking {
                Chunking::Fixed64K => FIXED_CHUNK_LEN,
                Chunking::Network => NETWORK_MAX_CHUNK_LEN,
            };
            assert!(chunks.iter().all(|c| !c.is_empty() && c.len() <= max));
        }
        assert_eq!(
            Chunking::Network.chunk_lens(10_000),
            Chunking::Network.chunk_lens(10_000)
        );
    }

    #[test]
    fn mixed_endings_corpus_mixes_all_three_endings() {
        let input = CorpusKind::MixedEndings.generate();
        let crlf = input.windows(2).filter(|w| w == b"\r\n").count();
        let cr = memchr::memchr_iter(b'\r', &input).count() - crlf;
        let lf = memchr::memchr_iter(b'\n', &input).count() - crlf;
        assert!(
            crlf > 1000 && cr > 1000 && lf > 1000,
            "crlf {crlf} cr {cr} lf {lf}"
        );
        assert!(input.windows(6).any(|w| w == b": ping"));
    }

    #[test]
    fn floor_counts_line_ends_and_carries_split_characters() {
        let text = "é\n日本語\r\n🙂\r".as_bytes();
        let whole = run_floor(&[text]);
        assert_eq!(whole, floor_outcome(4, 0));
        for split in 0..=text.len() {
            let (a, b) = text.split_at(split);
            assert_eq!(run_floor(&[a, b]), whole, "split at {split}");
        }
        let single_bytes: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(run_floor(&single_bytes), whole);
        assert_eq!(run_floor_simd(&single_bytes), whole);
        assert_eq!(run_floor_simd(&[text]), whole);
    }

    #[test]
    fn floor_counts_invalid_utf8() {
        assert_eq!(run_floor(&[b"a\xFFb\n"]).data_bytes, 1);
        // A truncated sequence at the very end of the stream is invalid too.
        assert_eq!(run_floor(&[b"a\xE6\x97"]).data_bytes, 1);
        // A sequence cut short by a byte that cannot continue it: one error, and the byte that
        // broke it is read again as ordinary input.
        let cut: &[&[u8]] = &[b"a\xE6", b"\x97\n\xFF"];
        assert_eq!(run_floor(cut), floor_outcome(1, 2));
        assert_eq!(run_floor_simd(cut), floor_outcome(1, 2));
        let broken: &[&[u8]] = &[b"\xE6", b"A\n"];
        assert_eq!(run_floor(broken), floor_outcome(1, 1));
    }

    #[test]
    fn differences_are_explained() {
        // sse-stream and eventsource-stream stop at invalid UTF-8; ssert decodes it to U+FFFD.
        let input: &[u8] = b"data: one\n\ndata: t\xFFo\n\ndata: three\n\n";
        let outcome = run_sse_stream(&[input]);
        assert!(outcome.stopped_by_error);
        assert!(outcome.events < run_ssert(&[input]).events);
        let why = explain_difference(Contender::SseStream, &[input]).expect("they differ");
        assert!(why.contains("ssert has 3"), "{why}");
        assert!(why.contains("stopped with an error"), "{why}");
        let why = explain_difference(Contender::EventsourceStream, &[input]).expect("differ");
        assert!(why.contains("stopped with an error"), "{why}");
        // An empty `event:` means "message" to every parser.
        let agreed: &[u8] = b"event:\ndata: x\n\nevent: a\ndata: y\n\n";
        assert_eq!(explain_difference(Contender::SseStream, &[agreed]), None);
        assert_eq!(
            explain_difference(Contender::EventsourceStream, &[agreed]),
            None
        );
    }

    #[test]
    fn every_parser_agrees_on_every_corpus_and_chunking() {
        for kind in CorpusKind::ALL {
            let input = kind.generate();
            for chunking in Chunking::ALL {
                let chunks = chunking.split(&input);
                let ssert = run_ssert(&chunks);
                assert!(ssert.events > 0);
                assert_eq!(
                    ssert,
                    run_ssert(&[&input]),
                    "{} {}",
                    kind.name(),
                    chunking.name()
                );
                assert_eq!(
                    ssert,
                    run_sse_stream(&chunks),
                    "sse-stream on {} {}",
                    kind.name(),
                    chunking.name()
                );
            }
        }
    }
}
