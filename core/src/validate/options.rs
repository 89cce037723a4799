//! [`ValidateOptions`]: one serde-deserializable struct that enables, disables and configures
//! every rule, so Rust, JS and Python pass the same JSON object / dict.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use super::recording::EndKind;
use super::rules::Severity;

/// All validation options. Every field is optional; the defaults are documented per field and
/// listed in `testdata/recordings/README.md`. Unknown members are rejected (typos fail loudly).
///
/// Precedence: rule defaults, then the [`profile`](Self::profile)'s settings, then these fields.
/// A rule that is off by default (event types, JSON data, grammar, terminal events, profile
/// checks) is switched on by naming it in [`enable`](Self::enable), by a profile, or by setting
/// its parameters.
///
/// ```
/// # #[cfg(feature = "json")] {
/// use ssert_core::validate::ValidateOptions;
/// let options: ValidateOptions = serde_json::from_str(r#"{
///     "disable": ["x-accel-buffering"],
///     "ids": {"order": "integer", "consecutive": true},
///     "heartbeat": {"max_silence_ms": 15000},
///     "grammar": {"pattern": "stage+ token* (done | error)"}
/// }"#).unwrap();
/// assert_eq!(options.heartbeat.max_silence_ms, Some(15000));
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct ValidateOptions {
    /// A ready-made rule set for a protocol.
    pub profile: Option<Profile>,
    /// The lowest severity that fails the report (default `error`).
    pub fail_on: Option<Severity>,
    /// Rules to switch on, by code (`"SSE307"`) or name (`"event-type"`).
    pub enable: Vec<String>,
    /// Rules to switch off, by code or name. Wins over `enable` and profiles.
    pub disable: Vec<String>,
    /// Severity overrides, keyed by code or name.
    pub severity: BTreeMap<String, Severity>,
    /// Event ids: presence, order, consecutiveness (rules SSE301-SSE303, SSE402, SSE404).
    pub ids: IdOptions,
    /// The `retry` rule (SSE304).
    pub retry: RetryOptions,
    /// The `heartbeat` rule (SSE305).
    pub heartbeat: HeartbeatOptions,
    /// The `time-to-first-event` rule (SSE306).
    pub time_to_first_event: TimeToFirstEventOptions,
    /// The `event-type` rule (SSE307).
    pub event_types: EventTypeOptions,
    /// The `data-json` rule (SSE308).
    pub data_json: DataJsonOptions,
    /// The `grammar` rule (SSE309).
    pub grammar: GrammarOptions,
    /// The `after-terminal` rule (SSE310).
    pub terminal: TerminalOptions,
    /// The `reconnect-delay` rule (SSE405).
    pub reconnect: ReconnectOptions,
    /// Parser limits (SSE209-SSE211).
    pub limits: LimitOptions,
    /// Memory bounds for streaming validation.
    pub window: WindowOptions,
}

/// A built-in protocol profile. Each sets a grammar (over tokens its payload rule derives from
/// the JSON data) and the protocol's own payload rule, and the LLM ones their terminal events;
/// see `testdata/recordings/README.md` for what each checks and its sources.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Profile {
    /// OpenAI Chat Completions streaming: `chat.completion.chunk` JSON, then `data: [DONE]`
    /// (an error may end it, and a `[DONE]` follow that).
    #[cfg_attr(feature = "serde", serde(rename = "openai-chat"))]
    OpenAiChat,
    /// OpenAI Responses streaming: typed semantic events, `response.created` first, then a
    /// terminal `response.completed` / `response.failed` / `response.incomplete`, or an `error`
    /// (which `response.failed` may follow).
    #[cfg_attr(feature = "serde", serde(rename = "openai-responses"))]
    OpenAiResponses,
    /// Anthropic Messages streaming: `message_start`, content blocks, `message_delta`,
    /// `message_stop`; `ping` anywhere; `error` terminal.
    #[cfg_attr(feature = "serde", serde(rename = "anthropic-messages"))]
    AnthropicMessages,
    /// MCP Streamable HTTP, latest revision this crate knows (2025-11-25; events with empty
    /// data, such as priming events, allowed anywhere). Not the older HTTP+SSE transport
    /// (2024-11-05). Under every MCP
    /// profile a session holds several streams: a connection without `Last-Event-ID` opens a
    /// new one, a connection with it resumes the stream whose last event id that is. A POST may
    /// be answered `200` with `application/json` (the JSON-RPC response) or `202 Accepted` (no
    /// body) instead of a stream: such an answer is valid and no stream (no SSE101 / SSE102, no
    /// stream header rule, its body not parsed as SSE, nothing to resume), and SSE504 checks
    /// its body. A GET must still be answered with `text/event-stream`.
    #[cfg_attr(feature = "serde", serde(rename = "mcp"))]
    Mcp,
    /// MCP Streamable HTTP, revision 2025-03-26 (JSON-RPC batches allowed).
    #[cfg_attr(feature = "serde", serde(rename = "mcp-2025-03-26"))]
    Mcp20250326,
    /// MCP Streamable HTTP, revision 2025-06-18 (no batches).
    #[cfg_attr(feature = "serde", serde(rename = "mcp-2025-06-18"))]
    Mcp20250618,
    /// MCP Streamable HTTP, revision 2025-11-25 (no batches; priming event with empty data).
    #[cfg_attr(feature = "serde", serde(rename = "mcp-2025-11-25"))]
    Mcp20251125,
}

impl Profile {
    /// The profile's JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Profile::OpenAiChat => "openai-chat",
            Profile::OpenAiResponses => "openai-responses",
            Profile::AnthropicMessages => "anthropic-messages",
            Profile::Mcp => "mcp",
            Profile::Mcp20250326 => "mcp-2025-03-26",
            Profile::Mcp20250618 => "mcp-2025-06-18",
            Profile::Mcp20251125 => "mcp-2025-11-25",
        }
    }
}

/// How ids are ordered.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum IdOrderKind {
    /// `integer` if the first id is a decimal integer; otherwise ids are opaque (no order).
    #[default]
    Auto,
    /// Decimal integers of any size, compared by value (`"007"` is 7).
    Integer,
    /// Byte-wise string order.
    Lexicographic,
    /// ULIDs, ordered by their millisecond timestamp (equal times allowed).
    Ulid,
    /// UUIDv7s, ordered by their millisecond timestamp (equal times allowed).
    Uuid7,
    /// A caller-supplied [`IdOrder`] (see [`Validator::with_id_order`](super::Validator::with_id_order)).
    Custom,
    /// Opaque ids: no order checks, duplicates still detected.
    None,
}

impl IdOrderKind {
    /// The name the options JSON spells this order with (`"integer"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            IdOrderKind::Auto => "auto",
            IdOrderKind::Integer => "integer",
            IdOrderKind::Lexicographic => "lexicographic",
            IdOrderKind::Ulid => "ulid",
            IdOrderKind::Uuid7 => "uuid7",
            IdOrderKind::Custom => "custom",
            IdOrderKind::None => "none",
        }
    }
}

/// `ids` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct IdOptions {
    /// Every event block must carry its own `id` field (default true; SSE301).
    pub required: Option<bool>,
    /// The order ids must strictly increase in (default `auto`; SSE302).
    pub order: Option<IdOrderKind>,
    /// Integer ids are consecutive (+1 each): gaps are lost events and a resume must start at
    /// exactly `Last-Event-ID + 1` (default false; SSE402, SSE404).
    pub consecutive: Option<bool>,
}

/// `retry` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct RetryOptions {
    /// The session must send a valid `retry` on some connection with a 200 response (default
    /// false). Once per session, as a client keeps the reconnection time across reconnects.
    pub required: Option<bool>,
    /// Smallest acceptable value, ms (default 100: less makes clients hammer the server).
    pub min_ms: Option<u64>,
    /// Largest acceptable value, ms (default 600000).
    pub max_ms: Option<u64>,
}

/// `heartbeat` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct HeartbeatOptions {
    /// Longest allowed time without any byte on an open connection, ms (default 30000).
    pub max_silence_ms: Option<u64>,
}

/// `time_to_first_event` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct TimeToFirstEventOptions {
    /// Longest allowed time from request start to the first event, ms (default 10000).
    pub max_ms: Option<u64>,
}

/// `event_types` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct EventTypeOptions {
    /// The allowed event types (`message` for blocks without `event:`). Setting it enables SSE307.
    pub allowed: Option<Vec<String>>,
}

/// `data_json` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct DataJsonOptions {
    /// Only events of these types must carry JSON (default: all). Setting it enables SSE308.
    pub types: Option<Vec<String>>,
}

/// Whether a sequence rule looks at each connection alone or at the whole session.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Scope {
    /// Every connection is a stream of its own (e.g. one LLM completion per request).
    Connection,
    /// The connections together are one stream, resumed across reconnects.
    #[default]
    Session,
}

/// `grammar` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct GrammarOptions {
    /// A regular expression over event types (see [`Grammar`](super::Grammar)). Setting it
    /// enables SSE309.
    pub pattern: Option<String>,
    /// Per connection or per session (default `session`).
    pub scope: Option<Scope>,
}

/// `terminal` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct TerminalOptions {
    /// Event types after which nothing may follow. Setting it enables SSE310.
    pub types: Option<Vec<String>>,
    /// Per connection or per session (default `session`).
    pub scope: Option<Scope>,
}

/// `reconnect` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct ReconnectOptions {
    /// Tolerance: a reconnect may come this much sooner than `retry`, ms (default 0).
    pub slack_ms: Option<u64>,
    /// After which kinds of connection end the delay is checked (default `eof`,
    /// `network_error`, `timeout`: a client that closes on purpose chooses its own timing).
    pub after: Option<Vec<EndKind>>,
}

/// `limits` options: the parser's limits while validating.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct LimitOptions {
    /// Longest line, bytes (default: the parser's, 4 MiB).
    pub max_line_len: Option<usize>,
    /// Largest event data, bytes (default: the parser's, 16 MiB).
    pub max_event_size: Option<usize>,
    /// Most bytes held across chunks, bytes (default: the parser's, 24 MiB).
    pub max_buffered: Option<usize>,
}

/// `window` options: what the streaming validator keeps, so memory stays bounded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct WindowOptions {
    /// Most opaque ids remembered for duplicate detection (default 100000; older ones are
    /// forgotten first), most separate ranges of delivered integer ids (or expected-log
    /// positions): past it the oldest gap is reported as lost at once and forgotten, and, under
    /// the MCP profiles, most streams remembered for resumes (the oldest are forgotten first).
    pub ids: Option<usize>,
    /// Most per-connection stats kept in the report (default 10000; the latest are kept).
    pub connections: Option<usize>,
    /// Most findings kept (default 1000; the rest are only counted, in `findings_dropped`),
    /// and most notes kept about a rule not checked on one connection (the first; the rest are
    /// counted in `not_checked_dropped`; a note about the whole session, one per rule at most,
    /// is always kept).
    pub findings: Option<usize>,
    /// Bytes of recent body kept per connection to quote excerpts from (default 4096).
    pub excerpt_bytes: Option<usize>,
}

/// A caller-supplied id order, for ids only the application understands. Bindings wrap a JS
/// or Python comparison function in one; the validator calls it, the logic stays in core.
pub trait IdOrder {
    /// Compares two ids: `Some(Less)` if `a` comes before `b`. `None` means "not comparable"
    /// (e.g. malformed), which is reported as an order violation.
    fn compare(&self, a: &str, b: &str) -> Option<Ordering>;
}

impl<F: Fn(&str, &str) -> Option<Ordering>> IdOrder for F {
    fn compare(&self, a: &str, b: &str) -> Option<Ordering> {
        self(a, b)
    }
}

/// A boxed [`IdOrder`].
pub type BoxedIdOrder = Box<dyn IdOrder>;

/// Why options could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError {
    /// What is wrong, naming the option.
    pub message: String,
}

impl core::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "invalid validate options: {}", self.message)
    }
}

/// The digits of a decimal integer id (ASCII digits only, no sign) without its leading zeros:
/// `"0"` for zero, `None` when `id` is no decimal integer. Any length.
pub(crate) fn decimal_digits(id: &str) -> Option<&str> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = id.trim_start_matches('0');
    // Zero keeps its last digit.
    Some(if significant.is_empty() {
        &id[id.len() - 1..]
    } else {
        significant
    })
}

/// Compares two decimal integer ids by value, whatever their size: without leading zeros, the
/// longer number is the larger, and numbers of one length compare digit by digit. `None` when
/// either is no decimal integer.
pub(crate) fn compare_integer_ids(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (decimal_digits(a)?, decimal_digits(b)?);
    Some(a.len().cmp(&b.len()).then_with(|| a.cmp(b)))
}

/// Whether a decimal integer id is written as its value is (no leading zero, but for `"0"`):
/// `"01"` and `"1"` are one value but two ids to the client and in `Last-Event-ID`.
pub(crate) fn is_canonical_integer(id: &str) -> bool {
    id.len() == 1 || !id.starts_with('0')
}

/// The value of a decimal integer id (ASCII digits only, no sign; leading zeros allowed), when
/// it fits `u64`: the position the engine accounts integer ids by. Larger ids are still
/// decimal integers ([`compare_integer_ids`] orders them), with no position.
pub(crate) fn integer_id(id: &str) -> Option<u64> {
    // Every event's id comes here: the common short id is parsed as it is (zeros and all).
    if id.len() <= 20 {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return id.parse().ok();
    }
    let digits = decimal_digits(id)?;
    if digits.len() > 20 {
        return None;
    }
    digits.parse().ok()
}

/// The 48-bit millisecond timestamp of a ULID (Crockford base32, 26 characters).
pub(crate) fn ulid_time(id: &str) -> Option<u64> {
    let bytes = id.as_bytes();
    if bytes.len() != 26 || bytes[0] > b'7' {
        return None;
    }
    let mut time = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        let v = match b.to_ascii_uppercase() {
            c @ b'0'..=b'9' => c - b'0',
            b'O' => 0,
            b'I' | b'L' => 1,
            c @ b'A'..=b'H' => c - b'A' + 10,
            c @ b'J'..=b'K' => c - b'J' + 18,
            c @ b'M'..=b'N' => c - b'M' + 20,
            c @ b'P'..=b'T' => c - b'P' + 22,
            c @ b'V'..=b'Z' => c - b'V' + 27,
            _ => return None,
        };
        if i < 10 {
            time = time * 32 + u64::from(v);
        }
    }
    Some(time)
}

/// The 48-bit millisecond timestamp of a UUIDv7 (`xxxxxxxx-xxxx-7xxx-xxxx-xxxxxxxxxxxx`).
pub(crate) fn uuid7_time(id: &str) -> Option<u64> {
    let bytes = id.as_bytes();
    if bytes.len() != 36 || bytes[14] != b'7' {
        return None;
    }
    let mut hex = [0u8; 32];
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return None;
            }
            continue;
        }
        hex[n] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        n += 1;
    }
    Some(
        hex[..12]
            .iter()
            .fold(0u64, |acc, &d| acc * 16 + u64::from(d)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_parsers() {
        assert_eq!(integer_id("42"), Some(42));
        assert_eq!(integer_id("007"), Some(7));
        assert_eq!(integer_id("-1"), None);
        assert_eq!(integer_id(""), None);
        assert_eq!(integer_id("99999999999999999999999"), None);
        assert_eq!(integer_id("18446744073709551615"), Some(u64::MAX));
        assert_eq!(integer_id("18446744073709551616"), None);
        assert_eq!(integer_id("000000000000000000000042"), Some(42));
        assert_eq!(integer_id("000"), Some(0));
        assert_eq!(
            ulid_time("01ARZ3NDEKTSV4RRFFQ69G5FAV"),
            Some(1_469_922_850_259)
        );
        assert_eq!(ulid_time("01ARZ3NDEKTSV4RRFFQ69G5FA"), None);
        assert_eq!(
            uuid7_time("01890a5d-ac96-774b-bcce-b302099a8057"),
            Some(0x0189_0a5d_ac96)
        );
        assert_eq!(
            uuid7_time("01890a5d-ac96-474b-bcce-b302099a8057"),
            None,
            "version 4"
        );
    }

    #[test]
    fn integer_ids_compare_by_value_at_any_size() {
        use Ordering::*;
        for (a, b, order) in [
            ("2", "10", Less),
            ("10", "9", Greater),
            ("007", "7", Equal),
            ("0", "000", Equal),
            ("18446744073709551616", "18446744073709551615", Greater),
            ("99999999999999999999999", "100000000000000000000000", Less),
            (
                "0100000000000000000000000",
                "99999999999999999999999",
                Greater,
            ),
        ] {
            assert_eq!(compare_integer_ids(a, b), Some(order), "{a} vs {b}");
            assert_eq!(
                compare_integer_ids(b, a),
                Some(order.reverse()),
                "{b} vs {a}"
            );
        }
        assert_eq!(compare_integer_ids("1", "x"), None);
        assert_eq!(compare_integer_ids("", "1"), None);
        assert_eq!(compare_integer_ids("+1", "1"), None);
        assert!(is_canonical_integer("0") && is_canonical_integer("10"));
        assert!(!is_canonical_integer("01") && !is_canonical_integer("00"));
    }

    #[cfg(feature = "json")]
    #[test]
    fn id_order_names_are_the_json_spellings() {
        use IdOrderKind::*;
        for kind in [Auto, Integer, Lexicographic, Ulid, Uuid7, Custom, None] {
            let json = alloc::format!("\"{}\"", kind.name());
            assert_eq!(serde_json::from_str::<IdOrderKind>(&json).unwrap(), kind);
        }
    }
}
