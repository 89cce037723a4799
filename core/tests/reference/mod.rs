//! A slow, obviously-correct reference parser: the WHATWG algorithm transcribed step by step.
//!
//! It reads the whole stream at once and follows the text of the HTML standard, sections
//! "Parsing an event stream" and "Interpreting an event stream"
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream>).
//! It knows nothing about chunks, limits, offsets or borrowing, so it shares no code and no
//! clever idea with the fast parser in `core/src`. The tests treat it as the oracle: the fast
//! parser must agree with it on every stream, and it must agree with every conformance vector.
//!
//! Clarity over speed: this is quadratic in places and allocates freely.

// Each test binary that includes this module uses a different part of it.
#![allow(dead_code)]

/// One dispatched event, as an `EventSource` would fire it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefEvent {
    /// The event type: the event type buffer, or "message" when it is empty.
    pub event_type: String,
    /// The data buffer with its final LF removed.
    pub data: String,
    /// The last event ID string at dispatch (`MessageEvent.lastEventId`).
    pub id: String,
}

/// Everything the reference parser observed in a whole stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefOutput {
    /// Dispatched events, in order.
    pub events: Vec<RefEvent>,
    /// Every reconnection time set by a valid `retry` field, in order (saturating at u64::MAX).
    pub retries: Vec<u64>,
    /// For each event, the last valid `retry` value of its block, if any (ssert's
    /// `Event::retry`; the spec applies retry to the source, not to events).
    pub event_retries: Vec<Option<u64>>,
    /// Every complete comment line: the text after the colon with one leading space removed.
    pub comments: Vec<String>,
    /// The last event ID string after the stream ended.
    pub last_event_id: String,
    /// Whether the end of the stream threw anything away (fields after the last blank line, or
    /// a partial line), comments included.
    pub tail_discarded: bool,
    /// Whether ssert's contract calls that loss an `INCOMPLETE_EVENT`: the discarded block held
    /// a `data` or `id` field line (an event, a last event ID), or the stream ended inside a line
    /// that is, or may be the start of, a `data`, `id` or `retry` field. (An `event` field alone
    /// dispatches nothing: "If the data buffer is an empty string... return".)
    pub incomplete_event: bool,
}

/// A line of the stream and the end-of-line that followed it.
struct Line {
    text: String,
    /// "lf", "cr" or "crlf"; `None` for the unterminated text at the end of the stream.
    terminator: Option<&'static str>,
}

impl Line {
    fn terminated(&self) -> bool {
        self.terminator.is_some()
    }
}

/// The stream's complete lines with their terminators ("lf", "cr", "crlf"), and the
/// unterminated text after the last one (possibly empty), after BOM removal and decoding.
pub fn split(input: &[u8]) -> (Vec<(String, &'static str)>, String) {
    let mut lines = split_lines(&decode(input));
    let partial = lines
        .pop()
        .expect("split_lines always returns the final partial line");
    let complete = lines
        .into_iter()
        .map(|line| (line.text, line.terminator.expect("complete line")))
        .collect();
    (complete, partial.text)
}

/// "Streams must be decoded using the UTF-8 decode algorithm." That algorithm first removes
/// one leading byte order mark, then replaces every maximal invalid subpart with U+FFFD,
/// which is exactly what `String::from_utf8_lossy` does.
fn decode(input: &[u8]) -> String {
    let bytes = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    String::from_utf8_lossy(bytes).into_owned()
}

/// Byte offsets (in the raw input, BOM included) of every ill-formed subsequence that the
/// UTF-8 decode replaces with one U+FFFD: what `strict_utf8` must report. A leading BOM is not
/// decoded, so it is skipped.
pub fn invalid_utf8_offsets(input: &[u8]) -> Vec<u64> {
    let start = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut offsets = Vec::new();
    let mut at = start;
    while at < input.len() {
        match std::str::from_utf8(&input[at..]) {
            Ok(_) => break,
            Err(error) => {
                let bad = at + error.valid_up_to();
                offsets.push(bad as u64);
                // `error_len` is the length of the maximal subpart; `None` means the input ends
                // inside a truncated sequence, which is then one subpart to the end.
                at = bad + error.error_len().unwrap_or(input.len() - bad);
            }
        }
    }
    offsets
}

/// A line as "Interpreting an event stream" sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefLine {
    /// "If the line is empty (a blank line)"
    Blank,
    /// "If the line starts with a U+003A COLON character (:)": the text after the colon with
    /// one leading space removed (ssert reports comments; the spec ignores them).
    Comment(String),
    /// A field name and value.
    Field { name: String, value: String },
}

/// Classifies one decoded line exactly as the spec's steps do.
pub fn classify(line: &str) -> RefLine {
    if line.is_empty() {
        RefLine::Blank
    } else if let Some(comment) = line.strip_prefix(':') {
        let text = comment.strip_prefix(' ').unwrap_or(comment);
        RefLine::Comment(text.to_string())
    } else if let Some(colon) = line.find(':') {
        // "If the line contains a U+003A COLON character (:): Collect the characters on the
        // line before the first U+003A COLON character (:), and let field be that string.
        // Collect the characters on the line after the first U+003A COLON character (:), and
        // let value be that string. If value starts with a U+0020 SPACE character, remove it
        // from value."
        let field = &line[..colon];
        let mut value = &line[colon + 1..];
        if let Some(rest) = value.strip_prefix(' ') {
            value = rest;
        }
        RefLine::Field {
            name: field.to_string(),
            value: value.to_string(),
        }
    } else {
        // "Otherwise, the string is not empty but does not contain a U+003A COLON character
        // (:): Process the field using the steps described below, using the whole line as the
        // field name, and the empty string as the field value."
        RefLine::Field {
            name: line.to_string(),
            value: String::new(),
        }
    }
}

/// Parses a whole stream.
pub fn parse(input: &[u8]) -> RefOutput {
    let lines = split_lines(&decode(input));

    // "When a stream is parsed, a data buffer, an event type buffer, and a last event ID buffer
    // must be associated with it. They must be initialized to the empty string."
    let mut state = State::default();
    for line in &lines {
        if line.terminated() {
            state.process_line(&line.text);
        }
    }

    // "Once the end of the file is reached, any pending data must be discarded. (If the file
    // ends in the middle of an event, before the final empty line, the incomplete event is not
    // dispatched.)"
    let partial = lines.last().filter(|line| !line.terminated());
    let partial_line_lost = partial.is_some_and(|line| !line.text.is_empty());
    let partial_matters = partial.is_some_and(|line| cut_line_matters(&line.text));
    state.out.tail_discarded = state.lines_since_blank > 0 || partial_line_lost;
    state.out.incomplete_event = state.block_has_payload || partial_matters;
    state.out
}

/// Whether a line cut off by the end of the stream loses something: it names `data`, `id` or
/// `retry` (its line would have counted had it ended), or, with no colon yet, its text may be
/// the start of one of those names.
fn cut_line_matters(text: &str) -> bool {
    const NAMES: [&str; 3] = ["data", "id", "retry"];
    match text.split_once(':') {
        Some((name, _)) => NAMES.contains(&name),
        None => !text.is_empty() && NAMES.iter().any(|full| full.starts_with(text)),
    }
}

/// Splits the decoded stream into lines.
///
/// The ABNF: `end-of-line = ( cr lf / cr / lf )`, and "a single U+000D CARRIAGE RETURN (CR)
/// character not followed by a U+000A LINE FEED (LF) character" ends a line too, so a CR as
/// the very last character ends its line. The text after the last end-of-line is returned as
/// an unterminated line (possibly empty).
fn split_lines(text: &str) -> Vec<Line> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\r' => {
                // CRLF is one end-of-line.
                let terminator = if chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                    "crlf"
                } else {
                    "cr"
                };
                lines.push(Line {
                    text: std::mem::take(&mut current),
                    terminator: Some(terminator),
                });
            }
            '\n' => lines.push(Line {
                text: std::mem::take(&mut current),
                terminator: Some("lf"),
            }),
            other => current.push(other),
        }
        i += 1;
    }
    lines.push(Line {
        text: current,
        terminator: None,
    });
    lines
}

#[derive(Default)]
struct State {
    data_buffer: String,
    event_type_buffer: String,
    last_event_id_buffer: String,
    /// "the last event ID string of the event source"
    last_event_id_string: String,
    /// Non-blank lines seen since the last blank line.
    lines_since_blank: usize,
    /// A data or id field line was processed since the last blank line.
    block_has_payload: bool,
    /// The last valid retry value since the last blank line.
    block_retry: Option<u64>,
    out: RefOutput,
}

impl State {
    /// "Lines must be processed, in the order they are received, as follows:"
    fn process_line(&mut self, line: &str) {
        match classify(line) {
            RefLine::Blank => {
                // "If the line is empty (a blank line): Dispatch the event, as defined below."
                self.dispatch();
                self.lines_since_blank = 0;
                self.block_has_payload = false;
                self.block_retry = None;
            }
            RefLine::Comment(text) => {
                // "If the line starts with a U+003A COLON character (:): Ignore the line."
                // ssert reports comments (servers use them as heartbeats).
                self.lines_since_blank += 1;
                self.out.comments.push(text);
            }
            RefLine::Field { name, value } => {
                // "Process the field using the steps described below, using field as the
                // field name and value as the field value."
                self.lines_since_blank += 1;
                self.process_field(&name, &value);
            }
        }
    }

    /// "The steps to process the field given a field name and a field value depend on the
    /// field name, as given in the following list. Field names must be compared literally,
    /// with no case folding performed."
    // The nested `if`s mirror the spec's wording ("If ... Otherwise, ignore the field").
    #[allow(clippy::collapsible_match)]
    fn process_field(&mut self, field: &str, value: &str) {
        match field {
            "event" => {
                // "Set the event type buffer to field value."
                self.event_type_buffer = value.to_string();
            }
            "data" => {
                // "Append the field value to the data buffer, then append a single U+000A LINE
                // FEED (LF) character to the data buffer."
                self.data_buffer.push_str(value);
                self.data_buffer.push('\n');
                self.block_has_payload = true;
            }
            "id" => {
                // "If the field value does not contain U+0000 NULL, then set the last event ID
                // buffer to the field value. Otherwise, ignore the field."
                if !value.contains('\0') {
                    self.last_event_id_buffer = value.to_string();
                    self.block_has_payload = true;
                }
            }
            "retry" => {
                // "If the field value consists of only ASCII digits, then interpret the field
                // value as an integer in base ten, and set the event stream's reconnection time
                // to that integer. Otherwise, ignore the field."
                // An empty value has no integer to interpret: ignored (as browsers do). Values
                // beyond u64 saturate, ssert's documented choice.
                if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) {
                    let mut millis: u64 = 0;
                    for digit in value.chars() {
                        let digit = u64::from(digit.to_digit(10).unwrap());
                        millis = millis.saturating_mul(10).saturating_add(digit);
                    }
                    self.out.retries.push(millis);
                    self.block_retry = Some(millis);
                }
            }
            _ => {
                // "Otherwise: The field is ignored."
            }
        }
    }

    /// "When the user agent is required to dispatch the event, ..." (the web browser steps).
    fn dispatch(&mut self) {
        // "1. Set the last event ID string of the event source to the value of the last event
        // ID buffer. The buffer does not get reset, so the last event ID string of the event
        // source remains set to this value until the next time it is set by the server."
        self.last_event_id_string = self.last_event_id_buffer.clone();
        self.out.last_event_id = self.last_event_id_string.clone();

        // "2. If the data buffer is an empty string, set the data buffer and the event type
        // buffer to the empty string and return."
        if self.data_buffer.is_empty() {
            self.data_buffer.clear();
            self.event_type_buffer.clear();
            return;
        }

        // "3. If the data buffer's last character is a U+000A LINE FEED (LF) character, then
        // remove the last character from the data buffer."
        if self.data_buffer.ends_with('\n') {
            self.data_buffer.pop();
        }

        // "5. Initialize event's type attribute to "message", its data attribute to data, ...
        // and its lastEventId attribute to the last event ID string of the event source.
        // 6. If the event type buffer has a value other than the empty string, change the type
        // of the newly created event to equal the value of the event type buffer."
        let event_type = if self.event_type_buffer.is_empty() {
            "message".to_string()
        } else {
            self.event_type_buffer.clone()
        };
        self.out.event_retries.push(self.block_retry);
        self.out.events.push(RefEvent {
            event_type,
            data: self.data_buffer.clone(),
            id: self.last_event_id_string.clone(),
        });

        // "7. Set the data buffer and the event type buffer to the empty string."
        self.data_buffer.clear();
        self.event_type_buffer.clear();
    }
}

#[cfg(test)]
mod sanity {
    // The oracle's own smoke tests live in conformance.rs, where it must agree with every
    // vector; these few pin the spec's own worked examples.
    use super::*;

    #[test]
    fn spec_example_empty_data_blocks() {
        // "The first block would fire an event whose data is the empty string, as would the last
        // block if it was followed by a blank line. The middle block would fire an event with
        // data "\n"."
        let out = parse(b"data\n\ndata\ndata\n\ndata:");
        let data: Vec<&str> = out.events.iter().map(|e| e.data.as_str()).collect();
        assert_eq!(data, ["", "\n"]);
        assert!(out.tail_discarded && out.incomplete_event);
    }
}
