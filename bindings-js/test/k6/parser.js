// k6 script run by k6.test.mjs with the real k6 binary: the k6 Parser and Recorder where they
// must behave as the main entry point does (options, the order of a nested feed, exact retry
// values), the Recorder's clock and its unseen request headers. SSERT_OPTION_OUTCOMES holds what
// createParser did with parser-cases.js in Node.
/* global open, __ENV */
import { check } from 'k6';
import { Parser, Recorder } from '../node_modules/ssert/dist/k6.js';
import { optionCases, optionOutcome } from './parser-cases.js';

const expected = JSON.parse(open(__ENV.SSERT_OPTION_OUTCOMES));

export const options = { vus: 1, iterations: 1, thresholds: { checks: ['rate==1'] } };

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export default function () {
  optionCases.forEach((parserOptions, index) => {
    const got = optionOutcome((o) => new Parser(o), parserOptions);
    const ok = same(got, expected[index]);
    if (!ok) console.error(`option case ${index}: got ${JSON.stringify(got)}, want ${JSON.stringify(expected[index])}`);
    check(null, { [`options: case ${index} as createParser`]: () => ok });
  });

  // A feed() from inside a callback: its events come after the rest of the outer chunk.
  const seen = [];
  let nestedReturned;
  const parser = new Parser({
    onEvent: (event) => {
      seen.push(event.data);
      if (event.data === '1') nestedReturned = parser.feed('data: 4\n\n');
    },
  });
  const returned = parser.feed('data: 1\n\ndata: 2\n\ndata: 3\n\n');
  parser.free();
  check(null, {
    'Parser: a nested feed() is delivered in stream order, and returned by the outer call': () =>
      same(seen, ['1', '2', '3', '4']) && same(nestedReturned, []) && same(returned.map((e) => e.data), ['1', '2', '3', '4']),
  });

  // reconnectionTime: exact above 2^53 - 1 (a BigInt), as onRetry gives it.
  let retried;
  const retries = new Parser({ onRetry: (ms) => (retried = ms) });
  const none = retries.reconnectionTime;
  retries.feed('retry: 1500\n');
  const small = retries.reconnectionTime;
  retries.feed('retry: 9007199254740993\n');
  const big = retries.reconnectionTime;
  retries.free();
  check(null, {
    'Parser: reconnectionTime is exact above 2^53 - 1': () =>
      none === undefined && small === 1500 && typeof big === 'bigint' && big === 9007199254740993n && retried === big,
  });

  // The Recorder's clock: Date.now() that never goes back, so `timing: 'monotonic'` holds.
  const realNow = Date.now;
  const recorder = new Recorder();
  const response = { url: 'http://sse.test/', status: 200, headers: {}, body: 'data: x\n\n', timings: { duration: 5, receiving: 1 } };
  let ts = [];
  try {
    const first = recorder.add(response);
    const start = realNow();
    Date.now = () => start - 60000; // the system clock steps back a minute
    const second = recorder.add({ ...response, timings: { duration: 10000, receiving: 9000 } });
    ts = [first.request.t, first.response.t, first.chunks[0].t, first.end.t, second.request.t, second.response.t, second.chunks[0].t, second.end.t, recorder.now()];
  } finally {
    Date.now = realNow;
  }
  check(null, {
    "Recorder: timestamps never decrease, as timing: 'monotonic' says": () =>
      recorder.toJSON().timing === 'monotonic' && ts.length === 9 && ts.every((t, i) => i === 0 || t >= ts[i - 1]),
  });

  // Request headers neither given nor on the response are not observed (null): `[]` would say the
  // client sent none, and the validator would blame it for an Accept it may well have sent.
  const heads = new Recorder();
  const unseen = heads.add(response).request.headers;
  const noneSent = heads.add(response, { headers: {} }).request.headers;
  const fromK6 = heads.add({ ...response, request: { headers: { Accept: 'text/event-stream' } } }).request.headers;
  check(null, {
    'Recorder: request headers never seen are null, not observed; {} is none sent': () =>
      unseen === null && same(noneSent, []) && same(fromK6, [['accept', 'text/event-stream']]),
  });
}
