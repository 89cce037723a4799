// Type-checks a program that uses every export of `ssert/playwright` with a real Playwright
// `Page` (tsc --noEmit; its own tsconfig skips checking Playwright's .d.ts, which need Node's).
import type { Page } from 'playwright-core';
import { validate, type Recording, type Report } from 'ssert';
import {
  EventStreamRecording,
  matchers,
  observeEventSources,
  recordEventStreams,
  type EventSourceEntry,
  type EventSourceObserver,
  type CDPSessionLike,
  type MatcherResult,
  type PageLike,
  type RecordEventStreamsOptions,
} from 'ssert/playwright';

export async function recordAndValidate(page: Page): Promise<Report> {
  const options: RecordEventStreamsOptions = { match: /\/events$/, types: ['EventSource', 'Fetch'], source: 'types' };
  const recorder: EventStreamRecording = await recordEventStreams(page, options);
  await recordEventStreams(page, { match: (url: string) => url.endsWith('/feed') });
  recorder.expect([{ id: 1, type: 'tick', data: '{}' }, { id: '2' }]);
  const sofar: Recording = await recorder.recording();
  const count: number = recorder.connections;
  const warnings: string[] = recorder.warnings;
  const recording: Recording = await recorder.stop();
  // @ts-expect-error not a URL filter
  await recordEventStreams(page, { match: 42 });
  const valid: MatcherResult = await matchers.toBeValidEventStream(recorder, { reconnect: { slack_ms: 10 } });
  const found: MatcherResult = await matchers.toHaveFinding(recording, 'SSE402', { ids: { order: 'integer' } });
  const text: string = valid.message() + found.name + String(found.pass);
  // @ts-expect-error a rule is named by its code or name, a string
  await matchers.toHaveFinding(recording, 402);
  const observer: EventSourceObserver = await observeEventSources(page);
  const entries: EventSourceEntry[] = await observer.entries();
  const states: Array<0 | 1 | 2> = entries.filter((entry) => entry.kind !== 'message').map((entry) => entry.readyState);
  const ids: Array<string | undefined> = entries.map((entry) => entry.lastEventId);
  void [sofar, count, warnings, text, states, ids];
  return validate(recording, { ids: { order: 'integer', consecutive: true } });
}

export function fakePage(session: CDPSessionLike): PageLike {
  return { context: () => ({ newCDPSession: async () => session }) };
}
