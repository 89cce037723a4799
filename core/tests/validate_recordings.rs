//! Runs every case of `testdata/recordings/manifest.json`: each recording is validated with
//! the case's options and the report must contain exactly the expected rule codes. The same
//! manifest drives the JS and Python suites.
//!
//! Also checked here: every rule has a failing and a passing case; reports do not depend on
//! how the body bytes are chunked (seeded random re-chunking, seed from `SSERT_CHUNK_SEED`);
//! JSON Lines and streaming record-by-record validation give the same report.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use ssert_core::validate::{validate, Chunk, Recording, Report, Rule, ValidateOptions, Validator};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/recordings")
}

struct Case {
    name: String,
    recording: Recording,
    options: ValidateOptions,
    expect: BTreeSet<String>,
    covers: BTreeSet<String>,
    not_checked: Option<BTreeSet<String>>,
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("string").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn load_cases() -> Vec<Case> {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    manifest["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let name = c["name"].as_str().expect("name").to_owned();
            let file = c["recording"].as_str().expect("recording");
            let text = std::fs::read_to_string(dir().join(file)).expect(file);
            let recording = if file.ends_with(".har") {
                Recording::from_har(&text)
            } else {
                Recording::from_json(&text)
            }
            .unwrap_or_else(|e| panic!("{name}: cannot load {file}: {e}"));
            let options = serde_json::from_value(c["options"].clone())
                .unwrap_or_else(|e| panic!("{name}: options: {e}"));
            Case {
                name,
                recording,
                options,
                expect: strings(&c["expect"]),
                covers: strings(&c["covers"]),
                not_checked: c.get("not_checked").map(strings),
            }
        })
        .collect()
}

fn codes(report: &Report) -> BTreeSet<String> {
    report.codes().into_iter().map(String::from).collect()
}

#[test]
fn every_case_reports_exactly_its_expected_codes() {
    let mut failures = Vec::new();
    for case in load_cases() {
        let report = validate(&case.recording, &case.options).expect("options");
        let got = codes(&report);
        if got != case.expect {
            failures.push(format!(
                "{}: expected {:?}, got {:?}\n{report}",
                case.name, case.expect, got
            ));
            continue;
        }
        if let Some(expected) = &case.not_checked {
            let got: BTreeSet<String> = report
                .not_checked
                .iter()
                .map(|n| n.rule.code().to_owned())
                .collect();
            if &got != expected {
                failures.push(format!(
                    "{}: not_checked expected {expected:?}, got {got:?}",
                    case.name
                ));
            }
        }
        let errors = report
            .findings
            .iter()
            .filter(|f| f.severity == ssert_core::validate::Severity::Error)
            .count();
        assert_eq!(report.passed, errors == 0, "{}: passed flag", case.name);
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_failing_and_a_passing_case() {
    let cases = load_cases();
    for rule in Rule::ALL {
        let code = rule.code();
        assert!(
            cases.iter().any(|c| c.expect.contains(code)),
            "no failing case for {rule}"
        );
        assert!(
            cases
                .iter()
                .any(|c| c.covers.contains(code) && !c.expect.contains(code)),
            "no passing case for {rule}"
        );
    }
    for case in &cases {
        for code in case.expect.iter().chain(&case.covers) {
            assert!(
                Rule::lookup(code).is_some(),
                "{}: unknown code {code}",
                case.name
            );
        }
    }
}

#[test]
fn case_names_are_unique_and_every_file_is_used() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("manifest.json")).unwrap())
            .unwrap();
    let mut names = BTreeSet::new();
    let mut files = BTreeSet::new();
    for c in manifest["cases"].as_array().unwrap() {
        assert!(
            names.insert(c["name"].as_str().unwrap().to_owned()),
            "duplicate case {}",
            c["name"]
        );
        files.insert(c["recording"].as_str().unwrap().to_owned());
    }
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let is_recording = [".json", ".jsonl", ".har"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if is_recording && name != "manifest.json" {
            assert!(files.contains(&name), "{name} is not used by any case");
        }
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n")
    }
}

fn seed() -> u64 {
    std::env::var("SSERT_CHUNK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            (now.as_secs() << 32) ^ u64::from(now.subsec_nanos()) | 1
        })
}

/// Splits every chunk into random pieces that keep the chunk's timestamp.
fn rechunk(recording: &Recording, rng: &mut Rng, one_byte: bool) -> Recording {
    let mut out = recording.clone();
    for conn in &mut out.connections {
        let mut chunks = Vec::new();
        for chunk in &conn.chunks {
            let mut rest = &chunk.data[..];
            while !rest.is_empty() {
                let n = if one_byte {
                    1
                } else {
                    1 + rng.below(rest.len().min(9))
                };
                chunks.push(Chunk {
                    t: chunk.t,
                    data: rest[..n].to_vec(),
                });
                rest = &rest[n..];
            }
        }
        conn.chunks = chunks;
    }
    out
}

#[test]
fn reports_do_not_depend_on_chunking() {
    let seed = seed();
    let mut rng = Rng(seed);
    for case in load_cases() {
        let whole =
            serde_json::to_string(&validate(&case.recording, &case.options).unwrap()).unwrap();
        for round in 0..4 {
            let rechunked = rechunk(&case.recording, &mut rng, round == 0);
            let report =
                serde_json::to_string(&validate(&rechunked, &case.options).unwrap()).unwrap();
            assert_eq!(
                whole, report,
                "{} (round {round}, SSERT_CHUNK_SEED={seed})",
                case.name
            );
        }
    }
}

#[test]
fn json_lines_and_streaming_records_give_the_same_report() {
    for case in load_cases() {
        let whole =
            serde_json::to_string(&validate(&case.recording, &case.options).unwrap()).unwrap();
        let lines = case.recording.to_json_lines();
        let reread = Recording::from_json(&lines).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(
            reread, case.recording,
            "{}: JSON Lines round trip",
            case.name
        );
        let document = Recording::from_json(&case.recording.to_json()).unwrap();
        assert_eq!(document, case.recording, "{}: JSON round trip", case.name);
        let mut v = Validator::new(&case.options).unwrap();
        for line in lines.lines() {
            let record = serde_json::from_str(line).unwrap();
            v.record(&record).unwrap();
        }
        let streamed = serde_json::to_string(&v.finish()).unwrap();
        assert_eq!(whole, streamed, "{}: streaming validation", case.name);
        let mut v = Validator::new(&case.options).unwrap();
        for line in lines.lines() {
            v.record_json(line).unwrap();
        }
        assert_eq!(
            whole,
            v.finish().to_json(),
            "{}: streaming JSON lines",
            case.name
        );
    }
}

#[test]
fn rendering_reads_like_a_compiler_diagnostic() {
    let case = load_cases()
        .into_iter()
        .find(|c| c.name == "field-name-case")
        .unwrap();
    let report = validate(&case.recording, &case.options).unwrap();
    let text = report.to_string();
    assert!(
        text.contains("error[SSE208 field-name-case]: field name \"Data\" is not `data`"),
        "{text}"
    );
    assert!(text.contains("  --> connection 0, byte 6\n"), "{text}");
    assert!(text.contains("   | Data: a\n"), "{text}");
    assert!(text.ends_with("FAIL: 1 error(s), 0 warning(s), 0 info; 1 connection(s), 0 reconnect(s), 1 event(s), 23 byte(s); first event 10ms; gaps -\n"), "{text}");
}

#[test]
fn unknown_options_and_bad_grammars_are_rejected() {
    let typo: Result<ValidateOptions, _> =
        serde_json::from_str(r#"{"heartbeat": {"max_silence": 5}}"#);
    assert!(typo.is_err());
    let bad_rule: ValidateOptions = serde_json::from_str(r#"{"disable": ["SSE999"]}"#).unwrap();
    assert!(Validator::new(&bad_rule)
        .unwrap_err()
        .message
        .contains("SSE999"));
    let bad_grammar: ValidateOptions =
        serde_json::from_str(r#"{"grammar": {"pattern": "a (b"}}"#).unwrap();
    assert!(Validator::new(&bad_grammar)
        .unwrap_err()
        .message
        .contains("unclosed"));
}

#[test]
fn recording_format_errors_are_reported() {
    assert!(Recording::from_json(r#"{"format":"other","version":1}"#)
        .unwrap_err()
        .message
        .contains("format"));
    assert!(
        Recording::from_json(r#"{"format":"ssert-recording","version":2}"#)
            .unwrap_err()
            .message
            .contains("version")
    );
    let bad_chunk = r#"{"format":"ssert-recording","version":1,"connections":[{"request":{},"chunks":[{"t":0,"data":"!!"}]}]}"#;
    assert!(Recording::from_json(bad_chunk)
        .unwrap_err()
        .message
        .contains("base64"));
    let lines = "{\"type\":\"header\",\"format\":\"ssert-recording\",\"version\":1}\n{\"type\":\"chunk\",\"t\":0,\"text\":\"x\"}\n";
    let err = Recording::from_json(lines).unwrap_err();
    assert_eq!(err.line, Some(2));
    let mut v = Validator::new(&ValidateOptions::default()).unwrap();
    assert!(v.record_json("{\"type\":\"chunk\"").is_err());
    let header = r#"{"type":"header","format":"ssert-recording","version":9}"#;
    assert!(v
        .record_json(header)
        .unwrap_err()
        .message
        .contains("version 9"));
}

#[test]
fn readme_documents_every_rule() {
    let readme = std::fs::read_to_string(dir().join("README.md")).unwrap();
    for rule in Rule::ALL {
        let row = format!(
            "| {} | {} | {} |",
            rule.code(),
            rule.name(),
            rule.default_severity()
        );
        assert!(
            readme.contains(&row),
            "README.md has no row starting {row:?}"
        );
    }
}

#[test]
fn validate_json_gives_the_same_report_for_every_case() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("manifest.json")).unwrap())
            .unwrap();
    for (c, case) in manifest["cases"]
        .as_array()
        .unwrap()
        .iter()
        .zip(load_cases())
    {
        let text = std::fs::read_to_string(dir().join(c["recording"].as_str().unwrap())).unwrap();
        let json = ssert_core::validate::validate_json(&text, &c["options"].to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let report = validate(&case.recording, &case.options).unwrap();
        assert_eq!(json, report.to_json(), "{}", case.name);
    }
    let err = ssert_core::validate::validate_json("{}", "").unwrap_err();
    assert!(err.to_string().starts_with("invalid recording"), "{err}");
    let ok = r#"{"format":"ssert-recording","version":1}"#;
    let err = ssert_core::validate::validate_json(ok, r#"{"profile":"nope"}"#).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}
