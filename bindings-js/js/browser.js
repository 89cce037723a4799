// Browser (and default) entry point of `ssert`: fetches and compiles the wasm engine next to this
// file with a top-level await, so a page can `import { createParser } from '.../ssert/dist/browser.js'`
// without a bundler. The server must send the .wasm as `application/wasm`.
import init from './ssert_wasm.js';

await init({ module_or_path: new URL('./ssert_wasm_bg.wasm', import.meta.url) });

export * from './api.js';
export * from './session.js';
