// Node entry point of `ssert`: instantiates the wasm engine synchronously from the file next to
// this one, so `import { createParser } from 'ssert'` is ready to use at once.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { initSync } from './ssert_wasm.js';
import { textDecoding } from './text.js';

initSync({ module: readFileSync(new URL('./ssert_wasm_bg.wasm', import.meta.url)) });

// ASCII bytes are their own Latin-1 string: Buffer copies them into a one-byte string without
// UTF-8 validation, several times faster than TextDecoder. One Buffer over the whole memory
// (no copy), remade when the memory grows, so no object is made per chunk.
let memoryAsBuffer;
const refreshDefault = textDecoding.refresh;
textDecoding.refresh = (views) => {
  refreshDefault(views);
  memoryAsBuffer = Buffer.from(views.buffer);
};
textDecoding.ascii = (ptr, len) => memoryAsBuffer.latin1Slice(ptr, ptr + len);

export * from './api.js';
export * from './session.js';
