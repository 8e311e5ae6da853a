import { test, expect, jsEnabled, hydrated } from './fixtures';

test('the shell renders in Khmer by default, with the centre and a way to sign in', async ({ page }, testInfo) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'km');
  await expect(page.getByRole('banner').getByRole('link', { name: 'មជ្ឈមណ្ឌលភ្នំពេញ' })).toBeVisible();
  await expect(page.getByRole('banner').getByRole('link', { name: 'ចូលគណនី' })).toBeVisible();
  // The navigation is for people signed in (tests/e2e/access.spec.ts): none for a visitor.
  await expect(page.getByRole('navigation', { name: 'ម៉ឺនុយមេ' })).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'ថ្ងៃនេះ' })).toBeVisible();
  await expect(page.getByText('សាលាស្នាក់នៅភ្នំពេញ')).toBeVisible();
  await expect(page.getByText('១៦០ កន្លែង')).toBeVisible();
  if (jsEnabled(testInfo)) {
    await hydrated(page);
  }
});

test('the language switch shows English, French, then Khmer in the Khmer font', async ({ page }, testInfo) => {
  await page.goto('/');
  if (jsEnabled(testInfo)) {
    await hydrated(page);
  }
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Today' })).toBeVisible();
  await expect(page.getByText('Phnom Penh boarding school')).toBeVisible();
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1, name: "Aujourd'hui" })).toBeVisible();
  await expect(page.getByText('Internat scolaire')).toBeVisible();

  await page.getByRole('button', { name: 'ខ្មែរ' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'km');
  const heading = page.getByRole('heading', { level: 1, name: 'ថ្ងៃនេះ' });
  await expect(heading).toBeVisible();
  // The Khmer text is drawn with the font shipped with the app, not a system fallback.
  const fontFamily = await heading.evaluate((el) => getComputedStyle(el).fontFamily);
  expect(fontFamily).toMatch(/^"?Noto Sans Khmer"?/);
  await expect
    .poll(() =>
      page.evaluate(async () => {
        await document.fonts.ready;
        return [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'Noto Sans Khmer' && f.status === 'loaded');
      }),
    )
    .toBe(true);
  // The date reads naturally in Khmer: "ថ្ងៃ... ទី.. ខែ... ឆ្នាំ...." in Khmer digits.
  await expect(page.locator('.today time')).toHaveText(/^ថ្ងៃ\S+ ទី[០-៩]+ ខែ\S+ ឆ្នាំ[០-៩]{4}$/);
});

test.describe('an unknown address', () => {
  test.use({ expectedStatuses: [404] });

  test('gets a translated 404 page with status 404', async ({ page }) => {
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1, name: 'រកមិនឃើញទំព័រ' })).toBeVisible();
    await page.getByRole('link', { name: 'ត្រឡប់ទៅទំព័រដើម' }).click();
    await expect(page).toHaveURL(/\/$/);
  });
});

test('touch targets are at least 44 pixels', async ({ page }) => {
  await page.goto('/');
  const targets = page.locator('a:visible, button:visible');
  const count = await targets.count();
  expect(count).toBeGreaterThan(3);
  for (let i = 0; i < count; i++) {
    const box = await targets.nth(i).boundingBox();
    const name = await targets.nth(i).textContent();
    expect(box?.height ?? 0, `height of ${name}`).toBeGreaterThanOrEqual(44);
  }
});

test('nothing overflows the viewport sideways', async ({ page }) => {
  await page.goto('/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
