import { defineConfig } from '@playwright/test';

// Chromium comes from the system (Debian's `chromium`), not from `npx playwright install`:
// CHROMIUM_PATH points elsewhere if yours lives somewhere else.
export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  forbidOnly: Boolean(process.env.CI),
  // Reconnect timing is part of what these specs check: on a small shared machine, two workers
  // keep the browser's timers honest.
  workers: 2,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
