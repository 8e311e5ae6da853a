import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// The browser suite: Debian's Chromium (never a downloaded browser) against the real server
// binary on a fresh database seeded with demo data. Every test runs with JavaScript on and
// off, at tablet and at phone size.

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Where the server's database lives: a test checks what reached the server there (fixtures.ts).
process.env.E2E_DATA ??= join(tmpdir(), `centre-e2e-${port}`);

const chromium = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
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
};

// The test that holds the roll call to its times over a weak link.
const WEAK_LINK = /over a weak link/;

const tablet = { viewport: { width: 810, height: 1080 }, hasTouch: true, isMobile: false };
const phone = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: chromium,
    locale: 'km-KH',
    trace: 'retain-on-failure',
    // The service worker is tested where it is about (offline.spec.ts): elsewhere a page
    // talks to the server directly, as the routes the tests set up expect.
    serviceWorkers: 'block',
  },
  projects: [
    { name: 'tablet-js', use: { ...tablet, javaScriptEnabled: true }, grepInvert: WEAK_LINK },
    { name: 'phone-js', use: { ...phone, javaScriptEnabled: true } },
    { name: 'tablet-nojs', use: { ...tablet, javaScriptEnabled: false } },
    { name: 'phone-nojs', use: { ...phone, javaScriptEnabled: false } },
    // The weak-link timings (field.spec.ts) are the emulated network's, not the machine's:
    // they run once every other test is done, alone, so that no other browser shares the CPU.
    {
      name: 'tablet-js-weak-link',
      use: { ...tablet, javaScriptEnabled: true },
      testMatch: /field\.spec\.ts/,
      grep: WEAK_LINK,
      dependencies: ['tablet-js', 'phone-js', 'tablet-nojs', 'phone-nojs'],
    },
  ],
  webServer: {
    command: 'bash ../scripts/e2e-server.sh',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { E2E_PORT: String(port), E2E_DATA: process.env.E2E_DATA },
  },
});
