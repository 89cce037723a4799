// Proxies and load balancers close connections that stay silent too long. Comment lines keep a
// quiet stream alive without showing the page anything.
import { validate } from 'ssert';
import { dashboard, expect, test } from './fixtures.js';

const budget = { heartbeat: { max_silence_ms: 400 } };
// Events 150 ms apart: events that all arrive at one instant look like a buffering proxy, and the
// validator then leaves the heartbeat rule unchecked (it says so in `not_checked`).
const quiet = '/api/orders/stream?total=3&pause=150&idle=1200';

test('keep-alive comments keep a quiet stream within the silence budget', async ({ page, streams }) => {
  await page.goto(dashboard(`${quiet}&heartbeat=150`));
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  await expect(page.getByTestId('update-feed').locator('li')).toHaveCount(3);
  await expect(streams).toBeValidEventStream(budget);
  // Passing is only worth something if the rule ran.
  const report = validate(await streams.recording(), budget);
  expect(report.not_checked).toEqual([]);
});

test('a quiet stream without them is caught', async ({ page, streams }) => {
  await page.goto(dashboard(quiet));
  await expect(page.getByTestId('connection-badge')).toHaveText('Offline');
  await expect(streams).toHaveFinding('heartbeat', budget);
});
