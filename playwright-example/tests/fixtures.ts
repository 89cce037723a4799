// Fixtures shared by the specs: the example app on a free port of 127.0.0.1 (one per worker, so
// each worker's requests are its own), a recording of every event stream the page opens, and
// scripted streams for the page that are cleaned up after each test.
import { test as base, expect as baseExpect } from '@playwright/test';
import {
  matchers,
  mockEventStream,
  recordEventStreams,
  type EventStreamMock,
  type EventStreamRecording,
  type MockScript,
} from 'ssert/playwright';
import { startExampleServer } from '../server/app.js';

type ExampleServer = Awaited<ReturnType<typeof startExampleServer>>;
type MockStream = (url: string, script: MockScript) => Promise<EventStreamMock>;

export const test = base.extend<{ streams: EventStreamRecording; mockStream: MockStream }, { exampleServer: ExampleServer }>({
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
  // Disposed after the test, even a failed one; a mock that went wrong (a script that threw, a
  // step that cannot be encoded) fails the test here, with the reason.
  mockStream: async ({ page }, use) => {
    const mocks: EventStreamMock[] = [];
    await use(async (url, script) => {
      const mock = await mockEventStream(page, url, script);
      mocks.push(mock);
      return mock;
    });
    for (const mock of mocks) await mock.dispose();
  },
});

export const expect = baseExpect.extend(matchers);

/** The dashboard, reading the given stream (a path with its query). */
export const dashboard = (stream: string) => `/?stream=${encodeURIComponent(stream)}`;
