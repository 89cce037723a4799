//! `ssert._ssert`: the native module behind the pip package `ssert`.
//!
//! Thin on purpose: every parse, encode and validation decision lives in `ssert-core`. This
//! crate only converts Python values to Rust and back, raises the core's errors as the typed
//! exceptions of `ssert._errors`, and releases the GIL while the core works on large inputs.
//!
//! Thread safety: [`Event`] and [`ParseResult`] are frozen (immutable) and safe to share.
//! [`Parser`] holds stream state; PyO3's runtime borrow check makes a second thread that calls
//! into the *same* parser while it is busy get a `RuntimeError` ("Already borrowed") instead of
//! corrupting it. Separate parsers run in parallel while the GIL is released.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::ops::Range;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMapping, PyMemoryView, PyString};

use ssert_core::{
    Encoder, Error as CoreError, ErrorKind, Event as CoreEvent, LineEnding, Message,
    Parser as CoreParser, ParserConfig, Sink, Span,
};

/// Inputs at least this large are parsed with the GIL released. Below it, releasing and
/// re-acquiring the GIL costs more than it lets other threads gain, and events are built as
/// Python objects directly from the borrowed input (no intermediate Rust `String`s).
const DETACH_THRESHOLD: usize = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Errors

/// `ssert._errors.ERROR_CLASSES` (error code -> exception class) and `SSEError`, imported once.
static ERROR_CLASSES: PyOnceLock<(Py<PyDict>, Py<PyAny>)> = PyOnceLock::new();

/// Builds the typed Python exception (an `ssert.SSEError` subclass) for a core error.
fn error_object<'py>(py: Python<'py>, error: CoreError) -> PyResult<Bound<'py, PyAny>> {
    error_object_at(py, error, None)
}

/// As [`error_object`], for the item `index` of `encode()`'s input: the message and the
/// exception's `index` name it, as the JS package's `EncodeError` does.
fn error_object_at<'py>(
    py: Python<'py>,
    error: CoreError,
    index: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let message = match index {
        None => error.to_string(),
        Some(index) => format!(
            "{} at byte {} of item {index}: {}",
            error.code(),
            error.offset(),
            error.kind().message()
        ),
    };
    error_with_message(py, error, message, index)
}

/// The typed Python exception for a core error, with a message of the caller's.
fn error_with_message<'py>(
    py: Python<'py>,
    error: CoreError,
    message: String,
    index: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let (classes, base) = ERROR_CLASSES.get_or_try_init(py, || -> PyResult<_> {
        let module = py.import("ssert._errors")?;
        let classes = module.getattr("ERROR_CLASSES")?.cast_into::<PyDict>()?;
        let base = module.getattr("SSEError")?;
        Ok((classes.unbind(), base.unbind()))
    })?;
    let class = match classes.bind(py).get_item(error.code())? {
        Some(class) => class,
        // A code added to the core after this binding was built: still an SSEError.
        None => base.bind(py).clone(),
    };
    class.call1((message, error.code(), error.offset(), index))
}

fn raise_at(py: Python<'_>, error: CoreError, index: usize) -> PyErr {
    match error_object_at(py, error, Some(index)) {
        Ok(exception) => PyErr::from_value(exception),
        Err(import_failure) => import_failure,
    }
}

// ---------------------------------------------------------------------------------------------
// Input conversion

/// The UTF-8 text of a Python `str`. A `str` may hold lone surrogates, which UTF-8 cannot:
/// each becomes one U+FFFD, as JavaScript's `TextEncoder` and USVString conversion do, so the
/// same string gives the same result in both packages. Only a string that fails the direct
/// conversion pays for the repair.
fn text_of<'a>(text: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    if let Ok(utf8) = text.to_cow() {
        return Ok(utf8);
    }
    // UTF-16 keeps a lone surrogate as the one code unit it is, and a surrogate pair (two code
    // points in a Python str, one character in JS) as a pair; `from_utf16_lossy` then replaces
    // exactly the unpaired ones.
    let py = text.py();
    let encoded = text.call_method1(
        intern!(py, "encode"),
        (intern!(py, "utf-16-le"), intern!(py, "surrogatepass")),
    )?;
    let units: Vec<u16> = encoded
        .cast::<PyBytes>()?
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    Ok(Cow::Owned(String::from_utf16_lossy(&units)))
}

/// The bytes of a `feed()` / `parse()` argument: borrowed from `bytes`, the UTF-8 encoding of a
/// `str` ([`text_of`]), or a copy of any other buffer (`bytearray`, `memoryview`, ...).
fn input_bytes<'a>(data: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(bytes.as_bytes()));
    }
    if let Ok(text) = data.cast::<PyString>() {
        return Ok(match text_of(text)? {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        });
    }
    if let Ok(array) = data.cast::<PyByteArray>() {
        return Ok(Cow::Owned(array.to_vec()));
    }
    match PyMemoryView::from(data) {
        Ok(view) => Ok(Cow::Owned(
            view.call_method0(intern!(data.py(), "tobytes"))?
                .cast_into::<PyBytes>()?
                .as_bytes()
                .to_vec(),
        )),
        Err(_) => Err(PyTypeError::new_err(format!(
            "expected bytes, bytearray, memoryview or str, got {}",
            data.get_type().name()?
        ))),
    }
}

/// Parser limits shared by `Parser(...)` and `parse(...)`; `None` keeps the core's default.
fn config(
    max_line_len: Option<usize>,
    max_event_size: Option<usize>,
    max_buffered: Option<usize>,
    strict_utf8: bool,
) -> ParserConfig {
    let mut config = ParserConfig::default().strict_utf8(strict_utf8);
    if let Some(limit) = max_line_len {
        config = config.max_line_len(limit);
    }
    if let Some(limit) = max_event_size {
        config = config.max_event_size(limit);
    }
    if let Some(limit) = max_buffered {
        config = config.max_buffered(limit);
    }
    config
}

// ---------------------------------------------------------------------------------------------
// Event

/// One dispatched event. Field names match httpx-sse's `ServerSentEvent`.
#[pyclass(frozen, module = "ssert._ssert", name = "Event")]
pub struct Event {
    /// The event type: the `event:` field, or "message" when the block had none.
    #[pyo3(get)]
    event: Py<PyString>,
    /// Whether the block had an `event:` field (what `encode()` writes back).
    explicit_type: bool,
    /// The data lines joined by "\n" ("" for an event made by hand without data).
    #[pyo3(get)]
    data: Py<PyString>,
    /// Whether the event has data: always for a parsed event; for one made by hand, when `data`
    /// was given (`encode()` writes no data line, so no event, for one without).
    has_data: bool,
    /// The last event ID in force when this event was dispatched ("" if none).
    #[pyo3(get)]
    id: Py<PyString>,
    /// Whether the event has an id to write back (what `encode()` does with it): always for a
    /// parsed event, where "" is an id reset by the stream; for one made by hand, when `id` was
    /// given.
    explicit_id: bool,
    /// The last valid `retry:` value inside this event's block, if any.
    #[pyo3(get)]
    retry: Option<u64>,
    span: (u64, u64),
}

#[pymethods]
impl Event {
    #[new]
    #[pyo3(signature = (event=None, data=None, id=None, retry=None))]
    fn new(
        py: Python<'_>,
        event: Option<Bound<'_, PyString>>,
        data: Option<Bound<'_, PyString>>,
        id: Option<Bound<'_, PyString>>,
        retry: Option<u64>,
    ) -> Event {
        let empty = || PyString::new(py, "");
        Event {
            explicit_type: event.is_some(),
            event: event.map_or_else(|| default_type(py), Bound::unbind),
            has_data: data.is_some(),
            data: data.unwrap_or_else(empty).unbind(),
            explicit_id: id.is_some(),
            id: id.unwrap_or_else(empty).unbind(),
            retry,
            span: (0, 0),
        }
    }

    /// Byte span `(start, end)` of the event's block in its stream.
    #[getter]
    fn span(&self) -> (u64, u64) {
        self.span
    }

    /// `json.loads(self.data)`.
    fn json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let loads = LOADS.import(py, "json", "loads")?;
        Ok(loads.call1((self.data.clone_ref(py),))?.unbind())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Event(event={}, data={}, id={}, retry={})",
            self.event.bind(py).repr()?,
            if self.has_data {
                self.data.bind(py).repr()?.to_string()
            } else {
                "None".to_owned()
            },
            self.id.bind(py).repr()?,
            match self.retry {
                Some(retry) => retry.to_string(),
                None => "None".to_owned(),
            }
        ))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(other) = other.cast::<Event>() else {
            return Ok(py.NotImplemented());
        };
        let other = other.get();
        let same = |a: &Py<PyString>, b: &Py<PyString>| PyAnyMethods::eq(a.bind(py).as_any(), b);
        // An event without data (no event on the wire) differs from one with data "".
        let equal = self.retry == other.retry
            && self.has_data == other.has_data
            && same(&self.event, &other.event)?
            && same(&self.data, &other.data)?
            && same(&self.id, &other.id)?;
        Ok(equal.into_pyobject(py)?.to_owned().into_any().unbind())
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        (
            self.event.clone_ref(py),
            self.has_data.then(|| self.data.clone_ref(py)),
            self.id.clone_ref(py),
            self.retry,
        )
            .into_pyobject(py)?
            .hash()
    }
}

fn default_type(py: Python<'_>) -> Py<PyString> {
    intern!(py, "message").clone().unbind()
}

/// The Python string last made for a value that tends to repeat (the event type, the last
/// event ID), reused while it does, so most dispatches allocate only their data.
#[derive(Default)]
struct Cached {
    text: String,
    value: Option<Py<PyString>>,
}

impl Cached {
    fn get(&mut self, py: Python<'_>, text: &str) -> Py<PyString> {
        if let Some(value) = &self.value {
            if self.text == text {
                return value.clone_ref(py);
            }
        }
        let value = PyString::new(py, text).unbind();
        // Reuses the buffer: ids change on almost every event.
        self.text.clear();
        self.text.push_str(text);
        if let Some(previous) = self.value.replace(value.clone_ref(py)) {
            // With the GIL proven held: a plain `drop` would first look it up in a thread-local.
            previous.drop_ref(py);
        }
        value
    }
}

#[derive(Default)]
struct StrCache {
    event: Cached,
    id: Cached,
}

fn make_event(py: Python<'_>, cache: &mut StrCache, event: &CoreEvent<'_>) -> PyResult<Py<Event>> {
    let made = Py::new(
        py,
        Event {
            event: match event.event {
                Some(kind) => cache.event.get(py, kind),
                None => default_type(py),
            },
            explicit_type: event.event.is_some(),
            data: PyString::new(py, event.data).unbind(),
            has_data: true,
            id: cache.id.get(py, event.id),
            explicit_id: true,
            retry: event.retry,
            span: (event.span.start, event.span.end),
        },
    )?;
    untrack(&made);
    Ok(made)
}

/// Takes an event out of the cyclic garbage collector's lists.
///
/// PyO3 makes every `#[pyclass]` a GC type, so each event would be tracked, and a stream's tens
/// of thousands of events would keep triggering collections that traverse the whole heap (15%
/// of the time of `feed()` on the LLM-token benchmark corpus). An `Event` is frozen and holds
/// only strings and integers, so it can never be part of a reference cycle: CPython untracks
/// tuples of such contents for the same reason.
fn untrack(event: &Py<Event>) {
    #[allow(unsafe_code)]
    // SAFETY: `event` is a live object of a GC type (every `#[pyclass]` is one), and the GIL is
    // held (the caller has `py`). Untracking only removes it from the collector's lists; its
    // `tp_dealloc` untracks it again, which CPython allows for an untracked object.
    unsafe {
        pyo3::ffi::PyObject_GC_UnTrack(event.as_ptr().cast());
    }
}

// ---------------------------------------------------------------------------------------------
// Sinks

/// Everything the core reports besides events, kept in stream order for the callbacks.
enum Note {
    Retry(u64),
    Comment(String),
    Error(CoreError),
}

/// The non-event reports of one call, in stream order. Both sinks keep them the same way.
#[derive(Default)]
struct Notes {
    list: Vec<Note>,
    /// Comments are kept only when someone listens for them.
    keep_comments: bool,
}

impl Notes {
    fn retry(&mut self, millis: u64) {
        self.list.push(Note::Retry(millis));
    }
    fn comment(&mut self, text: &str) {
        if self.keep_comments {
            self.list.push(Note::Comment(text.to_owned()));
        }
    }
    fn error(&mut self, error: CoreError) {
        self.list.push(Note::Error(error));
    }
}

/// Sink used with the GIL held: builds Python events straight from the borrowed input.
struct LiveSink<'py, 'c> {
    py: Python<'py>,
    cache: &'c mut StrCache,
    /// The parser's pending events, appended to in place.
    events: &'c mut Vec<Py<Event>>,
    notes: Notes,
    failure: Option<PyErr>,
}

impl Sink for LiveSink<'_, '_> {
    fn event(&mut self, event: CoreEvent<'_>) {
        match make_event(self.py, self.cache, &event) {
            Ok(event) => self.events.push(event),
            Err(error) => {
                self.failure.get_or_insert(error);
            }
        }
    }
    fn retry(&mut self, millis: u64) {
        self.notes.retry(millis);
    }
    fn comment(&mut self, text: &str) {
        self.notes.comment(text);
    }
    fn error(&mut self, error: CoreError) {
        self.notes.error(error);
    }
}

/// An event held by [`OwnedSink`]: its strings are ranges of the sink's text arena.
struct HeldEvent {
    event: Option<Range<usize>>,
    data: Range<usize>,
    id: Range<usize>,
    retry: Option<u64>,
    span: Span,
}

/// Sink used with the GIL released: plain Rust values, converted afterwards. All event
/// strings go into one arena, so a dispatch costs a copy, not three allocations.
#[derive(Default)]
struct OwnedSink {
    text: String,
    events: Vec<HeldEvent>,
    notes: Notes,
}

impl OwnedSink {
    fn hold(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    fn held(&self, index: usize) -> CoreEvent<'_> {
        let event = &self.events[index];
        CoreEvent {
            event: event.event.clone().map(|range| &self.text[range]),
            data: &self.text[event.data.clone()],
            id: &self.text[event.id.clone()],
            retry: event.retry,
            span: event.span,
        }
    }
}

impl Sink for OwnedSink {
    fn event(&mut self, event: CoreEvent<'_>) {
        // The id usually changes per event but the type rarely does: reuse the previous range.
        let previous = self.events.last();
        let kind = match (event.event, previous.and_then(|p| p.event.clone())) {
            (Some(kind), Some(range)) if self.text[range.clone()] == *kind => Some(range),
            (Some(kind), _) => Some(self.hold(kind)),
            (None, _) => None,
        };
        let data = self.hold(event.data);
        let id = self.hold(event.id);
        self.events.push(HeldEvent {
            event: kind,
            data,
            id,
            retry: event.retry,
            span: event.span,
        });
    }
    fn retry(&mut self, millis: u64) {
        self.notes.retry(millis);
    }
    fn comment(&mut self, text: &str) {
        self.notes.comment(text);
    }
    fn error(&mut self, error: CoreError) {
        self.notes.error(error);
    }
}

/// One call into the core parser: a chunk, or the end of the stream.
#[derive(Clone, Copy)]
enum Step<'a> {
    Feed(&'a [u8]),
    Finish,
}

impl Step<'_> {
    fn drive<S: Sink>(self, parser: &mut CoreParser, sink: &mut S) {
        match self {
            Step::Feed(chunk) => parser.feed(chunk, sink),
            Step::Finish => parser.finish(sink),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

/// Incremental (push) parser for one event stream, reusable across reconnects.
#[pyclass(module = "ssert._ssert", name = "Parser")]
pub struct Parser {
    inner: CoreParser,
    on_retry: Option<Py<PyAny>>,
    on_comment: Option<Py<PyAny>>,
    on_error: Option<Py<PyAny>>,
    strict: bool,
    errors: Vec<Py<PyAny>>,
    /// Events not handed out yet: those of the current call, and those of an earlier call that
    /// raised (a callback's exception), which the next `feed()` / `close()` returns first.
    pending: Vec<Py<Event>>,
    /// Callbacks not run yet, in stream order: those of the current call, and those an earlier
    /// call left when a callback raised, which the next `feed()` / `close()` runs first.
    undelivered: VecDeque<Delivery>,
    /// With `strict=True`: errors reported but not raised yet, because the call that reported
    /// them raised a callback's exception instead. The next call raises them.
    unraised: Vec<Py<PyAny>>,
    cache: StrCache,
}

/// A callback still to run, with its argument.
enum Delivery {
    Retry(u64),
    Comment(String),
    /// An error, already made the `SSEError` object that `errors` holds.
    Error(Py<PyAny>),
}

impl Parser {
    fn run(&mut self, py: Python<'_>, step: Step<'_>, size: usize) -> PyResult<Py<PyList>> {
        let notes = Notes {
            list: Vec::new(),
            keep_comments: self.on_comment.is_some(),
        };
        if size >= DETACH_THRESHOLD {
            let mut sink = OwnedSink {
                notes,
                ..OwnedSink::default()
            };
            let inner = &mut self.inner;
            py.detach(|| step.drive(inner, &mut sink));
            // The notes first: nothing the core reported may be lost to a failure below.
            self.queue(py, std::mem::take(&mut sink.notes.list))?;
            self.pending.reserve(sink.events.len());
            for index in 0..sink.events.len() {
                self.pending
                    .push(make_event(py, &mut self.cache, &sink.held(index))?);
            }
        } else {
            let mut sink = LiveSink {
                py,
                cache: &mut self.cache,
                events: &mut self.pending,
                notes,
                failure: None,
            };
            step.drive(&mut self.inner, &mut sink);
            let (list, failure) = (sink.notes.list, sink.failure);
            self.queue(py, list)?;
            if let Some(failure) = failure {
                return Err(failure);
            }
        }
        self.deliver(py)
    }

    /// Records this call's notes: each error goes to `errors` at once (and, in strict mode, is
    /// to be raised); the callbacks are queued behind any an earlier call left undelivered.
    fn queue(&mut self, py: Python<'_>, notes: Vec<Note>) -> PyResult<()> {
        for note in notes {
            match note {
                Note::Retry(millis) => {
                    if self.on_retry.is_some() {
                        self.undelivered.push_back(Delivery::Retry(millis));
                    }
                }
                // Kept by the sink only when `on_comment` is set.
                Note::Comment(text) => self.undelivered.push_back(Delivery::Comment(text)),
                Note::Error(error) => {
                    let exception = error_object(py, error)?.unbind();
                    self.errors.push(exception.clone_ref(py));
                    if self.strict {
                        self.unraised.push(exception.clone_ref(py));
                    }
                    if self.on_error.is_some() {
                        self.undelivered.push_back(Delivery::Error(exception));
                    }
                }
            }
        }
        Ok(())
    }

    /// Runs the queued callbacks in stream order, then hands out the pending events (or, in
    /// strict mode, raises the first error not raised yet, carrying them). If a callback raises,
    /// the exception propagates, and the callbacks after it, the events and the errors to raise
    /// all wait for the next call, which delivers them before its own.
    fn deliver(&mut self, py: Python<'_>) -> PyResult<Py<PyList>> {
        while let Some(delivery) = self.undelivered.pop_front() {
            let called = match delivery {
                Delivery::Retry(millis) => self
                    .on_retry
                    .as_ref()
                    .map(|callback| callback.call1(py, (millis,))),
                Delivery::Comment(text) => self
                    .on_comment
                    .as_ref()
                    .map(|callback| callback.call1(py, (text,))),
                Delivery::Error(exception) => self
                    .on_error
                    .as_ref()
                    .map(|callback| callback.call1(py, (exception,))),
            };
            if let Some(Err(raised)) = called {
                return Err(raised);
            }
        }
        // Drained, not taken: the vector keeps its allocation for the next call.
        let events = PyList::new(py, self.pending.drain(..))?;
        if let Some(first) = self.unraised.first() {
            let first = first.bind(py).clone();
            let errors = PyList::new(py, self.unraised.drain(..))?;
            first.setattr(intern!(py, "events"), &events)?;
            first.setattr(intern!(py, "errors"), errors)?;
            return Err(PyErr::from_value(first));
        }
        Ok(events.unbind())
    }
}

#[pymethods]
impl Parser {
    #[new]
    #[pyo3(signature = (
        on_retry=None, on_comment=None, *, on_error=None, strict=false,
        max_line_len=None, max_event_size=None, max_buffered=None, strict_utf8=false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        on_retry: Option<Py<PyAny>>,
        on_comment: Option<Py<PyAny>>,
        on_error: Option<Py<PyAny>>,
        strict: bool,
        max_line_len: Option<usize>,
        max_event_size: Option<usize>,
        max_buffered: Option<usize>,
        strict_utf8: bool,
    ) -> Parser {
        Parser {
            inner: CoreParser::with_config(config(
                max_line_len,
                max_event_size,
                max_buffered,
                strict_utf8,
            )),
            on_retry,
            on_comment,
            on_error,
            strict,
            errors: Vec::new(),
            pending: Vec::new(),
            undelivered: VecDeque::new(),
            unraised: Vec::new(),
            cache: StrCache::default(),
        }
    }

    /// Feeds one chunk (bytes or str) and returns the events it completed.
    fn feed(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<Py<PyList>> {
        let bytes = input_bytes(chunk)?;
        self.run(py, Step::Feed(&bytes), bytes.len())
    }

    /// Ends the stream; the parser is then ready for the next stream (a reconnect).
    fn close(&mut self, py: Python<'_>) -> PyResult<Py<PyList>> {
        self.run(py, Step::Finish, 0)
    }

    /// Forgets everything: buffered bytes, last event ID, retry, errors, and what a raising
    /// callback left undelivered.
    fn reset(&mut self) {
        self.inner.reset();
        self.errors.clear();
        self.pending.clear();
        self.undelivered.clear();
        self.unraised.clear();
    }

    /// The last event ID committed by a dispatch: what a reconnect sends as Last-Event-ID.
    #[getter]
    fn last_event_id(&self) -> &str {
        self.inner.last_event_id()
    }

    /// Sets the last event ID, as a client resuming a stream it read earlier starts out with
    /// the id it kept.
    ///
    /// Raises `IdHasNewlineError` / `IdHasNulError` (ValueErrors) for an id with CR or LF,
    /// which no request could send as a header, or NUL, which no stream could set.
    #[setter]
    fn set_last_event_id(&mut self, id: &Bound<'_, PyString>) -> PyResult<()> {
        let text = text_of(id)?;
        if let Err(error) = self.inner.try_set_last_event_id(&text) {
            let why = match error.kind() {
                ErrorKind::IdHasNul => "a stream's `id` field that contains NUL is ignored",
                _ => "a reconnect could not send it as the Last-Event-ID header",
            };
            let message = format!(
                "last event ID {}: {} (byte {}); {why}",
                id.repr()?,
                error.kind().message(),
                error.offset()
            );
            return Err(PyErr::from_value(error_with_message(
                id.py(),
                error,
                message,
                None,
            )?));
        }
        Ok(())
    }

    /// The last valid `retry:` value (milliseconds), or None.
    #[getter]
    fn retry(&self) -> Option<u64> {
        self.inner.reconnection_time()
    }

    /// Bytes fed so far in the current stream.
    #[getter]
    fn offset(&self) -> u64 {
        self.inner.offset()
    }

    /// Every error reported since the parser was created or reset, as SSEError objects.
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.errors.iter().map(|error| error.clone_ref(py)))
    }
}

// ---------------------------------------------------------------------------------------------
// parse()

/// Result of `parse()`: everything the core reported for one whole stream.
#[pyclass(frozen, module = "ssert._ssert", name = "ParseResult")]
pub struct ParseResult {
    #[pyo3(get)]
    events: Py<PyList>,
    #[pyo3(get)]
    retries: Py<PyList>,
    #[pyo3(get)]
    comments: Py<PyList>,
    #[pyo3(get)]
    errors: Py<PyList>,
    #[pyo3(get)]
    last_event_id: Py<PyString>,
    #[pyo3(get)]
    trace: Py<PyList>,
}

#[pymethods]
impl ParseResult {
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.events.bind(py).try_iter().map(Bound::into_any)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.events.bind(py).len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "ParseResult(events={}, retries={}, comments={}, errors={}, last_event_id={:?})",
            self.events.bind(py).len(),
            self.retries.bind(py).len(),
            self.comments.bind(py).len(),
            self.errors.bind(py).len(),
            self.last_event_id.bind(py).to_string_lossy(),
        )
    }
}

/// Parses a whole stream (bytes or str), end of stream included, and returns a `ParseResult`.
/// With `strict=True` the first error is raised instead, carrying the events in `.events`.
#[pyfunction]
#[pyo3(signature = (
    data, *, strict=false, trace=false,
    max_line_len=None, max_event_size=None, max_buffered=None, strict_utf8=false,
))]
#[allow(clippy::too_many_arguments)]
fn parse(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    strict: bool,
    trace: bool,
    max_line_len: Option<usize>,
    max_event_size: Option<usize>,
    max_buffered: Option<usize>,
    strict_utf8: bool,
) -> PyResult<ParseResult> {
    let bytes = input_bytes(data)?;
    let config = config(max_line_len, max_event_size, max_buffered, strict_utf8);
    let input: &[u8] = &bytes;
    let parsed = if input.len() >= DETACH_THRESHOLD {
        py.detach(|| ssert_core::parse_with(input, config, trace))
    } else {
        ssert_core::parse_with(input, config, trace)
    };
    let mut cache = StrCache::default();
    let mut events = Vec::with_capacity(parsed.events.len());
    for event in &parsed.events {
        events.push(make_event(py, &mut cache, &event.as_event())?);
    }
    let events = PyList::new(py, events)?;
    let errors = PyList::empty(py);
    for error in &parsed.errors {
        errors.append(error_object(py, *error)?)?;
    }
    let trace = if parsed.trace.is_empty() {
        PyList::empty(py)
    } else {
        // The trace's JSON form is defined by the core's serde derive; reuse it verbatim.
        static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let json = serde_json::to_string(&parsed.trace)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        LOADS
            .import(py, "json", "loads")?
            .call1((json,))?
            .cast_into::<PyList>()?
    };
    if strict && !errors.is_empty() {
        let first = errors.get_item(0)?;
        first.setattr(intern!(py, "events"), &events)?;
        first.setattr(intern!(py, "errors"), &errors)?;
        return Err(PyErr::from_value(first));
    }
    Ok(ParseResult {
        events: events.unbind(),
        retries: PyList::new(py, &parsed.retries)?.unbind(),
        comments: PyList::new(py, &parsed.comments)?.unbind(),
        errors: errors.unbind(),
        last_event_id: PyString::new(py, &parsed.last_event_id).unbind(),
        trace: trace.unbind(),
    })
}

// ---------------------------------------------------------------------------------------------
// encode()

/// An event to encode, extracted from Python into owned strings.
struct OwnedMessage {
    event: Option<String>,
    data: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
}

/// One item of `encode()`'s input.
enum Item {
    Event(OwnedMessage),
    Comment(String),
}

/// The text of field `name` of item `index`, which must be a `str` (lone surrogates become
/// U+FFFD, see [`text_of`]).
fn field_text(value: &Bound<'_, PyAny>, index: usize, name: &str) -> PyResult<String> {
    match value.cast::<PyString>() {
        Ok(text) => Ok(text_of(text)?.into_owned()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "encode(): item {index}: `{name}` must be a str, got {}",
            value.get_type().name()?
        ))),
    }
}

/// The `retry` of item `index`: an int from 0 to 2**64 - 1.
fn field_retry(value: &Bound<'_, PyAny>, index: usize) -> PyResult<u64> {
    if let Ok(retry) = value.extract::<u64>() {
        return Ok(retry);
    }
    if value.cast::<PyInt>().is_ok() {
        return Err(PyValueError::new_err(format!(
            "encode(): item {index}: `retry` must be from 0 to 2**64 - 1 (milliseconds), got {}",
            value.repr()?
        )));
    }
    Err(PyTypeError::new_err(format!(
        "encode(): item {index}: `retry` must be an int, got {}",
        value.get_type().name()?
    )))
}

impl Item {
    fn extract<'py>(item: &Bound<'py, PyAny>, index: usize) -> PyResult<Item> {
        let py = item.py();
        if let Ok(event) = item.cast::<Event>() {
            let event = event.get();
            let text = |value: &Py<PyString>| -> PyResult<String> {
                Ok(text_of(value.bind(py))?.into_owned())
            };
            return Ok(Item::Event(OwnedMessage {
                event: if event.explicit_type {
                    Some(text(&event.event)?)
                } else {
                    None
                },
                // Made by hand without data: no event, as for a mapping without "data".
                data: if event.has_data {
                    Some(text(&event.data)?)
                } else {
                    None
                },
                // A parsed event's id is written even when it is "": the stream reset the last
                // event ID there, and the encoded stream must too (`id:`), as in the JS package.
                id: if event.explicit_id {
                    Some(text(&event.id)?)
                } else {
                    None
                },
                retry: event.retry,
            }));
        }
        let dict = item.cast::<PyDict>().ok();
        let is_mapping = dict.is_some() || item.cast::<PyMapping>().is_ok();
        let field = |name: &Bound<'py, PyString>| -> PyResult<Option<Bound<'py, PyAny>>> {
            let value = if let Some(dict) = &dict {
                dict.get_item(name)?
            } else if is_mapping {
                Some(item.call_method1(intern!(py, "get"), (name,))?)
            } else {
                item.getattr_opt(name)?
            };
            Ok(value.filter(|value| !value.is_none()))
        };
        let names = [
            intern!(py, "event"),
            intern!(py, "data"),
            intern!(py, "id"),
            intern!(py, "retry"),
        ];
        let comment = field(intern!(py, "comment"))?;
        if !is_mapping && comment.is_none() {
            // A str, a number, None...: no event at all, which would be written as a blank line.
            let mut has_any = false;
            for name in names {
                has_any |= item.hasattr(name)?;
            }
            if !has_any {
                return Err(PyTypeError::new_err(format!(
                    "encode(): item {index} is not an event: expected an Event, a mapping or an \
                     object with event/data/id/retry attributes, got {}",
                    item.get_type().name()?
                )));
            }
        }
        if let Some(comment) = comment {
            for name in names {
                if field(name)?.is_some() {
                    // Writing only the comment would drop the event without a word.
                    return Err(PyTypeError::new_err(format!(
                        "encode(): item {index}: a comment item has no event, data, id or retry"
                    )));
                }
            }
            return Ok(Item::Comment(field_text(&comment, index, "comment")?));
        }
        let [event, data, id, retry] = names;
        let text = |name: &Bound<'py, PyString>, label: &str| -> PyResult<Option<String>> {
            field(name)?
                .map(|value| field_text(&value, index, label))
                .transpose()
        };
        let id = text(id, "id")?;
        // A mapping's "id": "" is an explicit reset (`id:`). An object with attributes is an
        // event like httpx-sse's ServerSentEvent, whose id "" means "no id".
        let id = if is_mapping {
            id
        } else {
            id.filter(|id| !id.is_empty())
        };
        Ok(Item::Event(OwnedMessage {
            event: text(event, "event")?,
            // No data (absent or None) is no event: only the id and retry are written.
            data: text(data, "data")?,
            id,
            retry: field(retry)?
                .map(|value| field_retry(&value, index))
                .transpose()?,
        }))
    }
}

impl OwnedMessage {
    fn as_message(&self) -> Message<'_> {
        Message {
            event: self.event.as_deref(),
            data: self.data.as_deref(),
            id: self.id.as_deref(),
            retry: self.retry,
        }
    }
}

fn encoder(line_ending: &str) -> PyResult<Encoder> {
    let ending = match line_ending {
        "lf" | "\n" => LineEnding::Lf,
        "crlf" | "\r\n" => LineEnding::CrLf,
        other => {
            return Err(PyValueError::new_err(format!(
                "line_ending must be 'lf' or 'crlf', got {other:?}"
            )))
        }
    };
    Ok(Encoder::new().line_ending(ending))
}

/// Encodes events (Event objects, mappings or objects with event/data/id/retry) and comments
/// (`{"comment": text}`) to the wire format; raises an SSEError subclass naming the item
/// (`index`) for a value that cannot be framed, TypeError for an item that is no event or
/// comment or a field of the wrong type, and ValueError for a `retry` out of range.
#[pyfunction]
#[pyo3(signature = (events, *, line_ending="lf"))]
fn encode(py: Python<'_>, events: &Bound<'_, PyAny>, line_ending: &str) -> PyResult<String> {
    let encoder = encoder(line_ending)?;
    let mut out = String::new();
    for (index, item) in events.try_iter()?.enumerate() {
        match Item::extract(&item?, index)? {
            Item::Event(message) => encoder.write_event(&mut out, &message.as_message()),
            Item::Comment(text) => encoder.write_comment(&mut out, &text),
        }
        .map_err(|error| raise_at(py, error, index))?;
    }
    Ok(out)
}

/// Whether a Content-Type value names text/event-stream, as an EventSource decides.
#[pyfunction]
fn is_event_stream_type(content_type: &Bound<'_, PyString>) -> PyResult<bool> {
    Ok(ssert_core::is_event_stream_type(&text_of(content_type)?))
}

/// Encodes a comment; multi-line text becomes several `:` lines.
#[pyfunction]
#[pyo3(signature = (text, *, line_ending="lf"))]
fn encode_comment(text: &Bound<'_, PyString>, line_ending: &str) -> PyResult<String> {
    Ok(encoder(line_ending)?.encode_comment(&text_of(text)?))
}

// ---------------------------------------------------------------------------------------------
// validate()

/// Raises `ssert._errors.<class_name>(message)` (a `ValueError` subclass).
fn value_error(py: Python<'_>, class_name: &str, message: String) -> PyErr {
    match py
        .import("ssert._errors")
        .and_then(|module| module.getattr(class_name))
        .and_then(|class| class.call1((message,)))
    {
        Ok(exception) => PyErr::from_value(exception),
        Err(import_failure) => import_failure,
    }
}

/// The outcome of `validate()`: pass/fail, findings and stats, as the core reports them.
#[pyclass(frozen, module = "ssert._ssert", name = "Report")]
pub struct Report {
    #[pyo3(get)]
    passed: bool,
    #[pyo3(get)]
    errors: u64,
    #[pyo3(get)]
    warnings: u64,
    #[pyo3(get)]
    infos: u64,
    codes: Vec<&'static str>,
    json: String,
    text: String,
}

impl Report {
    fn from_core(report: &ssert_core::validate::Report) -> PyResult<Report> {
        let json = serde_json::to_string(report)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok(Report {
            passed: report.passed,
            errors: report.errors,
            warnings: report.warnings,
            infos: report.infos,
            codes: report.codes(),
            text: report.to_string(),
            json,
        })
    }
}

#[pymethods]
impl Report {
    /// The distinct rule codes of the findings, sorted (e.g. `["SSE402", "SSE403"]`).
    #[getter]
    fn codes(&self) -> Vec<&'static str> {
        self.codes.clone()
    }

    /// The report as the JSON every binding produces (`{"format": "ssert-report", ...}`).
    fn to_json(&self) -> &str {
        &self.json
    }

    /// The report as a dict (`json.loads(self.to_json())`).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        Ok(LOADS
            .import(py, "json", "loads")?
            .call1((self.json.as_str(),))?
            .unbind())
    }

    /// The findings, notes and a summary line, for humans.
    fn __str__(&self) -> &str {
        &self.text
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(passed={}, errors={}, warnings={}, infos={}, codes={:?})",
            if self.passed { "True" } else { "False" },
            self.errors,
            self.warnings,
            self.infos,
            self.codes
        )
    }
}

/// A Python `cmp`-style function as the core's id order: negative, zero or positive for
/// before, same, after. The first exception it raises is kept and re-raised after validation;
/// the comparison it interrupted counts as "not comparable".
struct PyIdOrder {
    compare: Py<PyAny>,
    raised: std::sync::Arc<std::sync::Mutex<Option<PyErr>>>,
}

impl ssert_core::validate::IdOrder for PyIdOrder {
    fn compare(&self, a: &str, b: &str) -> Option<std::cmp::Ordering> {
        // Validation runs with the GIL released; each comparison takes it back.
        Python::attach(|py| {
            let outcome = self
                .compare
                .call1(py, (a, b))
                .and_then(|value| value.extract::<i64>(py));
            match outcome {
                Ok(sign) => Some(sign.cmp(&0)),
                Err(error) => {
                    if let Ok(mut raised) = self.raised.lock() {
                        raised.get_or_insert(error);
                    }
                    None
                }
            }
        })
    }
}

/// Validates a recording given as text (JSON, JSON Lines or HAR) with options given as JSON.
/// `ssert.validate()` is the Python-friendly entry point.
#[pyfunction]
#[pyo3(signature = (recording, *, format="json", options=None, id_order=None))]
fn validate_json(
    py: Python<'_>,
    recording: &Bound<'_, PyString>,
    format: &str,
    options: Option<&str>,
    id_order: Option<Py<PyAny>>,
) -> PyResult<Report> {
    use ssert_core::validate::{validate, validate_with_id_order, Recording};
    let options = options_of(py, options)?;
    let load = match format {
        "json" => Recording::from_json,
        "jsonl" => Recording::from_json_lines,
        "har" => Recording::from_har,
        other => {
            return Err(PyValueError::new_err(format!(
                "format must be 'json', 'jsonl' or 'har', got {other:?}"
            )))
        }
    };
    let recording = text_of(recording)?;
    let recording: &str = &recording;
    let raised = std::sync::Arc::new(std::sync::Mutex::new(None));
    let order = id_order.map(|compare| PyIdOrder {
        compare,
        raised: raised.clone(),
    });
    let outcome = py.detach(|| {
        let recording = load(recording).map_err(|error| Err(error.to_string()))?;
        match order {
            None => validate(&recording, &options),
            Some(order) => validate_with_id_order(&recording, &options, Box::new(order)),
        }
        .map_err(|error| Ok(error.to_string()))
    });
    if let Some(error) = raised.lock().ok().and_then(|mut raised| raised.take()) {
        return Err(error);
    }
    let report = match outcome {
        Ok(report) => report,
        Err(Err(load_error)) => return Err(value_error(py, "RecordingError", load_error)),
        Err(Ok(options_error)) => return Err(value_error(py, "OptionsError", options_error)),
    };
    Report::from_core(&report)
}

/// Options given as JSON (`None`: the defaults), or `ssert.OptionsError`.
fn options_of(
    py: Python<'_>,
    options: Option<&str>,
) -> PyResult<ssert_core::validate::ValidateOptions> {
    match options {
        Some(json) => serde_json::from_str(json).map_err(|error| {
            value_error(
                py,
                "OptionsError",
                format!("invalid validate options: {error}"),
            )
        }),
        None => Ok(ssert_core::validate::ValidateOptions::default()),
    }
}

/// The core's streaming validator: a session given one record at a time, so memory stays bounded
/// by the validator's own windows however long the session. `ssert lint` feeds a stream file
/// through it in reads. Not for sharing between threads (the core validator may hold a Python
/// id order); PyO3 raises if another thread uses it.
#[pyclass(unsendable, module = "ssert._ssert", name = "StreamingValidator")]
pub struct StreamingValidator {
    /// `None` once `finish()` has taken it.
    validator: Option<ssert_core::validate::Validator>,
    /// JSON Lines records given so far, for the line number of an error.
    records: usize,
}

#[pymethods]
impl StreamingValidator {
    #[new]
    #[pyo3(signature = (options=None))]
    fn new(py: Python<'_>, options: Option<&str>) -> PyResult<Self> {
        let options = options_of(py, options)?;
        let validator = ssert_core::validate::Validator::new(&options)
            .map_err(|error| value_error(py, "OptionsError", error.to_string()))?;
        Ok(StreamingValidator {
            validator: Some(validator),
            records: 0,
        })
    }

    /// Consumes one JSON Lines record of a recording (header, request, response, chunk, end,
    /// ...); raises `ssert.RecordingError` for one that cannot be read.
    fn record(&mut self, py: Python<'_>, line: &str) -> PyResult<()> {
        self.records += 1;
        let record = self.records;
        self.validator_mut()?
            .record_json(line)
            .map_err(|error| value_error(py, "RecordingError", format!("record {record}: {error}")))
    }

    /// Body bytes of the current connection, received at `t` ms: what a `chunk` record says,
    /// without its base64.
    fn chunk(&mut self, t: u64, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let data = input_bytes(data)?;
        self.validator_mut()?.chunk(t, &data);
        Ok(())
    }

    /// The report of the session so far; the validator is then used up.
    fn finish(&mut self) -> PyResult<Report> {
        let validator = self.validator.take().ok_or_else(finished)?;
        Report::from_core(&validator.finish())
    }
}

impl StreamingValidator {
    fn validator_mut(&mut self) -> PyResult<&mut ssert_core::validate::Validator> {
        self.validator.as_mut().ok_or_else(finished)
    }
}

fn finished() -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err("this StreamingValidator has finished")
}

// ---------------------------------------------------------------------------------------------

/// The native module `ssert._ssert`.
#[pymodule]
fn _ssert(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<Event>()?;
    module.add_class::<Parser>()?;
    module.add_class::<ParseResult>()?;
    module.add_class::<Report>()?;
    module.add_class::<StreamingValidator>()?;
    module.add_function(wrap_pyfunction!(validate_json, module)?)?;
    module.add_function(wrap_pyfunction!(parse, module)?)?;
    module.add_function(wrap_pyfunction!(encode, module)?)?;
    module.add_function(wrap_pyfunction!(encode_comment, module)?)?;
    module.add_function(wrap_pyfunction!(is_event_stream_type, module)?)?;
    Ok(())
}
