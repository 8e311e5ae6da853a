import { test, expect, jsEnabled, hydrated, centreDay, khmerNumber, inKhmerDigits, signInAs } from './fixtures';
import type { Page, TestInfo } from '@playwright/test';

// The canteen on a tablet, in Khmer: a child recorded away lowers the meal count at once, and
// the kitchen sheet prints to an A4 PDF with its Khmer text.

/** The live total of a meal (the "now" column of its heads table) on the day page. */
async function liveTotal(page: Page, meal: number): Promise<number> {
  const cell = page.locator(`#meal-${meal} table.heads tbody tr`).last().locator('td').first();
  return khmerNumber((await cell.textContent()) ?? '');
}

const BREAKFAST = 1;
const DINNER = 3;

const onTablet = (testInfo: TestInfo) => testInfo.project.name.startsWith('tablet');

test('a child recorded away tomorrow lowers that meal count at once', async ({ page }, testInfo) => {
  test.skip(!onTablet(testInfo), 'house staff work on tablets');
  // Each tablet project takes its own day and residence, so they do not move each other's
  // figures. The child is away 05:00-09:00: breakfast (06:30) loses one, dinner does not, so
  // dinner is the reference should a bed be given elsewhere meanwhile.
  const day = centreDay(jsEnabled(testInfo) ? 1 : 2);
  const building = jsEnabled(testInfo) ? 'អន្តេវាសិកដ្ឋាន ១' : 'អន្តេវាសិកដ្ឋាន ២';
  await signInAs(page, testInfo, 'house_staff');

  await page.goto(`/canteen/day?on=${day}`);
  await expect(page.locator('#meal-1 h2')).toContainText('អាហារពេលព្រឹក');
  const breakfastBefore = await liveTotal(page, BREAKFAST);
  const dinnerBefore = await liveTotal(page, DINNER);
  expect(breakfastBefore).toBeGreaterThan(100);

  // A student in a bed tonight, not away.
  await page.goto('/roll');
  await page.locator('.card a', { hasText: building }).click();
  const row = page.locator('li.roll-row:not(.away)').last();
  const name = ((await row.locator('.roll-name').textContent()) ?? '').trim();
  await row.locator('.roll-name').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  if (jsEnabled(testInfo)) await hydrated(page);

  await page.locator('summary', { hasText: 'កត់ត្រាអវត្តមាន' }).click();
  const form = page.locator('form[action="/api/create_absence"]');
  await form.locator('select[name="reason"]').selectOption('home_stay');
  await form.locator('input[name="from_date"]').fill(day);
  await form.locator('input[name="from_time"]').fill('05:00');
  await form.locator('input[name="until_date"]').fill(day);
  await form.locator('input[name="until_time"]').fill('09:00');
  await form.locator('button[type=submit]').click();
  await expect(page.locator('.form-saved')).toBeVisible();

  await page.goto(`/canteen/day?on=${day}`);
  const breakfastAfter = await liveTotal(page, BREAKFAST);
  const dinnerAfter = await liveTotal(page, DINNER);
  expect(breakfastAfter - breakfastBefore - (dinnerAfter - dinnerBefore)).toBe(-1);
});

test('the kitchen sheet prints on A4 with its Khmer text', async ({ page }, testInfo) => {
  test.skip(!onTablet(testInfo) || !jsEnabled(testInfo), 'one PDF is enough; printing does not depend on scripts');
  await signInAs(page, testInfo, 'canteen');
  await page.locator('nav.mainnav a[href="/canteen"]').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('អាហារដ្ឋាន');
  await page.getByRole('link', { name: 'តារាងផ្ទះបាយ' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('តារាងផ្ទះបាយ');
  await expect(page.locator('.sheet-meal')).toHaveCount(3);
  await expect(page.locator('.sheet-meal').first()).toContainText('អាហារពេលព្រឹក');
  // The holiday day camp's children with a diet or an allergy are named too, as the camp's.
  await expect(page.locator('tr', { has: page.locator('.badge.camper') }).first()).toContainText(/[\u1780-\u17FF]/);

  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav.mainnav')).toBeHidden();
  await expect(page.locator('form.search')).toBeHidden();
  await expect(page.locator('.kitchen-sheet h1')).toBeVisible();
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const raw = pdf.toString('latin1');
  // The Khmer glyphs were drawn with the Khmer font, embedded in the file.
  expect(raw).toMatch(/NotoSansKhmer/);
  const pages = raw.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages).toBeLessThanOrEqual(4);
  await testInfo.attach('kitchen-sheet.pdf', { body: pdf, contentType: 'application/pdf' });
});

test('the canteen manager adds extra heads for a meal, on a tablet or a phone', async ({ page }, testInfo) => {
  // Each project its own day, so the projects do not count each other's heads.
  const projects = ['tablet-js', 'phone-js', 'tablet-nojs', 'phone-nojs'];
  const day = centreDay(4 + projects.indexOf(testInfo.project.name));
  await signInAs(page, testInfo, 'canteen');
  await page.goto(`/canteen/day?on=${day}`);
  if (jsEnabled(testInfo)) await hydrated(page);
  const dinner = page.locator(`#meal-${DINNER}`);
  const extraRow = dinner.locator('table.heads tbody tr', { hasText: 'ចំនួនបន្ថែម' });
  const before = khmerNumber((await extraRow.locator('td').first().textContent()) ?? '0');

  await dinner.locator('summary', { hasText: 'បន្ថែមចំនួនមនុស្ស' }).click();
  await dinner.locator('input[name="heads"]').fill('7');
  await dinner.locator('select[name="kind"]').selectOption('guest');
  await dinner.locator('input[name="reason"]').fill('ក្រុមការងារពីក្រសួង');
  await dinner.locator('form[action="/api/add_extra"] button[type=submit]').click();
  await expect(page.locator('.form-saved')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`on=${day}`));
  const after = khmerNumber((await page.locator(`#meal-${DINNER} table.heads tbody tr`, { hasText: 'ចំនួនបន្ថែម' }).locator('td').first().textContent()) ?? '0');
  expect(after - before).toBe(7);
  await expect(page.locator(`#meal-${DINNER} .extras`)).toContainText('ក្រុមការងារពីក្រសួង');
  // Nothing sticks out of a phone's screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the canteen manager records what was served; far below expected is flagged, saying against what', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'tablet-js', 'one record of yesterday’s dinner');
  const yesterday = centreDay(-1);
  await signInAs(page, testInfo, 'canteen');
  await page.goto(`/canteen/day?on=${yesterday}`);
  await hydrated(page);
  const dinner = page.locator(`#meal-${DINNER}`);
  const expected = khmerNumber((await dinner.locator('.meal-expected .figure').first().textContent()) ?? '');
  expect(expected).toBeGreaterThan(100);
  const record = async (served: number) => {
    await dinner.locator('input[name="served"]').fill(String(served));
    await dinner.locator('form[action="/api/record_served"] button[type=submit]').click();
    await expect(page.locator('.form-saved')).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`on=${yesterday}`));
  };

  // A tenth of the figure: flagged below, and the tooltip names the figure it was held to.
  await record(Math.floor(expected / 10));
  const flag = page.locator(`#meal-${DINNER} .notice.warn .flag`);
  await expect(flag).toHaveText('បម្រើតិចជាងការរំពឹងទុកច្រើន');
  await expect(flag).toHaveAttribute('title', /^ប្រៀបធៀបនឹង [០-៩]+ \((ចំនួនដែលបានបង្កកនៅម៉ោងកំណត់|ចំនួនដែលប្រែតាមវត្តមាន)\)$/);
  // The forecast page lists it among the meals to check, with the same words.
  await page.goto('/canteen');
  const listed = page.locator('table.list tr', { has: page.locator(`a[href="/canteen/day?on=${yesterday}#meal-${DINNER}"]`) });
  await expect(listed.locator('.flag')).toHaveText('បម្រើតិចជាងការរំពឹងទុកច្រើន');

  // The figure served as expected: no flag any more.
  await page.goto(`/canteen/day?on=${yesterday}`);
  await hydrated(page);
  await record(expected);
  await expect(page.locator(`#meal-${DINNER} .notice.warn .flag`)).toHaveCount(0);
  await page.goto('/canteen');
  await expect(page.locator(`a[href="/canteen/day?on=${yesterday}#meal-${DINNER}"]`)).toHaveCount(0);
});

test('a recipe made through the forms, with a line for vegetarians, scales on next week’s shopping list and its CSV, and reads in French', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'tablet-nojs', 'the forms work before any script; one recipe');
  test.slow(); // eight forms and four lists
  const day = centreDay(7);
  await signInAs(page, testInfo, 'canteen');

  // A new recipe, in the three languages.
  await page.goto('/canteen/recipes');
  await page.locator('details.more summary').click();
  await page.locator('#name_km').fill('សម្លត្រាវ');
  await page.locator('#name_en').fill('Taro soup');
  await page.locator('#name_fr').fill('Soupe de taro');
  await page.locator('details.more form button[type=submit]').click();
  await expect(page).toHaveURL(/\/canteen\/recipes\/\d+\?saved=1/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('សម្លត្រាវ');
  const recipeUrl = new URL(page.url()).pathname;

  // A new ingredient, from the recipe.
  const newIngredient = page.locator('details.more', { has: page.locator('#ing_km') });
  await newIngredient.locator('summary').click();
  await page.locator('#ing_km').fill('ត្រាវ');
  await page.locator('#ing_en').fill('Taro');
  await page.locator('#ing_fr').fill('Colocase');
  await page.locator('#unit').selectOption('g');
  await newIngredient.locator('button[type=submit]').click();
  await expect(page.locator('.form-saved')).toBeVisible();

  // 100 g a head, and 150 g for vegetarians (they have no pork, so more taro).
  const taro = await page.locator('#ingredient_id option', { hasText: 'ត្រាវ' }).getAttribute('value');
  for (const [diet, grams] of [['', '100'], ['vegetarian', '150']]) {
    await page.locator('#ingredient_id').selectOption(taro!);
    await page.locator('#line_diet').selectOption(diet);
    await page.locator('#per_head').fill(grams);
    await page.locator('form', { has: page.locator('#per_head') }).locator('button[type=submit]').click();
    await expect(page.locator('.form-saved')).toBeVisible();
  }
  const lines = page.locator('table.list tbody tr', { hasText: 'ត្រាវ' });
  await expect(lines).toHaveCount(2);
  await expect(lines.filter({ hasText: 'បួស' })).toContainText('១៥០');

  // On next week's dinner.
  await page.goto(`/canteen/day?on=${day}`);
  const dinner = page.locator(`#meal-${DINNER}`);
  const pick = await dinner.locator(`#recipe-${DINNER} option`, { hasText: 'សម្លត្រាវ' }).getAttribute('value');
  await dinner.locator(`#recipe-${DINNER}`).selectOption(pick!);
  await dinner.locator('form[action="/api/change_menu"] button[value=add]').click();
  await expect(page.locator(`#meal-${DINNER} ul.menu a[href="${recipeUrl}"]`)).toHaveText('សម្លត្រាវ');

  // The shopping list for that day: 100 g for each head but the vegetarians, 150 g for each
  // of them, in kilograms to the ten grams. Beds other tests give meanwhile change the heads,
  // so the figures are read again until the two pages agree.
  const row = (name: string) => page.locator('table.shopping tbody tr', { hasText: name });
  let kilograms = '';
  await expect(async () => {
    await page.goto(`/canteen/day?on=${day}`);
    const heads = page.locator(`#meal-${DINNER} table.heads tbody tr`);
    const total = khmerNumber((await heads.filter({ hasText: 'សរុប' }).locator('td').first().textContent()) ?? '');
    const vegetarianRow = heads.filter({ has: page.locator('th', { hasText: /^បួស$/ }) });
    const vegetarians = (await vegetarianRow.count()) ? khmerNumber((await vegetarianRow.locator('td').first().textContent()) ?? '') : 0;
    expect(total).toBeGreaterThan(100);
    const grams = 100 * (total - vegetarians) + 150 * vegetarians;
    kilograms = (grams / 1000).toFixed(2);
    await page.goto(`/canteen/shopping?from=${day}&until=${day}`);
    await expect(row('ត្រាវ').locator('td.number')).toHaveText(inKhmerDigits(kilograms), { timeout: 1000 });
    await expect(row('ត្រាវ')).toContainText('គីឡូក្រាម', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // The same figure in the CSV, with the name in the three languages.
  const csv = await page.request.get(`/canteen/shopping.csv?from=${day}&until=${day}`);
  expect(csv.status()).toBe(200);
  const taroLine = (await csv.text()).split('\n').find((l) => l.startsWith('ត្រាវ,'));
  expect(taroLine?.trim()).toBe(`ត្រាវ,Taro,Colocase,${kilograms},គីឡូក្រាម`);

  // A French reader reads the recipe and the list in French.
  await page.locator('form.lang-switch button', { hasText: 'Français' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(row('Colocase').locator('td.number')).toHaveText(kilograms.replace('.', ','));
  await page.goto(recipeUrl);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Soupe de taro');
  await expect(page.locator('table.list tbody tr', { hasText: 'Colocase' })).toHaveCount(2);
});
