//! Protocol profile details the shared manifest (testdata/recordings) cannot express: finding
//! severities and messages, and resumes signalled by a header rather than the URL.

use ssert_core::validate::{
    End, EndKind, Profile, Report, Request, Response, Rule, Severity, ValidateOptions, Validator,
};

struct Conn<'a> {
    method: &'a str,
    url: &'a str,
    last_event_id: Option<&'a str>,
    body: &'a [&'a str],
    end: EndKind,
}

fn run(profile: Profile, conns: &[Conn<'_>]) -> Report {
    let options = ValidateOptions {
        profile: Some(profile),
        ..ValidateOptions::default()
    };
    run_with(&options, conns)
}

/// The connections one after the other, 1 s apart: each answered 200 with an event stream,
/// its body in one chunk per item.
fn run_with(options: &ValidateOptions, conns: &[Conn<'_>]) -> Report {
    let mut v = Validator::new(options).unwrap();
    let mut t = 0;
    for c in conns {
        let mut headers = vec![(
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        )];
        if let Some(id) = c.last_event_id {
            headers.push(("last-event-id".into(), id.into()));
        }
        v.request(&Request {
            method: c.method.into(),
            url: c.url.into(),
            headers: Some(headers),
            t,
        });
        v.response(&Response {
            status: 200,
            headers: vec![
                ("content-type".into(), "text/event-stream".into()),
                ("cache-control".into(), "no-cache".into()),
                ("x-accel-buffering".into(), "no".into()),
            ],
            t: Some(t + 1),
        });
        for (i, text) in c.body.iter().enumerate() {
            v.chunk(t + 10 + i as u64, text.as_bytes());
        }
        t += 10 + c.body.len() as u64;
        v.end(&End {
            kind: c.end,
            t,
            message: None,
        });
        t += 1000;
    }
    v.finish()
}

fn one(profile: Profile, method: &str, body: &[&str]) -> Report {
    run(
        profile,
        &[Conn {
            method,
            url: "http://127.0.0.1:8080/x",
            last_event_id: None,
            body,
            end: EndKind::Eof,
        }],
    )
}

#[test]
fn anthropic_unknown_event_type_is_an_info_note() {
    let report = one(
        Profile::AnthropicMessages,
        "POST",
        &[
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n",
            "event: message_annotation\ndata: {\"type\":\"message_annotation\"}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ],
    );
    assert!(report.passed, "{report}");
    assert_eq!(report.findings.len(), 1, "{report}");
    assert_eq!(report.findings[0].rule, Rule::EventType);
    assert_eq!(report.findings[0].severity, Severity::Info);
}

#[test]
fn responses_stream_resumed_with_last_event_id_may_start_mid_way() {
    let delta = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":7,\"delta\":\"x\"}\n\n";
    let done = "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":8}\n\n";
    let resumed = |body: &[&str]| {
        run(
            Profile::OpenAiResponses,
            &[Conn {
                method: "GET",
                url: "http://127.0.0.1:8080/v1/responses/resp_1?stream=true",
                last_event_id: Some("6"),
                body,
                end: EndKind::Eof,
            }],
        )
    };
    let report = resumed(&[delta, done]);
    assert!(report.findings.is_empty(), "{report}");
    let report = resumed(&[delta]);
    assert_eq!(report.codes(), ["SSE309"], "{report}");
    // Without a resume signal the stream must start at the beginning.
    let report = one(Profile::OpenAiResponses, "GET", &[delta, done]);
    assert_eq!(report.codes(), ["SSE309"], "{report}");
}

#[test]
fn mcp_request_with_null_id_is_one_payload_finding() {
    let report = one(
        Profile::Mcp20250618,
        "POST",
        &[
            "data: {\"jsonrpc\":\"2.0\",\"method\":\"x\",\"id\":null}\n\n",
            "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n",
        ],
    );
    assert_eq!(report.codes(), ["SSE504"], "{report}");
    assert!(report.findings[0].message.contains("not null"), "{report}");
}

#[test]
fn mcp_post_stream_closed_before_its_response() {
    let note = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n";
    let report = one(Profile::Mcp, "POST", &[note]);
    assert_eq!(report.codes(), ["SSE504"], "{report}");
    assert!(
        report.findings[0].message.contains("without the response"),
        "{report}"
    );
    // An event id lets the client resume to get the response; a GET stream answers nothing;
    // a client that closed is not the server closing early.
    let with_id = "id: e1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n";
    assert!(one(Profile::Mcp, "POST", &[with_id]).findings.is_empty());
    assert!(one(Profile::Mcp, "POST", &["id: e1\ndata:\n\n"])
        .findings
        .is_empty());
    assert!(one(Profile::Mcp, "GET", &[note]).findings.is_empty());
    let closed = run(
        Profile::Mcp,
        &[Conn {
            method: "POST",
            url: "http://127.0.0.1:8080/mcp",
            last_event_id: None,
            body: &[note],
            end: EndKind::ClientClosed,
        }],
    );
    assert!(closed.findings.is_empty(), "{closed}");
}

#[test]
fn mcp_reconnect_stats_count_only_resumes() {
    // Stream a (a POST) breaks; a second POST opens stream b, a new stream and no reconnect;
    // then a GET resumes stream a with its last event id: the one reconnect of the session.
    let conns = [
        Conn {
            method: "POST",
            url: "http://127.0.0.1:8080/mcp",
            last_event_id: None,
            body: &[
                "id: a0\ndata:\n\n",
                "id: a1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n",
            ],
            end: EndKind::NetworkError,
        },
        Conn {
            method: "POST",
            url: "http://127.0.0.1:8080/mcp",
            last_event_id: None,
            body: &[
                "id: b0\ndata:\n\n",
                "id: b1\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n\n",
            ],
            end: EndKind::Eof,
        },
        Conn {
            method: "GET",
            url: "http://127.0.0.1:8080/mcp",
            last_event_id: Some("a1"),
            body: &["id: a2\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n"],
            end: EndKind::Eof,
        },
    ];
    let report = run(Profile::Mcp, &conns);
    assert!(report.findings.is_empty(), "{report}");
    let stats = &report.stats;
    assert_eq!((stats.connections, stats.reconnects), (3, 1), "{stats:?}");
    // The resume's delay runs from the end of the stream it resumes (connection 0 ended at
    // t=12; the GET started at t=2024), as SSE405 measures it.
    let delays = stats.reconnect_delay_ms.expect("one reconnect delay");
    assert_eq!((delays.count, delays.min, delays.max), (1, 2012, 2012));
    let per: Vec<_> = stats
        .per_connection
        .iter()
        .map(|c| c.reconnect_delay_ms)
        .collect();
    assert_eq!(per, [None, None, Some(2012)]);

    // Without the profile, every later connection is a reconnect of one EventSource, as before.
    let plain = {
        let mut options = ValidateOptions::default();
        options.ids.required = Some(false);
        run_with(&options, &conns)
    };
    assert_eq!((plain.stats.connections, plain.stats.reconnects), (3, 2));
    let delays = plain
        .stats
        .reconnect_delay_ms
        .expect("two reconnect delays");
    assert_eq!((delays.count, delays.min, delays.max), (2, 1000, 1000));
}

/// One MCP connection answered with `status` and `content_type` (none when empty): its body
/// in one chunk per item, the head at t=5, then `end`.
struct Answer<'a> {
    method: &'a str,
    last_event_id: Option<&'a str>,
    status: u16,
    content_type: &'a str,
    body: &'a [&'a str],
    end: EndKind,
}

impl Answer<'_> {
    fn post_json<'a>(body: &'a [&'a str]) -> Answer<'a> {
        Answer {
            method: "POST",
            last_event_id: None,
            status: 200,
            content_type: "application/json",
            body,
            end: EndKind::Eof,
        }
    }

    /// Feeds the connection to `v`, starting at `t0`; returns when it ended.
    fn feed(&self, v: &mut Validator, t0: u64) -> u64 {
        let mut headers = vec![(
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        )];
        if let Some(id) = self.last_event_id {
            headers.push(("last-event-id".into(), id.into()));
        }
        v.request(&Request {
            method: self.method.into(),
            url: "http://127.0.0.1:8080/mcp".into(),
            headers: Some(headers),
            t: t0,
        });
        let mut response_headers = Vec::new();
        if !self.content_type.is_empty() {
            response_headers.push(("Content-Type".to_owned(), self.content_type.to_owned()));
        }
        v.response(&Response {
            status: self.status,
            headers: response_headers,
            t: Some(t0 + 5),
        });
        for (i, text) in self.body.iter().enumerate() {
            v.chunk(t0 + 10 + i as u64, text.as_bytes());
        }
        let end = t0 + 10 + self.body.len() as u64;
        v.end(&End {
            kind: self.end,
            t: end,
            message: None,
        });
        end
    }
}

fn answers(options: &ValidateOptions, answers: &[Answer<'_>]) -> Report {
    let mut v = Validator::new(options).unwrap();
    let mut t = 0;
    for a in answers {
        t = a.feed(&mut v, t) + 1000;
    }
    v.finish()
}

fn profile(profile: Profile) -> ValidateOptions {
    ValidateOptions {
        profile: Some(profile),
        ..ValidateOptions::default()
    }
}

const MCP_PROFILES: [Profile; 4] = [
    Profile::Mcp,
    Profile::Mcp20250326,
    Profile::Mcp20250618,
    Profile::Mcp20251125,
];

#[test]
fn mcp_post_answered_with_json_is_no_stream() {
    let result = r#"{"jsonrpc":"2.0","id":1,"result":{"content":[]}}"#;
    let split = [&result[..9], &result[9..]];
    for p in MCP_PROFILES {
        for content_type in ["application/json", "Application/JSON; charset=utf-8"] {
            let answer = Answer {
                content_type,
                ..Answer::post_json(&split)
            };
            let report = answers(&profile(p), &[answer]);
            assert!(report.findings.is_empty(), "{p:?} {content_type}: {report}");
            assert!(report.not_checked.is_empty(), "{p:?}: {report:?}");
            assert_eq!(report.stats.events, 0);
            assert_eq!(report.stats.bytes, result.len() as u64);
        }
        // An error response is a response too.
        let error = r#"{"jsonrpc":"2.0","id":"a","error":{"code":-32602,"message":"bad"}}"#;
        let report = answers(&profile(p), &[Answer::post_json(&[error])]);
        assert!(report.findings.is_empty(), "{p:?}: {report}");
    }
}

#[test]
fn mcp_json_answer_must_be_a_json_rpc_response() {
    let check = |p: Profile, body: &str, wanted: &str| {
        let report = answers(&profile(p), &[Answer::post_json(&[body])]);
        assert_eq!(report.codes(), ["SSE504"], "{body}: {report}");
        let finding = &report.findings[0];
        assert!(finding.message.contains(wanted), "{body}: {report}");
        assert_eq!(finding.connection, Some(0));
    };
    check(Profile::Mcp, "{\"jsonrpc\":\"2.0\",", "not JSON");
    check(Profile::Mcp, "", "not JSON");
    check(
        Profile::Mcp,
        r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
        "not a request",
    );
    check(
        Profile::Mcp,
        r#"{"jsonrpc":"1.0","id":1,"result":{}}"#,
        "\"2.0\"",
    );
    let batch = r#"[{"jsonrpc":"2.0","id":1,"result":{}}]"#;
    check(Profile::Mcp20250618, batch, "batches are not allowed");
    check(Profile::Mcp, batch, "batches are not allowed");
    assert!(answers(
        &profile(Profile::Mcp20250326),
        &[Answer::post_json(&[batch])]
    )
    .findings
    .is_empty());
    check(Profile::Mcp20250326, "[]", "empty JSON-RPC batch");
    check(
        Profile::Mcp20250326,
        r#"[{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","method":"n"}]"#,
        "not a notification",
    );
    // Invalid UTF-8 is no JSON text.
    let mut v = Validator::new(&profile(Profile::Mcp)).unwrap();
    json_post_head(&mut v);
    v.chunk(2, b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"caf\xe9\"}");
    v.end(&End {
        kind: EndKind::Eof,
        t: 3,
        message: None,
    });
    let report = v.finish();
    assert_eq!(report.codes(), ["SSE504"], "{report}");
    assert!(report.findings[0].message.contains("UTF-8"), "{report}");
    // With the rule off nothing is said about the body, and it is still no stream.
    let mut off = profile(Profile::Mcp);
    off.disable = vec!["mcp".into()];
    let report = answers(&off, &[Answer::post_json(&["not json"])]);
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
fn mcp_json_answer_cut_short_is_not_checked() {
    let body = [r#"{"jsonrpc":"2.0","id":1,"res"#];
    for end in [
        EndKind::NetworkError,
        EndKind::ClientClosed,
        EndKind::Timeout,
    ] {
        let answer = Answer {
            end,
            ..Answer::post_json(&body)
        };
        let report = answers(&profile(Profile::Mcp), &[answer]);
        assert!(report.findings.is_empty(), "{end:?}: {report}");
        assert_eq!(report.not_checked.len(), 1, "{report:?}");
        assert_eq!(report.not_checked[0].rule, Rule::Mcp);
        assert_eq!(report.not_checked[0].connection, Some(0));
    }
    // Larger than limits.max_event_size: not kept, so not checked.
    let mut small = profile(Profile::Mcp);
    small.limits.max_event_size = Some(16);
    let report = answers(
        &small,
        &[Answer::post_json(&[
            r#"{"jsonrpc":"2.0","id":1,"result":{}}"#,
        ])],
    );
    assert!(report.findings.is_empty(), "{report}");
    assert_eq!(report.not_checked.len(), 1, "{report:?}");
    assert!(
        report.not_checked[0].reason.contains("max_event_size"),
        "{report:?}"
    );
}

#[test]
fn mcp_json_answer_only_for_a_post() {
    // A GET opens the SSE stream: JSON is SSE102 there, and its body is read as a stream.
    let get = Answer {
        method: "GET",
        ..Answer::post_json(&[])
    };
    let report = answers(&profile(Profile::Mcp), &[get]);
    assert_eq!(report.codes(), ["SSE102", "SSE103", "SSE105"], "{report}");
    // Another type on a POST is SSE102 as ever.
    let plain = Answer {
        content_type: "text/plain",
        ..Answer::post_json(&[])
    };
    let report = answers(&profile(Profile::Mcp), &[plain]);
    assert_eq!(report.codes(), ["SSE102", "SSE103", "SSE105"], "{report}");
}

#[test]
fn mcp_post_answered_202_is_no_stream() {
    let accepted = |method, body| Answer {
        method,
        status: 202,
        content_type: "",
        body,
        ..Answer::post_json(&[])
    };
    for p in MCP_PROFILES {
        let report = answers(&profile(p), &[accepted("POST", &[])]);
        assert!(report.findings.is_empty(), "{p:?}: {report}");
        assert!(report.not_checked.is_empty(), "{p:?}: {report:?}");
    }
    let report = answers(&profile(Profile::Mcp), &[accepted("POST", &["{}"])]);
    assert_eq!(report.codes(), ["SSE504"], "{report}");
    assert!(report.findings[0].message.contains("202"), "{report}");
    // A GET must open a stream (or be refused with 405): 202 is SSE101 there, and without the
    // profile as before.
    let report = answers(&profile(Profile::Mcp), &[accepted("GET", &[])]);
    assert_eq!(report.codes(), ["SSE101"], "{report}");
    let report = answers(&ValidateOptions::default(), &[accepted("POST", &[])]);
    assert_eq!(report.codes(), ["SSE101"], "{report}");
}

#[test]
fn mcp_non_stream_answers_are_no_streams_to_resume() {
    // Stream a breaks; a POST that (oddly) sends its last event id is answered with JSON, and
    // a 202; the GET that resumes stream a waits from stream a's end, not the JSON answer's.
    let stream = Answer {
        content_type: "text/event-stream",
        body: &["id: a0\nretry: 500\ndata:\n\n"],
        end: EndKind::NetworkError,
        ..Answer::post_json(&[])
    };
    let json = Answer {
        last_event_id: Some("a0"),
        ..Answer::post_json(&[r#"{"jsonrpc":"2.0","id":1,"result":{}}"#])
    };
    let accepted = Answer {
        last_event_id: Some("a0"),
        status: 202,
        content_type: "",
        ..Answer::post_json(&[])
    };
    let resume = Answer {
        method: "GET",
        last_event_id: Some("a0"),
        content_type: "text/event-stream",
        body: &["id: a1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n"],
        ..Answer::post_json(&[])
    };
    let mut options = profile(Profile::Mcp);
    options.disable = vec!["cache-control".into(), "x-accel-buffering".into()];
    let report = answers(&options, &[stream, json, accepted, resume]);
    assert!(report.findings.is_empty(), "{report}");
    let per = &report.stats.per_connection;
    // Connection 0 ended at t=11; the GET started at t=3032 (the 202 ended at t=2032).
    assert_eq!(per[3].reconnect_delay_ms, Some(3021), "{per:?}");
    assert_eq!(per[1].last_event_id, "", "{per:?}");
    // Only the GET resumed a stream: the session's one reconnect.
    let delays: Vec<_> = per.iter().map(|c| c.reconnect_delay_ms).collect();
    assert_eq!(delays, [None, None, None, Some(3021)]);
    assert_eq!(report.stats.reconnects, 1);
    let delays = report.stats.reconnect_delay_ms.expect("one delay");
    assert_eq!((delays.count, delays.min), (1, 3021));
    // Only the GET resumed a stream: the session's one reconnect.
    let delays: Vec<_> = per.iter().map(|c| c.reconnect_delay_ms).collect();
    assert_eq!(delays, [None, None, None, Some(3021)]);
    assert_eq!(report.stats.reconnects, 1);
    let delays = report.stats.reconnect_delay_ms.expect("one delay");
    assert_eq!((delays.count, delays.min), (1, 3021));
}

/// A POST sent at 0 ms, answered 200 `application/json` at 1 ms.
fn json_post_head(v: &mut Validator) {
    v.request(&Request {
        method: "POST".into(),
        url: String::new(),
        headers: Some(vec![("accept".into(), "text/event-stream".into())]),
        t: 0,
    });
    v.response(&Response {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        t: Some(1),
    });
}

#[test]
fn mcp_json_answer_body_unknown_is_not_checked() {
    let mut v = Validator::new(&profile(Profile::Mcp)).unwrap();
    json_post_head(&mut v);
    v.body_unknown();
    v.end(&End {
        kind: EndKind::Eof,
        t: 3,
        message: None,
    });
    let report = v.finish();
    assert!(report.findings.is_empty(), "{report}");
    let not_checked: Vec<_> = report.not_checked.iter().map(|n| n.rule).collect();
    assert_eq!(not_checked, [Rule::Mcp], "{report:?}");
    assert!(report.stats.per_connection[0].body_unknown);
    assert_eq!(report.stats.throughput_bytes_per_s, None);
}

/// A Responses event with its payload `type` and `sequence_number`.
fn responses_event(event_type: &str, sequence: usize) -> String {
    format!("event: {event_type}\ndata: {{\"type\":\"{event_type}\",\"sequence_number\":{sequence}}}\n\n")
}

#[test]
fn responses_error_then_response_failed_is_how_openai_reports_a_failure() {
    let stream = |types: &[&str]| {
        let events: Vec<String> = types
            .iter()
            .enumerate()
            .map(|(n, t)| responses_event(t, n))
            .collect();
        let body: Vec<&str> = events.iter().map(String::as_str).collect();
        one(Profile::OpenAiResponses, "POST", &body)
    };
    // The order a recorded gpt-5 stream has (error, then response.failed): no finding.
    let failed = stream(&["response.created", "error", "response.failed"]);
    assert!(failed.findings.is_empty(), "{failed}");
    let error_only = stream(&["response.created", "error"]);
    assert!(error_only.findings.is_empty(), "{error_only}");
    // Anything else after an error is the payload rule's.
    let more = stream(&[
        "response.created",
        "error",
        "response.output_text.delta",
        "response.completed",
    ]);
    assert_eq!(more.codes(), ["SSE502"], "{more}");
    assert!(
        more.findings[0]
            .message
            .contains("only `response.failed` may follow"),
        "{more}"
    );
    // The terminal events still end the stream.
    let after = stream(&["response.created", "response.failed", "error"]);
    assert!(after.has(Rule::AfterTerminal), "{after}");
}

#[test]
fn chat_error_may_be_followed_by_done_as_vllm_sends_it() {
    let chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\n";
    let error = "data: {\"error\":{\"message\":\"overloaded\"}}\n\n";
    let report = one(
        Profile::OpenAiChat,
        "POST",
        &[chunk, error, "data: [DONE]\n\n"],
    );
    assert!(report.findings.is_empty(), "{report}");
    let report = one(Profile::OpenAiChat, "POST", &[chunk, error, chunk]);
    assert_eq!(report.codes(), ["SSE309"], "{report}");
    // A truthy `error` that is not an object is one too, as the SDKs test it.
    let text_error = "data: {\"error\":\"rate limited\"}\n\n";
    let report = one(Profile::OpenAiChat, "POST", &[chunk, text_error]);
    assert!(report.findings.is_empty(), "{report}");
    // A repeated member: the last one is what clients see.
    let repeated = "data: {\"error\":{\"message\":\"x\"},\"error\":null,\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\n";
    let report = one(
        Profile::OpenAiChat,
        "POST",
        &[chunk, repeated, "data: [DONE]\n\n"],
    );
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
fn mcp_priming_event_after_replayed_events_as_the_python_sdk_resumes() {
    let notification =
        "id: s1-2\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n";
    let priming = "id: s1-3\nretry: 1000\ndata:\n\n";
    let response = "id: s1-4\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
    let report = run(
        Profile::Mcp,
        &[
            Conn {
                method: "POST",
                url: "http://127.0.0.1:8080/mcp",
                last_event_id: None,
                body: &["id: s1-0\ndata:\n\n", "id: s1-1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"],
                end: EndKind::NetworkError,
            },
            Conn {
                method: "GET",
                url: "http://127.0.0.1:8080/mcp",
                last_event_id: Some("s1-1"),
                body: &[notification, priming, response],
                end: EndKind::Eof,
            },
        ],
    );
    assert!(
        !report.has(Rule::Mcp) && !report.has(Rule::Grammar),
        "{report}"
    );
    // Before 2025-11-25 an empty event is no JSON-RPC message.
    let old = one(Profile::Mcp20250618, "POST", &["data:\n\n", response]);
    assert!(old.has(Rule::Mcp), "{old}");
}

#[test]
fn mcp_error_response_needs_an_integer_code_and_a_string_message() {
    let error = |error: &str| {
        let event = format!("data: {{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{error}}}\n\n");
        one(Profile::Mcp, "POST", &[&event])
    };
    assert!(error("{\"code\":-32600,\"message\":\"bad\"}")
        .findings
        .is_empty());
    for (bad, says) in [
        ("{}", "integer `code`"),
        ("{\"code\":\"x\",\"message\":\"bad\"}", "integer `code`"),
        ("{\"code\":1}", "string `message`"),
        ("\"bad\"", "must be an object, not string"),
    ] {
        let report = error(bad);
        assert_eq!(report.codes(), ["SSE504"], "{bad}: {report}");
        assert!(report.findings[0].message.contains(says), "{bad}: {report}");
    }
    // An integer id beyond i64 is still an integer.
    let big = "data: {\"jsonrpc\":\"2.0\",\"id\":9223372036854775808,\"method\":\"ping\"}\n\n";
    let report = one(
        Profile::Mcp,
        "POST",
        &[
            big,
            "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n",
        ],
    );
    assert!(report.findings.is_empty(), "{report}");
}

/// An Anthropic event with its payload.
fn anthropic(event_type: &str, rest: &str) -> String {
    format!("event: {event_type}\ndata: {{\"type\":\"{event_type}\"{rest}}}\n\n")
}

fn anthropic_message(blocks: &[String]) -> Report {
    let mut events = vec![anthropic("message_start", ",\"message\":{}")];
    events.extend_from_slice(blocks);
    events.push(anthropic("message_delta", ",\"delta\":{}"));
    events.push(anthropic("message_stop", ""));
    let body: Vec<&str> = events.iter().map(String::as_str).collect();
    one(Profile::AnthropicMessages, "POST", &body)
}

#[test]
fn anthropic_delta_must_fit_its_block_type() {
    let start = |i: u32, kind: &str| {
        anthropic(
            "content_block_start",
            &format!(",\"index\":{i},\"content_block\":{{\"type\":\"{kind}\"}}"),
        )
    };
    let delta = |i: u32, kind: &str| {
        anthropic(
            "content_block_delta",
            &format!(",\"index\":{i},\"delta\":{{\"type\":\"{kind}\"}}"),
        )
    };
    let stop = |i: u32| anthropic("content_block_stop", &format!(",\"index\":{i}"));
    let good = anthropic_message(&[
        start(0, "thinking"),
        delta(0, "thinking_delta"),
        delta(0, "signature_delta"),
        stop(0),
        start(1, "text"),
        delta(1, "text_delta"),
        delta(1, "citations_delta"),
        stop(1),
        start(2, "tool_use"),
        delta(2, "input_json_delta"),
        stop(2),
        // Types ssert does not know are not judged.
        start(3, "future_block"),
        delta(3, "text_delta"),
        stop(3),
        start(4, "text"),
        delta(4, "future_delta"),
        stop(4),
    ]);
    assert!(good.findings.is_empty(), "{good}");
    let bad = anthropic_message(&[start(0, "text"), delta(0, "input_json_delta"), stop(0)]);
    assert_eq!(bad.codes(), ["SSE503"], "{bad}");
    assert!(
        bad.findings[0]
            .message
            .contains("a input_json_delta for content block 0, a \"text\" block"),
        "{bad}"
    );
}

#[test]
fn anthropic_hostile_block_indices_neither_panic_nor_grow_without_bound() {
    // i64::MAX + 1 overflowed (a panic with overflow checks on, as in this test build).
    let huge = anthropic(
        "content_block_start",
        &format!(
            ",\"index\":{},\"content_block\":{{\"type\":\"text\"}}",
            i64::MAX
        ),
    );
    let report = anthropic_message(&[huge]);
    assert!(report.has(Rule::AnthropicMessages), "{report}");

    // Many blocks left open: one finding past the cap, and a bounded message at the end.
    let open = |n: u32| -> Vec<String> {
        (0..n)
            .map(|i| {
                anthropic(
                    "content_block_start",
                    &format!(",\"index\":{i},\"content_block\":{{\"type\":\"text\"}}"),
                )
            })
            .collect()
    };
    let report = anthropic_message(&open(100));
    assert_eq!(report.findings.len(), 1, "{report}");
    let message = &report.findings[0].message;
    assert!(
        message.contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] and 84 more"),
        "{message}"
    );
    let report = anthropic_message(&open(5000));
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("more than 4096 content blocks open at once")),
        "{messages:?}"
    );
    assert!(messages.len() <= 2, "{messages:?}");
}

#[test]
fn chat_finish_reason_ends_a_choice_and_the_usage_chunk_comes_last() {
    let chunk = |choices: &str, usage: &str| {
        format!("data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{choices}],\"usage\":{usage}}}\n\n")
    };
    let content = |i: u32, text: &str| {
        format!("{{\"index\":{i},\"delta\":{{\"content\":\"{text}\"}},\"finish_reason\":null}}")
    };
    let finish = |i: u32| format!("{{\"index\":{i},\"delta\":{{}},\"finish_reason\":\"stop\"}}");
    let usage = chunk("", "{\"total_tokens\":3}");
    let done = String::from("data: [DONE]\n\n");
    let stream = |events: &[String]| {
        let body: Vec<&str> = events.iter().map(String::as_str).collect();
        one(Profile::OpenAiChat, "POST", &body)
    };
    // Two choices, each finishing on its own; then the usage chunk, then [DONE].
    let good = stream(&[
        chunk(&format!("{},{}", content(0, "a"), content(1, "b")), "null"),
        chunk(&finish(0), "null"),
        chunk(&content(1, "c"), "null"),
        chunk(&finish(1), "null"),
        usage.clone(),
        done.clone(),
    ]);
    assert!(good.findings.is_empty(), "{good}");
    let after_finish = stream(&[
        chunk(&finish(0), "null"),
        chunk(&content(0, "late"), "null"),
        done.clone(),
    ]);
    assert_eq!(after_finish.codes(), ["SSE501"], "{after_finish}");
    assert!(
        after_finish.findings[0]
            .message
            .contains("choice 0 after its `finish_reason`"),
        "{after_finish}"
    );
    let after_usage = stream(&[
        chunk(&content(0, "a"), "null"),
        usage,
        chunk(&finish(0), "null"),
        done,
    ]);
    assert_eq!(after_usage.codes(), ["SSE501"], "{after_usage}");
    assert!(
        after_usage.findings[0]
            .message
            .contains("after the usage chunk"),
        "{after_usage}"
    );
}

#[test]
fn responses_resumed_with_starting_after_continues_after_it() {
    let resumed = |first: usize| {
        let events = [
            responses_event("response.output_text.delta", first),
            responses_event("response.completed", first + 1),
        ];
        let body: Vec<&str> = events.iter().map(String::as_str).collect();
        run(
            Profile::OpenAiResponses,
            &[Conn {
                method: "GET",
                url: "http://127.0.0.1:8080/v1/responses/resp_1?stream=true&starting_after=4",
                last_event_id: None,
                body: &body,
                end: EndKind::Eof,
            }],
        )
    };
    assert!(resumed(5).findings.is_empty(), "{}", resumed(5));
    let replayed = resumed(1);
    assert_eq!(replayed.codes(), ["SSE502"], "{replayed}");
    assert!(
        replayed.findings[0]
            .message
            .contains("resumed with `starting_after=4`"),
        "{replayed}"
    );
}

#[test]
fn responses_created_twice_is_a_payload_finding() {
    let events: Vec<String> = ["response.created", "response.created", "response.completed"]
        .iter()
        .enumerate()
        .map(|(n, t)| responses_event(t, n))
        .collect();
    let body: Vec<&str> = events.iter().map(String::as_str).collect();
    let report = one(Profile::OpenAiResponses, "POST", &body);
    assert_eq!(report.codes(), ["SSE502"], "{report}");
    assert!(
        report.findings[0]
            .message
            .contains("second `response.created`"),
        "{report}"
    );
}

#[test]
fn mcp_standalone_get_stream_carries_no_response_but_a_parse_error() {
    let response = "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
    let parse_error = "data: {\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}\n\n";
    let report = one(Profile::Mcp, "GET", &[response]);
    assert_eq!(report.codes(), ["SSE504"], "{report}");
    let report = one(Profile::Mcp, "GET", &[parse_error]);
    assert!(report.findings.is_empty(), "{report}");
    // Resuming a POST's stream, the GET may carry that POST's response.
    let report = run(
        Profile::Mcp,
        &[Conn {
            method: "GET",
            url: "http://127.0.0.1:8080/mcp",
            last_event_id: Some("s1-1"),
            body: &[response],
            end: EndKind::Eof,
        }],
    );
    assert!(!report.has(Rule::Mcp), "{report}");
}
