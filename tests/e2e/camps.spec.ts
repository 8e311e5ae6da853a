import { test, expect, jsEnabled, hydrated, copyKept, signIn, signInAsRole, account, centreDay, sql } from './fixtures';
import type { Page, TestInfo } from '@playwright/test';

// A camp monitor on a phone, in her own French: this morning's check-in of one of her groups
// (two children absent, then everyone else present in one tap) and this afternoon's pick-up,
// where someone not on a child's list is stopped and the attempt recorded. The pages need no
// script: with JavaScript off the same forms post. The demo monitor runs two groups; each phone
// project takes one, so they do not mark each other's children.

const onPhone = (testInfo: TestInfo) => testInfo.project.name.startsWith('phone');

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('a monitor checks in her group with two absent, then hands children over at pick-up, one attempt stopped', async ({ page }, testInfo) => {
  test.skip(!onPhone(testInfo), 'monitors work on phones');
  test.setTimeout(90_000);
  const group = jsEnabled(testInfo) ? 'Little stars 6–7' : 'Football';
  const monitor = account('monitor');
  await signIn(page, testInfo, monitor.login, monitor.password);
  // Her day is her groups: no dashboard, nothing of the residents.
  await expect(page).toHaveURL(/\/camps$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Camps de vacances');
  await expect(page.locator('nav.mainnav a')).toHaveCount(1);
  await page.locator('.big-links a', { hasText: group }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(group);
  if (jsEnabled(testInfo)) await hydrated(page);
  await expect(page.locator('#programme')).toBeVisible();
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  // Morning: two absent, then everyone else in one tap.
  const unmarked = page.locator('li.roll-row.unmarked');
  const everyone = await page.locator('li.roll-row').count();
  expect(everyone).toBeGreaterThanOrEqual(6);
  const absent: string[] = [];
  for (let k = 0; k < 2; k++) {
    const row = unmarked.first();
    absent.push(((await row.locator('.roll-name').textContent()) ?? '').trim());
    await row.getByRole('button', { name: 'Absent', exact: true }).click();
    await expect(page.locator('li.roll-row.absent .roll-name', { hasText: absent[k] })).toBeVisible();
  }
  await page.locator('form[action="/api/camp_all_present"] button').click();
  await expect(page.locator('li.roll-row.unmarked')).toHaveCount(0);
  await expect(page.locator('li.roll-row.present')).toHaveCount(everyone - 2);
  await expect(page.locator('.tally')).toContainText(`${everyone - 2} sur place · 2 absents`);

  // Afternoon: someone not on the first child's list is stopped, and it is recorded.
  const first = page.locator('li.roll-row.present').first();
  const child = ((await first.locator('.roll-name').textContent()) ?? '').trim();
  const camperId = Number((await first.getAttribute('id'))?.slice(1));
  const stopsBefore = sql("SELECT count(*) FROM audit_log WHERE entity = 'camp_pickup' AND action = 'stop'")[0][0] as number;
  await first.locator('details.pick-up summary').click();
  await first.locator('input[name="other"]').fill('Oncle Bo');
  await first.getByRole('button', { name: 'Vérifier cette personne' }).click();
  await expect(page.locator('p.form-error')).toContainText('STOP');
  const stopsAfter = sql("SELECT count(*) FROM audit_log WHERE entity = 'camp_pickup' AND action = 'stop'")[0][0] as number;
  expect(stopsAfter).toBe(stopsBefore + 1);
  const stillHere = page.locator(`li#c${camperId}`);
  await expect(stillHere).toHaveClass(/present/);
  // Her guardian, checked on screen by name, relationship and phone, takes her home.
  await stillHere.locator('details.pick-up summary').click();
  const collector = stillHere.locator('button.collector').first();
  const who = ((await collector.textContent()) ?? '').split(' · ')[0];
  await collector.click();
  await expect(page.locator(`li#c${camperId} .roll-state`)).toHaveText(`Récupéré par ${who}`);
  // A second child goes home too.
  const second = page.locator('li.roll-row.present').first();
  const secondId = await second.getAttribute('id');
  await second.locator('details.pick-up summary').click();
  await second.locator('button.collector').first().click();
  await expect(page.locator(`li#${secondId} .roll-state`)).toContainText('Récupéré par');
  await expect(page.locator('.tally')).toContainText('2 repartis');
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  expect(child.length).toBeGreaterThan(0);
});

test('on the camp’s weak Wi-Fi, the morning check-in made offline reaches the server once when it is back', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone-js', 'a phone with JavaScript and its service worker');
  test.slow();
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
    locale: 'km-KH',
    serviceWorkers: 'allow',
  });
  const page = await context.newPage();
  await signInAsRole(page, 'house_staff');
  // A group no other test marks.
  const camp = (await page.goto('/camps'), await page.locator('a[href^="/camps/"]', { hasText: /^Holiday day camp$/ }).first().getAttribute('href')) as string;
  await page.goto(camp);
  const group = (await page.locator('a[href^="/camps/groups/"]', { hasText: 'Eagles' }).getAttribute('href')) as string;
  await page.goto(group);
  await hydrated(page);
  // The phone keeps a copy of the page.
  await copyKept(page, group);
  const ids = await page.locator('li.roll-row.unmarked').evaluateAll((rows) => rows.slice(0, 3).map((row) => row.id));
  expect(ids).toHaveLength(3);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#offline-copy')).toBeVisible();
  await hydrated(page);
  const choices = ['present', 'present', 'absent'];
  for (const [k, id] of ids.entries()) {
    await page.locator(`#${id} button[value=${choices[k]}]`).click();
    await expect(page.locator(`#${id}`)).toHaveClass(new RegExp(choices[k]));
  }
  await expect(page.locator('.outbox-badge')).toBeVisible();

  await context.setOffline(false);
  await expect(page.locator('.outbox-badge')).toBeHidden({ timeout: 20_000 });
  const onServer = (id: string) =>
    sql('SELECT status FROM camp_day WHERE camper_id = ? AND day = ?', Number(id.slice(1)), centreDay(0))[0]?.[0];
  expect(ids.map(onServer)).toEqual(choices);
  for (const id of ids) {
    const receipts = sql("SELECT count(*) FROM tablet_mark WHERE entity = 'camp_day' AND entity_id LIKE ?", `%/${id.slice(1)}`);
    expect(receipts[0][0], `one receipt for ${id}`).toBe(1);
  }
  await context.close();
});
