// What the user sees: each event type reaches its widget, multi-line data arrives whole, and the
// stream the page received is a well-formed, complete SSE session.
import { ordersLog } from '../server/app.js';
import { dashboard, expect, test } from './fixtures.js';

test('routes order updates to the feed and alerts to the banner', async ({ page, streams }) => {
  await page.goto(dashboard('/api/orders/stream?total=6'));

  const feed = page.getByTestId('update-feed').locator('li');
  await expect(feed).toHaveText(['o-101 placed', 'o-101 packed', 'o-101 shipped', 'o-101 delivered', 'o-102 packed']);
  // Two `data:` lines make one event whose data holds both, joined by a newline.
  await expect(page.getByTestId('alert-banner')).toBeVisible();
  expect(await page.getByTestId('alert-banner').textContent()).toBe('Warehouse 1 is running late\nExpect a delay of 5 minutes');
  await expect(page.getByTestId('last-event-id')).toHaveText('6');

  // The server ends the stream once everything is sent; the browser reconnects with the last id
  // and the 204 it gets tells it to stop for good.
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  streams.expect(ordersLog(6));
  // This app's contract, stricter than the defaults: a missing `retry` hint fails the spec.
  await expect(streams).toBeValidEventStream({
    ids: { order: 'integer', consecutive: true },
    retry: { required: true },
    severity: { retry: 'error' },
  });
  const recording = await streams.recording();
  expect(recording.connections.map((connection) => connection.response?.status)).toEqual([200, 204]);
});
