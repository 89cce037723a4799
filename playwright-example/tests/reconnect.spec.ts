// The heart of an SSE contract: when the connection drops, the browser reconnects with
// Last-Event-ID after the `retry` time, and the server resumes right after that id, so the
// page loses nothing and repeats nothing.
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
