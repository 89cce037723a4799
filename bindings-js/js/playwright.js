// `ssert/playwright`: records the event streams a Playwright page receives, from the browser's own
// network stack, into the shared recording format (version 1, testdata/recording.schema.json).
//
// It runs in the Playwright test process (Node), not in the page, and reads the page's traffic
// through Chromium's DevTools protocol: every `EventSource` connection (and, on request, `fetch`
// or XHR streams) with the request headers the browser really sent (`Last-Event-ID` included),
// the response head, every body chunk as it arrived with its time, and how the connection ended.
// So `validate()` checks what the browser's own client did across reconnects, not a re-creation
// of it. The recorder parses only to tell apart two clients on one URL (by the last event id each
// would send); the recordings go to `validate()` from `ssert`, directly or through the `expect`
// matchers at the end of this file.
//
// `observeEventSources` is the page-side view: a log, kept in the page, of what the page's code
// sees of each `EventSource` (states, events, close), for specs about the client's behaviour.
// `mockEventStream` (playwright_mock.js) is the other side: a scripted server for the page.

import { Buffer } from 'node:buffer';
import { UsageError } from './errors.js';
import { createParser, validate } from './node.js';
import { byteStringBytes, expectedItems, headerText, recordingDocument } from './recording.js';
import { isEventStreamType, ruleCode, ruleRuns } from './ssert_wasm.js';

export { EventStreamMock, mockEventStream } from './playwright_mock.js';

const NETWORK_EVENTS = [
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.responseReceived',
  'Network.dataReceived',
  'Network.loadingFinished',
  'Network.loadingFailed',
];
// A document that goes away closes its streams without a word on the Network domain.
const PAGE_EVENTS = ['Page.frameNavigated', 'Page.frameDetached'];

function headerPairs(headers) {
  // CDP joins repeated headers with "\n" in one value; the recording keeps one pair per value.
  return Object.entries(headers ?? {}).flatMap(([name, value]) =>
    String(value)
      .split('\n')
      .map((part) => [name, headerText(part)]),
  );
}

function urlMatcher(match) {
  if (match === undefined) return () => true;
  if (typeof match === 'string') return (url) => url.includes(match);
  if (match instanceof RegExp) {
    // Without the `g` and `y` flags: with them, `test()` resumes at `lastIndex` and misses.
    const pattern = new RegExp(match.source, match.flags.replace(/[gy]/g, ''));
    return (url) => pattern.test(url);
  }
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
  await session.send('Page.enable');
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
  /** Counts the CDP events that start and end connections, to order them. */
  #sequence = 0;
  #expected = [];
  #pending = new Set();
  #warnings = [];
  #origin;
  /** The latest CDP timestamp seen, for ends that come without one (a navigation). */
  #latest;
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
      'Page.frameNavigated': ({ frame }) => this.#onDocumentGone(frame.id, frame.loaderId, 'the page navigated away'),
      'Page.frameDetached': ({ frameId }) => this.#onDocumentGone(frameId, undefined, 'the frame was removed'),
    };
    for (const name of [...NETWORK_EVENTS, ...PAGE_EVENTS]) {
      const handler = (event) => {
        if (event.timestamp !== undefined) this.#latest = Math.max(this.#latest ?? event.timestamp, event.timestamp);
        handlers[name](event);
      };
      session.on(name, handler);
      this.#listeners.push([name, handler]);
    }
  }

  /** Connections recorded so far (each `EventSource` reconnect is one). */
  get connections() {
    return this.#byRequest.size;
  }

  /** Problems met while recording, e.g. body bytes that could not be read back. */
  get warnings() {
    return [...this.#warnings];
  }

  /** Adds what the server says it published: the source of truth for loss/duplicate checks. */
  expect(events) {
    this.#expected.push(...expectedItems(events));
  }

  /**
   * The recording so far of the one client recorded, in the shared format (a connection still
   * open has no `end`). When the page opened several streams it rejects with a `UsageError`
   * (`SEVERAL_STREAMS`): a recording is what one client did, so take `recordings()` instead.
   */
  async recording() {
    const recordings = await this.recordings();
    if (recordings.length > 1) {
      const urls = recordings.map((recording) => recording.connections[0].request.url);
      throw new UsageError(
        'SEVERAL_STREAMS',
        `ssert/playwright: the page opened ${recordings.length} event streams (${urls.join(', ')}); ` +
          'recording() is one stream: use recordings(), or a `match` that selects one',
      );
    }
    return recordings[0] ?? recordingDocument({ source: this.#source, connections: [], expected: this.#expected });
  }

  /**
   * One recording per client, in the order each first connected. A client is one `EventSource`
   * (or one `fetch` stream and its retries): the connections of one document to one URL with
   * one method, each opened after the one before it ended. Each recording gets the published
   * log of `expect()`.
   */
  async recordings() {
    if (!this.#stopped) {
      // A round trip on the session: the browser's events sent before its answer (what the page
      // has already seen happen) are handled before it arrives.
      await this.#session.send('Runtime.evaluate', { expression: '0' }).catch(() => {});
    }
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    return groupClients([...this.#byRequest.values()]).map((records) =>
      recordingDocument({ source: this.#source, connections: records, expected: this.#expected }),
    );
  }

  /** Stops recording and detaches from the page; `recording()` and `recordings()` still answer. */
  async stop() {
    if (this.#stopped) return;
    await this.recordings();
    this.#stopped = true;
    for (const [name, handler] of this.#listeners) this.#session.off(name, handler);
    await this.#session.detach().catch(() => {});
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
    const state = {
      record,
      type: event.type,
      // What an `EventSource` keeps across its reconnects: its document, URL and method.
      client: JSON.stringify([event.frameId ?? null, event.loaderId ?? null, event.request.method, event.request.url]),
      frameId: event.frameId,
      loaderId: event.loaderId,
      started: this.#sequence++,
      ended: undefined,
      early: [],
      streamed: [],
      streaming: false,
    };
    this.#byRequest.set(event.requestId, state);
    this.#track(
      this.#session.send('Network.streamResourceContent', { requestId: event.requestId }).then(
        ({ bufferedData }) => this.#fillEarly(state, Buffer.from(bufferedData, 'base64')),
        () => this.#readBack(event.requestId, state),
      ),
    );
  }

  /** A frame's document was replaced or removed: the streams it had open are closed. */
  #onDocumentGone(frameId, loaderId, message) {
    for (const state of this.#byRequest.values()) {
      if (state.frameId !== frameId || state.loaderId === loaderId || state.record.end !== undefined) continue;
      state.record.end = { kind: 'client_closed', message, t: this.#ms(this.#latest) };
      state.ended = this.#sequence++;
    }
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
    state.ended = this.#sequence++;
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
      const length = state.early.reduce((sum, chunk) => sum + chunk.length, 0);
      this.#fillEarly(state, base64Encoded ? Buffer.from(body, 'base64') : textBodyBytes(body, length));
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
 * The bytes of a body the DevTools protocol handed back as text. It decodes an `EventSource` body
 * as windows-1252 whatever its charset, and other bodies by their charset: the reading whose
 * length is the byte count the browser reported is the right one.
 */
function textBodyBytes(text, length) {
  const bytes = byteStringBytes(text);
  if (bytes !== undefined && bytes.length === length) return Buffer.from(bytes);
  return Buffer.from(text, 'utf8');
}

/**
 * Sorts connections (in request order) into clients, each a list of its connections. CDP does not
 * say which `EventSource` made a request, but one reconnects only after its connection ended, to
 * the URL it was made with, from its own document, and not after it gave up (a 204, an error
 * status, a wrong type, or `close()`): a request that fits one earlier client so is its
 * reconnect; any other starts a new client. When several fit (two `EventSource`s of one document
 * on one URL), the one whose last event id the request sent as `Last-Event-ID` is taken, else the
 * one that ended first.
 */
function groupClients(states) {
  const clients = [];
  for (const state of states) {
    const fits = clients.filter(({ key, last }) => key === state.client && last.ended < state.started && !gaveUp(last));
    let client = fits[0];
    if (fits.length > 1) {
      const sent = header(state.record.request.headers, 'last-event-id') ?? '';
      client = fits.find((candidate) => lastEventIdAfter(candidate.records) === sent) ?? client;
    }
    if (client === undefined) {
      client = { key: state.client, records: [] };
      clients.push(client);
    }
    client.records.push(state.record);
    client.last = state;
  }
  return clients.map(({ records }) => records);
}

/** Whether an `EventSource` stops after this connection: `fetch` clients may retry anything. */
function gaveUp({ type, record }) {
  if (type !== 'EventSource') return false;
  const { response, end } = record;
  if (end?.kind === 'client_closed') return true;
  return response !== undefined && (response.status !== 200 || !isEventStreamType(header(response.headers, 'content-type') ?? ''));
}

function header(pairs, name) {
  return pairs?.find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The last event id a client has after these connections: what it sends on its next one. */
function lastEventIdAfter(records) {
  const parser = createParser();
  try {
    for (const { chunks } of records) {
      for (const chunk of chunks) parser.feed(Buffer.from(chunk.data, 'base64'));
      parser.end();
    }
    return parser.lastEventId;
  } finally {
    parser.free();
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
      // By the event's class, not its name: a server may name its events `error` or `open`.
      super.addEventListener(type, (event) => this.#note(event instanceof MessageEvent ? 'message' : type, event));
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

/** The recordings a matcher checks: each stream of a recorder, or one recording document. */
async function recordingsOf(received) {
  // By shape, not `instanceof`: a project can load two copies of this module.
  if (typeof received?.recordings === 'function') {
    const recordings = await received.recordings();
    // A check of nothing would pass (or, negated, fail) for the wrong reason: `match` selected
    // nothing, or recording started after the page connected.
    if (recordings.length === 0) {
      throw new UsageError('NO_STREAMS', 'ssert/playwright matchers: no event stream was recorded (check `match`, and that recording started before the page connected)');
    }
    return recordings;
  }
  if (received?.format === 'ssert-recording') return [received];
  throw new TypeError('ssert/playwright matchers: expected an EventStreamRecording or a recording document');
}

/**
 * Validates each recording. A report keeps at most `window.findings` findings, and as many
 * not-checked notes about single connections, and only counts the rest; when `rule` is asked
 * about and is not among the findings or notes kept while some were dropped, the recording is
 * validated again keeping them all, so `.not.toHaveFinding` cannot pass on a finding that was
 * dropped, nor miss that the rule was not checked on some connection.
 */
async function reportsOf(received, options, rule) {
  return (await recordingsOf(received)).map((recording) => {
    const report = validate(recording, options);
    const dropped = report.findings_dropped ?? 0;
    const notesDropped = report.not_checked_dropped ?? 0;
    // A finding kept decides both matchers; without one, a dropped finding or note might.
    const decided =
      rule === undefined ||
      report.findings.some((finding) => finding.code === rule) ||
      (dropped === 0 && (notesDropped === 0 || report.not_checked.some((entry) => entry.code === rule)));
    if (decided) {
      return { recording, report };
    }
    const findings = Math.max(report.findings.length + dropped, report.not_checked.length + notesDropped);
    const window = { ...options?.window, findings };
    return { recording, report: validate(recording, { ...options, window }) };
  });
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

/**
 * The report, one line per finding (errors first, in the order found within a severity), then
 * one per rule that could not be checked: a pass is worth less when a rule did not run.
 */
function reportLines(report, indent) {
  const findings = [...report.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const where = (...parts) => {
    const named = parts.filter((part) => part !== null);
    return named.length ? ` (${named.join(', ')})` : '';
  };
  const dropped = report.findings_dropped ?? 0;
  const notesDropped = report.not_checked_dropped ?? 0;
  return [
    ...findings.map(
      (finding) =>
        `${indent}${finding.severity} ${finding.code} ${finding.name}${where(
          finding.connection === null ? null : `connection ${finding.connection}`,
          finding.event === null ? null : `event ${finding.event}`,
          finding.offset === null ? null : `byte ${finding.offset}`,
        )}: ${finding.message}`,
    ),
    ...(dropped > 0 ? [`${indent}and ${dropped} more findings, counted but not kept (window.findings)`] : []),
    ...report.not_checked.map(
      (skipped) =>
        `${indent}not checked ${skipped.code} ${skipped.name}${where(skipped.connection === null ? null : `connection ${skipped.connection}`)}: ${skipped.reason}`,
    ),
    ...(notesDropped > 0 ? [`${indent}and ${notesDropped} more not-checked notes, counted but not kept (window.findings)`] : []),
  ];
}

function summary(reports) {
  const total = (pick) => reports.reduce((sum, { report }) => sum + pick(report), 0);
  const streams = reports.length === 1 ? '' : `${reports.length} streams, `;
  return (
    `${streams}${total((r) => r.stats.events ?? 0)} events, ${total((r) => r.stats.reconnects ?? 0)} reconnects; ` +
    `${total((r) => r.errors)} errors, ${total((r) => r.warnings)} warnings, ${total((r) => r.infos)} infos`
  );
}

/** Every report's lines; with several streams, each under the URL of its first connection. */
function reportsLines(reports) {
  if (reports.length === 1) return reportLines(reports[0].report, '  ');
  return reports.flatMap(({ recording, report }, index) => {
    const lines = reportLines(report, '    ');
    const url = recording.connections[0]?.request.url ?? '(no connection)';
    return lines.length ? [`  stream ${index} (${url}):`, ...lines] : [];
  });
}

/**
 * Why the rule `code` could not have reported anything in `reports`, if so: it is off under
 * `options`, or a report lists it as not checked. (`reports` exist, so `options` are valid.)
 */
function whyRuleSaidNothing(reports, code, rule, options) {
  // The id comparator only orders ids; it cannot switch a rule on or off.
  const shared = { ...options, idOrder: undefined };
  if (ruleRuns(JSON.stringify(shared), code) !== true) {
    return `${rule} does not run under these options, so it could not report anything (switch it on with \`enable\` or its option)`;
  }
  const skipped = reports.flatMap(({ report }) => report.not_checked.filter((entry) => entry.code === code));
  if (skipped.length > 0) {
    return `${rule} could not be checked everywhere (${skipped.map((entry) => entry.reason).join('; ')}), so its silence proves nothing`;
  }
  return undefined;
}

/**
 * Matchers for `@playwright/test`'s `expect.extend()`. Each validates the recordings (each
 * stream of an `EventStreamRecording`, or one recording document) with `validate()` and the
 * given options, and fails with every finding listed.
 */
export const matchers = {
  /** Passes when every recorded stream passes validation (no finding at `fail_on` or worse). */
  async toBeValidEventStream(received, options) {
    const reports = await reportsOf(received, options);
    const passed = reports.every(({ report }) => report.passed);
    const head = passed
      ? `expected the event streams to fail validation, but they passed (${summary(reports)})`
      : `expected the event streams to pass validation (${summary(reports)})`;
    const lines = reportsLines(reports);
    const message = () => [lines.length ? `${head}:` : head, ...lines].join('\n');
    return { pass: passed, message, name: 'toBeValidEventStream' };
  },

  /**
   * Passes when validation of a recorded stream reports a finding with this rule code (`'SSE402'`)
   * or name (`'resume-point'`). Negated, it fails unless the rule ran on every connection.
   */
  async toHaveFinding(received, rule, options) {
    // The core resolves the rule, so a misspelt one is an error, not a finding that never comes.
    const code = ruleCode(String(rule));
    if (code === undefined) throw new TypeError(`ssert/playwright toHaveFinding: no rule is called ${JSON.stringify(rule)}`);
    const reports = await reportsOf(received, options, code);
    const found = reports.some(({ report }) => report.findings.some((finding) => finding.code === code));
    // `.not` claims the streams are free of this problem, which only a rule that ran can say.
    const silence = this?.isNot === true && !found ? whyRuleSaidNothing(reports, code, rule, options) : undefined;
    if (silence !== undefined) {
      return { pass: true, message: () => [`expected no ${rule} finding, but ${silence}`, ...reportsLines(reports)].join('\n'), name: 'toHaveFinding' };
    }
    const pass = found;
    const lines = reportsLines(reports);
    const message = () =>
      [`expected ${pass ? 'no' : 'a'} ${rule} finding (${summary(reports)})${lines.length ? ':' : ''}`, ...lines].join('\n');
    return { pass, message, name: 'toHaveFinding' };
  },
};
