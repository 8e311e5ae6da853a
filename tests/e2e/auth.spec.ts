import { test, expect, jsEnabled, hydrated } from './fixtures';

// Created by scripts/e2e-server.sh with the real `server create-admin`.
const admin = { login: 'e2e-admin', password: 'e2e admin passphrase', name: 'Sophea E2E' };

test('a staff member signs in, sees their name, and signs out', async ({ page }, testInfo) => {
  await page.goto('/');
  if (jsEnabled(testInfo)) await hydrated(page);
  await page.getByRole('banner').getByRole('link', { name: 'ចូលគណនី' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'ចូលគណនី' })).toBeVisible();
  if (jsEnabled(testInfo)) await hydrated(page);
  await page.getByLabel('ឈ្មោះចូល').fill(admin.login);
  await page.getByLabel('ពាក្យសម្ងាត់').fill(admin.password);
  await page.getByRole('button', { name: 'ចូល', exact: true }).click();

  await expect(page).toHaveURL(/\/$/);
  const banner = page.getByRole('banner');
  await expect(banner.getByText(admin.name)).toBeVisible();
  if (jsEnabled(testInfo)) await hydrated(page);
  await banner.getByRole('button', { name: 'ចាកចេញ' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'ចូលគណនី' })).toBeVisible();
  await expect(page.getByRole('banner').getByText(admin.name)).toHaveCount(0);
  // The session cookie is gone, and no script could ever have read it.
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name === 'sid')).toBeUndefined();
});

test('a wrong password is refused with a translated message', async ({ page }, testInfo) => {
  // Its own address and an unknown login per project: the suite's failures must not add up
  // to the throttling limits.
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `192.0.2.${10 + testInfo.parallelIndex * 10 + testInfo.repeatEachIndex}` });
  await page.goto('/login');
  if (jsEnabled(testInfo)) await hydrated(page);
  await page.getByLabel('ឈ្មោះចូល').fill(`nobody-${testInfo.project.name}`);
  await page.getByLabel('ពាក្យសម្ងាត់').fill('not the passphrase');
  await page.getByRole('button', { name: 'ចូល', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'ការចូលនេះមិនត្រឹមត្រូវទេ។ សូមពិនិត្យឈ្មោះចូលប្រើ ឬលេខទូរស័ព្ទ និងពាក្យសម្ងាត់ ឬលេខកូដ PIN។',
  );
  await expect(page.getByRole('banner').getByRole('link', { name: 'ចូលគណនី' })).toBeVisible();
});
