import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, account, demo, hydrated, signIn } from './fixtures';

// Accessibility: axe-core (the engine behind Lighthouse's accessibility score) finds nothing
// serious or critical on the pages house staff, the director and families use most, in Khmer,
// with the states that matter shown (children away on the roll, an import's preview table).

/** The serious and critical findings on the page as it is now, one line each. */
async function serious(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`));
}

/** Opens `path`, waits for its islands, and checks it. */
async function check(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await hydrated(page);
  expect(await serious(page), path).toEqual([]);
}

test('staff pages have no serious accessibility findings', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone-js', 'checked once, at phone width (where tables scroll) with JavaScript on');
  test.setTimeout(90_000);
  const admin = account('admin');
  await signIn(page, testInfo, admin.login, admin.password);
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
  expect(await serious(page), 'dashboard').toEqual([]);

  await page.goto('/roll');
  const roll = (await page.locator('a[href^="/roll/"]').first().getAttribute('href')) as string;
  await page.goto('/homework');
  const session = (await page.locator('a[href^="/homework/session/"]').first().getAttribute('href')) as string;
  await check(page, roll);
  // The roll shows children away (the rows whose contrast was too low).
  await expect(page.locator('.roll-row.away').first()).toBeVisible();
  await check(page, session);
  await check(page, '/residents');
  await check(page, '/admin/audit');
  // The camps: a camp with its registration form, and a group's day with its children.
  await page.goto('/camps');
  const camp = (await page.locator('a[href^="/camps/"]', { hasText: /^Holiday day camp$/ }).first().getAttribute('href')) as string;
  await check(page, camp);
  const group = (await page.locator('a[href^="/camps/groups/"]').first().getAttribute('href')) as string;
  await check(page, group);

  // The import's preview: a table that scrolls sideways on a tablet.
  await check(page, '/residents/import');
  const csv = [
    'name_km,name_latin,sex,born_on,grade,programme,admitted_on,diet,allergies',
    'សុខ ស្រីនាង,Sok Sreyneang a11y,f,2016-02-03,4,boarding_school,2025-06-01,,',
  ].join('\n');
  await page.locator('#file').setInputFiles({ name: 'a11y.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'ពិនិត្យឯកសារ' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('a11y.csv');
  await hydrated(page);
  expect(await serious(page), 'import preview').toEqual([]);
});

test('the family portal has no serious accessibility findings', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone-js', 'checked once, at phone width: families use phones');
  await signIn(page, testInfo, demo.families[0].phone, demo.families[0].pin);
  await expect(page).toHaveURL(/\/family$/);
  expect(await serious(page), 'family portal').toEqual([]);
});
