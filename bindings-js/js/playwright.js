// `ssert/playwright`: records the event streams a Playwright page receives, from the browser's own
// network stack, into the shared recording format (version 1, testdata/recording.schema.json).
//
// It runs in the Playwright test process (Node), not in the page, and reads the page's traffic
// through Chromium's DevTools protocol: every `EventSource` connection (and, on request, `fetch`
// or XHR streams) with the request headers the browser really sent (`Last-Event-ID` included),
// the response head, every body chunk as it arrived with its time, and how the connection ended.
// So `validate()` checks what the browser's own client did across reconnects, not a re-creation
// of it. The recorder parses nothing: the recording goes to `validate()` from `ssert`, directly
// or through the `expect` matchers at the end of this file.
//
// `observeEventSources` is the page-side view: a log, kept in the page, of what the page's code
// sees of each `EventSource` (states, events, close), for specs about the client's behaviour.
// `mockEventStream` (playwright_mock.js) is the other side: a scripted server for the page.

import { Buffer } from 'node:buffer';
import { UsageError } from './errors.js';
import { validate } from './node.js';
import { expectedItems, recordingDocument } from './recording.js';
import { ruleCode } from './ssert_wasm.js';

export { EventStreamMock, mockEventStream } from './playwright_mock.js';

const NETWORK_EVENTS = [
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.responseReceived',
  'Network.dataReceived',
  'Network.loadingFinished',
  'Network.loadingFailed',
];

function headerPairs(headers) {
  // CDP joins repeated headers with "\n" in one value; the recording keeps one pair per value.
  return Object.entries(headers ?? {}).flatMap(([name, value]) => String(value).split('\n').map((part) => [name, part]));
}

function urlMatcher(match) {
  if (match === undefined) return () => true;
  if (typeof match === 'string') return (url) => url.includes(match);
  if (match instanceof RegExp) return (url) => match.test(url);
  if (typeof match === 'function') return (url) => Boolean(match(url));
  throw new TypeError('ssert/playwright: `match` must be a string, a RegExp or a function of the URL');
}

/**
 * Starts recording the event streams of a Playwright `page` (Chromium only: it uses the DevTools
 * protocol). Resolves once recording is on; connections opened from then on are recorded.
 * Options (see playwright.d.ts): `match` (URL filter), `types` (CDP resource types), `source`.
 */
export async function recordEventStreams(page, { match, types = ['EventSource'], source = 'ssert-js playwright' } = {}) {
  const matches = urlMatcher(match);
  if (!Array.isArray(types) || types.length === 0) {
    throw new TypeError("ssert/playwright: `types` must be a non-empty array of resource types, e.g. ['EventSource', 'Fetch']");
  }
  let session;
  try {
    session = await page.context().newCDPSession(page);
  } catch (error) {
    throw new UsageError('CDP_UNAVAILABLE', `ssert/playwright: recording needs Chromium's DevTools protocol: ${error?.message ?? error}`);
  }
  const recording = new EventStreamRecording(session, { matches, types: new Set(types), source });
  await session.send('Network.enable');
  return recording;
}

/** What `recordEventStreams` returns: the recording in progress. */
export class EventStreamRecording {
  #session;
  #matches;
  #types;
  #source;
  #listeners = [];
  /** Connection state by CDP request id. */
  #byRequest = new Map();
  /** Wire request headers that arrived before their request (CDP does not order the two). */
  #extraHeaders = new Map();
  #connections = [];
  #expected = [];
  #pending = new Set();
  #warnings = [];
  #origin;
  #stopped = false;

  constructor(session, { matches, types, source }) {
    this.#session = session;
    this.#matches = matches;
    this.#types = types;
    this.#source = source;
    const handlers = {
      'Network.requestWillBeSent': (event) => this.#onRequest(event),
      'Network.requestWillBeSentExtraInfo': (event) => this.#onRequestHeaders(event),
      'Network.responseReceived': (event) => this.#onResponse(event),
      'Network.dataReceived': (event) => this.#onData(event),
      'Network.loadingFinished': (event) => this.#onEnd(event, { kind: 'eof' }),
      'Network.loadingFailed': (event) =>
        this.#onEnd(event, { kind: event.canceled ? 'client_closed' : 'network_error', message: event.errorText }),
    };
    for (const name of NETWORK_EVENTS) {
      session.on(name, handlers[name]);
      this.#listeners.push([name, handlers[name]]);
    }
  }

  /** Connections recorded so far (each `EventSource` reconnect is one). */
  get connections() {
    return this.#connections.length;
  }

  /** Problems met while recording, e.g. body bytes that could not be read back. */
  get warnings() {
    return [...this.#warnings];
  }

  /** Adds what the server says it published: the source of truth for loss/duplicate checks. */
  expect(events) {
    this.#expected.push(...expectedItems(events));
  }

  /** The recording so far, in the shared format (a connection still open has no `end`). */
  async recording() {
    if (!this.#stopped) {
      // A round trip on the session: the browser's events sent before its answer (what the page
      // has already seen happen) are handled before it arrives.
      await this.#session.send('Runtime.evaluate', { expression: '0' }).catch(() => {});
    }
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    return recordingDocument({ source: this.#source, connections: this.#connections, expected: this.#expected });
  }

  /** Stops recording, detaches from the page and returns the recording. */
  async stop() {
    if (!this.#stopped) {
      const result = await this.recording();
      this.#stopped = true;
      for (const [name, handler] of this.#listeners) this.#session.off(name, handler);
      await this.#session.detach().catch(() => {});
      return result;
    }
    return this.recording();
  }

  #ms(timestamp) {
    // CDP timestamps are monotonic seconds; the recording counts milliseconds from the first
    // recorded request.
    this.#origin ??= timestamp;
    return Math.max(0, Math.round((timestamp - this.#origin) * 1000));
  }

  #track(promise) {
    this.#pending.add(promise);
    promise.finally(() => this.#pending.delete(promise));
  }

  #onRequest(event) {
    if (!this.#types.has(event.type) || !this.#matches(event.request.url)) return;
    const known = this.#byRequest.get(event.requestId);
    if (known !== undefined) {
      // A redirect: the same request id goes on to the new URL.
      known.record.request.url = event.request.url;
      return;
    }
    const record = {
      request: { method: event.request.method, url: event.request.url, t: this.#ms(event.timestamp), headers: headerPairs(event.request.headers) },
      chunks: [],
    };
    const wireHeaders = this.#extraHeaders.get(event.requestId);
    if (wireHeaders !== undefined) {
      record.request.headers = wireHeaders;
      this.#extraHeaders.delete(event.requestId);
    }
    // Chunks that arrive before the browser streams them to us carry only their length; their
    // bytes come back at once when streaming starts (`bufferedData`), and are cut to those lengths.
    const state = { record, early: [], streamed: [], streaming: false };
    this.#byRequest.set(event.requestId, state);
    this.#connections.push(record);
    this.#track(
      this.#session.send('Network.streamResourceContent', { requestId: event.requestId }).then(
        ({ bufferedData }) => this.#fillEarly(state, Buffer.from(bufferedData, 'base64')),
        () => this.#readBack(event.requestId, state),
      ),
    );
  }

  #onRequestHeaders(event) {
    const headers = headerPairs(event.headers);
    const state = this.#byRequest.get(event.requestId);
    if (state !== undefined) state.record.request.headers = headers;
    else this.#extraHeaders.set(event.requestId, headers);
  }

  #onResponse(event) {
    const state = this.#byRequest.get(event.requestId);
    if (state === undefined) return;
    state.record.response = { status: event.response.status, t: this.#ms(event.timestamp), headers: headerPairs(event.response.headers) };
  }

  #onData(event) {
    const state = this.#byRequest.get(event.requestId);
    if (state === undefined || event.dataLength === 0) return;
    const t = this.#ms(event.timestamp);
    if (event.data !== undefined) {
      state.streamed.push({ t, data: event.data });
    } else if (!state.streaming) {
      state.early.push({ t, length: event.dataLength });
    } else {
      this.#warnings.push(`${event.dataLength} body bytes of ${state.record.request.url} arrived without their content and are missing`);
    }
    this.#flush(state);
  }

  #onEnd(event, end) {
    this.#extraHeaders.delete(event.requestId);
    const state = this.#byRequest.get(event.requestId);
    if (state === undefined || state.record.end !== undefined) return;
    state.record.end = { ...end, t: this.#ms(event.timestamp) };
    if (end.message === undefined) delete state.record.end.message;
  }

  #fillEarly(state, bytes) {
    const total = state.early.reduce((sum, chunk) => sum + chunk.length, 0);
    if (total !== bytes.length && state.early.length > 0) {
      // The lengths do not add up (the body was decoded, say): keep the bytes as one chunk, at
      // the time the last of them arrived.
      state.early = [{ t: state.early[state.early.length - 1].t, length: bytes.length }];
    } else if (state.early.length === 0 && bytes.length > 0) {
      state.early = [{ t: state.record.response?.t ?? state.record.request.t, length: bytes.length }];
    }
    let at = 0;
    state.early = state.early.map(({ t, length }) => {
      const chunk = { t, data: bytes.subarray(at, at + length).toString('base64') };
      at += length;
      return chunk;
    });
    state.streaming = true;
    this.#flush(state);
  }

  /** Streaming could not start (the request had already ended): read the body back if kept. */
  async #readBack(requestId, state) {
    if (state.early.length === 0) {
      state.streaming = true;
      this.#flush(state);
      return;
    }
    try {
      const { body, base64Encoded } = await this.#session.send('Network.getResponseBody', { requestId });
      this.#fillEarly(state, Buffer.from(body, base64Encoded ? 'base64' : 'utf8'));
    } catch (error) {
      const bytes = state.early.reduce((sum, chunk) => sum + chunk.length, 0);
      const message = `${bytes} body bytes of ${state.record.request.url} arrived before recording could read them and are missing (${error?.message ?? error})`;
      this.#warnings.push(message);
      state.early = [];
      state.streaming = true;
      this.#flush(state);
    }
  }

  /** Moves chunks into the record in arrival order once the early ones have their bytes. */
  #flush(state) {
    if (!state.streaming) return;
    state.record.chunks.push(...state.early, ...state.streamed);
    state.early = [];
    state.streamed = [];
  }
}

/**
 * Runs in the page (serialised by Playwright, so it must use nothing from this module): replaces
 * `window.EventSource` with a subclass that logs what the page's code sees of each stream. The
 * browser dispatches only to listeners, so events are logged for the types the page has listened
 * to (`message` always), which is what the page's code can see.
 */
function installEventSourceObserver() {
  const Native = globalThis.EventSource;
  if (typeof Native !== 'function' || globalThis.__ssertEventSources !== undefined) return;
  const log = [];
  globalThis.__ssertEventSources = log;
  let sources = 0;
  const origin = performance.timeOrigin;
  class EventSource extends Native {
    #index = sources++;
    #observed = new Set();
    constructor(url, init) {
      super(url, init);
      this.#note('created');
      for (const type of ['open', 'error', 'message']) this.#observe(type);
    }
    #note(kind, event) {
      const entry = { source: this.#index, url: this.url, kind, t: origin + performance.now(), readyState: this.readyState };
      if (kind === 'message') Object.assign(entry, { type: event.type, data: event.data, lastEventId: event.lastEventId });
      log.push(entry);
    }
    #observe(type) {
      if (this.#observed.has(type)) return;
      this.#observed.add(type);
      const kind = type === 'open' || type === 'error' ? type : 'message';
      super.addEventListener(type, (event) => this.#note(kind, event));
    }
    addEventListener(type, listener, options) {
      this.#observe(String(type));
      return super.addEventListener(type, listener, options);
    }
    close() {
      super.close();
      this.#note('close');
    }
  }
  globalThis.EventSource = EventSource;
}

/**
 * Logs what a Playwright `page`'s own code sees of its `EventSource` streams, without DevTools:
 * each stream's creation, `open`, `error`, the events it listens to and `close()`, with the
 * `readyState` after each and the time. Installs itself in the current document and in every
 * document the page loads from then on; each document keeps its own log.
 */
export async function observeEventSources(page) {
  await page.addInitScript(installEventSourceObserver);
  await page.evaluate(installEventSourceObserver);
  return new EventSourceObserver(page);
}

/** What `observeEventSources` returns. */
export class EventSourceObserver {
  #page;

  constructor(page) {
    this.#page = page;
  }

  /** The log of the page's current document so far, in the order things happened. */
  entries() {
    return this.#page.evaluate(() => [...(globalThis.__ssertEventSources ?? [])]);
  }
}

async function reportOf(received, options) {
  // By shape, not `instanceof`: a project can load two copies of this module.
  if (typeof received?.recording === 'function') return validate(await received.recording(), options);
  if (received?.format === 'ssert-recording') return validate(received, options);
  throw new TypeError('ssert/playwright matchers: expected an EventStreamRecording or a recording document');
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

/**
 * The report, one line per finding (errors first, in the order found within a severity), then
 * one per rule that could not be checked: a pass is worth less when a rule did not run.
 */
function reportLines(report) {
  const findings = [...report.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const where = (...parts) => {
    const named = parts.filter((part) => part !== null);
    return named.length ? ` (${named.join(', ')})` : '';
  };
  return [
    ...findings.map(
      (finding) =>
        `  ${finding.severity} ${finding.code} ${finding.name}${where(
          finding.connection === null ? null : `connection ${finding.connection}`,
          finding.event === null ? null : `event ${finding.event}`,
          finding.offset === null ? null : `byte ${finding.offset}`,
        )}: ${finding.message}`,
    ),
    ...report.not_checked.map(
      (skipped) =>
        `  not checked ${skipped.code} ${skipped.name}${where(skipped.connection === null ? null : `connection ${skipped.connection}`)}: ${skipped.reason}`,
    ),
  ];
}

function summary(report) {
  const { events = 0, reconnects = 0 } = report.stats;
  return `${events} events, ${reconnects} reconnects; ${report.errors} errors, ${report.warnings} warnings, ${report.infos} infos`;
}

/**
 * Matchers for `@playwright/test`'s `expect.extend()`. Each validates the recording (an
 * `EventStreamRecording` or a recording document) with `validate()` and the given options, and
 * fails with every finding listed.
 */
export const matchers = {
  /** Passes when the recorded streams pass validation (no finding at `fail_on` or worse). */
  async toBeValidEventStream(received, options) {
    const report = await reportOf(received, options);
    const head = report.passed
      ? `expected the event streams to fail validation, but they passed (${summary(report)})`
      : `expected the event streams to pass validation (${summary(report)})`;
    const lines = reportLines(report);
    const message = () => [lines.length ? `${head}:` : head, ...lines].join('\n');
    return { pass: report.passed, message, name: 'toBeValidEventStream' };
  },

  /** Passes when validation reports a finding with this rule code (`'SSE402'`) or name (`'resume-point'`). */
  async toHaveFinding(received, rule, options) {
    // The core resolves the rule, so a misspelt one is an error, not a finding that never comes.
    const code = ruleCode(String(rule));
    if (code === undefined) throw new TypeError(`ssert/playwright toHaveFinding: no rule is called ${JSON.stringify(rule)}`);
    const report = await reportOf(received, options);
    const pass = report.findings.some((finding) => finding.code === code);
    const lines = reportLines(report);
    const message = () =>
      [
        `expected ${pass ? 'no' : 'a'} ${rule} finding (${summary(report)})${lines.length ? ':' : ''}`,
        ...lines,
      ].join('\n');
    return { pass, message, name: 'toHaveFinding' };
  },
};
