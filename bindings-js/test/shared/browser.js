// Launches Debian's Chromium through playwright-core (no browser download), with the flags the
// project's toolchain notes require on this kind of machine.
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startStaticServer } from './static-server.js';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Registers the hooks of a browser test file: before its tests, a static server on 127.0.0.1
 * (`startStaticServer(mounts, routes)`), a Chromium, then `open(setup)` (say, to load a page);
 * after them, both stopped. Returns `{ server, browser }`, set once the hook has run. One hook:
 * top-level `before` hooks of node:test 20 do not wait for each other.
 */
export function serverAndChromium({ routes = {}, mounts = {}, open } = {}) {
  const setup = { server: undefined, browser: undefined };
  before(async () => {
    setup.server = await startStaticServer(mounts, routes);
    setup.browser = await launchChromium();
    await open?.(setup);
  });
  after(async () => {
    await setup.browser?.close();
    await setup.server?.close();
  });
  return setup;
}
