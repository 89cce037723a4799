// Runs every ```js example of bindings-js/README.md and of the root README.md as its own ES module, importing the installed
// package, so the user docs cannot drift from the code. The examples assert their own results.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const blocks = (url) => [...readFileSync(url, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);
// This package's README, then the JavaScript section of the repository's README.
const examples = [
  ...blocks(new URL('../../README.md', import.meta.url)),
  ...blocks(new URL('../../../README.md', import.meta.url)),
];
const scratch = new URL('../.readme-examples/', import.meta.url);

it('the README has examples', () => {
  assert.ok(examples.length >= 3, `found ${examples.length}`);
});

examples.forEach((code, index) => {
  const title = code.split('\n').find((line) => !line.startsWith('import') && line.trim() !== '') ?? '';
  it(`README example ${index + 1}: ${title.slice(0, 60)}`, () => {
    mkdirSync(scratch, { recursive: true });
    const file = new URL(`example-${index + 1}.mjs`, scratch);
    writeFileSync(file, code);
    try {
      execFileSync(process.execPath, [file.pathname], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    } catch (error) {
      assert.fail(`README example ${index + 1} failed:\n${error.stderr}`);
    } finally {
      rmSync(file);
    }
  });
});
