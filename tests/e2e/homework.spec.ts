import { readFileSync } from 'node:fs';
import { test, expect, jsEnabled, hydrated } from './fixtures';
import type { Page, TestInfo } from '@playwright/test';

// A tutor on a tablet, in Khmer, takes tonight's attendance of a class: two exceptions, then
// everyone else present with one tap. The demo tutor has two classes meeting every day; each
// tablet project takes one, so they do not mark each other's pupils.
const demo = JSON.parse(readFileSync('../demo/accounts.json', 'utf8'));
const tutor = demo.staff.find((s: { roles: string[] }) => s.roles[0] === 'tutor');

async function signInInKhmer(page: Page, testInfo: TestInfo) {
  await page.goto('/login');
  if (jsEnabled(testInfo)) await hydrated(page);
  await page.locator('#login').fill(tutor.login);
  await page.locator('#password').fill(tutor.password);
  await page.locator('form[action="/api/log_in"] button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
  // Claire reads French; this class is taken in Khmer, as the house staff would.
  await page.locator('form.lang-switch button', { hasText: 'ខ្មែរ' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'km');
  if (jsEnabled(testInfo)) await hydrated(page);
}

test.beforeEach(async ({}, testInfo) => {
  test.skip(!testInfo.project.name.startsWith('tablet'), 'tutors take attendance on tablets');
});

test('a tutor marks tonight with two exceptions, then everyone else present', async ({ page }, testInfo) => {
  const className = jsEnabled(testInfo) ? 'English conversation A' : 'English conversation B';
  await signInInKhmer(page, testInfo);
  await page.locator('nav.mainnav a[href="/homework"]').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ថ្នាក់រៀនពេលល្ងាច');
  const started = Date.now();
  await page.locator('.card a', { hasText: className }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(className);
  if (jsEnabled(testInfo)) await hydrated(page);

  const unmarked = page.locator('li.roll-row.unmarked');
  const before = await unmarked.count();
  expect(before).toBeGreaterThanOrEqual(3);
  // First exception: absent.
  const absentName = ((await unmarked.nth(0).locator('.roll-name').textContent()) ?? '').trim();
  await unmarked.nth(0).getByRole('button', { name: 'អវត្តមាន' }).click();
  await expect(page.locator('li.roll-row.absent .roll-name', { hasText: absentName })).toBeVisible();
  // Second exception: excused, with a reason.
  const second = page.locator('li.roll-row.unmarked').first();
  const excusedName = ((await second.locator('.roll-name').textContent()) ?? '').trim();
  await second.locator('details.excuse summary').click();
  await second.locator('input[name="reason"]').fill('ឈឺក្បាល');
  await second.locator('details.excuse button[type=submit]').click();
  const excused = page.locator('li.roll-row.excused', { hasText: excusedName });
  await expect(excused).toContainText('ឈឺក្បាល');
  // Everyone else: one tap.
  await page.locator('form[action="/api/homework_all_present"] button').click();
  await expect(page.locator('li.roll-row.unmarked')).toHaveCount(0);
  await expect(page.locator('li.roll-row.present')).toHaveCount(before - 2);
  await expect(page.locator('li.roll-row.absent .roll-name', { hasText: absentName })).toBeVisible();
  // Under a minute from opening the class, with time to spare.
  const seconds = (Date.now() - started) / 1000;
  testInfo.annotations.push({ type: 'attendance seconds', description: seconds.toFixed(1) });
  expect(seconds).toBeLessThan(60);
});
