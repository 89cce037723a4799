// Type declarations of `ssert/playwright`: recording, observing and mocking a Playwright page's event streams.
import type { EncodeItem, Recording, ValidateOptions } from './index.js';

/** The part of a Playwright `Page` the recorder uses (Chromium's `newCDPSession`). */
export interface PageLike {
  context(): { newCDPSession(page: any): Promise<CDPSessionLike> };
}

/** The part of a Playwright `CDPSession` the recorder uses. */
export interface CDPSessionLike {
  send(method: string, params?: object): Promise<any>;
  on(event: string, listener: (payload: any) => void): unknown;
  off(event: string, listener: (payload: any) => void): unknown;
  detach(): Promise<void>;
}

export interface RecordEventStreamsOptions {
  /** Which URLs to record: a substring, a RegExp or a predicate. Default: every URL. */
  match?: string | RegExp | ((url: string) => boolean);
  /** DevTools resource types to record. Default `['EventSource']`; add `'Fetch'` or `'XHR'` for streams read with `fetch` or XHR. */
  types?: string[];
  /** The recording's `source` text. Default `'ssert-js playwright'`. */
  source?: string;
}

/** A recording in progress, from `recordEventStreams`. */
export class EventStreamRecording {
  /** Connections recorded so far (each reconnect is one). */
  readonly connections: number;
  /** Problems met while recording, e.g. body bytes that could not be read back. */
  readonly warnings: string[];
  /** Adds what the server says it published: the source of truth for loss and duplicate checks. */
  expect(events: Iterable<{ id: string | number; type?: string; data?: string }>): void;
  /**
   * The recording so far of the one stream recorded (a connection still open has no `end`).
   * Rejects with a `UsageError` (`SEVERAL_STREAMS`) when the page opened several: use `recordings()`.
   */
  recording(): Promise<Recording>;
  /**
   * One recording per stream, in the order each first connected. A stream is one `EventSource`
   * and its reconnects (or one `fetch` stream and its retries): the connections of one document
   * to one URL with one method, each opened after the one before it ended. Each gets the log of `expect()`.
   * It resolves once everything the page has already seen happen is recorded. Before navigating
   * away from a document whose streams matter, await it: Chromium can drop the DevTools
   * notifications a document had not sent yet when it goes (a connection's response head, say).
   */
  recordings(): Promise<Recording[]>;
  /** Stops recording and detaches from the page; `recording()` and `recordings()` still answer. */
  stop(): Promise<void>;
}

/**
 * Starts recording the event streams a Playwright page receives (Chromium only: the DevTools
 * protocol), with the request headers the browser sent, each body chunk as it arrived and how
 * each connection ended. Rejects with a `UsageError` (`CDP_UNAVAILABLE`) in other browsers.
 */
export function recordEventStreams(page: PageLike, options?: RecordEventStreamsOptions): Promise<EventStreamRecording>;

/** The part of a Playwright `Page` that `observeEventSources` uses. */
export interface ScriptablePage {
  addInitScript(script: any, arg?: any): Promise<unknown>;
  evaluate(pageFunction: any, arg?: any): Promise<any>;
}

/** One thing the page's code saw of one of its `EventSource` objects. */
export interface EventSourceEntry {
  /** Which `EventSource` of the document, numbered from 0 in creation order. */
  source: number;
  /** Its absolute URL. */
  url: string;
  /** `created` (the constructor ran), `open`, `message` (an event of a type the page has listened to), `error`, `close` (the page called `close()`). */
  kind: 'created' | 'open' | 'message' | 'error' | 'close';
  /** When, in ms since the Unix epoch (`performance.timeOrigin + performance.now()`, fractional). */
  t: number;
  /** `readyState` right after: 0 CONNECTING, 1 OPEN, 2 CLOSED (an `error` with 0 means the browser will reconnect). */
  readyState: 0 | 1 | 2;
  /** For `message`: the event type, its data and `lastEventId` as the page received them. */
  type?: string;
  data?: string;
  lastEventId?: string;
}

/** What `observeEventSources` returns. */
export class EventSourceObserver {
  /** The log of the page's current document so far, in the order things happened. */
  entries(): Promise<EventSourceEntry[]>;
}

/**
 * Logs what a page's own code sees of its `EventSource` streams, without the DevTools protocol (so
 * not only in Chromium, though only Chromium is tested): creation,
 * `open`, `error`, the events of the types it has listened to (`message` always) and `close()`, with
 * `readyState` and the time. Installs itself in the current document and in every document the
 * page loads from then on; each document keeps its own log.
 */
export function observeEventSources(page: ScriptablePage): Promise<EventSourceObserver>;

/** What a matcher returns to `@playwright/test`'s `expect`. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
  name: string;
}

/**
 * Matchers for `@playwright/test`: `const expect = baseExpect.extend(matchers)`. Each validates
 * every stream of a recorder (or one recording document) with `validate()` and the given
 * options, and lists every finding when it fails. A recorder that recorded no stream makes them
 * reject with a `UsageError` (`NO_STREAMS`).
 */
export const matchers: {
  /** Passes when every recorded stream passes validation; `await expect(recorder).toBeValidEventStream(options)`. */
  toBeValidEventStream(received: EventStreamRecording | Recording, options?: ValidateOptions): Promise<MatcherResult>;
  /**
   * Passes when validation of a recorded stream reports a finding with this rule code (`'SSE402'`) or name (`'resume-point'`), kept or only counted; rejects with a `TypeError` for a rule the core does not know.
   * Negated (`.not`), it also fails when the rule does not run under `options` or was not checked on some connection.
   */
  toHaveFinding(received: EventStreamRecording | Recording, rule: string, options?: ValidateOptions): Promise<MatcherResult>;
};

/** The part of a Playwright `Page` or `BrowserContext` that `mockEventStream` uses. */
export interface RoutableTarget {
  route(url: any, handler: (route: any) => unknown): Promise<unknown>;
  unroute(url: any, handler?: (route: any) => unknown): Promise<unknown>;
}

/** One step of a mocked connection, played in order. */
export type MockStep =
  /** An event or a comment, written by `encode()` (so an `id` or `event` that would break the stream throws an `EncodeError`). */
  | EncodeItem
  /** A pause, in milliseconds, before the next step (a step with other fields is a `TypeError`). */
  | ({ delay: number } & NoOtherStepFields<'delay'>)
  /** Bytes written exactly as given: half an event, a malformed line, a field with odd spacing. */
  | ({ raw: string | Uint8Array } & NoOtherStepFields<'raw'>);

/** Every field name of every member of a union. */
type FieldsOf<Union> = Union extends unknown ? keyof Union : never;

/** The fields of the other kinds of step, which a `{ delay }` or `{ raw }` step must not have. */
type NoOtherStepFields<Own extends string> = {
  [Field in Exclude<'delay' | 'raw' | FieldsOf<EncodeItem>, Own>]?: never;
};

/** What the mock server answers one request with. */
export interface MockConnection {
  /** HTTP status. Default 200; 204 tells an `EventSource` to stop reconnecting. */
  status?: number;
  /** Response headers, over the defaults (`content-type: text/event-stream`, `cache-control: no-cache`, `x-accel-buffering: no`; CORS headers when the request has an `Origin`). */
  headers?: Record<string, string>;
  /** What to write, in order. Default: nothing. */
  steps?: MockStep[];
  /** After the steps: `'hold'` the connection open (default; see `send()` and `end()`), `'close'` it cleanly, or `'drop'` it mid-stream (an incomplete body). */
  end?: 'hold' | 'close' | 'drop';
  /** Write each step in pieces of this many bytes. Default: one write per step. */
  chunkSize?: number;
  /** Milliseconds between the pieces of a step (with `chunkSize`), so the browser reads them apart. Default 0. */
  chunkDelay?: number;
}

/** A request the mock answered. */
export interface MockRequest {
  /** 0 for the first request, 1 for the first reconnect, and so on. */
  index: number;
  /** `GET` for an `EventSource`; a `fetch()` client may use `POST`. */
  method: string;
  /** The URL the page asked for. */
  url: string;
  /** The `Last-Event-ID` header the browser sent, or `null`. */
  lastEventId: string | null;
  /** Every request header as the browser sent it (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** The request body as UTF-8 text (`''` for none), e.g. the prompt a chat page POSTs. */
  body: string;
  /** When it arrived, in ms since the Unix epoch. */
  t: number;
}

/** How the mock answers: one connection per request, from an array or a function. */
export type MockScript =
  | Array<MockConnection | ((request: MockRequest) => MockConnection | Promise<MockConnection>)>
  | ((request: MockRequest) => MockConnection | Promise<MockConnection>);

/** A mock in place, from `mockEventStream`. */
export class EventStreamMock {
  /** Every request answered so far, in order. */
  readonly requests: MockRequest[];
  /** Writes steps to every connection still open, after what each is already writing; resolves with how many. */
  send(...steps: MockStep[]): Promise<number>;
  /** Ends every open connection, after what each is already writing: `'close'` (default) or `'drop'`; resolves with how many. */
  end(how?: 'close' | 'drop'): Promise<number>;
  /** Resolves with `requests` once there are at least `count`; rejects with a `UsageError` (`MOCK_TIMEOUT`) after `timeout` ms (default 5000). */
  waitForRequests(count: number, options?: { timeout?: number }): Promise<MockRequest[]>;
  /** Removes the route, breaks open connections, stops the server; rejects with the mock's first failure (a script that threw, a bad step, a `MOCK_NEEDS_HTTP` request). */
  dispose(): Promise<void>;
}

/**
 * Answers the requests of `target` that match `url` (as in `page.route`) with a scripted event
 * stream, streamed for real from a server on 127.0.0.1 in the test process: events arrive one by
 * one, in pieces, with pauses; connections end cleanly, break, or stay open. The browser parses
 * and reconnects as it would with any server, and each request shows the `Last-Event-ID` it sent.
 * With an array, the n-th request gets the n-th connection and later ones a 204. `http:` URLs
 * only (a request to another scheme is aborted, and `dispose()` rejects).
 */
export function mockEventStream(target: RoutableTarget, url: string | RegExp | ((url: URL) => boolean), script: MockScript): Promise<EventStreamMock>;
