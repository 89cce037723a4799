// Over HTTP/1.1 a browser opens at most six connections to one origin, and every open
// EventSource holds one for as long as it lives.
import { dashboard, expect, test } from './fixtures.js';

test('the dashboard feeds every widget from one connection', async ({ page, streams }) => {
  await page.goto(dashboard('/api/orders/stream?total=6&idle=10000'));
  await expect(page.getByTestId('update-feed').locator('li')).toHaveCount(5);
  await expect(page.getByTestId('alert-banner')).toBeVisible();
  expect(streams.connections).toBe(1);
});

test('six open streams starve a seventh request to the same origin', async ({ page }) => {
  await page.goto(dashboard('/api/orders/stream?total=0'));
  const outcome = await page.evaluate(async () => {
    const sources = Array.from({ length: 6 }, (_, i) => new EventSource(`/api/orders/stream?total=1&idle=20000&n=${i}`));
    await Promise.all(sources.map((source) => new Promise((resolve) => source.addEventListener('open', resolve, { once: true }))));
    const ping = fetch('/api/ping').then((response) => response.text());
    const whileSixOpen = await Promise.race([ping, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_500))]);
    sources[0].close();
    const afterOneClosed = await ping;
    for (const source of sources) source.close();
    return { whileSixOpen, afterOneClosed };
  });
  expect(outcome).toEqual({ whileSixOpen: 'still waiting', afterOneClosed: 'pong' });
});
