//! ssert-core as a plain C-ABI wasm module for k6.
//!
//! k6's JavaScript runtime has no `WebAssembly`, so the k6 entry point of the npm package runs
//! this crate translated to JavaScript by binaryen's `wasm2js`. wasm2js cannot translate
//! wasm-bindgen output (reference types, several tables), hence this second, minimal engine:
//! numbers in, numbers out, and one import (a caller's id order, see [`HostIdOrder`]). It
//! converts and nothing else; the parser, the batch
//! layout (shared with `ssert-wasm` through `batch.rs`) and the validator are the same code as
//! everywhere.
//!
//! # Memory protocol
//!
//! All state lives in one instance-wide [`State`]. JavaScript writes input bytes into the buffer
//! that [`ssert_input`] reserves, then calls a function that reads them; results come back as a
//! [`batch`] (addresses in the header at [`ssert_header`]) or as bytes in the output buffer
//! ([`ssert_output`]). Nothing here dereferences a pointer: JavaScript reads and writes the
//! linear memory at the addresses it is given.

#![deny(unsafe_code)]

#[path = "../../src/batch.rs"]
pub mod batch;

use std::cell::RefCell;

use batch::Batch;
use std::cmp::Ordering;

use ssert_core::validate::{
    validate, validate_with_id_order, BoxedIdOrder, IdOrder, Recording, ValidateOptions,
};
use ssert_core::{Parser, ParserConfig};

/// Everything the module holds between calls.
#[derive(Default)]
pub struct State {
    /// Parsers by handle - 1; `None` once freed (handles are reused).
    parsers: Vec<Option<Parser>>,
    /// Bytes JavaScript wrote for the next call.
    input: Vec<u8>,
    /// The last batch.
    batch: Batch,
    /// `[ops address, ops words, UTF-8 address, UTF-8 bytes, ASCII address, ASCII bytes]`.
    header: [u32; 6],
    /// Bytes returned by the last call that returns bytes.
    output: Vec<u8>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    STATE.with(|state| f(&mut state.borrow_mut()))
}

/// An address or length in the 32-bit wasm memory as a return value.
fn word(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn address<T>(pointer: *const T) -> u32 {
    word(pointer as usize)
}

impl State {
    fn parser(&mut self, handle: u32) -> Option<&mut Parser> {
        let index = usize::try_from(handle).ok()?.checked_sub(1)?;
        self.parsers.get_mut(index)?.as_mut()
    }

    fn publish(&mut self) -> u32 {
        self.header = [
            address(self.batch.ops.as_ptr()),
            word(self.batch.ops.len()),
            address(self.batch.utf8.as_ptr()),
            word(self.batch.utf8.len()),
            address(self.batch.ascii.as_ptr()),
            word(self.batch.ascii.len()),
        ];
        word(self.batch.ops.len())
    }

    fn set_output(&mut self, bytes: &[u8]) -> u32 {
        self.output.clear();
        self.output.extend_from_slice(bytes);
        word(self.output.len())
    }
}

/// Reserves `len` bytes of input and returns their address, for JavaScript to fill.
#[allow(unsafe_code)] // `no_mangle` is the C-ABI export itself; nothing unsafe happens here.
#[no_mangle]
pub extern "C" fn ssert_input(len: u32) -> u32 {
    with_state(|state| {
        state.input.clear();
        state.input.resize(usize::try_from(len).unwrap_or(0), 0);
        address(state.input.as_ptr())
    })
}

/// Address of the six-word batch header, refreshed by every call that fills the batch.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_header() -> u32 {
    with_state(|state| address(state.header.as_ptr()))
}

/// Address of the output bytes of the last call that returned a length.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_output() -> u32 {
    with_state(|state| address(state.output.as_ptr()))
}

/// `ssert_parser_new` flag: report invalid UTF-8.
pub const STRICT_UTF8: u32 = 1;
/// `ssert_parser_new` flag: `max_line_len` is set (else the default applies).
pub const MAX_LINE_LEN_SET: u32 = 2;
/// `ssert_parser_new` flag: `max_event_size` is set (else the default applies).
pub const MAX_EVENT_SIZE_SET: u32 = 4;
/// `ssert_parser_new` flag: `max_buffered` is set (else the default applies).
pub const MAX_BUFFERED_SET: u32 = 8;

/// A new parser. `flags` says which limits are set ([`MAX_LINE_LEN_SET`], ...: a limit not set
/// keeps the core's default, and a limit set to 0 is a limit of 0, as in the main entry point)
/// and whether UTF-8 is strict ([`STRICT_UTF8`]). Returns its handle.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_parser_new(
    max_line_len: u32,
    max_event_size: u32,
    max_buffered: u32,
    flags: u32,
) -> u32 {
    let mut config = ParserConfig::default().strict_utf8(flags & STRICT_UTF8 != 0);
    // wasm32's usize is u32: every value converts.
    let limit = |value: u32, set: u32| {
        (flags & set != 0).then(|| usize::try_from(value).unwrap_or(usize::MAX))
    };
    if let Some(value) = limit(max_line_len, MAX_LINE_LEN_SET) {
        config = config.max_line_len(value);
    }
    if let Some(value) = limit(max_event_size, MAX_EVENT_SIZE_SET) {
        config = config.max_event_size(value);
    }
    if let Some(value) = limit(max_buffered, MAX_BUFFERED_SET) {
        config = config.max_buffered(value);
    }
    with_state(|state| {
        let parser = Some(Parser::with_config(config));
        match state.parsers.iter().position(Option::is_none) {
            Some(free) => {
                state.parsers[free] = parser;
                word(free + 1)
            }
            None => {
                state.parsers.push(parser);
                word(state.parsers.len())
            }
        }
    })
}

/// Frees a parser; its handle may be reused.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_parser_free(handle: u32) {
    with_state(|state| {
        if let Some(slot) = usize::try_from(handle)
            .ok()
            .and_then(|h| h.checked_sub(1))
            .and_then(|i| state.parsers.get_mut(i))
        {
            *slot = None;
        }
    });
}

/// Parses the first `len` input bytes; returns the new batch's word count.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_feed(handle: u32, len: u32) -> u32 {
    with_state(|state| {
        let State {
            parsers,
            input,
            batch,
            ..
        } = state;
        batch.clear();
        let index = usize::try_from(handle).ok().and_then(|h| h.checked_sub(1));
        if let Some(parser) = index
            .and_then(|i| parsers.get_mut(i))
            .and_then(Option::as_mut)
        {
            let len = usize::try_from(len).unwrap_or(0).min(input.len());
            parser.feed(&input[..len], batch);
        }
        state.publish()
    })
}

/// Ends the stream (see `ssert_core::Parser::finish`); returns the new batch's word count.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_finish(handle: u32) -> u32 {
    with_state(|state| {
        let mut batch = std::mem::take(&mut state.batch);
        batch.clear();
        if let Some(parser) = state.parser(handle) {
            parser.finish(&mut batch);
        }
        state.batch = batch;
        state.publish()
    })
}

/// Back to a fresh parser.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_reset(handle: u32) {
    with_state(|state| {
        if let Some(parser) = state.parser(handle) {
            parser.reset();
        }
    });
}

/// Writes the parser's last event ID (UTF-8) to the output; returns its length.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_last_event_id(handle: u32) -> u32 {
    with_state(|state| {
        let id = state
            .parser(handle)
            .map(|parser| parser.last_event_id().to_owned())
            .unwrap_or_default();
        state.set_output(id.as_bytes())
    })
}

/// Writes the parser's reconnection time (the last valid `retry`, in ms) to the output as two
/// little-endian `u32` words, low then high (exact: no `f64` rounding above 2^53), and returns
/// 8; returns 0 and writes nothing when none was seen.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_reconnection_time(handle: u32) -> u32 {
    with_state(|state| {
        match state
            .parser(handle)
            .and_then(|parser| parser.reconnection_time())
        {
            Some(millis) => state.set_output(&millis.to_le_bytes()),
            None => 0,
        }
    })
}

/// Validates: the input holds the recording JSON (`recording_len` bytes) followed by the
/// options JSON (`options_len` bytes); a non-zero `host_id_order` orders ids with the caller's
/// comparator ([`HostIdOrder`]) instead of the built-in orders. The output is
/// `{"report": REPORT}` or `{"error": {"code": ..., "message": ..., "line": ...}}`; returns its
/// length.
#[allow(unsafe_code)] // `no_mangle` export, see `ssert_input`.
#[no_mangle]
pub extern "C" fn ssert_validate(recording_len: u32, options_len: u32, host_id_order: u32) -> u32 {
    with_state(|state| {
        let split = usize::try_from(recording_len)
            .unwrap_or(0)
            .min(state.input.len());
        let end = split
            .saturating_add(usize::try_from(options_len).unwrap_or(0))
            .min(state.input.len());
        let order = (host_id_order != 0).then(|| Box::new(HostIdOrder) as BoxedIdOrder);
        let json = validate_to_json(&state.input[..split], &state.input[split..end], order);
        state.set_output(json.as_bytes())
    })
}

#[cfg(target_arch = "wasm32")]
mod host {
    // The shim's `k6_host.js`; wasm2js turns this import module into an ES module import.
    #[link(wasm_import_module = "./k6_host.js")]
    extern "C" {
        /// The caller's comparison of the ids at `(a, a_len)` and `(b, b_len)` (UTF-8 in linear
        /// memory): negative when `a` comes first, as a JS comparator returns; NaN when it did
        /// not return a number.
        fn compare_ids(a: u32, a_len: u32, b: u32, b_len: u32) -> f64;
    }

    /// The host's comparison of two ids (see `compare_ids`).
    pub fn compare(a: &str, b: &str) -> f64 {
        use super::{address, word};
        // SAFETY: the import only reads the two ranges, which are live `&str`s for the duration
        // of the call, and touches no other memory of this module.
        #[allow(unsafe_code)]
        unsafe {
            compare_ids(
                address(a.as_ptr()),
                word(a.len()),
                address(b.as_ptr()),
                word(b.len()),
            )
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    /// Host builds (this crate's unit tests) have no JavaScript caller: nothing is comparable.
    pub fn compare(_: &str, _: &str) -> f64 {
        f64::NAN
    }
}

/// The id order of a JavaScript `idOrder(a, b)` comparator, reached through the module's one
/// import. The shim decodes the two ids from linear memory, calls the comparator and keeps what
/// it throws, to rethrow once the validation has returned.
pub struct HostIdOrder;

impl IdOrder for HostIdOrder {
    fn compare(&self, a: &str, b: &str) -> Option<Ordering> {
        // As the main entry point reads a comparator's result: its sign; NaN is not comparable.
        host::compare(a, b).partial_cmp(&0.0)
    }
}

#[derive(serde::Serialize)]
struct ErrorOut<'a> {
    code: &'a str,
    message: String,
    line: Option<usize>,
}

fn error_json(code: &str, message: String, line: Option<usize>) -> String {
    let error = ErrorOut {
        code,
        message,
        line,
    };
    format!(
        "{{\"error\":{}}}",
        serde_json::to_string(&error).unwrap_or_else(|_| "null".into())
    )
}

/// The validation as the JSON text the shim parses; `order`, when given, replaces the built-in
/// id orders.
pub fn validate_to_json(recording: &[u8], options: &[u8], order: Option<BoxedIdOrder>) -> String {
    let Ok(recording) = std::str::from_utf8(recording) else {
        return error_json("INVALID_RECORDING", "recording is not UTF-8".into(), None);
    };
    let recording = match Recording::from_json(recording) {
        Ok(recording) => recording,
        Err(error) => return error_json("INVALID_RECORDING", error.message, error.line),
    };
    let options: ValidateOptions = match serde_json::from_slice(options) {
        Ok(options) => options,
        Err(error) => return error_json("INVALID_OPTIONS", error.to_string(), None),
    };
    let outcome = match order {
        Some(order) => validate_with_id_order(&recording, &options, order),
        None => validate(&recording, &options),
    };
    match outcome {
        Ok(report) => match serde_json::to_string(&report) {
            Ok(report) => format!("{{\"report\":{report}}}"),
            Err(error) => error_json("INVALID_OPTIONS", error.to_string(), None),
        },
        Err(error) => error_json("INVALID_OPTIONS", error.message, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_reused_and_freed_handles_do_nothing() {
        let first = ssert_parser_new(0, 0, 0, 0);
        let second = ssert_parser_new(0, 0, 0, 0);
        assert_ne!(first, second);
        ssert_parser_free(first);
        assert_eq!(ssert_feed(first, 0), 0);
        assert_eq!(ssert_parser_new(0, 0, 0, 0), first);
    }

    #[test]
    fn feed_reads_the_input_and_publishes_the_batch() {
        let handle = ssert_parser_new(0, 0, 0, 0);
        let text = b"id: 9\ndata: x\n\n";
        ssert_input(u32::try_from(text.len()).unwrap());
        STATE.with(|state| state.borrow_mut().input.copy_from_slice(text));
        assert_eq!(ssert_feed(handle, 15), 4);
        let len = ssert_last_event_id(handle);
        STATE.with(|state| assert_eq!(&state.borrow().output[..len as usize], b"9"));
        STATE.with(|state| assert_eq!(state.borrow().batch.ascii, "x9"));
    }

    fn feed_text(handle: u32, text: &[u8]) -> u32 {
        ssert_input(u32::try_from(text.len()).unwrap());
        STATE.with(|state| state.borrow_mut().input.copy_from_slice(text));
        ssert_feed(handle, u32::try_from(text.len()).unwrap())
    }

    #[test]
    fn a_limit_of_zero_is_a_limit_and_an_unset_one_is_the_default() {
        let zero = ssert_parser_new(0, 0, 0, MAX_LINE_LEN_SET);
        let unset = ssert_parser_new(0, 0, 0, 0);
        // A LINE_TOO_LONG error record (5 words), then nothing dispatched: the line was skipped.
        assert_eq!(feed_text(zero, b"data: x\n\n"), 5);
        // One event record (4 words).
        assert_eq!(feed_text(unset, b"data: x\n\n"), 4);
    }

    #[test]
    fn the_reconnection_time_is_exact_above_2_pow_53() {
        let handle = ssert_parser_new(0, 0, 0, 0);
        assert_eq!(ssert_reconnection_time(handle), 0);
        feed_text(handle, b"retry: 9007199254740993\n");
        assert_eq!(ssert_reconnection_time(handle), 8);
        STATE.with(|state| {
            assert_eq!(
                state.borrow().output,
                9_007_199_254_740_993_u64.to_le_bytes()
            );
        });
    }

    #[test]
    fn validate_reports_bad_input_as_json_errors() {
        assert!(validate_to_json(b"{", b"{}", None)
            .starts_with("{\"error\":{\"code\":\"INVALID_RECORDING\""));
        let empty = br#"{"format":"ssert-recording","version":1,"connections":[]}"#;
        assert!(validate_to_json(empty, b"{\"nope\":1}", None)
            .starts_with("{\"error\":{\"code\":\"INVALID_OPTIONS\""));
        assert!(validate_to_json(empty, b"{}", None).starts_with("{\"report\":{"));
    }
}
