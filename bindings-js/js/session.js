// Recording SSE sessions in the shared recording format (version 1, documented in
// core/src/validate/mod.rs, schema in testdata/recording.schema.json), a reconnecting client
// that records every connection, and validation of recordings by the core validator.

import { createParser } from './api.js';
import { RecordingError } from './errors.js';
import { expectedItems, recordingDocument } from './recording.js';
import { recordingFromHar, recordingFromJsonLines, validateJson } from './ssert_wasm.js';

export { RecordingError };

function rethrowInput(error) {
  if (error && error.ssert === true) throw new RecordingError(error.code, error.message, error.line);
  throw error;
}

/**
 * Validates a recording with the core validator.
 *
 * @param {object | string} recording a recording object, or its JSON text
 * @param {object} [options] the shared `ValidateOptions` JSON (snake_case, as in every binding),
 *   plus `idOrder`: an `(a, b) => number` comparator of ids (negative: `a` first) that replaces
 *   the built-in id orders; an exception it throws propagates
 * @returns {object} the shared report JSON: `{ passed, findings, stats, ... }`
 */
export function validate(recording, options) {
  const text = typeof recording === 'string' ? recording : JSON.stringify(recording);
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

/** Reads a recording written as JSON Lines (one record per line) into a recording object. */
export function recordingFromJSONLines(text) {
  try {
    return JSON.parse(recordingFromJsonLines(text));
  } catch (error) {
    return rethrowInput(error);
  }
}

/** Imports a HAR file (text) as a recording object (timing `none`: timing rules are not checked). */
export function recordingFromHAR(text) {
  try {
    return JSON.parse(recordingFromHar(text));
  } catch (error) {
    return rethrowInput(error);
  }
}

const BASE64_BLOCK = 0x8000;

function base64(bytes) {
  let binary = '';
  for (let at = 0; at < bytes.length; at += BASE64_BLOCK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(at, at + BASE64_BLOCK));
  }
  return btoa(binary);
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
  return new Uint8Array(chunk);
}

async function* bytesOf(body) {
  if (typeof body.getReader === 'function') {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield toBytes(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of body) yield toBytes(chunk);
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
   * with `response({ status, headers })`, `chunk(bytes)` and `end(kind, message?)`.
   */
  connection({ url, method = 'GET', headers } = {}) {
    const record = { request: { method, url: String(url), t: this.now(), headers: headerPairs(headers) }, chunks: [] };
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
        if (record.end !== undefined) return;
        record.end = { kind, t: recorder.now() };
        if (message !== undefined) record.end.message = String(message);
      },
    };
  }

  /**
   * Records a `fetch` `Response` to its end: the head now, then every body chunk as it is read.
   * `request` describes what was sent (`{ url, method, headers }`; default: the response URL).
   * `onChunk(bytes)` sees each chunk as it arrives (e.g. to parse it live). Resolves with the
   * connection record once the body ended (`eof`), failed (`network_error`) or was aborted
   * through `signal` (`client_closed`).
   */
  async record(response, { request, onChunk, signal } = {}) {
    const handle = this.connection(request ?? { url: response.url });
    handle.response(response);
    await this.#drain(handle, response.body, onChunk, signal);
    return handle.record;
  }

  /** Records any byte stream (a `ReadableStream` or async iterable of bytes) as one connection. */
  async recordStream(body, { request = { url: 'about:stream' }, status = 200, headers, onChunk, signal } = {}) {
    const handle = this.connection(request);
    handle.response({ status, headers });
    await this.#drain(handle, body, onChunk, signal);
    return handle.record;
  }

  async #drain(handle, body, onChunk, signal) {
    if (body == null) {
      handle.end('eof');
      return;
    }
    try {
      for await (const bytes of bytesOf(body)) {
        handle.chunk(bytes);
        if (onChunk !== undefined) onChunk(bytes);
      }
      handle.end('eof');
    } catch (error) {
      handle.end(signal?.aborted ? 'client_closed' : 'network_error', error?.message ?? String(error));
    }
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

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/**
 * Opens an SSE stream with `fetch` and keeps it open like `EventSource` does: on every drop it
 * waits the reconnection time (the server's last `retry`, else `retry` here) and reconnects
 * sending `Last-Event-ID`; a 204 (or any non-200 status, or a non-`text/event-stream` type)
 * stops it. Every connection is recorded. Resolve `done` to wait for the end.
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
  const controller = new AbortController();
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', () => controller.abort(), { once: true });
  }
  let events = 0;
  let stopReason;
  let lastEventId = '';
  const stop = (reason) => {
    stopReason ??= reason;
    controller.abort();
  };
  const parser = createParser({
    ...limits,
    onEvent(event) {
      events += 1;
      onEvent?.(event);
      if (events >= maxEvents) stop('max-events');
    },
    onRetry,
    onComment,
    onError,
  });

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
        const sent = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...headers };
        if (parser.lastEventId !== '') sent['last-event-id'] = parser.lastEventId;
        const handle = recorder.connection({ url, method: 'GET', headers: sent });
        let response;
        try {
          response = await fetchImpl(url, { headers: sent, signal: controller.signal, cache: 'no-store' });
        } catch (error) {
          handle.end(controller.signal.aborted ? 'client_closed' : 'network_error', error?.message ?? String(error));
          if (controller.signal.aborted) break;
          await waitToReconnect(handle.record.end.t);
          continue;
        }
        handle.response(response);
        const type = response.headers.get('content-type') ?? '';
        if (response.status !== 200 || !/^text\/event-stream\b/i.test(type)) {
          // EventSource "fails the connection": no reconnect (204 is the server's way to say stop).
          await response.body?.cancel().catch(() => {});
          handle.end('eof');
          stopReason ??= response.status === 204 ? 'no-content' : `status ${response.status} ${type}`;
          break;
        }
        onOpen?.(response);
        try {
          for await (const bytes of bytesOf(response.body)) {
            handle.chunk(bytes);
            parser.feed(bytes);
            lastEventId = parser.lastEventId;
            if (controller.signal.aborted) break;
          }
          handle.end(controller.signal.aborted ? 'client_closed' : 'eof');
        } catch (error) {
          handle.end(controller.signal.aborted ? 'client_closed' : 'network_error', error?.message ?? String(error));
        }
        parser.end();
        if (controller.signal.aborted || connections >= maxConnections) break;
        await waitToReconnect(handle.record.end.t);
      }
      stopReason ??= controller.signal.aborted ? 'closed' : 'max-connections';
    } finally {
      lastEventId = parser.lastEventId;
      parser.free();
    }
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
