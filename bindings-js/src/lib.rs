//! wasm-bindgen bindings of [`ssert_core`] for the npm package `ssert`.
//!
//! This crate converts types and nothing else: every parse and encode decision is made by
//! `ssert-core`. The JavaScript wrapper (`bindings-js/js/api.js`) is the public API; the items
//! here are its private engine.
//!
//! # Crossing the boundary in bulk
//!
//! A chunk goes in with one call ([`RawParser::feed`]). Everything the core reports for that
//! chunk — events, retries, comments, errors, in order — is appended to one [`Batch`] (layout in
//! the [`batch`] module). JavaScript reads it straight out of wasm memory (the addresses are in
//! the parser's [header](RawParser::header_ptr)), decodes each of its two string buffers with one
//! call, and slices the strings out by length. No per-event or per-field call crosses the
//! boundary.

pub mod batch;

pub use batch::Batch;
use serde::Serialize;
use ssert_core::validate::{
    validate, validate_with_id_order, IdOrder, LoadError, Recording, Rule, ValidateOptions,
};
use ssert_core::{Encoder, Error, LineEnding, Message, Parser, ParserConfig};
use wasm_bindgen::prelude::*;

/// The parser limits of a JS option bag (`{ maxLineLen, maxEventSize, maxBuffered, strictUtf8 }`,
/// every key optional; `undefined` and `null` leave a limit unset). Each option is read with
/// serde-wasm-bindgen, so what is accepted is unchanged; a refused one is a TypeError message
/// naming the option and what it got (the first bad one, in that order).
fn parser_config(options: JsValue) -> Result<ParserConfig, JsValue> {
    let mut config = ParserConfig::default();
    if options.is_undefined() || options.is_null() {
        return Ok(config);
    }
    let limit = |name: &str| -> Result<Option<usize>, JsValue> {
        let value = js_sys::Reflect::get(&options, &JsValue::from_str(name))?;
        serde_wasm_bindgen::from_value(value.clone()).map_err(|_| {
            type_error(format!(
                "ssert: {name} must be an integer from 0 to 2^{} - 1, got {}",
                usize::BITS,
                describe(&value)
            ))
        })
    };
    if let Some(value) = limit("maxLineLen")? {
        config = config.max_line_len(value);
    }
    if let Some(value) = limit("maxEventSize")? {
        config = config.max_event_size(value);
    }
    if let Some(value) = limit("maxBuffered")? {
        config = config.max_buffered(value);
    }
    let strict = js_sys::Reflect::get(&options, &JsValue::from_str("strictUtf8"))?;
    let strict: Option<bool> = serde_wasm_bindgen::from_value(strict.clone()).map_err(|_| {
        type_error(format!(
            "ssert: strictUtf8 must be a boolean, got {}",
            describe(&strict)
        ))
    })?;
    if let Some(value) = strict {
        config = config.strict_utf8(value);
    }
    Ok(config)
}

/// A value of the wrong type or shape, as a plain message: the wrapper throws it as a
/// `TypeError`.
fn type_error(message: String) -> JsValue {
    JsValue::from(message)
}

/// How an error message shows a value it refused: the type, and the value of a primitive
/// (`number -1`, `string "10"`, `bigint 5n`, `boolean true`, `null`, `an object`, `an array`,
/// `an object (Uint8Array)`, `a function`, `a symbol`).
fn describe(value: &JsValue) -> String {
    const LONGEST: usize = 60;
    if value.is_null() {
        return "null".into();
    }
    if value.is_undefined() {
        return "undefined".into();
    }
    if let Some(flag) = value.as_bool() {
        return format!("boolean {flag}");
    }
    if value.as_f64().is_some() {
        let number: &js_sys::Number = value.unchecked_ref();
        return format!(
            "number {}",
            String::from(number.to_string_with_radix(10).unwrap_or_default())
        );
    }
    if value.is_bigint() {
        let number: &js_sys::BigInt = value.unchecked_ref();
        return format!(
            "bigint {}n",
            String::from(number.to_string(10).unwrap_or_default())
        );
    }
    if value.is_string() {
        let quoted = js_sys::JSON::stringify(value).map_or_else(|_| String::new(), String::from);
        if quoted.chars().count() <= LONGEST {
            return format!("string {quoted}");
        }
        let start: String = quoted.chars().take(LONGEST - 1).collect();
        return format!("string {start}…");
    }
    if value.is_symbol() {
        return "a symbol".into();
    }
    if value.is_function() {
        return "a function".into();
    }
    if js_sys::Array::is_array(value) {
        return "an array".into();
    }
    let name = js_sys::Reflect::get(value, &JsValue::from_str("constructor"))
        .ok()
        .filter(JsValue::is_function)
        .and_then(|constructor| js_sys::Reflect::get(&constructor, &JsValue::from_str("name")).ok())
        .and_then(|name| name.as_string())
        .filter(|name| !name.is_empty() && name != "Object");
    name.map_or_else(|| "an object".into(), |name| format!("an object ({name})"))
}

/// A core error as the JS wrapper receives it; the wrapper turns it into an `SsertError`.
#[derive(Serialize)]
struct ErrorPayload {
    ssert: bool,
    code: &'static str,
    message: &'static str,
    offset: f64,
    index: Option<u32>,
}

#[allow(clippy::cast_precision_loss)] // offsets beyond 2^53 bytes (8 PiB) cannot occur
fn error_value(error: Error, index: Option<u32>) -> JsValue {
    let payload = ErrorPayload {
        ssert: true,
        code: error.code(),
        message: error.kind().message(),
        offset: error.offset() as f64,
        index,
    };
    serde_wasm_bindgen::to_value(&payload).unwrap_or(JsValue::NULL)
}

/// A `u64` as a JS number when exact (at most 2^53 - 1), else as a BigInt.
#[allow(clippy::cast_precision_loss)] // only values that convert exactly take the f64 path
fn u64_value(value: u64) -> JsValue {
    const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
    if value <= MAX_SAFE_INTEGER {
        JsValue::from_f64(value as f64)
    } else {
        JsValue::from(value)
    }
}

/// The push parser behind the JS `createParser` and `EventStreamParserStream`.
#[wasm_bindgen]
pub struct RawParser {
    parser: Parser,
    batch: Batch,
    /// `[ops address, ops length, UTF-8 address, UTF-8 length, ASCII address, ASCII length]` of
    /// the current batch (lengths in bytes except ops, in words), refreshed after every call that
    /// fills the batch; JS reads it through [`RawParser::header_ptr`].
    header: [usize; 6],
}

#[wasm_bindgen]
impl RawParser {
    /// A parser with the given limits (`{ maxLineLen, maxEventSize, maxBuffered, strictUtf8 }`,
    /// every key optional).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<RawParser, JsValue> {
        Ok(RawParser {
            parser: Parser::with_config(parser_config(options)?),
            batch: Batch::default(),
            header: [0; 6],
        })
    }

    /// Address of the six-word batch header; stable for the life of the parser.
    #[wasm_bindgen(js_name = headerPtr)]
    pub fn header_ptr(&self) -> *const usize {
        self.header.as_ptr()
    }

    /// Parses one chunk of bytes; returns the number of record words in the new batch.
    pub fn feed(&mut self, chunk: &[u8]) -> usize {
        self.batch.clear();
        self.parser.feed(chunk, &mut self.batch);
        self.publish()
    }

    /// Parses one chunk given as a string (its UTF-8 bytes); returns the batch's word count.
    #[wasm_bindgen(js_name = feedString)]
    pub fn feed_string(&mut self, chunk: &str) -> usize {
        self.feed(chunk.as_bytes())
    }

    /// Ends the stream (see `ssert_core::Parser::finish`); returns the batch's word count.
    pub fn finish(&mut self) -> usize {
        self.batch.clear();
        self.parser.finish(&mut self.batch);
        self.publish()
    }

    /// Back to a fresh parser, forgetting the last event ID and the reconnection time too.
    pub fn reset(&mut self) {
        self.batch.clear();
        self.parser.reset();
        self.publish();
    }

    /// The last event ID committed by a dispatch: what a reconnect sends as `Last-Event-ID`.
    #[wasm_bindgen(js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.parser.last_event_id().into()
    }

    /// Sets the last event ID (see `ssert_core::Parser::set_last_event_id`).
    #[wasm_bindgen(js_name = setLastEventId)]
    /// An id that no stream could set and no reconnect could send (CR, LF or NUL: the
    /// encoder's id check, as in Python) is refused with that core error.
    pub fn set_last_event_id(&mut self, id: &str) -> Result<(), JsValue> {
        self.parser
            .try_set_last_event_id(id)
            .map_err(|error| error_value(error, None))
    }

    /// The last valid `retry` value (number, or BigInt above 2^53 - 1), or `undefined`.
    #[wasm_bindgen(js_name = reconnectionTime)]
    pub fn reconnection_time(&self) -> JsValue {
        self.parser
            .reconnection_time()
            .map_or(JsValue::UNDEFINED, u64_value)
    }

    /// Bytes fed so far in the current stream.
    #[allow(clippy::cast_precision_loss)] // exact below 8 PiB
    pub fn offset(&self) -> f64 {
        self.parser.offset() as f64
    }

    fn publish(&mut self) -> usize {
        self.header = [
            self.batch.ops.as_ptr() as usize,
            self.batch.ops.len(),
            self.batch.utf8.as_ptr() as usize,
            self.batch.utf8.len(),
            self.batch.ascii.as_ptr() as usize,
            self.batch.ascii.len(),
        ];
        self.batch.ops.len()
    }
}

/// Whether a `Content-Type` value names `text/event-stream` (`ssert_core::is_event_stream_type`).
#[wasm_bindgen(js_name = isEventStreamType)]
pub fn is_event_stream_type(content_type: &str) -> bool {
    ssert_core::is_event_stream_type(content_type)
}

/// The module's linear memory, where JS reads each batch from.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// One item of `encode()`'s input: an event, or a comment when `comment` is set.
struct MessageIn {
    event: Option<String>,
    data: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    comment: Option<String>,
}

impl MessageIn {
    /// Reads item `index` of `encode()`'s input (its fields as `item.field` reads them, inherited
    /// and getters too; `undefined` and `null` are absent). A field of the wrong type is a
    /// TypeError message naming the item and the field; an exception a getter throws propagates.
    fn read(item: &JsValue, index: u32) -> Result<MessageIn, JsValue> {
        if !item.is_object() {
            return Err(type_error(format!(
                "encode(): item {index}: expected an object such as {{ data }} or {{ comment }}, got {}",
                describe(item)
            )));
        }
        let get = |name: &str| js_sys::Reflect::get(item, &JsValue::from_str(name));
        let text = |name: &str| -> Result<Option<String>, JsValue> {
            let value = get(name)?;
            if value.is_undefined() || value.is_null() {
                return Ok(None);
            }
            value.as_string().map(Some).ok_or_else(|| {
                type_error(format!(
                    "encode(): item {index}: {name} must be a string, got {}",
                    describe(&value)
                ))
            })
        };
        let event = text("event")?;
        let data = text("data")?;
        let id = text("id")?;
        let retry = get("retry")?;
        // serde-wasm-bindgen decides what a u64 is, as before: a safe integer or a BigInt.
        let retry = serde_wasm_bindgen::from_value(retry.clone()).map_err(|_| {
            type_error(format!(
                "encode(): item {index}: retry must be an integer of ms from 0 to 2^53 - 1, \
                 or a BigInt up to 2^64 - 1, got {}",
                describe(&retry)
            ))
        })?;
        let comment = text("comment")?;
        Ok(MessageIn {
            event,
            data,
            id,
            retry,
            comment,
        })
    }
}

/// The line ending of `encode()`'s options (`{ lineEnding: 'lf' | 'crlf' }`, default LF).
fn encode_line_ending(options: &JsValue) -> Result<LineEnding, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(LineEnding::Lf);
    }
    if !options.is_object() {
        return Err(type_error(format!(
            "encode(): options must be an object such as {{ lineEnding: \"crlf\" }}, got {}",
            describe(options)
        )));
    }
    let value = js_sys::Reflect::get(options, &JsValue::from_str("lineEnding"))?;
    if value.is_undefined() || value.is_null() {
        return Ok(LineEnding::Lf);
    }
    match value.as_string().as_deref() {
        Some("lf") => Ok(LineEnding::Lf),
        Some("crlf") => Ok(LineEnding::CrLf),
        _ => Err(type_error(format!(
            "encode(): options.lineEnding must be \"lf\" or \"crlf\", got {}",
            describe(&value)
        ))),
    }
}

/// Encodes events (and comments) to the `text/event-stream` wire format with the core's
/// validating encoder. Throws an error payload (with the failing item's `index`) on an event
/// type or id that cannot be sent, and a TypeError message naming the item and field for a
/// field of the wrong type.
#[wasm_bindgen]
pub fn encode(messages: JsValue, options: JsValue) -> Result<String, JsValue> {
    let line_ending = encode_line_ending(&options)?;
    // The wrapper passes an array (`Array.from` of the caller's iterable).
    let messages: js_sys::Array = messages.dyn_into().map_err(|other| {
        type_error(format!(
            "encode(): expected an array of items, got {}",
            describe(&other)
        ))
    })?;
    let encoder = Encoder::new().line_ending(line_ending);
    let mut out = String::new();
    for (index, item) in messages.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let item = MessageIn::read(&item, index)?;
        if let Some(comment) = &item.comment {
            // Writing only the comment would drop the event without a word.
            if item.event.is_some()
                || item.data.is_some()
                || item.id.is_some()
                || item.retry.is_some()
            {
                return Err(type_error(format!(
                    "encode(): item {index}: a comment item has no event, data, id or retry"
                )));
            }
            out.push_str(&encoder.encode_comment(comment));
            continue;
        }
        let message = Message {
            event: item.event.as_deref(),
            data: item.data.as_deref(),
            id: item.id.as_deref(),
            retry: item.retry,
        };
        let wire = encoder
            .encode_event(&message)
            .map_err(|error| error_value(error, Some(index)))?;
        out.push_str(&wire);
    }
    Ok(out)
}

/// The core's diagnostic trace of a whole stream (the JSON form of `ssert_core::Trace`).
#[wasm_bindgen(js_name = traceOf)]
pub fn trace_of(input: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
    let parsed = ssert_core::parse_with(input, parser_config(options)?, true);
    Ok(exact::to_js(&parsed.trace)?)
}

/// A recording or options problem as the JS wrapper receives it (turned into a `RecordingError`
/// or a `TypeError` there).
#[derive(Serialize)]
struct InputErrorPayload {
    ssert: bool,
    code: &'static str,
    message: String,
    line: Option<usize>,
}

fn input_error(code: &'static str, message: String, line: Option<usize>) -> JsValue {
    let payload = InputErrorPayload {
        ssert: true,
        code,
        message,
        line,
    };
    serde_wasm_bindgen::to_value(&payload).unwrap_or(JsValue::NULL)
}

fn load_error(error: &LoadError) -> JsValue {
    input_error("INVALID_RECORDING", error.message.clone(), error.line)
}

/// Validates a recording (the shared JSON format, as text) with the core validator; `options`
/// is the shared `ValidateOptions` JSON, as text. Returns the report (the shared report JSON;
/// an integer beyond 2^53 - 1, such as a `retry` of 2^64 - 1, as a BigInt).
///
/// Options cross as JSON text, not through serde-wasm-bindgen, because the latter reads only the
/// fields a struct names and so would silently accept a misspelt option that
/// `ValidateOptions` (`deny_unknown_fields`) must reject.
///
/// `id_order`, when given, is a JS `(a, b) => number` comparator (negative: `a` comes first)
/// that replaces the built-in id orders; the first exception it throws is rethrown unchanged.
#[wasm_bindgen(js_name = validateJson)]
pub fn validate_json(
    recording: &str,
    options: &str,
    id_order: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let recording = Recording::from_json(recording).map_err(|error| load_error(&error))?;
    let options: ValidateOptions = serde_json::from_str(options)
        .map_err(|error| input_error("INVALID_OPTIONS", error.to_string(), None))?;
    let thrown = std::rc::Rc::new(std::cell::RefCell::new(None));
    let outcome = match id_order {
        None => validate(&recording, &options),
        Some(compare) => validate_with_id_order(
            &recording,
            &options,
            Box::new(JsIdOrder {
                compare,
                thrown: thrown.clone(),
            }),
        ),
    };
    if let Some(exception) = thrown.borrow_mut().take() {
        return Err(exception);
    }
    let report = outcome.map_err(|error| input_error("INVALID_OPTIONS", error.message, None))?;
    Ok(exact::to_js(&report)?)
}

/// A JS comparator as the core's id order. A result that is not a number (or is NaN) means
/// "not comparable"; a throw is kept for `validate_json` to rethrow.
struct JsIdOrder {
    compare: js_sys::Function,
    thrown: std::rc::Rc<std::cell::RefCell<Option<JsValue>>>,
}

impl IdOrder for JsIdOrder {
    fn compare(&self, a: &str, b: &str) -> Option<std::cmp::Ordering> {
        match self
            .compare
            .call2(&JsValue::NULL, &JsValue::from_str(a), &JsValue::from_str(b))
        {
            Ok(value) => value.as_f64().and_then(|sign| sign.partial_cmp(&0.0)),
            Err(exception) => {
                self.thrown.borrow_mut().get_or_insert(exception);
                None
            }
        }
    }
}

/// Reads a JSON Lines recording and returns it as the JSON document form (text).
#[wasm_bindgen(js_name = recordingFromJsonLines)]
pub fn recording_from_json_lines(text: &str) -> Result<String, JsValue> {
    Recording::from_json_lines(text)
        .map(|recording| recording.to_json())
        .map_err(|error| load_error(&error))
}

/// Imports a HAR file as a recording (JSON document form, text; timing `none`).
#[wasm_bindgen(js_name = recordingFromHar)]
pub fn recording_from_har(text: &str) -> Result<String, JsValue> {
    Recording::from_har(text)
        .map(|recording| recording.to_json())
        .map_err(|error| load_error(&error))
}

/// The code (`"SSE402"`) of the rule named by a code in any case or by its name
/// (`"resume-point"`), as the core looks rules up; `None` for no such rule.
#[wasm_bindgen(js_name = ruleCode)]
pub fn rule_code(code_or_name: &str) -> Option<String> {
    Rule::lookup(code_or_name).map(|rule| rule.code().to_owned())
}

/// Whether the rule (code or name) runs under `options` (the shared `ValidateOptions` JSON, as
/// text): see `ValidateOptions::runs`. `None` for a rule the core does not know.
#[wasm_bindgen(js_name = ruleRuns)]
pub fn rule_runs(options: &str, code_or_name: &str) -> Result<Option<bool>, JsValue> {
    let options: ValidateOptions = serde_json::from_str(options)
        .map_err(|error| input_error("INVALID_OPTIONS", error.to_string(), None))?;
    let Some(rule) = Rule::lookup(code_or_name) else {
        return Ok(None);
    };
    options
        .runs(rule)
        .map(Some)
        .map_err(|error| input_error("INVALID_OPTIONS", error.message, None))
}

/// Values that hold `u64`s (the report, the trace) as JS values.
mod exact {
    use serde::ser::{self, Serialize, Serializer};
    use wasm_bindgen::JsValue;

    const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

    /// `value` as serde-wasm-bindgen's JSON-compatible serializer builds it, except that an
    /// integer beyond ±(2^53 - 1) becomes a BigInt. That serializer alone refuses such an
    /// integer (a stream's `retry` can be 2^64 - 1), and its BigInt option would make every
    /// integer a BigInt; this way the report keeps its JSON shape and loses no digit.
    pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
        value.serialize(Exact(&serde_wasm_bindgen::Serializer::json_compatible()))
    }

    /// A serializer that passes everything to `S`, intercepting only the wide integers, at
    /// every depth (each nested value is wrapped in [`Nested`]).
    struct Exact<S>(S);

    struct Nested<'a, T: ?Sized>(&'a T);

    impl<T: Serialize + ?Sized> Serialize for Nested<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.serialize(Exact(serializer))
        }
    }

    /// Serializer methods that hand their value to the wrapped serializer unchanged.
    macro_rules! forward {
        ($($method:ident: $ty:ty),*) => {$(
            fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
                self.0.$method(v)
            }
        )*};
    }

    impl<S: Serializer> Serializer for Exact<S> {
        type Ok = S::Ok;
        type Error = S::Error;
        type SerializeSeq = Exact<S::SerializeSeq>;
        type SerializeTuple = Exact<S::SerializeTuple>;
        type SerializeTupleStruct = Exact<S::SerializeTupleStruct>;
        type SerializeTupleVariant = Exact<S::SerializeTupleVariant>;
        type SerializeMap = Exact<S::SerializeMap>;
        type SerializeStruct = Exact<S::SerializeStruct>;
        type SerializeStructVariant = Exact<S::SerializeStructVariant>;

        fn is_human_readable(&self) -> bool {
            self.0.is_human_readable()
        }
        fn serialize_u64(self, v: u64) -> Result<S::Ok, S::Error> {
            if v > MAX_SAFE_INTEGER {
                self.0.serialize_u128(v.into())
            } else {
                self.0.serialize_u64(v)
            }
        }
        fn serialize_i64(self, v: i64) -> Result<S::Ok, S::Error> {
            if v.unsigned_abs() > MAX_SAFE_INTEGER {
                self.0.serialize_i128(v.into())
            } else {
                self.0.serialize_i64(v)
            }
        }
        forward!(
            serialize_bool: bool,
            serialize_i8: i8,
            serialize_i16: i16,
            serialize_i32: i32,
            serialize_i128: i128,
            serialize_u8: u8,
            serialize_u16: u16,
            serialize_u32: u32,
            serialize_u128: u128,
            serialize_f32: f32,
            serialize_f64: f64,
            serialize_char: char
        );
        fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
            self.0.serialize_str(v)
        }
        fn serialize_bytes(self, v: &[u8]) -> Result<S::Ok, S::Error> {
            self.0.serialize_bytes(v)
        }
        fn serialize_none(self) -> Result<S::Ok, S::Error> {
            self.0.serialize_none()
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
            self.0.serialize_some(&Nested(v))
        }
        fn serialize_unit(self) -> Result<S::Ok, S::Error> {
            self.0.serialize_unit()
        }
        fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
            self.0.serialize_unit_struct(name)
        }
        fn serialize_unit_variant(
            self,
            name: &'static str,
            index: u32,
            variant: &'static str,
        ) -> Result<S::Ok, S::Error> {
            self.0.serialize_unit_variant(name, index, variant)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            name: &'static str,
            v: &T,
        ) -> Result<S::Ok, S::Error> {
            self.0.serialize_newtype_struct(name, &Nested(v))
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            name: &'static str,
            index: u32,
            variant: &'static str,
            v: &T,
        ) -> Result<S::Ok, S::Error> {
            self.0
                .serialize_newtype_variant(name, index, variant, &Nested(v))
        }
        fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
            self.0.serialize_seq(len).map(Exact)
        }
        fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
            self.0.serialize_tuple(len).map(Exact)
        }
        fn serialize_tuple_struct(
            self,
            name: &'static str,
            len: usize,
        ) -> Result<Self::SerializeTupleStruct, S::Error> {
            self.0.serialize_tuple_struct(name, len).map(Exact)
        }
        fn serialize_tuple_variant(
            self,
            name: &'static str,
            index: u32,
            variant: &'static str,
            len: usize,
        ) -> Result<Self::SerializeTupleVariant, S::Error> {
            self.0
                .serialize_tuple_variant(name, index, variant, len)
                .map(Exact)
        }
        fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
            self.0.serialize_map(len).map(Exact)
        }
        fn serialize_struct(
            self,
            name: &'static str,
            len: usize,
        ) -> Result<Self::SerializeStruct, S::Error> {
            self.0.serialize_struct(name, len).map(Exact)
        }
        fn serialize_struct_variant(
            self,
            name: &'static str,
            index: u32,
            variant: &'static str,
            len: usize,
        ) -> Result<Self::SerializeStructVariant, S::Error> {
            self.0
                .serialize_struct_variant(name, index, variant, len)
                .map(Exact)
        }
    }

    /// Compound serializers whose values are passed on wrapped in [`Nested`].
    macro_rules! pass_values {
        ($($trait:ident :: $method:ident),*) => {$(
            impl<S: ser::$trait> ser::$trait for Exact<S> {
                type Ok = S::Ok;
                type Error = S::Error;
                fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
                    self.0.$method(&Nested(v))
                }
                fn end(self) -> Result<S::Ok, S::Error> {
                    self.0.end()
                }
            }
        )*};
    }
    pass_values!(
        SerializeSeq::serialize_element,
        SerializeTuple::serialize_element,
        SerializeTupleStruct::serialize_field,
        SerializeTupleVariant::serialize_field
    );

    /// The same for the compound serializers of named fields.
    macro_rules! pass_fields {
        ($($trait:ident),*) => {$(
            impl<S: ser::$trait> ser::$trait for Exact<S> {
                type Ok = S::Ok;
                type Error = S::Error;
                fn serialize_field<T: Serialize + ?Sized>(
                    &mut self,
                    key: &'static str,
                    v: &T,
                ) -> Result<(), S::Error> {
                    self.0.serialize_field(key, &Nested(v))
                }
                fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
                    self.0.skip_field(key)
                }
                fn end(self) -> Result<S::Ok, S::Error> {
                    self.0.end()
                }
            }
        )*};
    }
    pass_fields!(SerializeStruct, SerializeStructVariant);

    impl<S: ser::SerializeMap> ser::SerializeMap for Exact<S> {
        type Ok = S::Ok;
        type Error = S::Error;
        fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), S::Error> {
            self.0.serialize_key(&Nested(k))
        }
        fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
            self.0.serialize_value(&Nested(v))
        }
        fn end(self) -> Result<S::Ok, S::Error> {
            self.0.end()
        }
    }
}
