//! Options resolved against rule defaults and the profile: what the engine actually runs.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::grammar::Grammar;
use super::options::{IdOrderKind, OptionsError, Profile, Scope, ValidateOptions};
use super::profiles;
use super::recording::EndKind;
use super::rules::{Rule, Severity};
use crate::ParserConfig;

pub(super) const RULES: usize = Rule::ALL.len();
/// Excerpts are cut to this many bytes.
pub(super) const EXCERPT_LEN: usize = 120;

/// Options resolved against rule defaults and the profile, ready to run.
pub(super) struct Config {
    pub(super) enabled: [bool; RULES],
    pub(super) severity: [Severity; RULES],
    pub(super) fail_on: Severity,
    pub(super) profile: Option<Profile>,
    pub(super) ids_required: bool,
    pub(super) order: IdOrderKind,
    /// `ids.order` as the caller gave it (not the profile's): a comparator may not contradict it.
    pub(super) order_given: Option<IdOrderKind>,
    pub(super) consecutive: bool,
    pub(super) retry_required: bool,
    pub(super) retry_min: u64,
    pub(super) retry_max: u64,
    pub(super) max_silence: u64,
    pub(super) ttfe_max: u64,
    pub(super) allowed_types: Option<Vec<String>>,
    pub(super) json_types: Option<Vec<String>>,
    pub(super) grammar: Option<Grammar>,
    /// The profile's grammar for a stream resumed mid-way, while `grammar` is the profile's.
    pub(super) resume_grammar: Option<Grammar>,
    pub(super) grammar_scope: Scope,
    pub(super) terminal: Vec<String>,
    pub(super) terminal_scope: Scope,
    pub(super) slack: u64,
    pub(super) reconnect_after: Vec<EndKind>,
    pub(super) parser: ParserConfig,
    /// MCP: the most bytes of a POST's `application/json` answer kept to check it
    /// (`limits.max_event_size`: the answer is one message, as an event's data is).
    pub(super) json_answer_max: usize,
    pub(super) window_ids: usize,
    pub(super) window_connections: usize,
    pub(super) window_findings: usize,
    pub(super) excerpt_bytes: usize,
}

fn rule_ref(name: &str, option: &str) -> Result<Rule, OptionsError> {
    Rule::lookup(name).ok_or_else(|| OptionsError {
        message: format!("{option}: unknown rule {name:?}"),
    })
}

impl Config {
    pub(super) fn resolve(user: &ValidateOptions) -> Result<Config, OptionsError> {
        let base = user.profile.map(profiles::base_options).unwrap_or_default();
        let mut enabled = [false; RULES];
        let mut severity = [Severity::Error; RULES];
        for &r in Rule::ALL {
            enabled[r.index()] = r.enabled_by_default();
            severity[r.index()] = r.default_severity();
        }
        for layer in [&base, user] {
            let implied = [
                (layer.event_types.allowed.is_some(), Rule::EventType),
                (layer.data_json.types.is_some(), Rule::DataJson),
                (layer.grammar.pattern.is_some(), Rule::Grammar),
                (layer.terminal.types.is_some(), Rule::AfterTerminal),
            ];
            for (set, rule) in implied {
                if set {
                    enabled[rule.index()] = true;
                }
            }
            for name in &layer.enable {
                enabled[rule_ref(name, "enable")?.index()] = true;
            }
            for (name, sev) in &layer.severity {
                severity[rule_ref(name, "severity")?.index()] = *sev;
            }
        }
        for layer in [&base, user] {
            for name in &layer.disable {
                enabled[rule_ref(name, "disable")?.index()] = false;
            }
        }
        fn pick<T: Clone>(user: &Option<T>, base: &Option<T>, default: T) -> T {
            user.clone().or_else(|| base.clone()).unwrap_or(default)
        }
        let pattern = pick(&user.grammar.pattern, &base.grammar.pattern, String::new());
        let grammar = if pattern.is_empty()
            && user.grammar.pattern.is_none()
            && base.grammar.pattern.is_none()
        {
            None
        } else {
            Some(Grammar::parse(&pattern).map_err(|e| OptionsError {
                message: format!("grammar.pattern: {e}"),
            })?)
        };
        let resume_grammar = user
            .profile
            .filter(|_| user.grammar.pattern.is_none())
            .and_then(profiles::resume_pattern)
            .map(|pattern| Grammar::parse(&pattern).expect("profile grammars compile"));
        // UTF-8 is checked by the validator in one SIMD pass per chunk (see `Utf8Check`),
        // cheaper than the parser's per-line strict mode.
        let mut parser = ParserConfig::default();
        if let Some(v) = user.limits.max_line_len {
            parser = parser.max_line_len(v);
        }
        if let Some(v) = user.limits.max_event_size {
            parser = parser.max_event_size(v);
        }
        if let Some(v) = user.limits.max_buffered {
            parser = parser.max_buffered(v);
        }
        let retry_min = pick(&user.retry.min_ms, &base.retry.min_ms, 100);
        let retry_max = pick(&user.retry.max_ms, &base.retry.max_ms, 600_000);
        if retry_min > retry_max {
            return Err(OptionsError {
                message: format!("retry: min_ms {retry_min} > max_ms {retry_max}"),
            });
        }
        Ok(Config {
            enabled,
            severity,
            fail_on: user.fail_on.unwrap_or(Severity::Error),
            profile: user.profile,
            ids_required: pick(&user.ids.required, &base.ids.required, true),
            order: pick(&user.ids.order, &base.ids.order, IdOrderKind::Auto),
            order_given: user.ids.order,
            consecutive: pick(&user.ids.consecutive, &base.ids.consecutive, false),
            retry_required: pick(&user.retry.required, &base.retry.required, false),
            retry_min,
            retry_max,
            max_silence: pick(
                &user.heartbeat.max_silence_ms,
                &base.heartbeat.max_silence_ms,
                30_000,
            ),
            ttfe_max: pick(
                &user.time_to_first_event.max_ms,
                &base.time_to_first_event.max_ms,
                10_000,
            ),
            allowed_types: user
                .event_types
                .allowed
                .clone()
                .or_else(|| base.event_types.allowed.clone())
                .map(|mut types| {
                    // Sorted for binary search per event.
                    types.sort();
                    types
                }),
            json_types: user
                .data_json
                .types
                .clone()
                .or_else(|| base.data_json.types.clone()),
            grammar,
            resume_grammar,
            grammar_scope: pick(&user.grammar.scope, &base.grammar.scope, Scope::Session),
            terminal: pick(&user.terminal.types, &base.terminal.types, Vec::new()),
            terminal_scope: pick(&user.terminal.scope, &base.terminal.scope, Scope::Session),
            slack: pick(&user.reconnect.slack_ms, &base.reconnect.slack_ms, 0),
            reconnect_after: pick(
                &user.reconnect.after,
                &base.reconnect.after,
                alloc::vec![EndKind::Eof, EndKind::NetworkError, EndKind::Timeout],
            ),
            parser,
            json_answer_max: user.limits.max_event_size.unwrap_or(16 << 20),
            window_ids: user.window.ids.unwrap_or(100_000).max(1),
            window_connections: user.window.connections.unwrap_or(10_000),
            window_findings: user.window.findings.unwrap_or(1000),
            excerpt_bytes: user.window.excerpt_bytes.unwrap_or(4096).max(EXCERPT_LEN),
        })
    }

    pub(super) fn on(&self, rule: Rule) -> bool {
        self.enabled[rule.index()]
    }

    /// Whether a session holds several independent streams (MCP Streamable HTTP: every POST
    /// may open one, a GET opens a standalone one or resumes one by `Last-Event-ID`), rather
    /// than one `EventSource` whose every later connection is a reconnect.
    pub(super) fn streams(&self) -> bool {
        self.profile
            .is_some_and(|p| profiles::rule_of(p) == super::rules::Rule::Mcp)
    }

    /// The grammar a scope runs: the resume grammar for one that started mid-stream.
    pub(super) fn grammar_for(&self, resumed: bool) -> Option<&Grammar> {
        if resumed {
            self.resume_grammar.as_ref()
        } else {
            self.grammar.as_ref()
        }
    }
}

impl ValidateOptions {
    /// Whether `rule` runs under these options: its default, switched on by a profile, by
    /// `enable` or by an option that implies it (`event_types.allowed` for SSE307, ...), and
    /// off when `disable` names it. A rule that does not run can report nothing, so "no finding
    /// of this rule" means something only when this is true.
    ///
    /// ```
    /// use ssert_core::validate::{Rule, ValidateOptions};
    ///
    /// let defaults = ValidateOptions::default();
    /// assert!(defaults.runs(Rule::ResumePoint)?);
    /// assert!(!defaults.runs(Rule::EventType)?); // off by default
    /// let allowed = ValidateOptions {
    ///     event_types: ssert_core::validate::EventTypeOptions { allowed: Some(vec!["tick".into()]) },
    ///     ..ValidateOptions::default()
    /// };
    /// assert!(allowed.runs(Rule::EventType)?);
    /// # Ok::<(), ssert_core::validate::OptionsError>(())
    /// ```
    pub fn runs(&self, rule: Rule) -> Result<bool, OptionsError> {
        Config::resolve(self).map(|config| config.on(rule))
    }
}
