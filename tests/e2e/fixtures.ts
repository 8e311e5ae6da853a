import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';

/**
 * Every test fails on a console error (Chromium reports each Content-Security-Policy
 * violation as one), an uncaught page error, a request that fails, or a response with an
 * error status, unless the test names that status as expected.
 */
type Options = { expectedStatuses: number[] };
type Fixtures = { problems: string[] };

export const test = base.extend<Options & Fixtures>({
  expectedStatuses: [[], { option: true }],
  problems: [
    async ({ page, expectedStatuses }, use, testInfo) => {
      const jsOff = testInfo.project.use.javaScriptEnabled === false;
      const problems: string[] = [];
      const expectedMessage = (text: string) =>
        expectedStatuses.some((status) => text.includes(`status of ${status}`));
      // A test that takes the tablet offline (context.setOffline) expects its requests to fail.
      const offline = (text: string) => text.includes('ERR_INTERNET_DISCONNECTED');
      page.on('console', (message) => {
        if (message.type() === 'error' && !expectedMessage(message.text()) && !offline(message.text())) {
          problems.push(`console error: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => {
        // With JavaScript off, Chromium refuses the page's script preloads: that is the setting
        // under test, not a fault.
        if (jsOff && request.resourceType() === 'script') return;
        // Leaving a page cancels its downloads still in flight (the WASM preload, say).
        if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
        if (offline(request.failure()?.errorText ?? '')) return;
        problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400 && !expectedStatuses.includes(response.status())) {
          problems.push(`HTTP ${response.status()}: ${response.url()}`);
        }
      });
      await use(problems);
      expect(problems, 'console errors, failed requests or error statuses').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** True when this project runs with JavaScript on. */
export function jsEnabled(testInfo: { project: { use: { javaScriptEnabled?: boolean } } }): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/**
 * Waits until the page's islands are live (with JavaScript on): each marks its root with
 * `data-live` once its WASM runs. A page without islands loads no script and is ready as is.
 */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll('leptos-island')].every((island) => island.querySelector('[data-live]')),
  );
}

/** Fills the sign-in form with `login` and `secret` and sends it (after hydration, with JavaScript on). */
export async function signIn(page: Page, testInfo: TestInfo, login: string, secret: string): Promise<void> {
  await page.goto('/login');
  if (jsEnabled(testInfo)) await hydrated(page);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(secret);
  await page.locator('form[action="/api/log_in"] button[type=submit]').click();
}

type Staff = { login: string; password: string; roles: string[] };

/** The demo sign-ins that scripts/e2e-server.sh seeds (the server runs with --demo). */
export const demo = JSON.parse(readFileSync('../demo/accounts.json', 'utf8'));

/** The demo staff member whose first role is `role`. */
export function account(role: string): Staff {
  return demo.staff.find((s: Staff) => s.roles[0] === role);
}

/** Signs `page` in as the demo staff member whose first role is `role`, from the sign-in page,
 * without waiting for the islands (a page where they do not matter). */
export async function signInAsRole(page: Page, role: string): Promise<void> {
  const { login, password } = account(role);
  await page.goto('/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('form[action="/api/log_in"] button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
}

/** Signs in as the demo staff member whose first role is `role`, and waits for the home page. */
export async function signInAs(page: Page, testInfo: TestInfo, role: string): Promise<void> {
  const who = account(role);
  await signIn(page, testInfo, who.login, who.password);
  await expect(page).toHaveURL(/\/$/);
}

/** A day at the centre (Phnom Penh, UTC+7), `offset` days from today, as YYYY-MM-DD. */
export function centreDay(offset: number): string {
  return new Date(Date.now() + 7 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';

/** A number written in Khmer digits (or Latin ones), as a number. */
export function khmerNumber(text: string): number {
  const ascii = [...text.trim()].map((c) => {
    const d = KHMER_DIGITS.indexOf(c);
    return d >= 0 ? String(d) : c;
  });
  return Number(ascii.join(''));
}

/** Text with its Latin digits written in Khmer ones, as pages in Khmer show figures. */
export function inKhmerDigits(text: string): string {
  return text.replace(/[0-9]/g, (c) => KHMER_DIGITS[Number(c)]);
}

/**
 * Rows of `query` on the server's database, read-only (its file is under E2E_DATA, set by
 * playwright.config.ts): what reached the server, as a test checks it. Parameters as `?`.
 */
export function sql(query: string, ...params: (string | number)[]): unknown[][] {
  const script = [
    'import json, sqlite3, sys',
    'db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=10)',
    'print(json.dumps(db.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))',
  ].join('\n');
  const database = `${process.env.E2E_DATA}/e2e.db`;
  const out = execFileSync('python3', ['-c', script, database, query, JSON.stringify(params)], { encoding: 'utf8' });
  return JSON.parse(out);
}

/** Waits until the service worker controls `page` and keeps a copy of `path`. */
export async function copyKept(page: Page, path: string) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  await expect
    .poll(
      () =>
        page.evaluate(async (path) => {
          for (const name of await caches.keys()) {
            if (name.startsWith('centre-pages-') && (await (await caches.open(name)).match(path))) return true;
          }
          return false;
        }, path),
      { timeout: 15_000 },
    )
    .toBe(true);
}
