//! Property tests of the validator: a generated well-behaved session (random integer ids,
//! reconnects at random points, correct resume, random chunking) has no findings; injecting
//! one lost event, one duplicate, one wrong resume or one late heartbeat yields exactly the
//! matching finding.

use proptest::prelude::*;
use ssert_core::validate::{
    validate, Chunk, Connection, End, EndKind, ExpectedEvent, IdOrderKind, Profile, Recording,
    Report, Request, Response, ValidateOptions,
};

const RETRY_MS: u64 = 1000;

/// Cases per property: `PROPTEST_CASES` for a deeper run, else the given default.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
const MAX_SILENCE_MS: u64 = 30_000;

/// How a generated session is damaged.
#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    /// The server skips one event in the middle of a connection.
    Lost,
    /// The server sends one event twice in a row.
    Duplicate,
    /// The server resumes one event too late or too early after a reconnect.
    WrongResume {
        too_early: bool,
    },
    /// One silence longer than the heartbeat limit.
    LateHeartbeat,
}

/// Deterministic choices from one seed (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n")
    }
}

fn good_headers() -> Vec<(String, String)> {
    vec![
        ("content-type".into(), "text/event-stream".into()),
        ("cache-control".into(), "no-cache".into()),
        ("x-accel-buffering".into(), "no".into()),
    ]
}

/// Ids per connection: `first..first+total` cut at `cuts`, then the fault applied. Returns the
/// connections' id lists.
fn plan(
    first: u64,
    total: usize,
    cuts: &[usize],
    fault: Fault,
    rng: &mut Rng,
) -> Option<Vec<Vec<u64>>> {
    let ids: Vec<u64> = (first..first + total as u64).collect();
    let mut conns = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&total)) {
        conns.push(ids[start..cut].to_vec());
        start = cut;
    }
    match fault {
        Fault::None | Fault::LateHeartbeat => {}
        Fault::Lost => {
            // An event with neighbours in its own connection.
            let candidates: Vec<(usize, usize)> = conns
                .iter()
                .enumerate()
                .flat_map(|(c, ids)| (1..ids.len().saturating_sub(1)).map(move |i| (c, i)))
                .collect();
            if candidates.is_empty() {
                return None;
            }
            let (c, i) = candidates[rng.below(candidates.len())];
            conns[c].remove(i);
        }
        Fault::Duplicate => {
            let c = rng.below(conns.len());
            let i = rng.below(conns[c].len());
            let id = conns[c][i];
            conns[c].insert(i + 1, id);
        }
        Fault::WrongResume { too_early } => {
            if conns.len() < 2 {
                return None;
            }
            let c = 1 + rng.below(conns.len() - 1);
            if too_early {
                // Re-sends the last event the client already had.
                let last = *conns[c - 1].last()?;
                conns[c].insert(0, last);
            } else {
                // Skips the event the client needed next (keep the connection non-empty).
                if conns[c].len() < 2 {
                    return None;
                }
                conns[c].remove(0);
            }
        }
    }
    Some(conns)
}

/// A recording of the planned connections: one chunk per event, split at random points.
/// Also returns how many ids went out as id-only checkpoints (no event).
fn record(conns: &[Vec<u64>], fault: Fault, rng: &mut Rng) -> (Recording, u64) {
    let mut checkpoints = 0;
    let mut t = 0;
    let mut connections = Vec::new();
    let mut last_id: Option<u64> = None;
    let late_at = (rng.below(conns.len()), 1 + rng.below(3));
    let count = conns.len();
    for (c, ids) in conns.iter().enumerate() {
        let mut headers = vec![("accept".to_owned(), "text/event-stream".to_owned())];
        if let Some(id) = last_id {
            headers.push(("last-event-id".into(), id.to_string()));
        }
        let request = Request {
            method: "GET".into(),
            url: "http://127.0.0.1/events".into(),
            headers: Some(headers),
            t,
        };
        t += rng.range(1, 20);
        let response = Response {
            status: 200,
            headers: good_headers(),
            t: Some(t),
        };
        let mut chunks = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let late = matches!(fault, Fault::LateHeartbeat) && (c, i) == late_at;
            t += if late {
                MAX_SILENCE_MS + rng.range(1, 5000)
            } else {
                rng.range(1, 2000)
            };
            let retry = if c == 0 && i == 0 {
                format!("retry: {RETRY_MS}\n")
            } else {
                String::new()
            };
            let comment = if rng.below(4) == 0 {
                ": keep-alive\n\n"
            } else {
                ""
            };
            // Now and then an id-only block: it sets the last event id without an event. Not
            // for a repeat of the id just before: that checkpoint repeats nothing.
            let body = if i > 0 && ids[i - 1] != *id && rng.below(12) == 0 {
                checkpoints += 1;
                format!("{comment}{retry}id: {id}\n\n")
            } else {
                format!("{comment}{retry}id: {id}\ndata: payload {id}\n\n")
            }
            .into_bytes();
            let mut rest = &body[..];
            while !rest.is_empty() {
                let n = 1 + rng.below(rest.len());
                chunks.push(Chunk {
                    t,
                    data: rest[..n].to_vec(),
                });
                rest = &rest[n..];
            }
        }
        t += rng.range(1, 100);
        let kind = if c + 1 == count {
            EndKind::ClientClosed
        } else {
            EndKind::NetworkError
        };
        // Sometimes the connection breaks inside the next event: the client discards it, keeps
        // its last id, and the server sends that event again after the reconnect.
        if kind == EndKind::NetworkError && rng.below(3) == 0 {
            if let Some(next) = conns.get(c + 1).and_then(|n| n.first()) {
                chunks.push(Chunk {
                    t,
                    data: format!("id: {next}\ndata: cut short").into_bytes(),
                });
                t += 1;
            }
        }
        connections.push(Connection {
            request,
            response: Some(response),
            chunks,
            end: Some(End {
                kind,
                t,
                message: None,
            }),
        });
        // An EventSource's last event id: the last id it received (kept across connections).
        last_id = ids.last().copied().or(last_id);
        t += RETRY_MS + rng.range(0, 2000);
    }
    (
        Recording {
            connections,
            ..Recording::default()
        },
        checkpoints,
    )
}

fn options() -> ValidateOptions {
    let mut o = ValidateOptions::default();
    o.ids.consecutive = Some(true);
    o.retry.required = Some(true);
    o.heartbeat.max_silence_ms = Some(MAX_SILENCE_MS);
    o
}

/// A generated session, its report, and how many of its ids were id-only checkpoints.
fn session(
    seed: u64,
    total: usize,
    cut_count: usize,
    fault: Fault,
) -> Option<(Recording, Report, u64)> {
    let mut rng = Rng(seed | 1);
    let first = rng.range(0, 1_000_000);
    let mut cuts: Vec<usize> = (0..cut_count).map(|_| 1 + rng.below(total - 1)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let conns = plan(first, total, &cuts, fault, &mut rng)?;
    let (recording, checkpoints) = record(&conns, fault, &mut rng);
    let report = validate(&recording, &options()).expect("options");
    Some((recording, report, checkpoints))
}

fn assert_exactly(report: &Report, code: &str) -> Result<(), TestCaseError> {
    let codes: Vec<_> = report.findings.iter().map(|f| f.rule.code()).collect();
    prop_assert_eq!(codes, vec![code], "{}", report);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), ..ProptestConfig::default() })]

    #[test]
    fn well_behaved_sessions_have_no_findings(seed in any::<u64>(), total in 2usize..60, cuts in 0usize..6) {
        let (_, report, checkpoints) = session(seed, total, cuts, Fault::None).expect("no fault to place");
        prop_assert!(report.findings.is_empty(), "{}", report);
        prop_assert!(report.passed);
        prop_assert_eq!(report.stats.events + checkpoints, total as u64);
    }

    #[test]
    fn one_lost_event_is_one_finding(seed in any::<u64>(), total in 3usize..60, cuts in 0usize..6) {
        if let Some((_, report, _)) = session(seed, total, cuts, Fault::Lost) {
            assert_exactly(&report, "SSE404")?;
        }
    }

    #[test]
    fn one_duplicate_is_one_finding(seed in any::<u64>(), total in 2usize..60, cuts in 0usize..6) {
        let (_, report, _) = session(seed, total, cuts, Fault::Duplicate).expect("always placeable");
        assert_exactly(&report, "SSE303")?;
    }

    #[test]
    fn one_wrong_resume_is_one_finding(seed in any::<u64>(), total in 3usize..60, cuts in 1usize..6, too_early in any::<bool>()) {
        if let Some((_, report, _)) = session(seed, total, cuts, Fault::WrongResume { too_early }) {
            assert_exactly(&report, "SSE402")?;
        }
    }

    #[test]
    fn one_late_heartbeat_is_one_finding(seed in any::<u64>(), total in 4usize..60, cuts in 0usize..3) {
        if let Some((recording, report, _)) = session(seed, total, cuts, Fault::LateHeartbeat) {
            // The late chunk exists only if its connection has enough events.
            let late = recording.connections.iter().any(|c| {
                c.chunks.windows(2).any(|w| w[1].t - w[0].t > MAX_SILENCE_MS)
            });
            if late {
                assert_exactly(&report, "SSE305")?;
            } else {
                prop_assert!(report.findings.is_empty(), "{}", report);
            }
        }
    }
}

/// Bodies made of SSE-ish fragments and arbitrary bytes, so the parser and every rule meet
/// real structure as well as garbage.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop_oneof![
        Just(b"data: x\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"id: 1\n".to_vec()),
        Just(b"id: 2\n".to_vec()),
        Just(b"id\n".to_vec()),
        Just(b"event: message_start\n".to_vec()),
        Just(b"data: {\"type\":\"ping\"}\n".to_vec()),
        Just(b"data: [DONE]\n".to_vec()),
        Just(b"retry: 5\n".to_vec()),
        Just(b"retry: x\n".to_vec()),
        Just(b": c\n".to_vec()),
        Just(b"Data: y\n".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(b"\xe2\x82".to_vec()),
        Just(b"id: a\0b\n".to_vec()),
        Just(b"id:  7\t\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..12),
    ];
    proptest::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat())
}

fn arbitrary_connection() -> impl Strategy<Value = Connection> {
    (
        any::<u16>(),
        prop_oneof![Just(200u16), Just(204), any::<u16>()],
        proptest::option::of(prop_oneof![
            Just("1".to_owned()),
            Just("2".to_owned()),
            Just(String::new())
        ]),
        body(),
        proptest::collection::vec(0usize..64, 0..6),
        0u8..5,
        any::<bool>(),
    )
        .prop_map(|(t0, status, last_id, body, cuts, end, headers_seen)| {
            let t0 = u64::from(t0);
            let mut chunks = Vec::new();
            let mut rest = &body[..];
            for (i, cut) in cuts.iter().enumerate() {
                let n = (*cut).min(rest.len());
                chunks.push(Chunk {
                    t: t0 + i as u64 * 7000,
                    data: rest[..n].to_vec(),
                });
                rest = &rest[n..];
            }
            chunks.push(Chunk {
                t: t0 + 50_000,
                data: rest.to_vec(),
            });
            let mut headers = vec![("accept".to_owned(), "text/event-stream".to_owned())];
            if let Some(id) = last_id {
                headers.push(("last-event-id".into(), id));
            }
            let end = match end {
                0 => None,
                1 => Some(EndKind::Eof),
                2 => Some(EndKind::ClientClosed),
                3 => Some(EndKind::NetworkError),
                _ => Some(EndKind::Timeout),
            };
            Connection {
                request: Request {
                    t: t0,
                    headers: headers_seen.then_some(headers),
                    ..Request::default()
                },
                response: (status != 0).then(|| Response {
                    status,
                    headers: good_headers(),
                    t: Some(t0 + 1),
                }),
                chunks,
                end: end.map(|kind| End {
                    kind,
                    t: t0 + 60_000,
                    message: None,
                }),
            }
        })
}

fn arbitrary_options() -> impl Strategy<Value = ValidateOptions> {
    let profile = proptest::option::of(prop_oneof![
        Just(Profile::OpenAiChat),
        Just(Profile::OpenAiResponses),
        Just(Profile::AnthropicMessages),
        Just(Profile::Mcp),
        Just(Profile::Mcp20250326),
    ]);
    let order = proptest::option::of(prop_oneof![
        Just(IdOrderKind::Integer),
        Just(IdOrderKind::Lexicographic),
        Just(IdOrderKind::Ulid),
        Just(IdOrderKind::Uuid7),
        Just(IdOrderKind::None),
    ]);
    (profile, order, any::<bool>(), 8usize..64, any::<bool>()).prop_map(
        |(profile, order, consecutive, limit, log)| {
            let mut o = ValidateOptions {
                profile,
                ..ValidateOptions::default()
            };
            o.ids.order = order;
            o.ids.consecutive = Some(consecutive);
            o.limits.max_line_len = Some(limit);
            o.limits.max_event_size = Some(limit);
            o.window.ids = Some(3);
            o.window.findings = Some(if log { 5 } else { 1000 });
            o.grammar.pattern = (!log).then(|| "(message | message_start)* message?".to_owned());
            o.enable.push("data-json".into());
            o
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    /// Whatever the recording and options, validation finishes, deterministically.
    #[test]
    fn arbitrary_sessions_never_panic(
        connections in proptest::collection::vec(arbitrary_connection(), 0..4),
        options in arbitrary_options(),
        with_log in any::<bool>(),
    ) {
        let expected = with_log.then(|| {
            ["1", "2", "3"].iter().map(|id| ExpectedEvent { id: (*id).into(), ..ExpectedEvent::default() }).collect()
        });
        let recording = Recording { connections, expected, ..Recording::default() };
        let first = validate(&recording, &options).expect("options");
        let second = validate(&recording, &options).expect("options");
        prop_assert_eq!(&first, &second);
        prop_assert!(!first.to_string().is_empty());
    }
}
