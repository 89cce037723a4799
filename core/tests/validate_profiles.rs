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
