//! Shared pieces of the ssert-core fuzz targets: the recording sink of the integration tests
//! (`core/tests/common/recorder.rs`), and fuzzer-controlled parser limits.

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use ssert_core::ParserConfig;

#[path = "../../tests/common/recorder.rs"]
mod recorder;
pub use recorder::{Call, Recorder};

/// Parser limits chosen by the fuzzer. Small limits are what reach the error and recovery
/// paths on inputs of fuzzer size; `None` keeps the default.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Limits {
    max_line_len: Option<u8>,
    max_event_size: Option<u8>,
    max_buffered: Option<u16>,
    strict_utf8: bool,
}

impl Limits {
    /// The parser configuration these limits describe.
    pub fn config(&self) -> ParserConfig {
        let mut config = ParserConfig::default().strict_utf8(self.strict_utf8);
        if let Some(len) = self.max_line_len {
            config = config.max_line_len(usize::from(len));
        }
        if let Some(size) = self.max_event_size {
            config = config.max_event_size(usize::from(size));
        }
        if let Some(size) = self.max_buffered {
            config = config.max_buffered(usize::from(size));
        }
        config
    }
}

/// Cuts `data` into chunks whose lengths come from `lens` (each taken modulo 65, so empty
/// chunks happen too); once `lens` runs out the rest is one chunk. No `lens` at all means one
/// byte at a time.
pub fn chunks<'a>(data: &'a [u8], lens: &[u8]) -> Vec<&'a [u8]> {
    if lens.is_empty() {
        return data.chunks(1).collect();
    }
    let mut out = Vec::with_capacity(lens.len() + 1);
    let mut rest = data;
    for len in lens {
        let len = usize::from(*len % 65).min(rest.len());
        let (chunk, tail) = rest.split_at(len);
        out.push(chunk);
        rest = tail;
    }
    out.push(rest);
    out
}
