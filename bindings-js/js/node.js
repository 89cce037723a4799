// Node entry point of `ssert`: instantiates the wasm engine synchronously from the file next to
// this one, so `import { createParser } from 'ssert'` is ready to use at once.
import { readFileSync } from 'node:fs';
import { initSync } from './ssert_wasm.js';

initSync({ module: readFileSync(new URL('./ssert_wasm_bg.wasm', import.meta.url)) });

export * from './api.js';
