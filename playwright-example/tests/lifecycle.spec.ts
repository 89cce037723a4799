// readyState from the page's point of view, and the ways a stream ends for good: the page's own
// close(), a 204, an error status and a response that is not an event stream.
import { dashboard, expect, test } from './fixtures.js';

const CONNECTING = '0';
const OPEN = '1';
const CLOSED = '2';

test('is CONNECTING until the response head arrives, OPEN while streaming, CLOSED after close()', async ({ page, streams, exampleServer }) => {
  await page.goto(dashboard('/api/orders/stream?delay=800&total=50&pause=100'));
  const badge = page.getByTestId('connection-badge');
  await expect(badge).toHaveAttribute('data-ready-state', CONNECTING);
  await expect(badge).toHaveText('Connecting…');
  await expect(badge).toHaveAttribute('data-ready-state', OPEN);
  await expect(badge).toHaveText('Live');
  await expect(page.getByTestId('update-feed').locator('li')).not.toHaveCount(0);

  await page.getByTestId('pause').click();
  await expect(badge).toHaveAttribute('data-ready-state', CLOSED);
  await expect(badge).toHaveText('Paused');

  const recording = await streams.recording();
  expect(recording.connections).toHaveLength(1);
  expect(recording.connections[0].end?.kind).toBe('client_closed');
  // A page that closes its stream does not reconnect: the server saw one request only.
  await page.waitForTimeout(500);
  expect(exampleServer.requests.filter((request) => request.query.includes('delay=800'))).toHaveLength(1);
});

test('a 204 on the first request closes the stream before it ever opens', async ({ page, streams }) => {
  await page.goto(dashboard('/api/orders/stream?total=0'));
  const badge = page.getByTestId('connection-badge');
  await expect(badge).toHaveText('Offline');
  await expect(badge).toHaveAttribute('data-ready-state', CLOSED);
  const recording = await streams.recording();
  expect(recording.connections.map((connection) => connection.response?.status)).toEqual([204]);
  await expect(streams).toBeValidEventStream();
});

// Unlike a dropped connection, an error status is not retried by the browser: the page must
// decide for itself whether to open a new EventSource.
test('an HTTP 500 fails the connection: the browser does not retry it', async ({ page, streams, exampleServer }) => {
  await page.goto(dashboard('/api/broken'));
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  // Longer than the reconnection time browsers start with (3 s in Chromium).
  await page.waitForTimeout(3_500);
  expect(exampleServer.requests.filter((request) => request.path === '/api/broken')).toHaveLength(1);
  await expect(streams).toHaveFinding('status');
});

test('a response that is not text/event-stream fails the connection too', async ({ page, streams }) => {
  await page.goto(dashboard('/api/not-a-stream'));
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  await expect(streams).toHaveFinding('SSE102');
  await expect(streams).not.toBeValidEventStream();
});
