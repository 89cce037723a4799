// The shared conformance vectors inside headless Chromium through the package's browser build
// (imported by bare name through an import map, wasm fetched from a loopback server), with the
// same chunkings as in Node; plus the stream adapter over a real streamed fetch.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { serverAndChromium } from '../shared/browser.js';
import { sseHandler } from '../shared/sse-server.js';

const vectorDir = new URL('../../../testdata/parser/', import.meta.url);
const seed = process.env.SSERT_CHUNK_SEED !== undefined ? Number(process.env.SSERT_CHUNK_SEED) : Math.floor(Math.random() * 2 ** 32);
const groups = readdirSync(vectorDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, vectorDir), 'utf8')));

const resuming = sseHandler({ total: 9, perConnection: 4, drop: 'end' });
let page;
serverAndChromium({
  mounts: {
    '/ssert/': new URL('../node_modules/ssert/', import.meta.url),
    '/shared/': new URL('../shared/', import.meta.url),
    '/': new URL('./', import.meta.url),
  },
  routes: {
    '/events': resuming.handle,
    // A streamed SSE response in small, delayed writes, with a split UTF-8 sequence and CRLF.
    '/sse': async (request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const wire = Buffer.from('retry: 250\r\ndata: caf\u00e9\r\n\r\nevent: end\ndata: bye\n\n');
      for (const piece of [wire.subarray(0, 20), wire.subarray(20, 11 + 7 + 3), wire.subarray(21)]) {
        response.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      response.end();
    },
  },
  async open({ browser, server }) {
    page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.origin}/page.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 }).catch((error) => {
      throw new Error(`the page did not load ssert: ${pageErrors.join('; ') || error}`);
    });
  },
});

it('runs in a real Chromium', async () => {
  const agent = await page.evaluate(() => navigator.userAgent);
  assert.match(agent, /Chrome\//);
});

for (const group of groups) {
  it(`vectors ${group.group} in Chromium (SSERT_CHUNK_SEED=${seed})`, async () => {
    const failures = await page.evaluate(
      ({ group, seed }) => {
        const { createParser, parse } = window.ssert;
        const v = window.vectors;
        const failures = [];
        const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
        for (const vector of group.vectors) {
          const bytes = v.base64ToBytes(vector.input);
          const text = v.inputText(bytes);
          const want = v.expected(vector);
          for (const [kind, input] of [['bytes', bytes], ['string', text]]) {
            if (input === undefined) continue;
            const random = v.prng(seed);
            for (const plan of v.chunkings(input.length, random, 4)) {
              const { seen, shapeProblems } = v.run(createParser, vector, v.cut(input, plan.cuts));
              if (want.comments === undefined) seen.comments = undefined;
              if (shapeProblems.length > 0 || !same(seen, want)) {
                failures.push({ name: vector.name, kind, plan: plan.name, seen, want, shapeProblems });
                break;
              }
            }
          }
          if (vector.trace !== undefined) {
            const trace = parse(bytes, { ...v.jsOptions(vector), trace: true }).trace;
            if (!same(trace, vector.trace)) failures.push({ name: vector.name, kind: 'trace', seen: trace, want: vector.trace });
          }
        }
        return failures;
      },
      { group, seed },
    );
    assert.deepEqual(failures, []);
  });
}

it('EventStreamParserStream parses a streamed fetch body in the page', async () => {
  const result = await page.evaluate(async () => {
    const { EventStreamParserStream } = window.ssert;
    const retries = [];
    const events = [];
    const response = await fetch('/sse');
    for await (const event of response.body.pipeThrough(new EventStreamParserStream({ onRetry: (r) => retries.push(r) }))) {
      events.push(event);
    }
    return { retries, events };
  });
  assert.deepEqual(result, {
    retries: [250],
    events: [
      { type: 'message', data: 'caf\u00e9', id: '', event: undefined },
      { type: 'end', data: 'bye', id: '', event: 'end' },
    ],
  });
});

it('typed errors survive in the page', async () => {
  const result = await page.evaluate(() => {
    const { encode, EncodeError } = window.ssert;
    try {
      encode([{ id: 'a\nb', data: 'x' }]);
      return 'no error';
    } catch (error) {
      return [error instanceof EncodeError, error.name, error.code, error.offset, error.index];
    }
  });
  assert.deepEqual(result, [true, 'EncodeError', 'ID_HAS_NEWLINE', 1, 0]);
});

it('connect() reconnects with Last-Event-ID in the page, and validate() runs in the page', async () => {
  const result = await page.evaluate(async () => {
    const { connect, validate } = window.ssert;
    const ids = [];
    const { reason, recording } = await connect('/events', { onEvent: (event) => ids.push(event.id) }).done;
    const report = validate(recording, { ids: { order: 'integer', consecutive: true } });
    return { ids, reason, connections: recording.connections.length, passed: report.passed, findings: report.findings };
  });
  assert.deepEqual(result, {
    ids: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    reason: 'no-content',
    connections: 4,
    passed: true,
    findings: [],
  });
  assert.deepEqual(resuming.requests.map((r) => r.lastEventId), [undefined, '4', '8', '9']);
});
