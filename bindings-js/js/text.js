// How the batch's two string buffers are turned into JS strings. The defaults work everywhere
// TextDecoder exists; the Node entry point swaps in Buffer's Latin-1 copy for the ASCII buffer.
// Both read from `views` (whole-memory views, refreshed by the wrapper when wasm memory grows).

// ignoreBOM: a buffer may legitimately start with U+FEFF (data that begins with one); the default
// TextDecoder would silently drop it and shift every later string.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
// `stream: true` is measured ~1.8x faster than a plain decode in Node 20 (another code path), and
// it is exact here: a batch buffer always holds whole characters (it is a Rust `String`), so the
// streaming decoder never carries a partial sequence over to the next call.
const streaming = { stream: true };

let u8;

export const textDecoding = {
  /** Called with the new whole-memory views whenever wasm memory grew. */
  refresh(views) {
    u8 = views.u8;
  },
  /** Decodes `len` UTF-8 bytes at `ptr` of wasm memory. */
  utf8: (ptr, len) => utf8Decoder.decode(u8.subarray(ptr, ptr + len), streaming),
  /** Decodes `len` ASCII bytes at `ptr` of wasm memory. */
  ascii: (ptr, len) => utf8Decoder.decode(u8.subarray(ptr, ptr + len), streaming),
};
