// Type-checks a program that uses every export of `ssert/playwright` with a real Playwright
// `Page` (tsc --noEmit; its own tsconfig skips checking Playwright's .d.ts, which need Node's).
import type { Page } from 'playwright-core';
import { validate, type Recording, type Report } from 'ssert';
import { EventStreamRecording, recordEventStreams, type CDPSessionLike, type PageLike, type RecordEventStreamsOptions } from 'ssert/playwright';

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
  void [sofar, count, warnings];
  return validate(recording, { ids: { order: 'integer', consecutive: true } });
}

export function fakePage(session: CDPSessionLike): PageLike {
  return { context: () => ({ newCDPSession: async () => session }) };
}
