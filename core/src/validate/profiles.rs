//! Protocol profiles: ready-made option sets plus each protocol's own payload checks.
//!
//! Sources (checked November 2026):
//! - `openai-chat`: OpenAI API reference, "Chat Completions → Streaming" — every event is an
//!   unnamed `data:` line holding a `chat.completion.chunk` JSON object (`id`, `object`,
//!   `choices`), all chunks of one completion share `id`; the stream ends with `data: [DONE]`.
//!   A failure mid-stream arrives as `{"error": {...}}` (the SDKs raise on a truthy `error`,
//!   so `"error": null` in a chunk is no failure; they also handle an `event: error`).
//!   Compatible servers (vLLM) send `data: [DONE]` after the error too, which the SDKs ignore
//!   as they stop at the error. Azure
//!   OpenAI's content-filter annotations (Azure docs, "Content filtering", streaming) are
//!   chunks with empty `id` and `object`: the first carries `prompt_filter_results` and no
//!   choices, asynchronous-filter ones carry `choices[].content_filter_results`.
//! - `openai-responses`: OpenAI API reference, "Responses → Streaming events" — named events
//!   whose JSON `type` repeats the event name and whose `sequence_number` (required on every
//!   event) increases; `response.created` first, a terminal `response.completed`,
//!   `response.failed` or `response.incomplete`, or an `error` event, which a failed response
//!   follows with its `response.failed` (recorded OpenAI streams do). There is no `[DONE]`
//!   sentinel. A background response's stream can be resumed (`GET
//!   /v1/responses/{id}?stream=true&starting_after=N`): it starts mid-way.
//! - `anthropic-messages`: Anthropic API docs, "Streaming Messages" — `message_start`; per
//!   content block `content_block_start` / `content_block_delta`* / `content_block_stop` with
//!   an `index` matching the block's position; one or more `message_delta`; `message_stop`;
//!   `ping` may appear anywhere; an `error` event ends the stream. "New event types may be
//!   added": unknown types are no error (SSE307 at info) and the grammar skips them.
//! - `mcp`: Model Context Protocol specification, "Transports → Streamable HTTP", revisions
//!   2025-03-26, 2025-06-18 and 2025-11-25 — SSE events carry JSON-RPC 2.0 messages in `data`;
//!   a stream answering a POST may send requests and notifications and then the response, after
//!   which it should close; it should not close before that response unless (2025-11-25) it
//!   sent an event id the client can resume from. Event ids, if any, are unique across the
//!   session's streams and are used with `Last-Event-ID` to resume. 2025-03-26 allows JSON-RPC
//!   batches (arrays), and a batched POST is answered with one response per request, so its
//!   stream may carry several; later revisions have no batches. 2025-11-25 lets the server
//!   prime a stream with an event that has an id and empty data: it "should" do so at once,
//!   but the official Python SDK, resuming, replays the missed events first, and an empty
//!   event that sets `retry` before the server closes is the same to a client, so one is
//!   accepted anywhere. JSON-RPC 2.0: a request's `id` is a string or a number, never null; a
//!   notification has no `id` member; an error response's `error` is an object with an
//!   integer `code` and a string `message`.
//!   Only Streamable HTTP is covered: the older HTTP+SSE transport (2024-11-05), whose stream
//!   opens with an `endpoint` event, is not.
//!   The server need not stream: a POST that carries requests may be answered `200` with
//!   `Content-Type: application/json` and one JSON object, the response (2025-03-26: a batched
//!   POST's answer may be a JSON array of the responses), and a POST of notifications or
//!   responses only is answered `202 Accepted` with no body. Neither answer is an event stream:
//!   under these profiles no SSE101 for the 202, no SSE102 for the JSON and no stream header
//!   rule (SSE103-SSE105) for either; their body is not parsed as SSE, they owe no event,
//!   heartbeat or first event, and they are no stream a `Last-Event-ID` can resume (nor a
//!   reconnect); SSE504 checks that the JSON body is that response and that a 202 has no body. A GET opens the SSE stream (the spec's alternative is `405`), so it
//!   is held to `text/event-stream` like any stream, as is a POST answered with another type.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::json::{self, Value};
use super::options::{
    EventTypeOptions, GrammarOptions, IdOptions, IdOrderKind, Profile, Scope, TerminalOptions,
    ValidateOptions,
};
use super::recording::{Request, SentLastEventId};
use super::rules::Severity;

const ANTHROPIC_TYPES: &[&str] = &[
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
];

/// Rules the official LLM SDK clients do not satisfy by design: they request streams with
/// `Accept: application/json`.
const LLM_CLIENT_RULES: &[&str] = &["accept-header"];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| String::from(*s)).collect()
}

/// The options a profile stands for (user options are applied on top).
pub(crate) fn base_options(profile: Profile) -> ValidateOptions {
    let connection_grammar = |pattern: &str| GrammarOptions {
        pattern: Some(pattern.into()),
        scope: Some(Scope::Connection),
    };
    let connection_terminal = |types: &[&str]| TerminalOptions {
        types: Some(strings(types)),
        scope: Some(Scope::Connection),
    };
    let no_ids = IdOptions {
        required: Some(false),
        order: None,
        consecutive: None,
    };
    match profile {
        Profile::OpenAiChat => ValidateOptions {
            enable: strings(&["openai-chat"]),
            disable: strings(LLM_CLIENT_RULES),
            ids: no_ids,
            event_types: EventTypeOptions {
                allowed: Some(strings(&["message", "error"])),
            },
            grammar: connection_grammar("chunk* ([DONE] | error [DONE]?)"),
            // Not `error`: a `[DONE]` may follow it (the grammar allows nothing else).
            terminal: connection_terminal(&["[DONE]"]),
            ..ValidateOptions::default()
        },
        Profile::OpenAiResponses => ValidateOptions {
            enable: strings(&["openai-responses"]),
            disable: strings(LLM_CLIENT_RULES),
            ids: no_ids,
            grammar: connection_grammar(&alloc::format!("(response.created .*)? {RESPONSES_END}")),
            // Not `error`: its `response.failed` follows it (the payload check allows nothing else).
            terminal: connection_terminal(&[
                "response.completed",
                "response.failed",
                "response.incomplete",
            ]),
            ..ValidateOptions::default()
        },
        Profile::AnthropicMessages => {
            let blocks = "(ping | content_block_start | content_block_delta | content_block_stop)*";
            let deltas = "message_delta (ping | message_delta)*";
            ValidateOptions {
                enable: strings(&["anthropic-messages"]),
                disable: strings(LLM_CLIENT_RULES),
                ids: no_ids,
                event_types: EventTypeOptions { allowed: Some(strings(ANTHROPIC_TYPES)) },
                // Anthropic may add event types: an unknown one is worth a note, not a failure.
                severity: [(String::from("event-type"), Severity::Info)].into_iter().collect(),
                grammar: connection_grammar(&alloc::format!(
                    "ping* (message_start {blocks} {deltas} message_stop | (message_start {blocks} ({deltas})?)? error)"
                )),
                terminal: connection_terminal(&["message_stop", "error"]),
                ..ValidateOptions::default()
            }
        }
        Profile::Mcp | Profile::Mcp20250326 | Profile::Mcp20250618 | Profile::Mcp20251125 => {
            let pattern = match profile {
                Profile::Mcp20250326 => "(request | notification | batch | response)*",
                // Under 2025-11-25 a priming event is no message: the grammar skips it.
                _ => "(request | notification)* response?",
            };
            ValidateOptions {
                enable: strings(&["mcp"]),
                ids: IdOptions {
                    required: Some(false),
                    order: Some(IdOrderKind::None),
                    consecutive: None,
                },
                event_types: EventTypeOptions {
                    allowed: Some(strings(&["message"])),
                },
                grammar: GrammarOptions {
                    pattern: Some(pattern.into()),
                    scope: Some(Scope::Connection),
                },
                ..ValidateOptions::default()
            }
        }
    }
}

/// How deep the payload checks read event JSON (a chat chunk's `choices[i].delta.content` is
/// the deepest): the JSON to build for them (see [`json::parse_to_depth`]).
pub(crate) const JSON_DEPTH: usize = 4;

/// How a Responses stream ends: a terminal event, or an `error` (which `response.failed` may
/// follow).
const RESPONSES_END: &str =
    "(response.completed | response.failed | response.incomplete | error response.failed?)";

/// The grammar for a connection that resumes a stream mid-way (it sent `Last-Event-ID`, or
/// its URL has `starting_after`), when the profile's own grammar demands a start such a
/// connection never sees. Used only while `grammar.pattern` is the profile's.
pub(crate) fn resume_pattern(profile: Profile) -> Option<String> {
    match profile {
        Profile::OpenAiResponses => Some(alloc::format!(".* {RESPONSES_END}")),
        _ => None,
    }
}

/// Whether a request resumes a stream by its URL: OpenAI's `starting_after` query parameter.
pub(crate) fn resumes_by_url(profile: Profile, url: &str) -> bool {
    profile == Profile::OpenAiResponses && starting_after(url).is_some()
}

/// The value of a URL's `starting_after` query parameter, if it has one.
fn starting_after(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (name == "starting_after").then_some(value)
    })
}

/// Per-scope state of a profile's payload checks.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProfileState {
    /// openai-chat: the completion id of the first chunk.
    chat_id: Option<String>,
    /// openai-chat: the usage chunk (empty `choices`, a `usage`) was seen: it is the last.
    usage_seen: bool,
    /// openai-chat: the choices (by `index`) that gave a `finish_reason`, in a bounded set.
    finished_choices: alloc::collections::BTreeSet<i64>,
    /// openai-responses: the last `sequence_number`.
    sequence: Option<i64>,
    /// openai-responses: an `error` event was seen (only `response.failed` may follow).
    errored: bool,
    /// openai-responses: the `starting_after` of a resumed stream, until its first event.
    starting_after: Option<i64>,
    /// openai-responses: `response.created` was seen.
    created: bool,
    /// mcp: the stream a GET opens without resuming one, which carries no responses.
    standalone_stream: bool,
    /// anthropic-messages: blocks started so far, and the open ones by index, with the type
    /// of their `content_block` (`None`: not a string).
    blocks_started: i64,
    open_blocks: BTreeMap<i64, Option<String>>,
    /// anthropic-messages: which blocks are started and open is unknown (events were missed)
    /// until the next `message_start`.
    blocks_unknown: bool,
}

impl ProfileState {
    /// State for a connection opened by `request`: an `openai-responses` stream resumed with
    /// `starting_after=N` must continue after event N; an MCP GET that resumes nothing opens
    /// the standalone stream.
    pub(crate) fn for_request(profile: Option<Profile>, request: &Request) -> ProfileState {
        let after = (profile == Some(Profile::OpenAiResponses))
            .then(|| starting_after(&request.url))
            .flatten()
            .and_then(|value| value.parse::<i64>().ok());
        let mcp = profile.is_some_and(|p| rule_of(p) == super::rules::Rule::Mcp);
        ProfileState {
            sequence: after,
            starting_after: after,
            standalone_stream: mcp
                && request.method.eq_ignore_ascii_case("GET")
                && matches!(request.last_event_id(), SentLastEventId::Absent),
            ..ProfileState::default()
        }
    }

    /// Events were missed (a body that was not recorded): what they would have set is
    /// unknown, so the checks that compare with earlier events start over.
    pub(crate) fn forget(&mut self) {
        *self = ProfileState {
            blocks_unknown: true,
            ..ProfileState::default()
        };
    }
}

/// What an event is to the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// Its event type.
    Type,
    /// A name the profile derives from the payload.
    Name(&'static str),
    /// Nothing: the grammar does not see it (a type the protocol may add later).
    Skip,
}

/// What a profile says about one event: the grammar token and an optional finding message.
pub(crate) struct Verdict {
    pub token: Token,
    pub problem: Option<String>,
    /// The event may carry the JSON-RPC response a POST stream owes (MCP): a response, a
    /// batch holding one, or a message too broken to tell (its own finding says so).
    pub response: bool,
}

fn verdict(token: &'static str, problem: Option<String>) -> Verdict {
    Verdict {
        token: Token::Name(token),
        problem,
        response: false,
    }
}

/// The profile's verdict on one event (`None` when the profile has nothing to say).
pub(crate) fn check(
    profile: Profile,
    state: &mut ProfileState,
    event_type: &str,
    data: &str,
    json: Option<&Result<Value<'_>, super::json::JsonError>>,
) -> Option<Verdict> {
    use alloc::format;
    match profile {
        Profile::OpenAiChat => {
            if data == "[DONE]" {
                return Some(verdict("[DONE]", None));
            }
            let error_event = event_type == "error";
            let value = match json? {
                Ok(v) => v,
                Err(e) => {
                    return Some(verdict(
                        if error_event { "error" } else { "chunk" },
                        Some(format!(
                            "data is neither JSON nor [DONE]: {} at {}",
                            e.message, e.position
                        )),
                    ))
                }
            };
            if error_event || value.get("error").is_some_and(Value::is_truthy) {
                return Some(verdict("error", None));
            }
            if azure_filter_annotation(value) {
                // Not part of the completion: its empty `id` is not the stream's.
                return Some(verdict("chunk", None));
            }
            let problem =
                if value.get("object").and_then(Value::as_str) != Some("chat.completion.chunk") {
                    Some(String::from(
                        "chunk `object` is not \"chat.completion.chunk\"",
                    ))
                } else if !matches!(value.get("choices"), Some(Value::Array(_))) {
                    Some(String::from("chunk has no `choices` array"))
                } else {
                    match (value.get("id").and_then(Value::as_str), &state.chat_id) {
                        (None, _) => Some(String::from("chunk has no string `id`")),
                        (Some(id), None) => {
                            state.chat_id = Some(id.into());
                            None
                        }
                        (Some(id), Some(first)) if id != first => Some(format!(
                            "chunk `id` {id:?} differs from the stream's first chunk {first:?}"
                        )),
                        _ => None,
                    }
                };
            Some(verdict(
                "chunk",
                problem.or_else(|| chat_order(state, value)),
            ))
        }
        Profile::OpenAiResponses => {
            let after_error = core::mem::replace(&mut state.errored, event_type == "error");
            let problem = match json? {
                Err(e) => Some(format!("data is not JSON: {} at {}", e.message, e.position)),
                Ok(value) => match value.get("type").and_then(Value::as_str) {
                    None => Some(String::from("payload has no string `type`")),
                    Some(t) if t != event_type => Some(format!(
                        "payload `type` {t:?} differs from the event type {event_type:?}"
                    )),
                    Some(_) => match value.get("sequence_number").map(Value::as_i64) {
                        None => Some(String::from("payload has no `sequence_number`")),
                        Some(None) => Some(String::from("`sequence_number` is not an integer")),
                        Some(Some(n)) => {
                            let previous = state.sequence.replace(n);
                            match (previous, state.starting_after.take()) {
                                (Some(p), Some(_)) if n <= p => Some(format!(
                                    "`sequence_number` {n} of a stream resumed with `starting_after={p}`: the server sends again an event the client has"
                                )),
                                (Some(p), None) if n <= p => Some(format!(
                                    "`sequence_number` {n} does not increase (previous {p})"
                                )),
                                _ => None,
                            }
                        }
                    },
                },
            };
            let created_again =
                event_type == "response.created" && core::mem::replace(&mut state.created, true);
            let problem = problem.or_else(|| {
                created_again.then(|| String::from("a second `response.created` in the stream"))
            });
            let problem = problem.or_else(|| {
                (after_error && event_type != "response.failed").then(|| {
                    format!("event {event_type:?} after an `error` event: only `response.failed` may follow it")
                })
            });
            Some(verdict_type(problem))
        }
        Profile::AnthropicMessages => {
            let token = if ANTHROPIC_TYPES.contains(&event_type) {
                Token::Type
            } else {
                Token::Skip
            };
            let problem = match json? {
                Err(e) => Some(format!("data is not JSON: {} at {}", e.message, e.position)),
                Ok(value) => match value.get("type").and_then(Value::as_str) {
                    None => Some(String::from("payload has no string `type`")),
                    Some(t) if t != event_type => Some(format!(
                        "payload `type` {t:?} differs from the event type {event_type:?}"
                    )),
                    Some(_) => anthropic_blocks(state, event_type, value),
                },
            };
            Some(Verdict {
                token,
                problem,
                response: false,
            })
        }
        Profile::Mcp | Profile::Mcp20250326 | Profile::Mcp20250618 | Profile::Mcp20251125 => {
            let priming_allowed = matches!(profile, Profile::Mcp | Profile::Mcp20251125);
            if data.is_empty() && priming_allowed {
                return Some(Verdict {
                    token: Token::Skip,
                    problem: None,
                    response: false,
                });
            }
            let mut v = match json? {
                Err(e) => verdict(
                    "invalid",
                    Some(format!(
                        "data is not a JSON-RPC message: {} at {}",
                        e.message, e.position
                    )),
                ),
                Ok(Value::Array(items)) => {
                    let mut v = verdict("batch", None);
                    for (kind, problem) in items.iter().map(jsonrpc_kind) {
                        v.response |= kind == "response" || kind == "invalid";
                        v.problem = v.problem.or(problem);
                    }
                    if profile != Profile::Mcp20250326 {
                        v.problem = Some(format!(
                            "JSON-RPC batches are not allowed in MCP {}",
                            profile.name()
                        ));
                    } else if items.is_empty() {
                        v.problem = Some(String::from("empty JSON-RPC batch"));
                    }
                    v
                }
                Ok(value) => {
                    let (kind, mut problem) = jsonrpc_kind(value);
                    // A parse error has a null id: it answers no request, so it may go here.
                    let answers_a_request =
                        value.get("id").is_some_and(|id| !matches!(id, Value::Null));
                    if kind == "response" && state.standalone_stream && answers_a_request {
                        problem = problem.or_else(|| {
                            Some(String::from(
                                "a JSON-RPC response on the stream a GET opened without resuming one: the server must not send responses there",
                            ))
                        });
                    }
                    verdict(kind, problem)
                }
            };
            v.response |= v.token == Token::Name("response") || v.token == Token::Name("invalid");
            Some(v)
        }
    }
}

/// Most finished choices remembered (a request asks for `n` choices, at most 128 at OpenAI).
const MAX_FINISHED_CHOICES: usize = 4096;

/// openai-chat: what is wrong with a well-formed chunk's place in the stream. OpenAI API
/// reference, "The chat completion chunk object": a choice's `finish_reason` ends it, and with
/// `stream_options.include_usage` "an additional chunk", whose `choices` "will always be an
/// empty array", comes "before the `data: [DONE]` message".
fn chat_order(state: &mut ProfileState, value: &Value<'_>) -> Option<String> {
    use alloc::format;
    let Some(Value::Array(choices)) = value.get("choices") else {
        return None;
    };
    if state.usage_seen {
        return Some(String::from(
            "a chunk after the usage chunk (empty `choices`, with `usage`), which is the last before [DONE]",
        ));
    }
    if choices.is_empty() && value.get("usage").is_some_and(|u| u.is_object()) {
        state.usage_seen = true;
        return None;
    }
    let mut problem = None;
    for choice in choices {
        let Some(index) = choice.get("index").and_then(Value::as_i64) else {
            continue;
        };
        let delta = choice.get("delta");
        let says_something = ["content", "tool_calls", "refusal", "function_call"]
            .iter()
            .any(|name| {
                delta
                    .and_then(|d| d.get(name))
                    .is_some_and(Value::is_truthy)
            });
        if says_something && state.finished_choices.contains(&index) {
            problem = problem.or_else(|| {
                Some(format!(
                    "a delta for choice {index} after its `finish_reason`"
                ))
            });
        }
        let finished = choice
            .get("finish_reason")
            .is_some_and(|reason| !matches!(reason, Value::Null));
        if finished && state.finished_choices.len() < MAX_FINISHED_CHOICES {
            state.finished_choices.insert(index);
        }
    }
    problem
}

/// Token for profiles whose grammar runs over the event types themselves.
fn verdict_type(problem: Option<String>) -> Verdict {
    Verdict {
        token: Token::Type,
        problem,
        response: false,
    }
}

/// An Azure OpenAI content-filter annotation: empty `id` and `object`, and either the prompt's
/// filter results with no choices, or filter results for every choice.
fn azure_filter_annotation(value: &Value<'_>) -> bool {
    let empty = |name| value.get(name).and_then(Value::as_str) == Some("");
    let Some(Value::Array(choices)) = value.get("choices") else {
        return false;
    };
    let filtered = if choices.is_empty() {
        value.get("prompt_filter_results").is_some()
    } else {
        choices
            .iter()
            .all(|c| c.get("content_filter_results").is_some())
    };
    empty("id") && empty("object") && filtered
}

/// Most content blocks tracked open at once: a real message has a few dozen; past this a
/// hostile stream would make the state grow with the input, so tracking stops until the next
/// `message_start`.
const MAX_OPEN_BLOCKS: usize = 4096;

/// Most open block indices a finding lists.
const LISTED_BLOCKS: usize = 16;

/// The content block types ssert knows, each with the delta types it takes (Anthropic API
/// docs, "Streaming Messages", content block delta types). A block or delta type not in it is
/// not checked.
const BLOCK_DELTAS: &[(&[&str], &[&str])] = &[
    (&["text"], &["text_delta", "citations_delta"]),
    (
        &["tool_use", "server_tool_use", "mcp_tool_use"],
        &["input_json_delta"],
    ),
    (&["thinking"], &["thinking_delta", "signature_delta"]),
];

/// The delta types a known block type takes.
fn deltas_of(block_type: &str) -> Option<&'static [&'static str]> {
    BLOCK_DELTAS
        .iter()
        .find(|(blocks, _)| blocks.contains(&block_type))
        .map(|(_, deltas)| *deltas)
}

/// Whether some known block type takes this delta type.
fn known_delta(delta_type: &str) -> bool {
    BLOCK_DELTAS
        .iter()
        .any(|(_, deltas)| deltas.contains(&delta_type))
}

fn anthropic_blocks(
    state: &mut ProfileState,
    event_type: &str,
    value: &Value<'_>,
) -> Option<String> {
    use alloc::format;
    let index = || value.get("index").and_then(Value::as_i64);
    match event_type {
        "message_start" => {
            state.blocks_started = 0;
            state.open_blocks.clear();
            state.blocks_unknown = false;
            None
        }
        "content_block_start" => {
            let Some(i) = index() else {
                return Some(String::from("content_block_start has no integer `index`"));
            };
            let expected = state.blocks_started;
            state.blocks_started = state.blocks_started.max(i.saturating_add(1));
            if state.open_blocks.len() >= MAX_OPEN_BLOCKS {
                state.open_blocks.clear();
                let known = !core::mem::replace(&mut state.blocks_unknown, true);
                return known.then(|| format!(
                    "more than {MAX_OPEN_BLOCKS} content blocks open at once: which are open is not checked until the next message_start"
                ));
            }
            let block_type = value
                .get("content_block")
                .and_then(|block| block.get("type"))
                .and_then(Value::as_str)
                .map(String::from);
            let again = state.open_blocks.insert(i, block_type).is_some();
            if state.blocks_unknown {
                None
            } else if again {
                Some(format!("content block {i} starts again while open"))
            } else {
                (i != expected).then(|| {
                    format!("content block index {i} starts out of order (expected {expected})")
                })
            }
        }
        "content_block_delta" | "content_block_stop" => {
            let Some(i) = index() else {
                return Some(format!("{event_type} has no integer `index`"));
            };
            let Some(block_type) = state.open_blocks.get(&i) else {
                return (!state.blocks_unknown)
                    .then(|| format!("{event_type} for content block {i}, which is not open"));
            };
            if event_type == "content_block_stop" {
                state.open_blocks.remove(&i);
                return None;
            }
            let delta_type = value
                .get("delta")
                .and_then(|delta| delta.get("type"))
                .and_then(Value::as_str)?;
            let takes = block_type.as_deref().and_then(deltas_of)?;
            (known_delta(delta_type) && !takes.contains(&delta_type)).then(|| {
                format!(
                    "a {delta_type} for content block {i}, a {:?} block (it takes {})",
                    block_type.as_deref().unwrap_or_default(),
                    takes.join(" or ")
                )
            })
        }
        "message_stop" => {
            let open = core::mem::take(&mut state.open_blocks);
            (!open.is_empty()).then(|| {
                let listed: Vec<i64> = open.keys().take(LISTED_BLOCKS).copied().collect();
                let more = open.len() - listed.len();
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                format!("message_stop while content block(s) {listed:?}{more} are still open")
            })
        }
        _ => None,
    }
}

/// A JSON-RPC message's kind (`request`, `notification`, `response`, or `invalid`) and what is
/// wrong with it, if anything.
fn jsonrpc_kind(value: &Value<'_>) -> (&'static str, Option<String>) {
    let invalid = |message: String| ("invalid", Some(message));
    if !value.is_object() {
        return invalid(alloc::format!(
            "a JSON-RPC message must be an object, not {}",
            value.kind()
        ));
    }
    if value.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid(String::from("`jsonrpc` must be \"2.0\""));
    }
    let id = value.get("id");
    // An integer too large for i64 is still an integer id.
    let has_id = id.is_some_and(|id| matches!(id, Value::String(_)) || id.is_integer());
    match (value.get("method"), value.get("result"), value.get("error")) {
        (Some(Value::String(_)), None, None) => match id {
            None => ("notification", None),
            Some(_) if has_id => ("request", None),
            Some(other) => (
                "request",
                Some(alloc::format!(
                    "a request's `id` must be a string or an integer, not {} (a notification has no `id` member)",
                    other.kind()
                )),
            ),
        },
        (None, Some(_), None) if has_id => ("response", None),
        (None, None, Some(error)) => ("response", error_object_problem(error)),
        _ => invalid(String::from(
            "not a JSON-RPC request, notification or response",
        )),
    }
}

/// What is wrong with a JSON-RPC error response's `error` (JSON-RPC 2.0 section 5.1, which MCP
/// repeats: an object with an integer `code` and a string `message`).
fn error_object_problem(error: &Value<'_>) -> Option<String> {
    if !matches!(error, Value::Object(_)) {
        return Some(alloc::format!(
            "a JSON-RPC error response's `error` must be an object, not {}",
            error.kind()
        ));
    }
    if !error.get("code").is_some_and(Value::is_integer) {
        return Some(String::from(
            "a JSON-RPC error response's `error` must have an integer `code`",
        ));
    }
    if error.get("message").and_then(Value::as_str).is_none() {
        return Some(String::from(
            "a JSON-RPC error response's `error` must have a string `message`",
        ));
    }
    None
}

/// MCP: what is wrong with the body of a POST answered `200` with `application/json`, which
/// must be the JSON-RPC response to its request (under 2025-03-26 also a batch: an array of
/// responses), and the byte offset the problem is at.
pub(crate) fn check_json_answer(profile: Profile, body: &str) -> Option<(String, usize)> {
    use alloc::format;
    let response_only = |value: &Value<'_>, item: Option<usize>| {
        let (kind, problem) = jsonrpc_kind(value);
        let within = item.map_or(String::new(), |i| format!(" (batch item {i})"));
        match problem {
            Some(problem) => Some(format!("the application/json answer{within}: {problem}")),
            None if kind != "response" => Some(format!(
                "the application/json answer to a POST must be the JSON-RPC response to its request, not a {kind}{within}"
            )),
            None => None,
        }
    };
    let problem = match json::parse(body) {
        Err(e) => {
            let message = format!(
                "the application/json answer is not JSON: {} at {}",
                e.message, e.position
            );
            return Some((message, e.position));
        }
        Ok(Value::Array(items)) => {
            if profile != Profile::Mcp20250326 {
                Some(format!(
                    "the application/json answer is a JSON-RPC batch: batches are not allowed in MCP {}",
                    profile.name()
                ))
            } else if items.is_empty() {
                Some(String::from(
                    "the application/json answer is an empty JSON-RPC batch",
                ))
            } else {
                items
                    .iter()
                    .enumerate()
                    .find_map(|(i, item)| response_only(item, Some(i)))
            }
        }
        Ok(value) => response_only(&value, None),
    };
    problem.map(|message| (message, 0))
}

/// The rule that reports this profile's payload problems.
pub(crate) fn rule_of(profile: Profile) -> super::rules::Rule {
    use super::rules::Rule;
    match profile {
        Profile::OpenAiChat => Rule::OpenAiChat,
        Profile::OpenAiResponses => Rule::OpenAiResponses,
        Profile::AnthropicMessages => Rule::AnthropicMessages,
        _ => Rule::Mcp,
    }
}
