//! Writes the benchmark corpora and their chunkings to a directory, so the Node and Python
//! benchmarks parse exactly the bytes, cut exactly the way, that the Rust ones do.
//!
//! ```text
//! cargo run --release -p ssert-benches --bin gen-corpus -- DIR
//! ```
//!
//! Writes `DIR/<corpus>.sse` for every corpus and `DIR/manifest.json`:
//!
//! ```json
//! {"seed": "0x...", "fixed_chunk_len": 65536, "corpora": [
//!   {"name": "llm-tokens", "file": "llm-tokens.sse", "description": "...", "bytes": 4194365,
//!    "small_events": true, "events": 41234, "data_bytes": 2345678,
//!    "network_chunk_lens": [1017, 12, ...]}
//! ]}
//! ```
//!
//! `events` and `data_bytes` are what ssert-core finds in the corpus (events dispatched, sum of
//! their data lengths in UTF-8 bytes), so another benchmark can check its own parse.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use ssert_benches::{run_ssert, Chunking, CorpusKind, FIXED_CHUNK_LEN, SEED};

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                write!(out, "\\u{:04x}", u32::from(c)).expect("infallible");
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: gen-corpus DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {error}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut manifest = format!(
        "{{\"seed\": \"{SEED:#018x}\", \"fixed_chunk_len\": {FIXED_CHUNK_LEN}, \"corpora\": ["
    );
    for (index, kind) in CorpusKind::ALL.into_iter().enumerate() {
        let input = kind.generate();
        let file = format!("{}.sse", kind.name());
        if let Err(error) = std::fs::write(dir.join(&file), &input) {
            eprintln!("cannot write {file}: {error}");
            return ExitCode::FAILURE;
        }
        let outcome = run_ssert(&[&input]);
        let lens: Vec<String> = Chunking::Network
            .chunk_lens(input.len())
            .iter()
            .map(usize::to_string)
            .collect();
        if index > 0 {
            manifest.push(',');
        }
        write!(
            manifest,
            "\n  {{\"name\": {}, \"file\": {}, \"description\": {}, \"bytes\": {}, \
             \"small_events\": {}, \"events\": {}, \"data_bytes\": {}, \
             \"network_chunk_lens\": [{}]}}",
            json_string(kind.name()),
            json_string(&file),
            json_string(kind.description()),
            input.len(),
            kind.small_events(),
            outcome.events,
            outcome.data_bytes,
            lens.join(",")
        )
        .expect("infallible");
        println!(
            "{}: {} bytes, {} events, {} network chunks",
            dir.join(&file).display(),
            input.len(),
            outcome.events,
            lens.len()
        );
    }
    manifest.push_str("\n]}\n");
    if let Err(error) = std::fs::write(dir.join("manifest.json"), manifest) {
        eprintln!("cannot write manifest.json: {error}");
        return ExitCode::FAILURE;
    }
    println!("{}", dir.join("manifest.json").display());
    ExitCode::SUCCESS
}
