// Node entry point of `ssert`: instantiates the wasm engine synchronously from the file next to
// this one, so `import { createParser } from 'ssert'` is ready to use at once.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { initSync } from './ssert_wasm.js';
import { textDecoding } from './text.js';

initSync({ module: readFileSync(new URL('./ssert_wasm_bg.wasm', import.meta.url)) });

// ASCII bytes are their own Latin-1 string: Buffer copies them into a one-byte string without
// UTF-8 validation, several times faster than TextDecoder.
textDecoding.ascii = (buffer, ptr, len) => Buffer.from(buffer, ptr, len).latin1Slice(0, len);

export * from './api.js';
export * from './session.js';
