// k6 script run by k6.test.mjs with the real k6 binary: the shared conformance vectors and the
// shared validator cases through `ssert/k6` (the wasm2js build), plus the metric helpers.
// k6 resolves no npm packages, so the installed package is imported by its path.
import { check } from 'k6';
import { b64decode } from 'k6/encoding';
import { createMetrics, parse, Parser, recordReport, validate } from '../node_modules/ssert/dist/k6.js';
import { sessionWithIds } from '../shared/recordings.js';
import { chunkings, cut, expected, prng, run } from '../shared/vectors.js';

const vectors = JSON.parse(open(__ENV.SSERT_VECTORS));
const cases = JSON.parse(open(__ENV.SSERT_CASES));
const seed = Number(__ENV.SSERT_CHUNK_SEED);
const metrics = createMetrics('sse');

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: {
    checks: ['rate==1'],
    sse_events: ['count>0'],
    // Declared so that the summary export lists these tagged series (k6.test.mjs checks them).
    'sse_violations{severity:error}': ['count>=0'],
    'sse_violations{severity:warning}': ['count>=0'],
    'sse_violations{severity:info}': ['count>=0'],
  },
};

// Inputs up to this many bytes (or UTF-16 units) are also split at every point.
const EVERY_SPLIT_MAX = 512;

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export default function () {
  let failures = 0;
  for (const vector of vectors) {
    const bytes = new Uint8Array(b64decode(vector.input, 'std'));
    const want = expected(vector);
    let problem = null;
    for (const [kind, input] of [['bytes', bytes], ['string', vector.text]]) {
      if (input === undefined) continue;
      const random = prng(seed);
      // k6 runs the wasm2js build, ~20x slower than wasm: every split point runs here only for
      // inputs up to EVERY_SPLIT_MAX units (most vectors); longer ones get whole, one unit at a
      // time and seeded random splits, and every split point in the Node and browser runs.
      for (const plan of chunkings(input.length, random, 3, input.length <= EVERY_SPLIT_MAX)) {
        const { seen, shapeProblems } = run((o) => new Parser(o), vector, cut(input, plan.cuts));
        if (want.comments === undefined) seen.comments = undefined;
        if (shapeProblems.length > 0 || !same(seen, want)) {
          problem = `${kind} input, ${plan.name}: got ${JSON.stringify(seen)} ${shapeProblems}, want ${JSON.stringify(want)}`;
          break;
        }
      }
      if (problem) break;
    }
    if (problem) {
      failures += 1;
      console.error(`vector ${vector.name}: ${problem}`);
    }
    check(null, { [`vector ${vector.name}`]: () => problem === null });
  }

  for (const testCase of cases) {
    const report = validate(testCase.recording, testCase.options);
    const codes = report.findings.map((f) => f.code).filter((c, i, all) => all.indexOf(c) === i).sort();
    const ok = same(codes, testCase.expect.slice().sort());
    if (!ok) console.error(`case ${testCase.name}: got ${codes}, want ${testCase.expect}`);
    check(report, { [`validator case ${testCase.name}`]: () => ok });
    recordReport(metrics, report, { case: testCase.name });
  }

  // idOrder: the caller's comparator, called by the engine through its one import (k6_host.js).
  const quiet = { disable: ['x-accel-buffering', 'buffered-transport'] };
  const bySuffix = (a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]);
  const codesOf = (report) => report.findings.map((f) => f.code).filter((c, i, all) => all.indexOf(c) === i).sort();
  const thrownBy = (f) => {
    try {
      f();
    } catch (error) {
      return error;
    }
    return undefined;
  };
  const inOrder = sessionWithIds(['job-2', 'job-10', 'job-11']);
  const boom = new Error('cannot order these ids');
  check(null, {
    'validate(): idOrder decides what increasing ids are': () =>
      // Lexicographically "job-10" < "job-2": the built-in order sees a regression, the caller's not.
      same(codesOf(validate(inOrder, { ...quiet, ids: { order: 'lexicographic' } })), ['SSE302']) &&
      same(codesOf(validate(inOrder, { ...quiet, idOrder: bySuffix })), []) &&
      same(codesOf(validate(sessionWithIds(['job-10', 'job-2']), { ...quiet, idOrder: bySuffix })), ['SSE302']),
    'validate(): what idOrder throws propagates; idOrder must be a function': () =>
      thrownBy(() => validate(sessionWithIds(['a', 'b']), { ...quiet, idOrder: () => { throw boom; } })) === boom &&
      thrownBy(() => validate(sessionWithIds(['a']), { idOrder: 'integer' })) instanceof TypeError,
    'validate(): the engine is usable after a comparator threw': () =>
      same(codesOf(validate(sessionWithIds(['1', '2']), quiet)), []),
  });

  // A throwing callback: the exception propagates, and the next call delivers and returns the rest.
  const throwOn = new Set(['a', 'c']);
  const seen = [];
  const parser = new Parser({
    onEvent: (event) => {
      seen.push(event.data);
      if (throwOn.delete(event.data)) throw new Error(`boom at ${event.data}`);
    },
  });
  const firstThrow = thrownBy(() => parser.feed('data: a\n\ndata: b\n\ndata: c\n\n'));
  const secondThrow = thrownBy(() => parser.feed('data: d'));
  const returned = parser.feed('\n\n');
  check(null, {
    'Parser: a throwing callback loses nothing; the next feed() returns what was held back': () =>
      firstThrow !== undefined &&
      firstThrow.message === 'boom at a' &&
      secondThrow !== undefined &&
      secondThrow.message === 'boom at c' &&
      same(seen, ['a', 'b', 'c', 'd']) &&
      same(
        returned.map((e) => e.data),
        ['a', 'b', 'c', 'd'],
      ),
  });

  const whole = parse('retry: 1000\n: hi\nid: 1\ndata: x\n\ndata: cut');
  check(whole, {
    'parse(): events, retries, comments, errors, lastEventId': (r) =>
      same(r.events, [{ type: 'message', data: 'x', id: '1' }]) &&
      same(r.retries, [1000]) &&
      same(r.comments, ['hi']) &&
      r.errors.length === 1 &&
      r.errors[0].code === 'INCOMPLETE_EVENT' &&
      r.errors[0].name === 'ParseError' &&
      r.lastEventId === '1',
  });
  console.log(`ssert/k6: ${vectors.length} vectors, ${cases.length} validator cases, ${failures} vector failures`);
}
