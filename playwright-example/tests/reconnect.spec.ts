// The heart of an SSE contract: when the connection drops, the browser reconnects with
// Last-Event-ID after the `retry` time, and the server resumes right after that id, so the
// page loses nothing and repeats nothing.
import { observeEventSources } from 'ssert/playwright';
import { ordersLog } from '../server/app.js';
import { dashboard, expect, test } from './fixtures.js';

const rules = {
  ids: { order: 'integer' as const, consecutive: true },
  retry: { required: true },
  // The browser stamps a connection's end and the next request in different processes, so a
  // reconnect can look a few ms early.
  reconnect: { slack_ms: 10 },
};
const orderIds = ['1', '2', '3', '4', '6', '7', '8', '9', '11', '12'];

test('resumes after every drop without losing or repeating an event', async ({ page, streams, exampleServer }) => {
  await page.goto(dashboard('/api/orders/stream?total=12&drop=4&retry=150'));
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');

  const feed = page.getByTestId('update-feed').locator('li');
  expect(await feed.evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.eventId))).toEqual(orderIds);
  // Each reconnect carried the id of the last event the page had received. (Which ids those are
  // depends on timing: bytes in flight when a connection drops are lost, and sent again.)
  const resumes = exampleServer.requests.filter((request) => request.query.includes('drop=4')).map((request) => request.lastEventId);
  expect(resumes.length).toBeGreaterThanOrEqual(4);
  expect(resumes[0]).toBeUndefined();
  expect(resumes.at(-1)).toBe('12');

  streams.expect(ordersLog(12));
  await expect(streams).toBeValidEventStream(rules);
});

test('waits the retry time the server asked for before reconnecting', async ({ page, streams }) => {
  await page.goto(dashboard('/api/orders/stream?total=4&drop=2&retry=700'));
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  const { connections } = await streams.recording();
  expect(connections.length).toBeGreaterThanOrEqual(3);
  const waits = connections.slice(1).map((connection, i) => connection.request.t - (connections[i].end?.t ?? Number.NaN));
  for (const waited of waits) expect(waited).toBeGreaterThanOrEqual(700 - rules.reconnect.slack_ms);
  // The same check, with every other rule, is the validator's `reconnect-delay` (SSE405).
  await expect(streams).toBeValidEventStream(rules);
});

test('catches a server that resumes at the Last-Event-ID instead of after it', async ({ page, streams }) => {
  await page.goto(dashboard('/api/orders/stream?total=12&drop=4&retry=150&resume=at'));
  const feed = page.getByTestId('update-feed').locator('li');
  await expect.poll(() => feed.count()).toBeGreaterThanOrEqual(12);
  await page.getByTestId('pause').click();

  // What a user of this page sees: updates shown twice (the event each reconnect resumed from).
  const shown = await feed.evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.eventId));
  expect(new Set(shown).size).toBeLessThan(shown.length);

  streams.expect(ordersLog(12));
  await expect(streams).not.toBeValidEventStream(rules);
  // One `resume-point` finding per bad resume (the events it repeats are not reported again).
  await expect(streams).toHaveFinding('resume-point', rules);
});

test("the page's EventSource reconnects after each drop and closes after the 204", async ({ page }) => {
  // What the page's own code sees, logged without touching the app or using DevTools.
  const observer = await observeEventSources(page);
  await page.goto(dashboard('/api/orders/stream?total=6&drop=3&retry=100'));
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  const entries = await observer.entries();

  // Every event once, in order, whatever the drops cost in flight.
  const messages = entries.filter((entry) => entry.kind === 'message');
  expect(messages.map((entry) => entry.lastEventId)).toEqual(['1', '2', '3', '4', '5', '6']);
  // CONNECTING after each drop (an `error` with readyState 0) and OPEN again; after the server
  // ends the stream, one more CONNECTING, whose request gets the 204: CLOSED, never OPEN.
  const states = entries.filter((entry) => entry.kind !== 'message').map((entry) => `${entry.kind} ${entry.readyState}`);
  expect(states.slice(0, 2)).toEqual(['created 0', 'open 1']);
  expect(states.slice(-2)).toEqual(['error 0', 'error 2']);
  const reconnects = states.slice(2, -1);
  expect(reconnects.length).toBeGreaterThanOrEqual(3);
  expect(reconnects).toEqual(reconnects.map((_, i) => (i % 2 === 0 ? 'error 0' : 'open 1')));
});
