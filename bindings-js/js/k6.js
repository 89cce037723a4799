// k6 entry point of `ssert` (`ssert/k6`): the same Rust core, compiled as a plain C-ABI wasm
// module (bindings-js/k6) and translated to JavaScript by binaryen's wasm2js (k6_core.js),
// because k6's runtime has no WebAssembly. This shim converts: strings and bytes in, events,
// reports and k6 metrics out. k6 also lacks TextEncoder/TextDecoder, so UTF-8 is converted here
// when they are missing.
import { b64encode } from 'k6/encoding';
import { Counter, Rate, Trend } from 'k6/metrics';
import { joinU64, UndeliveredBatches } from './batch.js';
import { ParseError, RecordingError, SsertError, UsageError } from './errors.js';
import * as engine from './k6_core.js';
import { setCompareIds } from './k6_host.js';

export { ParseError, RecordingError, SsertError, UsageError };

const CHUNK = 8192;

function asciiString(bytes) {
  let text = '';
  for (let at = 0; at < bytes.length; at += CHUNK) text += String.fromCharCode.apply(null, bytes.subarray(at, at + CHUNK));
  return text;
}

/** Valid UTF-8 (the engine only ever returns valid UTF-8) to a string. */
function utf8String(bytes) {
  if (typeof TextDecoder !== 'undefined') return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let text = '';
  const units = [];
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at];
    let point;
    if (lead < 0x80) {
      point = lead;
      at += 1;
    } else if (lead < 0xe0) {
      point = ((lead & 0x1f) << 6) | (bytes[at + 1] & 0x3f);
      at += 2;
    } else if (lead < 0xf0) {
      point = ((lead & 0x0f) << 12) | ((bytes[at + 1] & 0x3f) << 6) | (bytes[at + 2] & 0x3f);
      at += 3;
    } else {
      point = ((lead & 0x07) << 18) | ((bytes[at + 1] & 0x3f) << 12) | ((bytes[at + 2] & 0x3f) << 6) | (bytes[at + 3] & 0x3f);
      at += 4;
    }
    if (point > 0xffff) {
      point -= 0x10000;
      units.push(0xd800 + (point >> 10), 0xdc00 + (point & 0x3ff));
    } else {
      units.push(point);
    }
    if (units.length >= CHUNK) {
      text += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return text + String.fromCharCode.apply(null, units);
}

/** A string to UTF-8 bytes; lone surrogates become U+FFFD, as TextEncoder does. */
function utf8Bytes(text) {
  if (typeof TextEncoder !== 'undefined') return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length * 3);
  let length = 0;
  for (let i = 0; i < text.length; i += 1) {
    let point = text.charCodeAt(i);
    if (point >= 0xd800 && point <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (point <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        point = 0x10000 + ((point - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
      } else {
        point = 0xfffd;
      }
    }
    if (point < 0x80) {
      out[length++] = point;
    } else if (point < 0x800) {
      out[length++] = 0xc0 | (point >> 6);
      out[length++] = 0x80 | (point & 0x3f);
    } else if (point < 0x10000) {
      out[length++] = 0xe0 | (point >> 12);
      out[length++] = 0x80 | ((point >> 6) & 0x3f);
      out[length++] = 0x80 | (point & 0x3f);
    } else {
      out[length++] = 0xf0 | (point >> 18);
      out[length++] = 0x80 | ((point >> 12) & 0x3f);
      out[length++] = 0x80 | ((point >> 6) & 0x3f);
      out[length++] = 0x80 | (point & 0x3f);
    }
  }
  return out.subarray(0, length);
}

function toBytes(chunk) {
  if (typeof chunk === 'string') return utf8Bytes(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`ssert/k6: a chunk must be bytes or a string, got ${typeof chunk}`);
}

/** Copies bytes into the engine's input buffer. */
function writeInput(bytes) {
  const at = engine.ssert_input(bytes.length);
  new Uint8Array(engine.memory.buffer, at, bytes.length).set(bytes);
}

/** Feeds bytes to the parser `handle`; returns the number of batch records written. */
function feedEngine(handle, bytes) {
  writeInput(bytes);
  return engine.ssert_feed(handle, bytes.length);
}

function readOutput(len) {
  return new Uint8Array(engine.memory.buffer, engine.ssert_output(), len).slice();
}

const header = engine.ssert_header();

/** Copies the batch of `words` records the engine just wrote out of its memory. */
function readBatch(words) {
  const buffer = engine.memory.buffer;
  const h = new Uint32Array(buffer, header, 6);
  const ops = new Uint32Array(buffer, h[0], words).slice();
  const utf8 = h[3] === 0 ? '' : utf8String(new Uint8Array(buffer, h[2], h[3]));
  const ascii = h[5] === 0 ? '' : asciiString(new Uint8Array(buffer, h[4], h[5]));
  return { ops, words, utf8, ascii };
}

// The parser options, checked so that `new Parser(options)` accepts and refuses what
// `createParser(options)` of the main entry point does (its engine reads them with serde).
const USIZE_MAX = 0xffffffff; // usize of wasm32, the main entry point's engine
// Flags of `ssert_parser_new` (k6/src/lib.rs): which limits are set (0 is a limit of 0).
const STRICT_UTF8 = 1;
const LIMIT_FLAGS = { maxLineLen: 2, maxEventSize: 4, maxBuffered: 8 };

/**
 * A refused value as the main entry point's engine shows it in its messages (`describe` in
 * bindings-js/src/lib.rs): `number -1`, `string "10"`, `bigint 5n`, `an object`, `an object (Uint8Array)`.
 */
function describe(value) {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'boolean':
    case 'number':
      return `${typeof value} ${String(value)}`;
    case 'bigint':
      return `bigint ${value}n`;
    case 'string': {
      const quoted = JSON.stringify(value);
      return `string ${quoted.length <= 60 ? quoted : `${quoted.slice(0, 59)}…`}`;
    }
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
  }
  if (Array.isArray(value)) return 'an array';
  let name;
  try {
    name = typeof value.constructor === 'function' ? value.constructor.name : undefined;
  } catch {
    name = undefined;
  }
  if (typeof name !== 'string' || name === '' || name === 'Object') return 'an object';
  return `an object (${name})`;
}

/** A limit option: `undefined` when unset (null or undefined), else an integer in 0..2^32-1. */
function limitOption(name, value) {
  if (value == null) return undefined;
  const number = typeof value === 'bigint' && value >= 0n && value <= BigInt(USIZE_MAX) ? Number(value) : value;
  if (!Number.isSafeInteger(number) || number < 0 || number > USIZE_MAX) {
    throw new TypeError(`ssert: ${name} must be an integer from 0 to 2^32 - 1, got ${describe(value)}`);
  }
  return number;
}

/** The arguments of `ssert_parser_new`: the three limits and the flags. */
function parserArguments(options) {
  const limits = [];
  let flags = 0;
  // In this order: the engine reads the fields in this order, and reports the first bad one.
  for (const name of ['maxLineLen', 'maxEventSize', 'maxBuffered']) {
    const limit = limitOption(name, options[name]);
    if (limit !== undefined) flags |= LIMIT_FLAGS[name];
    limits.push(limit ?? 0);
  }
  const { strictUtf8 } = options;
  if (strictUtf8 != null && typeof strictUtf8 !== 'boolean') {
    throw new TypeError(`ssert: strictUtf8 must be a boolean, got ${describe(strictUtf8)}`);
  }
  if (strictUtf8 === true) flags |= STRICT_UTF8;
  return [...limits, flags];
}

/**
 * A push parser for k6 scripts. `feed(chunk)` parses bytes (an `ArrayBuffer` from
 * `http.get(url, { responseType: 'binary' })`, or a `Uint8Array`) or a string, and returns the
 * events completed by that chunk; `onEvent`, `onRetry`, `onComment`, `onError` callbacks are
 * called too. Same options and semantics as `createParser` of the main entry point.
 *
 * k6 has no finalizers: a parser's memory is released only by `free()`. Free every parser you
 * make, or make one and reuse it (`reset()`).
 */
export class Parser {
  constructor(options = {}) {
    const { onEvent, onRetry, onComment, onError, ...limits } = options;
    for (const [name, fn] of [['onEvent', onEvent], ['onRetry', onRetry], ['onComment', onComment], ['onError', onError]]) {
      if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`ssert: ${name} must be a function`);
    }
    const [maxLineLen, maxEventSize, maxBuffered, flags] = parserArguments(limits);
    this.handle = engine.ssert_parser_new(maxLineLen, maxEventSize, maxBuffered, flags);
    this.callbacks = { onEvent, onRetry, onComment, onError };
    this.pendingHigh = '';
    // What a throwing callback left behind: batches not yet delivered, and the events the
    // interrupted call had collected. The next feed() or end() delivers and returns them first.
    this.undelivered = new UndeliveredBatches();
    this.carried = [];
    // Whether a callback is running: a feed() or end() it makes then only queues its batch.
    this.delivering = false;
  }

  live() {
    if (this.handle === 0) throw new UsageError('PARSER_FREED', 'ssert: this parser was freed');
    return this.handle;
  }

  run(words) {
    if (this.delivering) {
      // Called from a callback of this parser: the delivery under way delivers this batch after
      // the records it is delivering (earlier in the stream), and its call returns the events.
      if (words !== 0) this.undelivered.push(readBatch(words));
      return [];
    }
    const events = this.carried;
    this.carried = [];
    const { onEvent, onRetry, onComment, onError } = this.callbacks;
    const handlers = {
      onEvent(event) {
        events.push(event);
        if (onEvent) onEvent(event);
      },
      onRetry,
      onComment,
      onError,
    };
    if (words !== 0) this.undelivered.push(readBatch(words));
    try {
      // In a method of its own: in k6 v1.1.0's runtime, a `const` declared in a loop inside this
      // `try` overwrote the `catch` binding, so the batch was thrown instead of the error.
      this.drain(handlers);
    } catch (error) {
      this.carried = events;
      throw error;
    }
    return events;
  }

  drain(handlers) {
    this.delivering = true;
    try {
      while (!this.undelivered.isEmpty()) this.undelivered.deliver(this.undelivered.next(), handlers);
    } finally {
      this.delivering = false;
    }
  }

  /**
   * Parses the next chunk; returns the events it completed. Called from a callback of this
   * parser, it returns none: its events are delivered after those still due for earlier input,
   * and returned by the call under way.
   */
  feed(chunk) {
    const handle = this.live();
    if (typeof chunk === 'string') {
      // A surrogate pair split across two string chunks is held back and joined (as in the main
      // entry point); a lone surrogate becomes U+FFFD.
      chunk = this.pendingHigh + chunk;
      this.pendingHigh = '';
      const last = chunk.charCodeAt(chunk.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        this.pendingHigh = chunk[chunk.length - 1];
        chunk = chunk.slice(0, -1);
      }
    } else {
      this.queueLoneHigh(handle);
    }
    return this.run(feedEngine(handle, toBytes(chunk)));
  }

  /** Ends the stream (an unterminated event is discarded and reported to `onError`). */
  end() {
    const handle = this.live();
    this.queueLoneHigh(handle);
    return this.run(engine.ssert_finish(handle));
  }

  /** Parses a held-back high surrogate that no low half followed (it becomes U+FFFD). */
  queueLoneHigh(handle) {
    if (this.pendingHigh === '') return;
    const words = feedEngine(handle, toBytes(this.pendingHigh));
    this.pendingHigh = '';
    // Queued, not delivered: the chunk after it is parsed even if a callback throws.
    if (words !== 0) this.undelivered.push(readBatch(words));
  }

  /** Back to a fresh parser. */
  reset() {
    engine.ssert_reset(this.live());
    this.pendingHigh = '';
    this.undelivered.clear();
    this.carried = [];
  }

  /**
   * Releases the parser's memory. Nothing is freed automatically in k6 (it has no finalizers):
   * call it for every parser you make, or reuse one parser.
   */
  free() {
    if (this.handle !== 0) engine.ssert_parser_free(this.handle);
    this.handle = 0;
  }

  /**
   * The last valid `retry` value in ms (how long to wait before reconnecting; a BigInt above
   * 2^53 - 1, as in the main entry point), or `undefined`.
   */
  get reconnectionTime() {
    if (engine.ssert_reconnection_time(this.live()) === 0) return undefined;
    // Two little-endian u32 words in the output buffer (which need not be 4-byte aligned).
    const words = new DataView(engine.memory.buffer, engine.ssert_output(), 8);
    return joinU64(words.getUint32(0, true), words.getUint32(4, true));
  }

  /** The last event ID: what a reconnect sends as `Last-Event-ID`. */
  get lastEventId() {
    return utf8String(readOutput(engine.ssert_last_event_id(this.live())));
  }
}

/** Parses a whole body at once: `{ events, retries, comments, errors, lastEventId }`. */
export function parse(input, options = {}) {
  const result = { events: [], retries: [], comments: [], errors: [], lastEventId: '' };
  const parser = new Parser({
    ...options,
    onRetry: (value) => result.retries.push(value),
    onComment: (text) => result.comments.push(text),
    onError: (error) => result.errors.push(error),
  });
  try {
    result.events = parser.feed(input).concat(parser.end());
    result.lastEventId = parser.lastEventId;
  } finally {
    parser.free();
  }
  return result;
}

/** `idOrder` as the engine's id comparison (see k6_host.js); `failure.thrown` gets its first throw. */
function hostComparison(idOrder, failure) {
  return (a, aLength, b, bLength) => {
    const buffer = engine.memory.buffer;
    let sign;
    try {
      sign = idOrder(utf8String(new Uint8Array(buffer, a, aLength)), utf8String(new Uint8Array(buffer, b, bLength)));
    } catch (error) {
      if (!failure.threw) Object.assign(failure, { threw: true, thrown: error });
      return NaN;
    }
    // Anything but a number is "not comparable" (NaN), as in the main entry point.
    return typeof sign === 'number' ? sign : NaN;
  };
}

/**
 * Validates a recording (object or JSON text) with the core validator; `options` is the shared
 * `ValidateOptions` JSON, plus `idOrder`: an `(a, b) => number` comparator of ids (negative: `a`
 * first) that replaces the built-in id orders, as in the main entry point; the first exception it
 * throws propagates. It must not call ssert itself. Returns the shared report JSON; throws
 * `RecordingError` on bad input.
 */
export function validate(recording, options = {}) {
  const { idOrder, ...shared } = options ?? {};
  if (idOrder !== undefined && typeof idOrder !== 'function') {
    throw new TypeError('validate(): options.idOrder must be a function (a, b) => number');
  }
  const recordingBytes = utf8Bytes(typeof recording === 'string' ? recording : JSON.stringify(recording));
  const optionBytes = utf8Bytes(JSON.stringify(shared));
  const both = new Uint8Array(recordingBytes.length + optionBytes.length);
  both.set(recordingBytes, 0);
  both.set(optionBytes, recordingBytes.length);
  writeInput(both);
  const failure = { threw: false, thrown: undefined };
  const previous = setCompareIds(idOrder === undefined ? undefined : hostComparison(idOrder, failure));
  let length;
  try {
    length = engine.ssert_validate(recordingBytes.length, optionBytes.length, idOrder === undefined ? 0 : 1);
  } finally {
    setCompareIds(previous);
  }
  if (failure.threw) throw failure.thrown;
  const out = JSON.parse(utf8String(readOutput(length)));
  if (out.error) throw new RecordingError(out.error.code, out.error.message, out.error.line);
  return out.report;
}

function pairs(headers) {
  return Object.keys(headers ?? {}).map((name) => [name.toLowerCase(), String(headers[name])]);
}

/**
 * Builds a recording from k6 responses, one connection per response, in order (k6's `http`
 * delivers a body whole, so each body is one chunk). Timestamps are milliseconds since the
 * recorder was made; `request.headers` should include the `Last-Event-ID` that was sent.
 *
 * k6 has no monotonic clock (no `performance.now()`), so the clock is `Date.now()` held from
 * ever going back: the timestamps never decrease, as the recording's `timing: 'monotonic'`
 * promises, and measure time as the system clock does (a clock step during the session skews
 * the time across it). Each response's own times come from k6's `timings`.
 */
export class Recorder {
  constructor({ source = 'ssert-js k6' } = {}) {
    this.start = Date.now();
    // The latest timestamp recorded: no later one is smaller.
    this.last = 0;
    this.recording = { format: 'ssert-recording', version: 1, timing: 'monotonic', source, connections: [] };
  }

  /** Milliseconds since the recorder was made, never less than a timestamp already recorded. */
  now() {
    this.last = Math.max(this.last, Date.now() - this.start);
    return this.last;
  }

  /**
   * Records a finished k6 response (fetch it with `responseType: 'binary'` to keep the bytes exact).
   * The request headers are `headers` if given, else k6's `response.request.headers`; with
   * neither they are recorded as `null`, "not observed" (`headers: {}` says none were sent).
   */
  add(response, { method = 'GET', headers } = {}) {
    const previous = this.last;
    const end = this.now();
    const duration = Math.round(response.timings?.duration ?? 0);
    // Not before what is recorded already: the previous connection ended before this request.
    const t = Math.max(previous, end - duration);
    const body = response.body == null ? new Uint8Array(0) : toBytes(response.body);
    // Headers seen nowhere are `null`, "not observed": `[]` would say that none were sent, and the
    // validator would blame the client for the `Accept` and `Last-Event-ID` it may well have sent.
    const sent = headers ?? response.request?.headers;
    const connection = {
      request: { method, url: String(response.url), t, headers: sent == null ? null : pairs(sent) },
      chunks: body.length > 0 ? [{ t: end, data: b64encode(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength), 'std') }] : [],
      end: { kind: response.error_code ? 'network_error' : 'eof', t: end },
    };
    if (response.status) {
      connection.response = { status: response.status, t: Math.max(t, Math.round(end - (response.timings?.receiving ?? 0))), headers: pairs(response.headers) };
    }
    this.recording.connections.push(connection);
    return connection;
  }

  toJSON() {
    return JSON.parse(JSON.stringify(this.recording));
  }
}

/**
 * k6 metrics for SSE checks, to be made in the init context:
 * `sse_events` (Counter), `sse_violations` (Counter of findings, tagged `severity`: `error`,
 * `warning` or `info`), `sse_validation_passed` (Rate), `sse_time_to_first_event` and
 * `sse_max_event_gap` (time Trends). Use them in thresholds, e.g.
 * `{ 'sse_violations{severity:error}': ['count==0'], sse_time_to_first_event: ['p(95)<500'] }`.
 */
export function createMetrics(prefix = 'sse') {
  return {
    events: new Counter(`${prefix}_events`),
    violations: new Counter(`${prefix}_violations`),
    passed: new Rate(`${prefix}_validation_passed`),
    timeToFirstEvent: new Trend(`${prefix}_time_to_first_event`, true),
    maxEventGap: new Trend(`${prefix}_max_event_gap`, true),
  };
}

/** Adds a validation report to the metrics of `createMetrics`. */
export function recordReport(metrics, report, tags) {
  const stats = report.stats ?? {};
  metrics.events.add(stats.events ?? 0, tags);
  // Per severity, so a threshold can ignore the advice that info findings are; the report's
  // counts include the findings it only counted (past `window.findings`).
  for (const [severity, count] of [['error', report.errors], ['warning', report.warnings], ['info', report.infos]]) {
    metrics.violations.add(count, { ...tags, severity });
  }
  metrics.passed.add(report.passed, tags);
  if (stats.time_to_first_event_ms != null) metrics.timeToFirstEvent.add(stats.time_to_first_event_ms, tags);
  if (stats.gap_ms != null) metrics.maxEventGap.add(stats.gap_ms.max, tags);
}
