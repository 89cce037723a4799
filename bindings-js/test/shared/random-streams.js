// Seeded random `text/event-stream` bodies for differential tests: streams that a conforming
// parser must read exactly as the WHATWG algorithm says, built from the cases parsers get wrong
// (line endings of every kind, field names that almost match, the space after the colon, ids
// with NUL, retry values that are not digits, a BOM, invalid UTF-8, unterminated tails).
// Plain ESM with no Node APIs.

/** The event types a random stream uses; a listener for each catches every event it sends. */
export const EVENT_TYPES = ['message', 'update', 'error', 'open', 'ping', 'Update', ' spaced', 'caf\u00e9', '\u{1f642}', 'a:b', '\u0000'];

const encoder = new TextEncoder();

const TEXTS = [
  '',
  'x',
  ' ',
  '  two leading spaces',
  'hello world',
  '{"delta":"tok","n":1}',
  'caf\u00e9 na\u00efve',
  '\u65e5\u672c\u8a9e',
  'emoji \u{1f642}',
  'tab\there',
  'colon: inside',
  ':',
  'nul\u0000inside',
  'data: looks like a field',
  '\u00a0nbsp',
  '\ufeffinner BOM',
];

// Byte sequences that are not UTF-8: a lone continuation byte, a truncated sequence, an overlong
// form, an encoded surrogate, a code point above U+10FFFF, bytes that never occur.
const INVALID = [[0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xf0, 0x9f, 0x99], [0xc3]];

const FIELD_NAMES = ['data', 'data', 'data', 'data', 'data', 'data', 'data', 'data', 'event', 'id', 'retry', 'Data', 'DATA', ' data', 'data ', 'dat', 'datas', 'ID', 'foo', ''];

const ENDINGS = ['\n', '\n', '\r\n', '\r'];

/** A random stream body (bytes) drawn from `random` (a PRNG returning floats in [0, 1)). */
export function randomStream(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const parts = [];
  const text = (value) => parts.push(encoder.encode(value));

  const value = () => {
    const roll = random();
    if (roll < 0.1) return [...encoder.encode(pick(TEXTS)), ...pick(INVALID), ...encoder.encode(pick(TEXTS))];
    if (roll < 0.2) return [...encoder.encode(String(Math.floor(random() * 100000)))];
    if (roll < 0.25) return [...encoder.encode(`${Math.floor(random() * 100)}x`)];
    // Now and then a value longer than the reads of any parser: 64 KiB and more.
    if (roll < 0.252) return [...encoder.encode('long \u00e9 '.repeat(8000 + Math.floor(random() * 2000)))];
    return [...encoder.encode(pick(TEXTS))];
  };

  const bom = random();
  if (bom < 0.1) text('\ufeff');
  else if (bom < 0.13) text('\ufeff\ufeff');
  const lines = 1 + Math.floor(random() * 40);
  // A browser reconnects after the server's `retry` (3 s by default in Chromium): set a short
  // one somewhere in the stream (a later `retry` field may still replace it).
  const shortRetryAt = Math.floor(random() * lines);
  for (let line = 0; line < lines; line += 1) {
    if (line === shortRetryAt) text(`retry: 1${pick(ENDINGS)}`);
    const roll = random();
    if (roll < 0.22) {
      // A blank line: the block so far is dispatched.
    } else if (roll < 0.3) {
      text(`:${pick(TEXTS)}`);
    } else if (roll < 0.4) {
      text(`event${pick([': ', ':', ':  '])}${pick(EVENT_TYPES)}`);
    } else if (roll < 0.47) {
      text(pick(['id: ', 'id:', 'id:  ']));
      parts.push(Uint8Array.from(value()));
    } else if (roll < 0.5) {
      text(`retry: ${pick(['1000', '0', '', ' 5', '5s', '99999999999999999999', '-1'])}`);
    } else if (roll < 0.55) {
      // A field with no colon: the whole line is the name, the value is empty.
      text(pick(['data', 'event', 'id', 'retry', 'data ', 'x']));
    } else {
      text(`${pick(FIELD_NAMES)}${pick([': ', ':', ':  ', ':\t'])}`);
      parts.push(Uint8Array.from(value()));
    }
    text(pick(ENDINGS));
  }
  const tail = random();
  if (tail < 0.6) text(pick(ENDINGS));
  else if (tail < 0.7) text('data: unterminated tail');
  else if (tail < 0.8) text('data: tail after CR\r');

  const body = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  return body;
}
