// Fixtures shared by the specs: the example app on a free port of 127.0.0.1 (one per worker, so
// each worker's requests are its own), and a recording of every event stream the page opens.
import { test as base, expect as baseExpect } from '@playwright/test';
import { matchers, recordEventStreams, type EventStreamRecording } from 'ssert/playwright';
import { startExampleServer } from '../server/app.js';

type ExampleServer = Awaited<ReturnType<typeof startExampleServer>>;

export const test = base.extend<{ streams: EventStreamRecording }, { exampleServer: ExampleServer }>({
  exampleServer: [
    async ({}, use) => {
      const server = await startExampleServer();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ exampleServer }, use) => use(exampleServer.origin),
  // Started before the spec navigates, so the page's first connection is in the recording.
  streams: async ({ page }, use) => {
    const recording = await recordEventStreams(page, { match: '/api/' });
    await use(recording);
    await recording.stop();
  },
});

export const expect = baseExpect.extend(matchers);

/** The dashboard, reading the given stream (a path with its query). */
export const dashboard = (stream: string) => `/?stream=${encodeURIComponent(stream)}`;
