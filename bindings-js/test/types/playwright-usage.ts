// Type-checks a program that uses every export of `ssert/playwright` with a real Playwright
// `Page` (tsc --noEmit; its own tsconfig skips checking Playwright's .d.ts, which need Node's).
import type { BrowserContext, Page } from 'playwright-core';
import { validate, type Recording, type Report } from 'ssert';
import {
  EventStreamMock,
  EventStreamRecording,
  matchers,
  mockEventStream,
  observeEventSources,
  recordEventStreams,
  type EventSourceEntry,
  type EventSourceObserver,
  type CDPSessionLike,
  type MatcherResult,
  type MockConnection,
  type MockRequest,
  type MockScript,
  type MockStep,
  type PageLike,
  type RecordEventStreamsOptions,
  type RoutableTarget,
} from 'ssert/playwright';

export async function recordAndValidate(page: Page): Promise<Report> {
  const options: RecordEventStreamsOptions = { match: /\/events$/, types: ['EventSource', 'Fetch'], source: 'types' };
  const recorder: EventStreamRecording = await recordEventStreams(page, options);
  await recordEventStreams(page, { match: (url: string) => url.endsWith('/feed') });
  recorder.expect([{ id: 1, type: 'tick', data: '{}' }, { id: '2' }]);
  const sofar: Recording = await recorder.recording();
  const count: number = recorder.connections;
  const warnings: string[] = recorder.warnings;
  const streams: Recording[] = await recorder.recordings();
  const stopped: void = await recorder.stop();
  const recording: Recording = await recorder.recording();
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
  void [sofar, count, warnings, text, states, ids, streams, stopped];
  return validate(recording, { ids: { order: 'integer', consecutive: true } });
}

export function fakePage(session: CDPSessionLike): PageLike {
  return { context: () => ({ newCDPSession: async () => session }) };
}

export async function mockAStream(page: Page, context: BrowserContext): Promise<MockRequest[]> {
  const steps: MockStep[] = [
    { raw: 'retry: 500\n' },
    { id: '1', event: 'tick', data: '{}' },
    { delay: 100 },
    { comment: 'heartbeat' },
    { raw: new Uint8Array([100, 97, 116, 97, 10, 10]) },
  ];
  const first: MockConnection = { steps, chunkSize: 3, chunkDelay: 2, end: 'drop', headers: { 'x-extra': '1' } };
  const script: MockScript = [first, async (request: MockRequest) => ({ steps: [{ data: request.lastEventId ?? 'none' }], end: 'close' }), { status: 204 }];
  const mock: EventStreamMock = await mockEventStream(page, '**/events', script);
  await mockEventStream(context, /\/feed$/, (request) => ({ status: request.index === 0 ? 200 : 204 }));
  const target: RoutableTarget = page;
  // @ts-expect-error a { delay } step has no other fields (the mock refuses it too)
  await mockEventStream(page, '**', [{ steps: [{ delay: 10, data: 'lost' }] }]);
  // @ts-expect-error a connection ends with 'hold', 'close' or 'drop'
  await mockEventStream(target, '**', [{ end: 'later' }]);
  const written: number = await mock.send({ data: 'live' }, { delay: 10 });
  const ended: number = await mock.end('drop');
  const requests: MockRequest[] = await mock.waitForRequests(2, { timeout: 1000 });
  const resumedFrom: string | null = mock.requests[1]?.lastEventId ?? null;
  const posted: string = `${mock.requests[0]?.method} ${mock.requests[0]?.body}`;
  await mock.dispose();
  void [written, ended, resumedFrom, posted];
  return requests;
}
