// ESLint (flat config) for the hand-written JavaScript: the package's wrapper (bindings-js/js/),
// its tests (bindings-js/test/), the Node benchmark (benches/js/) and the Playwright example's
// server and page (playwright-example/; its TypeScript specs are checked by tsc). `make lint-js`
// and `make test-playwright-example` run it.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';

// k6 runs scripts in its own runtime (no Node, no DOM, no TextEncoder/TextDecoder): only these.
const k6Globals = { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly', console: 'readonly' };

const configs = [
  {
    // Generated or installed code (wasm-bindgen/wasm2js output, packed copies) and test scratch dirs.
    ignores: [
      'bindings-js/dist/',
      'bindings-js/.pack/',
      'bindings-js/.k6-venv/',
      'bindings-js/test/.readme-examples/',
      'bindings-js/test/k6/.readme-*/',
      'playwright-example/test-results/',
      'playwright-example/playwright-report/',
    ],
  },
  js.configs.recommended,
  {
    // Wrapper modules of the Node and browser builds: only what both runtimes provide.
    files: ['bindings-js/js/*.js'],
    ignores: ['bindings-js/js/k6.js', 'bindings-js/js/batch.js', 'bindings-js/js/errors.js'],
    languageOptions: { globals: globals['shared-node-browser'] },
  },
  { files: ['bindings-js/js/node.js'], languageOptions: { globals: globals.node } },
  { files: ['bindings-js/js/browser.js'], languageOptions: { globals: globals.browser } },
  {
    // Run inside k6: its entry point, the two modules it shares with the other builds, the test script.
    files: ['bindings-js/js/k6.js', 'bindings-js/js/batch.js', 'bindings-js/js/errors.js', 'bindings-js/test/k6/script.js'],
    languageOptions: { globals: k6Globals },
  },
  {
    // k6.js uses them only after a `typeof` check: k6 has neither, other runtimes that load it may.
    files: ['bindings-js/js/k6.js'],
    languageOptions: { globals: { TextDecoder: 'readonly', TextEncoder: 'readonly' } },
  },
  {
    // Node: test runners, servers, the benchmark, this file.
    files: ['bindings-js/test/**/*.{js,mjs}', 'benches/js/**/*.{js,mjs}', 'bindings-js/eslint.config.js'],
    ignores: ['bindings-js/test/k6/script.js', 'bindings-js/test/shared/vectors.js'],
    languageOptions: { globals: globals.node },
  },
  { files: ['playwright-example/server/**/*.js'], languageOptions: { globals: globals.node } },
  { files: ['playwright-example/public/**/*.js'], languageOptions: { globals: globals.browser } },
  {
    // Imported by the Node tests, the browser page and the k6 script (k6 uses only its pure helpers).
    files: ['bindings-js/test/shared/vectors.js'],
    languageOptions: { globals: globals['shared-node-browser'] },
  },
  {
    // The Playwright tests pass callbacks to page.evaluate() that run inside the page.
    files: ['bindings-js/test/browser/**/*.mjs'],
    languageOptions: { globals: globals.browser },
  },
];

// Patterns are relative to the repository root, wherever ESLint runs from: `make lint-js` runs it
// from the root with --config (so it reaches benches/js), an editor from bindings-js/.
const root = fileURLToPath(new URL('..', import.meta.url));
export default configs.map((config) => ({ ...config, basePath: root }));
