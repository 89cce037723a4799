// Memory: parsers release their wasm memory on free() and, when dropped without free(), through
// the FinalizationRegistry of the generated bindings. wasm memory never shrinks, so "released"
// shows as a size that stops growing while parsers come and go.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createParser, wasmMemoryBytes } from 'ssert';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// One MiB with no line end: the parser must hold all of it across chunks.
const unterminated = new Uint8Array(1 << 20).fill(0x61);
// A stream with many events, so the batch buffers grow too.
const eventful = new TextEncoder().encode('data: 0123456789abcdef\n\n'.repeat(20000));

function busyParser() {
  const parser = createParser({ onEvent() {}, onError() {} });
  parser.feed(eventful);
  parser.feed(unterminated);
  parser.feed(unterminated);
  return parser;
}

it('create/feed/free cycles do not grow wasm memory', () => {
  for (let i = 0; i < 5; i += 1) busyParser().free();
  const settled = wasmMemoryBytes();
  for (let i = 0; i < 200; i += 1) {
    const parser = busyParser();
    parser.end();
    parser.free();
  }
  assert.equal(wasmMemoryBytes(), settled);
});

it('a freed parser refuses further use with a UsageError', () => {
  const parser = createParser();
  parser.free();
  parser.free();
  assert.throws(() => parser.feed('data: x\n\n'), { name: 'UsageError', code: 'PARSER_FREED' });
});

it('parsers dropped without free() are released by the FinalizationRegistry', async () => {
  const sizes = [];
  for (let round = 0; round < 12; round += 1) {
    for (let i = 0; i < 10; i += 1) busyParser();
    gc();
    // Finalization callbacks run in a later task.
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    sizes.push(wasmMemoryBytes());
  }
  // Ten live parsers hold over 20 MiB; without release twelve rounds would need over 240 MiB.
  assert.equal(sizes.at(-1), sizes[3], `memory kept growing: ${sizes.map((s) => s >> 20)} MiB`);
});

it('control: parsers kept alive do grow wasm memory (the checks above can fail)', () => {
  const before = wasmMemoryBytes();
  const kept = [];
  for (let i = 0; i < 40; i += 1) kept.push(busyParser());
  // Forty parsers each hold two MiB of unterminated line: more than every earlier test's peak.
  assert.ok(wasmMemoryBytes() > before && wasmMemoryBytes() >= 40 * (2 << 20), `${before} -> ${wasmMemoryBytes()}`);
  for (const parser of kept) parser.free();
});
