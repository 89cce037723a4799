//! Protocol profiles: ready-made option sets plus each protocol's own payload checks.
//!
//! Sources (checked November 2026):
//! - `openai-chat`: OpenAI API reference, "Chat Completions → Streaming" — every event is an
//!   unnamed `data:` line holding a `chat.completion.chunk` JSON object (`id`, `object`,
//!   `choices`), all chunks of one completion share `id`; the stream ends with `data: [DONE]`.
//!   A failure mid-stream arrives as `{"error": {...}}`.
//! - `openai-responses`: OpenAI API reference, "Responses → Streaming events" — named events
//!   whose JSON `type` repeats the event name and whose `sequence_number` increases;
//!   `response.created` first, a terminal `response.completed`, `response.failed` or
//!   `response.incomplete`, or an `error` event. There is no `[DONE]` sentinel.
//! - `anthropic-messages`: Anthropic API docs, "Streaming Messages" — `message_start`; per
//!   content block `content_block_start` / `content_block_delta`* / `content_block_stop` with
//!   an `index` matching the block's position; one or more `message_delta`; `message_stop`;
//!   `ping` may appear anywhere; an `error` event ends the stream.
//! - `mcp`: Model Context Protocol specification, "Transports → Streamable HTTP", revisions
//!   2025-03-26, 2025-06-18 and 2025-11-25 — SSE events carry JSON-RPC 2.0 messages in `data`;
//!   a stream answering a POST may send requests and notifications and then the response, after
//!   which it should close; event ids, if any, are unique across the session's streams and are
//!   used with `Last-Event-ID` to resume. 2025-03-26 allows JSON-RPC batches (arrays); later
//!   revisions do not. 2025-11-25 lets the server prime a stream with an event that has an id
//!   and empty data.

use alloc::string::String;
use alloc::vec::Vec;

use super::json::Value;
use super::options::{
    EventTypeOptions, GrammarOptions, IdOptions, IdOrderKind, Profile, Scope, TerminalOptions,
    ValidateOptions,
};

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
            event_types: EventTypeOptions { allowed: Some(strings(&["message"])) },
            grammar: connection_grammar("chunk* ([DONE] | error)"),
            terminal: connection_terminal(&["[DONE]", "error"]),
            ..ValidateOptions::default()
        },
        Profile::OpenAiResponses => ValidateOptions {
            enable: strings(&["openai-responses"]),
            disable: strings(LLM_CLIENT_RULES),
            ids: no_ids,
            grammar: connection_grammar(
                "(response.created .*)? (response.completed | response.failed | response.incomplete | error)",
            ),
            terminal: connection_terminal(&["response.completed", "response.failed", "response.incomplete", "error"]),
            ..ValidateOptions::default()
        },
        Profile::AnthropicMessages => {
            let body = "(ping | content_block_start | content_block_delta | content_block_stop | message_delta)*";
            ValidateOptions {
                enable: strings(&["anthropic-messages"]),
                disable: strings(LLM_CLIENT_RULES),
                ids: no_ids,
                event_types: EventTypeOptions { allowed: Some(strings(ANTHROPIC_TYPES)) },
                grammar: connection_grammar(&alloc::format!(
                    "ping* (message_start {body} message_stop | (message_start {body})? error)"
                )),
                terminal: connection_terminal(&["message_stop", "error"]),
                ..ValidateOptions::default()
            }
        }
        Profile::Mcp | Profile::Mcp20250326 | Profile::Mcp20250618 | Profile::Mcp20251125 => {
            let pattern = match profile {
                Profile::Mcp20250326 => "(request | notification | batch)* (response | batch)?",
                Profile::Mcp20250618 => "(request | notification)* response?",
                _ => "priming? (request | notification)* response?",
            };
            ValidateOptions {
                enable: strings(&["mcp"]),
                ids: IdOptions { required: Some(false), order: Some(IdOrderKind::None), consecutive: None },
                event_types: EventTypeOptions { allowed: Some(strings(&["message"])) },
                grammar: GrammarOptions { pattern: Some(pattern.into()), scope: Some(Scope::Connection) },
                ..ValidateOptions::default()
            }
        }
    }
}

/// Per-scope state of a profile's payload checks.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProfileState {
    /// openai-chat: the completion id of the first chunk.
    chat_id: Option<String>,
    /// openai-responses: the last `sequence_number`.
    sequence: Option<i64>,
    /// anthropic-messages: blocks started so far, and which are open.
    blocks_started: i64,
    open_blocks: Vec<i64>,
}

/// What a profile says about one event: the grammar token and an optional finding message.
pub(crate) struct Verdict {
    pub token: &'static str,
    pub problem: Option<String>,
}

fn verdict(token: &'static str, problem: Option<String>) -> Verdict {
    Verdict { token, problem }
}

/// Grammar token for profiles whose tokens are not the event type (`None` = use the type).
pub(crate) fn check(
    profile: Profile,
    state: &mut ProfileState,
    event_type: &str,
    data: &str,
    json: Option<&Result<Value<'_>, super::json::JsonError>>,
    first_in_connection: bool,
) -> Option<Verdict> {
    use alloc::format;
    match profile {
        Profile::OpenAiChat => {
            if data == "[DONE]" {
                return Some(verdict("[DONE]", None));
            }
            let value = match json? {
                Ok(v) => v,
                Err(e) => {
                    return Some(verdict(
                        "chunk",
                        Some(format!(
                            "data is neither JSON nor [DONE]: {} at {}",
                            e.message, e.position
                        )),
                    ))
                }
            };
            if value.get("error").is_some() {
                return Some(verdict("error", None));
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
            Some(verdict("chunk", problem))
        }
        Profile::OpenAiResponses => {
            let problem = match json? {
                Err(e) => Some(format!("data is not JSON: {} at {}", e.message, e.position)),
                Ok(value) => match value.get("type").and_then(Value::as_str) {
                    None => Some(String::from("payload has no string `type`")),
                    Some(t) if t != event_type => Some(format!(
                        "payload `type` {t:?} differs from the event type {event_type:?}"
                    )),
                    Some(_) => match value.get("sequence_number").map(Value::as_i64) {
                        None => None,
                        Some(None) => Some(String::from("`sequence_number` is not an integer")),
                        Some(Some(n)) => {
                            let previous = state.sequence.replace(n);
                            match previous {
                                Some(p) if n <= p => Some(format!(
                                    "`sequence_number` {n} does not increase (previous {p})"
                                )),
                                _ => None,
                            }
                        }
                    },
                },
            };
            Some(verdict_type(problem))
        }
        Profile::AnthropicMessages => {
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
            Some(verdict_type(problem))
        }
        Profile::Mcp | Profile::Mcp20250326 | Profile::Mcp20250618 | Profile::Mcp20251125 => {
            let priming_allowed = matches!(profile, Profile::Mcp | Profile::Mcp20251125);
            if data.is_empty() && priming_allowed {
                let problem = (!first_in_connection)
                    .then(|| String::from("an empty priming event is only allowed first"));
                return Some(verdict("priming", problem));
            }
            Some(match json? {
                Err(e) => verdict(
                    "invalid",
                    Some(format!(
                        "data is not a JSON-RPC message: {} at {}",
                        e.message, e.position
                    )),
                ),
                Ok(Value::Array(items)) => {
                    if profile != Profile::Mcp20250326 {
                        verdict(
                            "batch",
                            Some(format!(
                                "JSON-RPC batches are not allowed in MCP {}",
                                profile.name()
                            )),
                        )
                    } else if items.is_empty() {
                        verdict("batch", Some(String::from("empty JSON-RPC batch")))
                    } else {
                        let problem = items.iter().find_map(|m| jsonrpc_kind(m).err());
                        verdict("batch", problem)
                    }
                }
                Ok(value) => match jsonrpc_kind(value) {
                    Ok(kind) => verdict(kind, None),
                    Err(problem) => verdict("invalid", Some(problem)),
                },
            })
        }
    }
}

/// Token for profiles whose grammar runs over the event types themselves.
fn verdict_type(problem: Option<String>) -> Verdict {
    Verdict { token: "", problem }
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
            None
        }
        "content_block_start" => {
            let Some(i) = index() else {
                return Some(String::from("content_block_start has no integer `index`"));
            };
            let expected = state.blocks_started;
            state.blocks_started = state.blocks_started.max(i + 1);
            state.open_blocks.push(i);
            (i != expected).then(|| {
                format!("content block index {i} starts out of order (expected {expected})")
            })
        }
        "content_block_delta" | "content_block_stop" => {
            let Some(i) = index() else {
                return Some(format!("{event_type} has no integer `index`"));
            };
            let open = state.open_blocks.iter().position(|&b| b == i);
            if event_type == "content_block_stop" {
                if let Some(p) = open {
                    state.open_blocks.remove(p);
                }
            }
            open.is_none()
                .then(|| format!("{event_type} for content block {i}, which is not open"))
        }
        "message_stop" => {
            let open = core::mem::take(&mut state.open_blocks);
            (!open.is_empty())
                .then(|| format!("message_stop while content block(s) {open:?} are still open"))
        }
        _ => None,
    }
}

fn jsonrpc_kind(value: &Value<'_>) -> Result<&'static str, String> {
    if !value.is_object() {
        return Err(alloc::format!(
            "a JSON-RPC message must be an object, not {}",
            value.kind()
        ));
    }
    if value.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(String::from("`jsonrpc` must be \"2.0\""));
    }
    let has_id = value
        .get("id")
        .is_some_and(|id| matches!(id, Value::String(_)) || id.as_i64().is_some());
    match (value.get("method"), value.get("result"), value.get("error")) {
        (Some(Value::String(_)), None, None) => Ok(if has_id { "request" } else { "notification" }),
        (None, Some(_), None) | (None, None, Some(_)) if has_id || value.get("error").is_some() => {
            Ok("response")
        }
        _ => Err(String::from(
            "not a JSON-RPC request, notification or response",
        )),
    }
}

/// Whether the profile derives grammar tokens from the payload rather than the event type.
pub(crate) fn uses_payload_tokens(profile: Profile) -> bool {
    matches!(
        profile,
        Profile::OpenAiChat
            | Profile::Mcp
            | Profile::Mcp20250326
            | Profile::Mcp20250618
            | Profile::Mcp20251125
    )
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
