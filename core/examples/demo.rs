//! Feeds `testdata/demo/sample.sse` to a [`Parser`] in deliberately awkward chunks — through
//! the BOM, between a CR and its LF, inside a 4-byte UTF-8 character — and prints every chunk,
//! then every call the sink received, in order: events, retries, comments, errors and the
//! diagnostic trace. Then it checks the calls are the same as when the file is fed whole.
//!
//! ```text
//! cargo run -p ssert-core --example demo [-- path/to/stream.sse]
//! ```

use std::fmt::Write as _;
use std::process::ExitCode;

use ssert_core::{Error, Event, LineKind, OwnedEvent, Parser, Sink, Terminator, Trace};

/// One sink call, owned, with the chunk being fed when it arrived (`None`: during `finish`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Call {
    Event(OwnedEvent),
    Retry(u64),
    Comment(String),
    Error(Error),
    Trace(Trace),
}

#[derive(Default)]
struct Recorder {
    chunk: Option<usize>,
    calls: Vec<(Option<usize>, Call)>,
}

impl Recorder {
    fn push(&mut self, call: Call) {
        self.calls.push((self.chunk, call));
    }
}

impl Sink for Recorder {
    fn event(&mut self, event: Event<'_>) {
        self.push(Call::Event(event.to_owned()));
    }
    fn retry(&mut self, millis: u64) {
        self.push(Call::Retry(millis));
    }
    fn comment(&mut self, text: &str) {
        self.push(Call::Comment(text.to_owned()));
    }
    fn error(&mut self, error: Error) {
        self.push(Call::Error(error));
    }
    fn trace(&mut self, record: Trace) {
        self.push(Call::Trace(record));
    }
}

/// Bytes as readable text: printable ASCII as is, `\r` `\n` escaped, anything else as `\xNN`.
fn show_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7E => out.push(char::from(b)),
            _ => write!(out, "\\x{b:02X}").expect("writing to a String cannot fail"),
        }
    }
    out
}

fn show_terminator(terminator: Terminator) -> &'static str {
    match terminator {
        Terminator::Cr => "CR",
        Terminator::Lf => "LF",
        Terminator::CrLf => "CRLF",
        Terminator::Eof => "EOF",
    }
}

fn show_call(call: &Call) -> (&'static str, String) {
    match call {
        Call::Event(event) => (
            "EVENT",
            format!(
                "type={:?} data={:?} id={:?} retry={:?} bytes {}..{}",
                event.event_type(),
                event.data,
                event.id,
                event.retry,
                event.span.start,
                event.span.end
            ),
        ),
        Call::Retry(millis) => ("retry", format!("{millis} ms")),
        Call::Comment(text) => ("comment", format!("{text:?}")),
        Call::Error(error) => (
            "ERROR",
            format!(
                "{} at byte {}: {}",
                error.code(),
                error.offset(),
                error.kind().message()
            ),
        ),
        Call::Trace(Trace::Line(line)) => {
            let kind = match line.kind {
                LineKind::Blank => "blank line (ends the block)".to_string(),
                LineKind::Comment => "comment line".to_string(),
                LineKind::Field(name) => format!("{} field", format!("{name:?}").to_lowercase()),
                LineKind::Oversized => "oversized line (skipped)".to_string(),
            };
            (
                "trace",
                format!(
                    "line {:>3}..{:<3} {:<4} {kind}",
                    line.start,
                    line.end,
                    show_terminator(line.terminator)
                ),
            )
        }
        Call::Trace(Trace::Bom { offset }) => ("trace", format!("BOM stripped at byte {offset}")),
        Call::Trace(Trace::DiscardedTail { start, end }) => (
            "trace",
            format!("tail {start}..{end} discarded at end of stream"),
        ),
        Call::Trace(Trace::IgnoredId { offset }) => (
            "trace",
            format!("id field at byte {offset} ignored (contains U+0000)"),
        ),
        Call::Trace(Trace::InvalidRetry { offset }) => (
            "trace",
            format!("retry field at byte {offset} ignored (not all ASCII digits)"),
        ),
    }
}

/// Chunk boundaries that cut through the places a naive parser breaks: inside the BOM, between
/// the CR and the LF of a CRLF, and inside the 4-byte emoji. Found in the input, so an edited
/// sample still gets awkward cuts (a cut whose spot is missing is left out).
fn awkward_cuts(input: &[u8]) -> Vec<usize> {
    let find = |needle: &[u8]| input.windows(needle.len()).position(|w| w == needle);
    let mut cuts = Vec::new();
    if input.starts_with(b"\xEF\xBB\xBF") {
        cuts.push(2);
    }
    if let Some(at) = find(b"2500\r\n") {
        cuts.push(at + 5);
    }
    if let Some(at) = find(b"\xF0\x9F\x99\x82") {
        cuts.push(at + 2);
    }
    if let Some(at) = find(b"{\"step\"") {
        cuts.push(at + 4);
    }
    if let Some(at) = find(b"never") {
        cuts.push(at);
    }
    cuts.retain(|&cut| cut > 0 && cut < input.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

fn main() -> ExitCode {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/demo/sample.sse").to_string()
    });
    let input = match std::fs::read(&path) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut bounds = vec![0];
    bounds.extend(awkward_cuts(&input));
    bounds.push(input.len());
    let chunks: Vec<&[u8]> = bounds.windows(2).map(|w| &input[w[0]..w[1]]).collect();

    println!(
        "ssert demo: {path} ({} bytes) in {} chunks",
        input.len(),
        chunks.len()
    );
    println!();
    println!("chunk  bytes     content");
    for (index, (chunk, start)) in chunks.iter().zip(&bounds).enumerate() {
        println!(
            "{index:>5}  {:>3}..{:<4} {}",
            start,
            start + chunk.len(),
            show_bytes(chunk)
        );
    }

    let mut parser = Parser::new();
    let mut chunked = Recorder::default();
    for (index, chunk) in chunks.iter().enumerate() {
        chunked.chunk = Some(index);
        parser.feed(chunk, &mut chunked);
    }
    chunked.chunk = None;
    parser.finish(&mut chunked);

    println!();
    println!("during    call     details");
    for (chunk, call) in &chunked.calls {
        let during = chunk.map_or("finish".to_string(), |index| format!("chunk {index}"));
        let (name, details) = show_call(call);
        println!("{during:<9} {name:<8} {details}");
    }

    let events = chunked
        .calls
        .iter()
        .filter(|(_, call)| matches!(call, Call::Event(_)))
        .count();
    let errors = chunked
        .calls
        .iter()
        .filter(|(_, call)| matches!(call, Call::Error(_)))
        .count();
    println!();
    println!(
        "{events} events, {errors} error(s); last event id {:?} and reconnection time {:?} \
         (what a reconnect would use)",
        parser.last_event_id(),
        parser.reconnection_time()
    );

    let mut whole_parser = Parser::new();
    let mut whole = Recorder::default();
    whole_parser.feed(&input, &mut whole);
    whole_parser.finish(&mut whole);
    let calls = |recorder: &Recorder| -> Vec<Call> {
        recorder
            .calls
            .iter()
            .map(|(_, call)| call.clone())
            .collect()
    };
    if calls(&whole) == calls(&chunked) {
        println!(
            "fed whole: the same {} sink calls in the same order",
            whole.calls.len()
        );
        ExitCode::SUCCESS
    } else {
        println!("MISMATCH: fed whole, the sink received different calls:");
        for (_, call) in &whole.calls {
            let (name, details) = show_call(call);
            println!("          {name:<8} {details}");
        }
        ExitCode::FAILURE
    }
}
