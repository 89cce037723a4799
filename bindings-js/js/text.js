// How the batch's two string buffers are turned into JS strings. The defaults work everywhere
// TextDecoder exists; the Node entry point swaps in Buffer's Latin-1 copy for the ASCII buffer.

// ignoreBOM: a buffer may legitimately start with U+FEFF (data that begins with one); the default
// TextDecoder would silently drop it and shift every later string.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export const textDecoding = {
  /** Decodes `len` UTF-8 bytes at `ptr` of `buffer`. */
  utf8: (buffer, ptr, len) => utf8Decoder.decode(new Uint8Array(buffer, ptr, len)),
  /** Decodes `len` ASCII bytes at `ptr` of `buffer`. */
  ascii: (buffer, ptr, len) => utf8Decoder.decode(new Uint8Array(buffer, ptr, len)),
};
