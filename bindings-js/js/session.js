// Recording SSE sessions in the shared recording format (version 1, documented in
// core/src/validate/mod.rs, schema in testdata/recording.schema.json), a reconnecting client
// that records every connection, and validation of recordings by the core validator.

import { createParser } from './api.js';
import { RecordingError } from './errors.js';
import { expectedItems, recordingDocument } from './recording.js';
import { isEventStreamType, recordingFromHar, recordingFromJsonLines, validateJson } from './ssert_wasm.js';

export { RecordingError };

function rethrowInput(error) {
  if (error && error.ssert === true) throw new RecordingError(error.code, error.message, error.line);
  throw error;
}

// fatal: a recording is JSON, which is UTF-8; other bytes are an unreadable recording, not text
// to repair. A leading BOM is dropped here as the core's readers drop it.
const utf8Text = new TextDecoder('utf-8', { fatal: true });

function describe(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/** The text of a recording given as a string or as bytes (decoded as UTF-8); `undefined` otherwise. */
function textOf(input, what) {
  if (typeof input === 'string') return input;
  let bytes;
  if (input instanceof Uint8Array) bytes = input;
  else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else return undefined;
  try {
    return utf8Text.decode(bytes);
  } catch {
    throw new RecordingError('INVALID_RECORDING', `${what} is not UTF-8 text`);
  }
}

/** The text of `recordingFromHAR` / `recordingFromJSONLines` input, or a TypeError. */
function requireText(input, fn) {
  const text = textOf(input, 'the recording');
  if (text === undefined) {
    // Checked here: anything else would reach wasm as a string that is not one.
    throw new TypeError(`${fn}(): expected the recording as a string or bytes (UTF-8), got ${describe(input)}`);
  }
  return text;
}

/**
 * Validates a recording with the core validator.
 *
 * @param {object | string | Uint8Array | ArrayBuffer} recording a recording object, or its text
 *   (JSON, JSON Lines or HAR) as a string or as UTF-8 bytes (a `Buffer` from `readFileSync`)
 * @param {object} [options] the shared `ValidateOptions` JSON (snake_case, as in every binding),
 *   plus `idOrder`: an `(a, b) => number` comparator of ids (negative: `a` first) that replaces
 *   the built-in id orders; an exception it throws propagates
 * @returns {object} the shared report JSON: `{ passed, findings, stats, ... }`; an integer beyond
 *   `Number.MAX_SAFE_INTEGER` (a `retry` of 2^64 - 1, say) is a BigInt, every other a number
 */
export function validate(recording, options) {
  let text = textOf(recording, 'the recording');
  if (text === undefined) {
    if (typeof recording !== 'object' || recording === null) {
      throw new TypeError(
        `validate(): expected a recording object, or its text as a string or bytes, got ${describe(recording)}`,
      );
    }
    text = JSON.stringify(recording);
  }
  const { idOrder, ...shared } = options ?? {};
  if (idOrder !== undefined && typeof idOrder !== 'function') {
    throw new TypeError('validate(): options.idOrder must be a function (a, b) => number');
  }
  try {
    return validateJson(text, JSON.stringify(shared), idOrder);
  } catch (error) {
    return rethrowInput(error);
  }
}

/**
 * Reads a recording written as JSON Lines (one record per line), given as a string or as UTF-8
 * bytes, into a recording object.
 */
export function recordingFromJSONLines(text) {
  const lines = requireText(text, 'recordingFromJSONLines');
  try {
    return JSON.parse(recordingFromJsonLines(lines));
  } catch (error) {
    return rethrowInput(error);
  }
}

/**
 * Imports a HAR file, given as a string or as UTF-8 bytes, as a recording object (timing `none`:
 * timing rules are not checked).
 */
export function recordingFromHAR(text) {
  const har = requireText(text, 'recordingFromHAR');
  try {
    return JSON.parse(recordingFromHar(har));
  } catch (error) {
    return rethrowInput(error);
  }
}

const BINARY_BLOCK = 0x8000;

/** The bytes as a string of one char per byte (what `btoa` takes, and how `fetch` carries raw header bytes). */
function binaryString(bytes) {
  let binary = '';
  // In blocks: spreading a long array into one call would overflow the stack.
  for (let at = 0; at < bytes.length; at += BINARY_BLOCK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(at, at + BINARY_BLOCK));
  }
  return binary;
}

function base64(bytes) {
  return btoa(binaryString(bytes));
}

function headerPairs(headers) {
  if (headers == null) return [];
  if (typeof headers.entries === 'function' && !Array.isArray(headers)) return [...headers.entries()];
  if (Array.isArray(headers)) return headers.map(([name, value]) => [String(name), String(value)]);
  return Object.entries(headers).map(([name, value]) => [name, String(value)]);
}

function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  // `new Uint8Array(5)` would record five zero bytes.
  const got = chunk === null ? 'null' : typeof chunk;
  throw new TypeError(`ssert: a chunk must be a Uint8Array, ArrayBuffer, ArrayBuffer view or string, got ${got}`);
}

const END_KINDS = ['eof', 'client_closed', 'network_error', 'timeout'];

/**
 * The chunks of a body (a `ReadableStream` or an async iterable), as they come (not converted to
 * bytes). Whenever the reading stops before the end (the consumer broke off, a read failed, or
 * `signal` aborted) the body is cancelled, so an abandoned response never keeps its socket open.
 * Aborting `signal` also ends a pending read, even when the `fetch` that made the body ignores
 * the signal; the chunks then just stop (check `signal.aborted`).
 */
async function* chunksOf(body, signal) {
  if (body == null) return;
  if (typeof body.getReader === 'function') {
    const reader = body.getReader();
    let ended = false;
    const cancel = () => reader.cancel().catch(() => {});
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      if (signal?.aborted) return;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          ended = true;
          return;
        }
        yield value;
      }
    } finally {
      signal?.removeEventListener('abort', cancel);
      if (!ended) await cancel();
      reader.releaseLock();
    }
  } else if (signal === undefined) {
    yield* body;
  } else {
    yield* abortableChunks(body, signal);
  }
}

const ABORTED = Symbol('aborted');

/** The chunks of an async (or sync) iterable until `signal` aborts, which ends a pending wait. */
async function* abortableChunks(iterable, signal) {
  const iterator =
    typeof iterable[Symbol.asyncIterator] === 'function'
      ? iterable[Symbol.asyncIterator]()
      : (async function* () {
          yield* iterable;
        })();
  let onAbort;
  const aborted = new Promise((resolve) => {
    onAbort = () => resolve(ABORTED);
  });
  signal.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  let abandoned = false;
  try {
    while (!signal.aborted) {
      const next = Promise.resolve(iterator.next());
      // The read a signal abandons may still fail: that is nobody's error any more.
      next.catch(() => {});
      let step;
      try {
        step = await Promise.race([next, aborted]);
      } catch (error) {
        finished = true; // a source whose read failed is not closed again (as `for await` does)
        throw error;
      }
      if (step === ABORTED) {
        abandoned = true;
        return;
      }
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!finished && typeof iterator.return === 'function') {
      // A source still busy with the read the signal abandoned cannot close before that read
      // ends: asked to, without waiting for it. One that was just read from closes now.
      const closing = Promise.resolve(iterator.return()).catch(() => {});
      if (!abandoned) await closing;
    }
  }
}

/**
 * Records a session: connections with their request, response head, raw body chunks (with
 * monotonic millisecond timestamps since the session started) and how each ended.
 */
export class Recorder {
  #start;
  #connections = [];
  #expected = [];
  #source;

  /** @param {{ source?: string }} [options] */
  constructor({ source = 'ssert-js' } = {}) {
    this.#start = performance.now();
    this.#source = source;
  }

  /** Milliseconds since the session started (monotonic, whole). */
  now() {
    return Math.floor(performance.now() - this.#start);
  }

  /**
   * Starts recording a connection: `{ url, method = 'GET', headers }` as sent. Returns its handle,
   * with `response({ status, headers })`, `chunk(bytes)` and `end(kind, message?)`. Without
   * `headers` (undefined or null) the request headers are recorded as `null`, "not observed":
   * `[]` would say that none were sent, and the validator would blame the client for the
   * `Last-Event-ID` and `Accept` it may well have sent.
   */
  connection({ url, method = 'GET', headers } = {}) {
    const sent = headers == null ? null : headerPairs(headers);
    const record = { request: { method, url: String(url), t: this.now(), headers: sent }, chunks: [] };
    this.#connections.push(record);
    const recorder = this;
    return {
      record,
      response({ status, headers: responseHeaders }) {
        record.response = { status, t: recorder.now(), headers: headerPairs(responseHeaders) };
      },
      chunk(bytes) {
        record.chunks.push({ t: recorder.now(), data: base64(toBytes(bytes)) });
      },
      end(kind, message) {
        if (!END_KINDS.includes(kind)) {
          throw new TypeError(`ssert: end kind must be one of ${END_KINDS.join(', ')}, got ${JSON.stringify(String(kind))}`);
        }
        if (record.end !== undefined) return;
        record.end = { kind, t: recorder.now() };
        if (message !== undefined) record.end.message = String(message);
      },
    };
  }

  /**
   * Records a `fetch` `Response` to its end: the head now, then every body chunk as it is read.
   * `request` describes what was sent (`{ url, method, headers }`; default: the response URL,
   * and, as for any request without `headers`, request headers recorded as `null`: not observed).
   * `onChunk(bytes)` sees each chunk as it arrives (e.g. to parse it live). Resolves with the
   * connection record once the body ended (`eof`), failed (`network_error`) or was aborted
   * through `signal` (`client_closed`). An exception `onChunk` throws cancels the body, is
   * recorded as `client_closed` with its message, and propagates.
   */
  async record(response, { request, onChunk, signal } = {}) {
    const handle = this.connection(request ?? { url: response.url });
    handle.response(response);
    await this.#drain(handle, response.body, onChunk, signal);
    return handle.record;
  }

  /**
   * Records any byte stream (a `ReadableStream` or async iterable of bytes) as one connection;
   * `headers` are the response's, `request.headers` the request's (`null`, not observed, unless given).
   */
  async recordStream(body, { request = { url: 'about:stream' }, status = 200, headers, onChunk, signal } = {}) {
    const handle = this.connection(request);
    handle.response({ status, headers });
    await this.#drain(handle, body, onChunk, signal);
    return handle.record;
  }

  async #drain(handle, body, onChunk, signal) {
    // What `onChunk` throws, or a chunk that is not bytes, is the caller's, not the network's:
    // the body is cancelled, the connection recorded as closed by the client, and the error
    // propagates. Aborting `signal` cancels the body (and ends a pending read): the connection
    // is recorded as closed by the client, and the record resolves.
    let failure;
    try {
      for await (const chunk of chunksOf(body, signal)) {
        try {
          const bytes = toBytes(chunk);
          handle.chunk(bytes);
          onChunk?.(bytes);
        } catch (error) {
          failure = { error };
          break;
        }
        if (signal?.aborted) break;
      }
      if (failure !== undefined) handle.end('client_closed', failure.error?.message ?? String(failure.error));
      else handle.end(signal?.aborted ? 'client_closed' : 'eof');
    } catch (error) {
      handle.end(signal?.aborted ? 'client_closed' : 'network_error', error?.message ?? String(error));
    }
    if (failure !== undefined) throw failure.error;
  }

  /** Adds what the server says it published: the source of truth for loss/duplicate checks. */
  expect(events) {
    this.#expected.push(...expectedItems(events));
  }

  /** The recording, in the shared JSON format. */
  toJSON() {
    return recordingDocument({ source: this.#source, connections: this.#connections, expected: this.#expected });
  }
}

// Resolves after `ms`, or at once when `signal` aborts. The abort listener goes away with the
// timer: a session reconnects without end, and each wait must not leave one behind.
const sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake, { once: true });
  });

/**
 * The URL resolved as `new EventSource(url)` resolves it (against the document's base URL in a
 * page); a URL that does not parse is a `TypeError` at once, as `fetch` would throw on every
 * attempt, instead of a session that retries it for ever.
 */
function resolveUrl(url) {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  try {
    return new URL(String(url), base).href;
  } catch (error) {
    throw new TypeError(`ssert: connect(): not a valid URL: ${JSON.stringify(String(url))}`, { cause: error });
  }
}

/**
 * The caller's headers by lower-case name, over the defaults: header names are
 * case-insensitive, and `fetch` would merge `Accept` with `accept` into one list-valued header.
 * Repeated names are joined as `fetch` joins them.
 */
function requestHeaders(headers) {
  const merged = new Map([['accept', 'text/event-stream'], ['cache-control', 'no-cache']]);
  const given = new Set();
  for (const [name, value] of headerPairs(headers)) {
    const key = name.toLowerCase();
    merged.set(key, given.has(key) ? `${merged.get(key)}, ${value}` : value);
    given.add(key);
  }
  return merged;
}

const utf8 = new TextEncoder();

/**
 * Opens an SSE stream with `fetch` and keeps it open like `EventSource` does: on every drop it
 * waits the reconnection time (the server's last `retry`, else `retry` here) and reconnects
 * sending `Last-Event-ID`; a 204 (or any non-200 status, or a non-`text/event-stream` type)
 * stops it. Every connection is recorded. Resolve `done` to wait for the end.
 *
 * An exception thrown by a callback (`onEvent`, `onOpen`, ...) ends the session: the open
 * connection is cancelled and recorded as `client_closed` with the exception's message, nothing
 * more is delivered, and `done` rejects with that exception (`session.recorder` still holds the
 * recording).
 *
 * @param {string | URL} url
 * @param {import('./index.js').ConnectOptions} [options]
 * @returns {import('./index.js').Connection}
 */
export function connect(url, options = {}) {
  const {
    fetch: fetchImpl = globalThis.fetch,
    headers = {},
    retry = 3000,
    maxConnections = Infinity,
    maxEvents = Infinity,
    recorder = new Recorder({ source: 'ssert-js connect' }),
    onEvent,
    onOpen,
    onError,
    onRetry,
    onComment,
    signal,
    ...limits
  } = options;
  // Everything that would make every request fail the same way is checked here, once, and
  // thrown: a session must not record a local mistake as network errors and retry it for ever.
  const href = resolveUrl(url);
  if (typeof fetchImpl !== 'function') throw new TypeError('ssert: connect(): options.fetch must be a function');
  const callbacks = { onEvent, onOpen, onError, onRetry, onComment };
  for (const [name, fn] of Object.entries(callbacks)) {
    if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`ssert: connect(): options.${name} must be a function`);
  }
  const given = requestHeaders(headers);
  // A caller's `Last-Event-ID` (any case) is the id the client starts out with, as if it had
  // read it earlier: the parser is seeded with it (as the validator seeds its own from the first
  // request), so every request, the first included, sends the parser's last event ID, and none
  // when it is empty. It is never merged with the one the stream sets.
  const seedLastEventId = given.get('last-event-id');
  given.delete('last-event-id');
  if (seedLastEventId !== undefined && /[\0\r\n]/.test(seedLastEventId)) {
    throw new TypeError('ssert: connect(): a Last-Event-ID header cannot contain NUL, CR or LF');
  }
  // Invalid header names or values (and URLs with credentials) are what fetch rejects locally.
  if (typeof globalThis.Request === 'function') new globalThis.Request(href, { headers: [...given] });

  const controller = new AbortController();
  let events = 0;
  let stopReason;
  let lastEventId = '';
  // A callback threw (or the parser did): the session ends and `done` rejects with it.
  let failure;
  const stop = (reason) => {
    stopReason ??= reason;
    controller.abort();
  };
  const fail = (error) => {
    failure ??= { error };
    stop('error');
  };
  // The user's callbacks, never called once the session is stopping (close(), maxEvents, a
  // throw): the rest of a chunk already parsed is dropped. What they throw ends the session
  // instead of passing through the parser into the read loop, where it would look like a
  // network error.
  const guarded = (fn) => (fn === undefined ? undefined : (value) => {
    if (controller.signal.aborted) return;
    try {
      fn(value);
    } catch (error) {
      fail(error);
    }
  });
  const deliver = guarded(onEvent);
  const parser = createParser({
    ...limits,
    onEvent(event) {
      if (controller.signal.aborted) return;
      events += 1;
      lastEventId = event.id;
      deliver?.(event);
      if (events >= maxEvents) stop('max-events');
    },
    onRetry: guarded(onRetry),
    onComment: guarded(onComment),
    onError: guarded(onError),
  });
  if (seedLastEventId !== undefined) {
    parser.lastEventId = seedLastEventId;
    lastEventId = seedLastEventId;
  }
  const unlink = () => signal?.removeEventListener('abort', onAbort);
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // Nothing to wait for: closed before the first connection, as `maxConnections: 0` is.
  if (!(maxEvents > 0)) stop('max-events');

  // Waits the reconnection time counted from the recorded end of the connection. Timers may
  // fire a little early (libuv caches its clock), so wait again until the recorded clock agrees:
  // the recording must show a delay of at least `retry`, as the validator checks.
  async function waitToReconnect(endedAt) {
    const until = endedAt + Number(parser.reconnectionTime ?? retry);
    while (!controller.signal.aborted && recorder.now() < until) await sleep(until - recorder.now(), controller.signal);
  }

  async function run() {
    let connections = 0;
    try {
      while (!controller.signal.aborted && connections < maxConnections) {
        connections += 1;
        // The recording keeps the id as text; the wire carries its UTF-8 bytes, which fetch takes
        // as a string of one char per byte (the id itself is no ByteString beyond Latin-1, and
        // Latin-1 is not what the standard sends).
        const id = parser.lastEventId;
        const recorded = [...given];
        const sent = Object.fromEntries(given);
        if (id !== '') {
          // fetch drops a header value's leading and trailing spaces and tabs, as HTTP does: the
          // recording says what went on the wire.
          const value = id.replace(/^[ \t]+|[ \t]+$/g, '');
          recorded.push(['last-event-id', value]);
          sent['last-event-id'] = binaryString(utf8.encode(value));
        }
        const handle = recorder.connection({ url: href, method: 'GET', headers: recorded });
        let response;
        try {
          response = await fetchImpl(href, { headers: sent, signal: controller.signal, cache: 'no-store' });
        } catch (error) {
          handle.end(controller.signal.aborted ? 'client_closed' : 'network_error', error?.message ?? String(error));
          if (controller.signal.aborted) break;
          await waitToReconnect(handle.record.end.t);
          continue;
        }
        handle.response(response);
        const type = response.headers.get('content-type') ?? '';
        if (response.status !== 200 || !isEventStreamType(type)) {
          // EventSource "fails the connection": no reconnect (204 is the server's way to say stop).
          // The client gives up on the body (cancelled), as the Python client records it.
          await response.body?.cancel().catch(() => {});
          if (response.status === 204) handle.end('eof');
          else handle.end('client_closed', `not an event stream: status ${response.status}, Content-Type ${JSON.stringify(type)}`);
          // `status 500 text/html`, or `status 500` when the response has no Content-Type.
          stopReason ??= response.status === 204 ? 'no-content' : `status ${response.status}${type === '' ? '' : ` ${type}`}`;
          break;
        }
        guarded(onOpen)?.(response);
        try {
          for await (const chunk of chunksOf(response.body, controller.signal)) {
            const bytes = toBytes(chunk);
            handle.chunk(bytes);
            try {
              parser.feed(bytes);
            } catch (error) {
              fail(error); // the engine's, not the network's (callbacks are guarded)
            }
            if (controller.signal.aborted) break;
            lastEventId = parser.lastEventId;
          }
          handle.end(controller.signal.aborted ? 'client_closed' : 'eof', failure && (failure.error?.message ?? String(failure.error)));
        } catch (error) {
          handle.end(controller.signal.aborted ? 'client_closed' : 'network_error', error?.message ?? String(error));
        }
        if (controller.signal.aborted) break;
        parser.end();
        lastEventId = parser.lastEventId;
        if (controller.signal.aborted || connections >= maxConnections) break;
        await waitToReconnect(handle.record.end.t);
      }
      stopReason ??= controller.signal.aborted ? 'closed' : 'max-connections';
    } finally {
      unlink();
      parser.free();
    }
    if (failure !== undefined) throw failure.error;
    return { reason: stopReason, recording: recorder.toJSON() };
  }

  const session = {
    /** The last event ID seen: what the next reconnect sends as `Last-Event-ID`. */
    get lastEventId() {
      return lastEventId;
    },
    recorder,
    close: () => stop('closed'),
    done: undefined,
  };
  session.done = run();
  return session;
}
