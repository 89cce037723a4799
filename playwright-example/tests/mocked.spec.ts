// Testing the page alone, against a scripted server: ssert's mockEventStream streams each
// connection for real (in pieces, with pauses, ending cleanly or breaking off), so the page's own
// EventSource parses and reconnects as it would against the real backend, and each reconnect
// shows the Last-Event-ID the browser sent. route.fulfill() can do none of this: it hands the
// browser the whole body at once and never sees that header.
import { dashboard, expect, test } from './fixtures.js';

const order = (orderId: string, status: string) => JSON.stringify({ orderId, status });

test('renders a stream that arrives a few bytes at a time', async ({ page, streams, mockStream }) => {
  const mock = await mockStream('**/api/mocked/stream', [
    {
      steps: [
        { retry: 100, id: '41', event: 'order_update', data: order('o-7', 'shipped') },
        { comment: 'a heartbeat the page never sees' },
        { id: '42', event: 'alert', data: 'Storm warning\r\nDeliveries paused' },
      ],
      // About 185 bytes in 16-byte writes 40 ms apart (so that a busy machine does not merge
      // them into a few reads): lines, the CRLF and the blank lines that end events are split
      // across the browser's reads.
      chunkSize: 16,
      chunkDelay: 40,
      end: 'close',
    },
    // The reconnect after the clean end gets a 204, so the browser stops.
  ]);
  await page.goto(dashboard('/api/mocked/stream'));

  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  await expect(page.getByTestId('update-feed').locator('li')).toHaveText(['o-7 shipped']);
  expect(await page.getByTestId('alert-banner').textContent()).toBe('Storm warning\nDeliveries paused');
  await expect(page.getByTestId('last-event-id')).toHaveText('42');
  expect(mock.requests.map((request) => request.lastEventId)).toEqual([null, '42']);
  // The recording is of the browser's own reads: a dozen small ones (on a busy machine the
  // browser may read two writes at once), and a session that validates.
  const { connections } = await streams.recording();
  expect(connections[0]?.chunks?.length).toBeGreaterThanOrEqual(6);
  await expect(streams).toBeValidEventStream({ ids: { order: 'integer' }, reconnect: { slack_ms: 10 } });
});

test('shows what the server pushes, and picks up after the connection breaks', async ({ page, streams, mockStream }) => {
  const mock = await mockStream('**/api/mocked/stream', [
    { steps: [{ retry: 100, id: '1', event: 'order_update', data: order('o-1', 'placed') }] },
    (request) => ({
      // A server that resumes right after the id the browser sends.
      steps: [{ id: String(Number(request.lastEventId) + 1), event: 'order_update', data: order('o-1', 'delivered') }],
    }),
  ]);
  await page.goto(dashboard('/api/mocked/stream'));
  const feed = page.getByTestId('update-feed').locator('li');
  await expect(feed).toHaveText(['o-1 placed']);
  await expect(page.getByTestId('connection-badge')).toHaveText('Live');

  // The spec drives the stream: one more event, then the connection breaks.
  await mock.send({ id: '2', event: 'order_update', data: order('o-1', 'packed') });
  await expect(feed).toHaveText(['o-1 placed', 'o-1 packed']);
  await mock.end('drop');

  await expect(feed).toHaveText(['o-1 placed', 'o-1 packed', 'o-1 delivered']);
  await expect(page.getByTestId('connection-badge')).toHaveText('Live');
  expect(mock.requests.map((request) => request.lastEventId)).toEqual([null, '2']);
  streams.expect([
    { id: 1, type: 'order_update' },
    { id: 2, type: 'order_update' },
    { id: 3, type: 'order_update' },
  ]);
  await expect(streams).toBeValidEventStream({ ids: { order: 'integer', consecutive: true }, reconnect: { slack_ms: 10 } });
});
