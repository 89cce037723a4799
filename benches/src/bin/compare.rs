//! Side-by-side comparison: ssert-core, `sse-stream`, `eventsource-stream` and the floor loop on
//! every corpus x chunking, in one process, printing MB/s, events/s and the ratios.
//!
//! ```text
//! cargo run --release -p ssert-benches --bin compare -- [--seconds S] [--corpus NAME] [--check]
//! ```
//!
//! The machine this runs on is usually shared, so each contender runs in short rounds,
//! round-robin with the others, and the fastest round is reported: interference only ever
//! slows a round down, so the best round is the closest to the contender's real speed.
//! `--check` exits with status 1 when a performance target is missed or the parsers disagree
//! on what the corpus contains.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use ssert_benches::{Chunking, Contender, CorpusKind, Outcome};

/// The length of one measuring round.
const ROUND: Duration = Duration::from_millis(200);

struct Options {
    seconds: f64,
    corpus: Option<String>,
    check: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        seconds: 2.0,
        corpus: None,
        check: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a value")?;
                options.seconds = value
                    .parse()
                    .map_err(|_| format!("--seconds: not a number: {value}"))?;
            }
            "--corpus" => options.corpus = Some(args.next().ok_or("--corpus needs a name")?),
            "--check" => options.check = true,
            "-h" | "--help" => {
                return Err(
                    "usage: compare [--seconds S (per contender and case, default 2)] \
                     [--corpus NAME] [--check]"
                        .into(),
                )
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(options)
}

/// What one contender did on one corpus x chunking.
struct Measurement {
    contender: Contender,
    outcome: Outcome,
    /// Best round: bytes per second.
    bytes_per_sec: f64,
    rounds: usize,
}

fn measure(chunks: &[&[u8]], total_bytes: usize, seconds: f64) -> Vec<Measurement> {
    // One untimed run each: warms caches and the allocator, and gives the outcome.
    let mut results: Vec<Measurement> = Contender::ALL
        .iter()
        .map(|&contender| Measurement {
            contender,
            outcome: contender.run(chunks),
            bytes_per_sec: 0.0,
            rounds: 0,
        })
        .collect();
    let budget = Duration::from_secs_f64(seconds);
    let mut spent = vec![Duration::ZERO; results.len()];
    while spent.iter().any(|s| *s < budget) || results.iter().any(|r| r.rounds < 2) {
        for (result, spent) in results.iter_mut().zip(spent.iter_mut()) {
            if *spent >= budget && result.rounds >= 2 {
                continue;
            }
            let start = Instant::now();
            let mut runs = 0u32;
            while start.elapsed() < ROUND || runs == 0 {
                std::hint::black_box(result.contender.run(std::hint::black_box(chunks)));
                runs += 1;
            }
            let elapsed = start.elapsed();
            *spent += elapsed;
            result.rounds += 1;
            let rate = total_bytes as f64 * f64::from(runs) / elapsed.as_secs_f64();
            result.bytes_per_sec = result.bytes_per_sec.max(rate);
        }
    }
    results
}

/// A target the lead set for ssert, checked on every case it applies to.
struct TargetCheck {
    case: String,
    what: &'static str,
    ratio: f64,
    needed: f64,
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    println!(
        "ssert side-by-side comparison: best of {}ms rounds, ~{}s per contender and case; \
         MB = 10^6 bytes",
        ROUND.as_millis(),
        options.seconds
    );
    println!(
        "{:<14} {:<4} {:<19} {:>9} {:>12} {:>8}  agreement with ssert",
        "corpus", "chunks", "contender", "MB/s", "events/s", "ssert/x"
    );
    let mut targets = Vec::new();
    let mut informative = Vec::new();
    let mut disagreements = 0;
    for kind in CorpusKind::ALL {
        if options
            .corpus
            .as_deref()
            .is_some_and(|name| name != kind.name())
        {
            continue;
        }
        let input = kind.generate();
        for chunking in Chunking::ALL {
            let chunks = chunking.split(&input);
            let results = measure(&chunks, input.len(), options.seconds);
            let ssert = &results[0];
            debug_assert_eq!(ssert.contender, Contender::Ssert);
            let events_per_byte = ssert.outcome.events as f64 / input.len() as f64;
            for result in &results {
                let ratio = ssert.bytes_per_sec / result.bytes_per_sec;
                let agreement = match result.contender {
                    Contender::Ssert => format!(
                        "{} events, {} data bytes",
                        ssert.outcome.events, ssert.outcome.data_bytes
                    ),
                    Contender::Floor | Contender::FloorSimd => format!(
                        "(not a parser: {} CR/LF bytes, {} invalid UTF-8)",
                        result.outcome.events, result.outcome.data_bytes
                    ),
                    _ if result.outcome == ssert.outcome => "same events and data".to_string(),
                    _ => {
                        disagreements += 1;
                        format!(
                            "WARNING: {} events / {} data bytes (ssert: {} / {}); {}",
                            result.outcome.events,
                            result.outcome.data_bytes,
                            ssert.outcome.events,
                            ssert.outcome.data_bytes,
                            ssert_benches::explain_difference(result.contender, &chunks)
                                .unwrap_or_else(|| "same event types and data".into())
                        )
                    }
                };
                let events_per_sec = match result.contender {
                    // The floor loops dispatch nothing.
                    Contender::Floor | Contender::FloorSimd => "-".to_string(),
                    _ => format!("{:.0}", result.bytes_per_sec * events_per_byte),
                };
                println!(
                    "{:<14} {:<4} {:<19} {:>9.1} {:>12} {:>8}  {}",
                    kind.name(),
                    chunking.name(),
                    result.contender.name(),
                    result.bytes_per_sec / 1e6,
                    events_per_sec,
                    if result.contender == Contender::Ssert {
                        "-".to_string()
                    } else {
                        format!("{ratio:.2}x")
                    },
                    agreement
                );
                let case = format!("{}/{}", kind.name(), chunking.name());
                match result.contender {
                    Contender::SseStream => targets.push(TargetCheck {
                        case,
                        what: "ssert/sse-stream",
                        ratio,
                        needed: if kind.small_events() { 1.5 } else { 1.0 },
                    }),
                    Contender::Floor if chunking == Chunking::Fixed64K => {
                        targets.push(TargetCheck {
                            case,
                            what: "ssert/floor",
                            ratio,
                            needed: 0.5,
                        })
                    }
                    Contender::FloorSimd if chunking == Chunking::Fixed64K => {
                        informative.push(format!(
                            "  info {case:<20} ssert/floor-simd  {ratio:>5.2}x \
                             (the floor with ssert's own SIMD UTF-8 validator)"
                        ))
                    }
                    _ => {}
                }
            }
        }
    }
    println!();
    println!("targets:");
    let mut missed = 0;
    for target in &targets {
        let met = target.ratio >= target.needed;
        missed += usize::from(!met);
        println!(
            "  {:<4} {:<20} {:<17} {:>5.2}x (needs >= {:.2}x)",
            if met { "ok" } else { "MISS" },
            target.case,
            target.what,
            target.ratio,
            target.needed
        );
    }
    for line in &informative {
        println!("{line}");
    }
    println!(
        "{} of {} targets met; {} disagreement(s) between parsers",
        targets.len() - missed,
        targets.len(),
        disagreements
    );
    if options.check && (missed > 0 || disagreements > 0) {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
