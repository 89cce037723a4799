// The shared conformance vectors through the package's public API in Node: every vector, bytes
// and (for valid UTF-8 input) string input, whole, one unit at a time, at every split point and
// at seeded random splits (SSERT_CHUNK_SEED, printed on failure).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createParser, parse } from 'ssert';
import { base64ToBytes, chunkings, cut, expected, inputText, jsOptions, prng, run } from '../shared/vectors.js';

const vectorDir = new URL('../../../testdata/parser/', import.meta.url);
const seed = process.env.SSERT_CHUNK_SEED !== undefined ? Number(process.env.SSERT_CHUNK_SEED) : Math.floor(Math.random() * 2 ** 32);
const files = readdirSync(vectorDir).filter((name) => name.endsWith('.json')).sort();

function check(vector, input, kind) {
  const random = prng(seed);
  const want = expected(vector);
  for (const plan of chunkings(input.length, random)) {
    const { seen, shapeProblems } = run(createParser, vector, cut(input, plan.cuts));
    if (want.comments === undefined) delete seen.comments;
    const where = `${vector.name}, ${kind} input, ${plan.name} (SSERT_CHUNK_SEED=${seed})`;
    assert.deepEqual(shapeProblems, [], where);
    assert.deepEqual({ ...seen, comments: seen.comments }, { ...want, comments: want.comments === undefined ? undefined : want.comments }, where);
  }
}

let total = 0;
for (const file of files) {
  const group = JSON.parse(readFileSync(new URL(file, vectorDir), 'utf8'));
  describe(`vectors ${group.group}`, () => {
    for (const vector of group.vectors) {
      total += 1;
      it(vector.name, () => {
        const bytes = base64ToBytes(vector.input);
        check(vector, bytes, 'bytes');
        const text = inputText(bytes);
        if (vector.text !== undefined) assert.equal(text, vector.text, `${vector.name}: text is not the decoded input`);
        if (text !== undefined) check(vector, text, 'string');
        if (vector.trace !== undefined) {
          assert.deepEqual(parse(bytes, { ...jsOptions(vector), trace: true }).trace, vector.trace, `${vector.name}: trace`);
        }
      });
    }
  });
}

it('loads the shared vectors', () => {
  assert.ok(files.length >= 10, `expected the testdata/parser groups, found ${files}`);
  assert.ok(total >= 200, `expected the full vector set, found ${total}`);
});
