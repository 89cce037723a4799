// Type declarations of `ssert/playwright`: recording a Playwright page's event streams.
import type { Recording, ValidateOptions } from './index.js';

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
  /** The recording so far (a connection still open has no `end`). */
  recording(): Promise<Recording>;
  /** Stops recording, detaches from the page and returns the recording. */
  stop(): Promise<Recording>;
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
 * the recording with `validate()` and the given options, and lists every finding when it fails.
 */
export const matchers: {
  /** Passes when the recorded streams pass validation; `await expect(recording).toBeValidEventStream(options)`. */
  toBeValidEventStream(received: EventStreamRecording | Recording, options?: ValidateOptions): Promise<MatcherResult>;
  /** Passes when validation reports a finding with this rule code (`'SSE402'`) or name (`'resume-point'`); rejects with a `TypeError` for a rule the core does not know. */
  toHaveFinding(received: EventStreamRecording | Recording, rule: string, options?: ValidateOptions): Promise<MatcherResult>;
};
