import { test, expect, jsEnabled, hydrated, account } from './fixtures';
import type { Browser, Page, TestInfo } from '@playwright/test';

// The dashboard: the director's tablet shows the roll call change as a house parent marks a
// child present on another tablet, without a reload; it catches up after losing its
// connection; it renders with JavaScript off (without live updates); its charts are in Khmer.
// The live tests mark children in the first student residence, which no other test marks.
const residence = 'អន្តេវាសិកដ្ឋាន ១';

async function signIn(page: Page, role: string, js: boolean) {
  const { login, password } = account(role);
  await page.goto('/login');
  if (js) await hydrated(page);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('form[action="/api/log_in"] button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
  if (js) await hydrated(page);
}

/** A number written in Khmer or Latin digits. */
function number(text: string): number {
  const latin = text.replace(/[០-៩]/g, (d) => String(d.charCodeAt(0) - 0x17e0));
  return Number(latin.match(/\d+/)?.[0] ?? NaN);
}

/** The residence's roll on the dashboard: "done of housed". */
const residenceRoll = (page: Page) =>
  page.locator('#dash-roll li', { hasText: residence }).locator('.dash-value');

/** On another tablet, a house parent marks the residence's next unmarked child present. */
async function markOnePresent(browser: Browser, testInfo: TestInfo) {
  const context = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL });
  const tablet = await context.newPage();
  await signIn(tablet, 'house_staff', true);
  await tablet.goto('/roll');
  await tablet.locator('.card a', { hasText: residence }).click();
  await hydrated(tablet);
  const row = tablet.locator('li.roll-row.unmarked').first();
  const name = ((await row.locator('.roll-name').textContent()) ?? '').trim();
  await row.locator('button.present').click();
  await expect(tablet.locator('li.roll-row.present .roll-name', { hasText: name })).toBeVisible();
  await context.close();
}

test('a roll mark on one tablet shows on the open dashboard without a reload', async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'tablet-js', 'two tablets, with JavaScript');
  test.slow();
  await signIn(page, 'admin', true);
  await expect(page.locator('.live-state.on')).toBeVisible({ timeout: 15_000 });
  const before = number((await residenceRoll(page).textContent()) ?? '');
  // A mark that survives only if the page is not reloaded.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  await markOnePresent(browser, testInfo);
  const marked = Date.now();
  await expect.poll(async () => number((await residenceRoll(page).textContent()) ?? ''), { timeout: 2_000 })
    .toBeGreaterThan(before);
  testInfo.annotations.push({ type: 'seconds to show', description: ((Date.now() - marked) / 1000).toFixed(2) });
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});

test('a dashboard that lost its connection catches up when it is back', async ({ page, browser, problems }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone-js', 'with JavaScript; the tablet project marks the same roll');
  test.slow();
  await signIn(page, 'admin', true);
  await expect(page.locator('.live-state.on')).toBeVisible({ timeout: 15_000 });
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  // The connection is lost: the stream ends (the test server ends each after 5 s) and every
  // attempt to reconnect, or to fetch the figures, fails.
  const offline = '**/{live,api/dashboard*}';
  await page.route(offline, (route) => route.abort('internetdisconnected'));
  await expect(page.locator('.live-state.on')).toHaveCount(0, { timeout: 15_000 });
  const before = number((await residenceRoll(page).textContent()) ?? '');

  await markOnePresent(browser, testInfo);
  // Nothing can arrive meanwhile.
  await page.waitForTimeout(2_500);
  expect(number((await residenceRoll(page).textContent()) ?? '')).toBe(before);
  // Back: it reconnects by itself and fetches what it missed.
  await page.unroute(offline);
  // The browser's own reconnection, or the page's next try (at most 30 s apart).
  await expect(page.locator('.live-state.on')).toBeVisible({ timeout: 40_000 });
  await expect.poll(async () => number((await residenceRoll(page).textContent()) ?? ''), { timeout: 5_000 })
    .toBeGreaterThan(before);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  // The failed reconnections were this test's doing; anything else still counts.
  const lost = (problem: string) => problem.includes('ERR_INTERNET_DISCONNECTED');
  problems.splice(0, problems.length, ...problems.filter((problem) => !lost(problem)));
});

test.describe('a dashboard whose session ended', () => {
  // The one refusal this test provokes on purpose.
  test.use({ expectedStatuses: [401] });

  test('shows the sign-in summary, and stops asking for the stream', async ({ page, context }, testInfo) => {
    test.skip(testInfo.project.name !== 'tablet-js', 'with JavaScript; one project is enough');
    test.slow();
    await signIn(page, 'admin', true);
    await expect(page.locator('.live-state.on')).toBeVisible({ timeout: 15_000 });
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 401) refused.push(new URL(response.url()).pathname);
    });
    // The session is gone (it expired, or was ended elsewhere) while the tablet sat open.
    await context.clearCookies();
    // The stream ends (after 5 s in the test server), its reconnection is refused, and the
    // page asks for its figures once more: the answer is the public summary. (When another
    // test's change reaches the stream first, the page asks at once and gets the same answer,
    // with no refusal at all.)
    await expect(page.locator('#dash-tonight')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.locator('.cards .card-kind').first()).toBeVisible();
    // No stream is tried again: at most one refusal, not one every few seconds.
    const retried: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/live') retried.push(request.url());
    });
    await page.waitForTimeout(12_000);
    expect(retried).toEqual([]);
    expect(refused.filter((path) => path === '/live').length).toBeLessThanOrEqual(1);
  });
});

test('the dashboard renders every figure with JavaScript off, without live updates', async ({ page }, testInfo) => {
  test.skip(jsEnabled(testInfo), 'JavaScript off');
  await signIn(page, 'admin', false);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ថ្ងៃនេះ');
  for (const id of ['#dash-tonight', '#dash-roll', '#dash-beds', '#dash-unhoused', '#dash-meals', '#dash-homework', '#dash-visits', '#dash-review']) {
    await expect(page.locator(id)).toBeVisible();
  }
  expect(number((await page.locator('#present-tonight').textContent()) ?? '')).toBeGreaterThan(300);
  // Says its figures are as of loading, since nothing will update them.
  await expect(page.locator('.live-state')).toHaveText(/ផ្ទុកទំព័រឡើងវិញ/);
  await expect(page.locator('.live-state.on')).toHaveCount(0);
  // Each figure links to where it is acted on.
  await page.locator('#dash-roll li', { hasText: residence }).locator('a').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(residence);
});

test('the charts are drawn on the server, in Khmer', async ({ page }, testInfo) => {
  await signIn(page, 'admin', jsEnabled(testInfo));
  for (const id of ['#chart-occupancy', '#chart-meals', '#chart-homework']) {
    const chart = page.locator(`${id} svg[role=img]`);
    await expect(chart).toBeVisible();
    // Named in Khmer, with Khmer digits on its axes.
    await expect(chart.locator('title')).toHaveText(/[\u1780-\u17ff]/);
    await expect(chart.locator('text').filter({ hasText: /[០-៩]/ }).first()).toBeVisible();
    const box = await chart.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(250);
  }
  // No chart or figure is wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
