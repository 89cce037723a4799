// Parser option cases run both by the main entry point (in Node, by k6.test.mjs) and by the k6
// entry point (in k6, by parser.js): `new Parser(options)` of ssert/k6 must accept, refuse (with
// a TypeError) and apply exactly what `createParser(options)` does. Plain ESM without
// TextEncoder, which k6 lacks.

const bytes = (text) => Array.from(text, (c) => c.charCodeAt(0));

/** A stream that every limit and `strictUtf8` changes: two events, one with invalid UTF-8. */
export const OPTION_INPUT = new Uint8Array([
  ...bytes('data: hello\n\n'),
  ...bytes('data: '),
  ...bytes('x'.repeat(20)),
  0xff,
  ...bytes('\n\n'),
]);

export const optionCases = [
  {},
  // Limits: 0 is a limit of 0, null and undefined are unset, the largest usize (wasm32) works.
  { maxLineLen: 0 },
  { maxEventSize: 0 },
  { maxBuffered: 0 },
  { maxLineLen: 12 },
  { maxEventSize: 6 },
  { maxBuffered: 8 },
  { maxLineLen: null, maxEventSize: undefined },
  { maxLineLen: -0 },
  { maxLineLen: 2 ** 32 - 1 },
  { maxLineLen: 12n },
  { strictUtf8: true },
  { strictUtf8: false },
  { strictUtf8: null },
  // Refused, with a TypeError.
  { maxLineLen: -1 },
  { maxLineLen: 1.5 },
  { maxEventSize: 2 ** 32 },
  { maxLineLen: 2 ** 32 + 3 },
  { maxBuffered: 2 ** 53 },
  { maxBuffered: 2 ** 64 },
  { maxLineLen: 1e21 },
  { maxLineLen: 5e-324 },
  { maxLineLen: -1.5e-7 },
  { maxLineLen: NaN },
  { maxLineLen: Infinity },
  { maxLineLen: -Infinity },
  { maxLineLen: '10' },
  { maxLineLen: 'a\u0001"b\\\n' },
  { maxLineLen: true },
  { maxLineLen: -1n },
  { maxLineLen: 2n ** 32n },
  { maxLineLen: 2n ** 64n },
  { maxLineLen: {} },
  { maxLineLen: { a: 1 } },
  { maxLineLen: [1, 'x'] },
  { maxLineLen: new Uint8Array(2) },
  { maxLineLen: new Date(0) },
  { strictUtf8: 1 },
  { strictUtf8: 0 },
  { strictUtf8: 'yes' },
  { strictUtf8: 1n },
  // Two bad fields.
  { maxBuffered: 'x', maxLineLen: -1 },
  { strictUtf8: 'x', maxEventSize: 1.5 },
  // Callbacks must be functions.
  { onRetry: 'x' },
];

/** What a parser made by `make(options)` does with OPTION_INPUT, or the error it throws. */
export function optionOutcome(make, options) {
  const events = [];
  const errors = [];
  let parser;
  try {
    parser = make({ ...options, onEvent: (event) => events.push(event.data), onError: (error) => errors.push(`${error.code}@${error.offset}`) });
  } catch (error) {
    return { threw: error.constructor.name };
  }
  try {
    parser.feed(OPTION_INPUT);
    parser.end();
  } finally {
    parser.free();
  }
  return { events, errors };
}
