import { test, expect, jsEnabled, hydrated, signInAs, sql, centreDay } from './fixtures';
import type { Page } from '@playwright/test';

// House staff on a tablet, in Khmer: a child of the next holidays' residential camp who has
// no bed yet is lent the bed of a boarder home for the holidays, chosen from the free and
// lendable beds ranked by fit; the building's plan then shows the bed lent, and until when.
// The pages need no script: with JavaScript off the same forms post. The demo registers
// three children still without a bed; each tablet project lends to its own.

test.beforeEach(async ({}, testInfo) => {
  test.skip(!testInfo.project.name.startsWith('tablet'), 'house staff work on tablets');
});

/**
 * A girls' bed of building A whose boarder is in hospital with no end planned, and its
 * facility: nobody else's test brings her back, so the roll test lends it tonight.
 */
function hospitalBed(): [number, number] {
  const [row] = sql(
    `SELECT b.id, bu.facility_id FROM absence x
     JOIN allocation a ON a.resident_id = x.resident_id AND a.until_on IS NULL
     JOIN bed b ON b.id = a.bed_id JOIN room ro ON ro.id = b.room_id
     JOIN building bu ON bu.id = ro.building_id
     WHERE bu.code = 'A' AND x.returned_at IS NULL AND x.ends_at IS NULL
       AND x.starts_at < strftime('%s', 'now')
     ORDER BY b.id LIMIT 1`,
  );
  expect(row, 'a boarder of building A in hospital').toBeTruthy();
  return row as [number, number];
}

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('house staff lend a boarder’s bed to a residential camper for the camp’s nights', async ({ page }, testInfo) => {
  // The campers without a bed, in the order the demo registered them: the first for the
  // tablet with JavaScript, the second (a boy) without.
  const waiting = sql(
    `SELECT k.id, k.name_latin, c.id FROM camper k JOIN camp_place p ON p.camper_id = k.id
     JOIN camp c ON c.id = p.camp_id
     WHERE c.kind = 'residential'
       AND NOT EXISTS (SELECT 1 FROM bed_loan l WHERE l.camper_id = k.id)
     ORDER BY k.id`,
  );
  expect(waiting.length).toBeGreaterThanOrEqual(2);
  const [camperId, name, campId] = waiting.find((row) => row[0] === (jsEnabled(testInfo) ? waiting[0][0] : waiting[1][0]))!;

  await signInAs(page, testInfo, 'house_staff');
  await expect(page.locator('html')).toHaveAttribute('lang', 'km');
  await page.goto('/camps');
  await page.locator(`a[href="/camps/${campId}"]`).first().click();
  await page.locator(`a[href="/camps/${campId}/beds"]`).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('គ្រែសម្រាប់យប់នៃជំរុំ');
  if (jsEnabled(testInfo)) await hydrated(page);
  const row = page.locator(`tr#k${camperId}`);
  await expect(row.locator('.loan-bed')).toHaveText('—');
  await row.getByRole('link', { name: 'រកគ្រែ' }).click();

  // The beds for the camp's nights, best fit first: a boarder's, away all of them.
  await expect(page.getByRole('heading', { level: 1 })).toContainText(String(name));
  // (Not the bed the roll test below lends tonight: the plan would show that loan first.)
  const boarders = page
    .locator('table.loan-choices tbody tr', { hasText: 'អវត្តមាន' })
    .filter({ hasNot: page.locator(`input[name="bed_id"][value="${hospitalBed()[0]}"]`) });
  await expect(boarders.first()).toBeVisible();
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  const bed = ((await boarders.first().locator('td').first().textContent()) ?? '').trim();
  const bedId = Number(await boarders.first().locator('input[name="bed_id"]').getAttribute('value'));
  await boarders.first().getByRole('button', { name: 'ខ្ចីគ្រែនេះ' }).click();

  // Back on the camp's beds: saved, and the child has the bed until the camp ends.
  await expect(page).toHaveURL(new RegExp(`/camps/${campId}/beds\\?saved=1`));
  await expect(page.locator('.form-saved')).toBeVisible();
  await expect(page.locator(`tr#k${camperId} .loan-bed`)).toContainText(bed);
  await expect(page.locator(`tr#k${camperId} .loan-bed`)).toContainText('ដល់');
  const loans = sql('SELECT bed_id FROM bed_loan WHERE camper_id = ?', Number(camperId));
  expect(loans).toEqual([[bedId]]);
  // Its loan, audited (the bed may be lent on other nights too: the next test lends it).
  const audited = sql(
    `SELECT count(*) FROM audit_log WHERE entity = 'bed_loan' AND action = 'lend'
       AND entity_id = (SELECT CAST(id AS TEXT) FROM bed_loan WHERE camper_id = ?)`,
    Number(camperId),
  );
  expect(audited[0][0]).toBe(1);

  // The building's plan shows the bed lent, from when and until when (the boarder sleeps in
  // it until the holidays).
  const building = sql('SELECT ro.building_id FROM bed b JOIN room ro ON ro.id = b.room_id WHERE b.id = ?', bedId)[0][0];
  await page.goto(`/buildings/${building}`);
  const cell = page.locator(`a.bed[href="/beds/${bedId}"]`);
  await expect(cell.locator('.bed-lent')).toContainText(/^ខ្ចី [០-៩]{2}\/[០-៩]{2}–[០-៩]{2}\/[០-៩]{2}$/);
  // The bed's own page names the child it is lent to.
  await cell.click();
  const khmerName = sql('SELECT name_km FROM camper WHERE id = ?', Number(camperId))[0][0] as string;
  await expect(page.locator('ul.loans li')).toContainText(khmerName);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});

test('a camper in a lent bed is on her building’s roll tonight: marked missing, then found, then present', async ({ page }, testInfo) => {
  // One shared tablet with JavaScript: the marks go through the outbox, as a resident's do.
  test.skip(testInfo.project.name !== 'tablet-js', 'one tablet; the roll without JavaScript is in beds.spec.ts');
  await signInAs(page, testInfo, 'house_staff');
  const tonight = centreDay(0);
  const [bedId, facility] = hospitalBed();
  // A short residential camp from tonight, with one girl registered: set up as the camp's
  // form and the registration post them.
  const post = async (path: string, form: Record<string, string>) => {
    // Sent as the form would be, from the page: the answer sends the browser on.
    const headers = { Origin: new URL(page.url()).origin, Referer: page.url(), Accept: 'text/html' };
    const response = await page.request.post(path, { form, headers, maxRedirects: 0 });
    expect([302, 303], `${path}: ${await response.text()}`).toContain(response.status());
    return response.headers()['location'];
  };
  const name = `Roll camp ${Date.now()}`;
  const campPage = await post('/api/create_camp', {
    'camp[name]': name, 'camp[facility_id]': String(facility), 'camp[kind]': 'residential',
    'camp[starts_on]': tonight, 'camp[ends_on]': centreDay(1), 'camp[min_age]': '6',
    'camp[max_age]': '14', 'camp[places]': '10', 'camp[dinner]': 'on', 'camp[day_ends_at]': '17:00',
  });
  const campId = Number(campPage.match(/\/camps\/(\d+)/)![1]);
  await post('/api/add_camp_group', { camp_id: String(campId), name: 'Owls' });
  const [[groupId]] = sql('SELECT id FROM camp_group WHERE camp_id = ?', campId) as [number][];
  await post('/api/register_camper', {
    camp_id: String(campId), group_id: String(groupId),
    'camper[name_km]': 'ស្រីពៅ ជំរុំ', 'camper[name_latin]': `Srey Pov ${campId}`, 'camper[sex]': 'f',
    'camper[born_on]': centreDay(-(10 * 365)), 'camper[guardian1_name]': 'Mother',
    'camper[guardian1_phone]': '012345678', 'camper[guardian1_relationship]': 'mother',
    'camper[guardian1_may_collect]': 'on',
  });
  const [[camperId]] = sql('SELECT camper_id FROM camp_place WHERE camp_id = ?', campId) as [number][];

  // House staff lend her the bed for tonight, from the camp's beds page.
  await page.goto(`/camps/${campId}/beds/${camperId}`);
  const choice = page.locator('table.loan-choices tbody tr', { has: page.locator(`input[name="bed_id"][value="${bedId}"]`) });
  await choice.getByRole('button', { name: 'ខ្ចីគ្រែនេះ' }).click();
  await expect(page).toHaveURL(new RegExp(`/camps/${campId}/beds\\?saved=1`));

  // Tonight's roll of building A has her row, marked like any other.
  await page.goto('/roll');
  await page.locator('.card a', { hasText: 'អគារ ក' }).click();
  await hydrated(page);
  const row = page.locator(`li#c${camperId}`);
  await expect(row.locator('.roll-name')).toHaveText(/ស្រីពៅ ជំរុំ/);
  await expect(row.locator('.badge.camper')).toHaveText('កុមារជំរុំ');
  await row.locator('button.missing').click();
  await expect(row).toHaveClass(/missing/);
  await expect(row.locator('.mark-status.sent')).toBeVisible();
  const marks = () => sql('SELECT m.status, m.resolution FROM camper_roll_mark m JOIN roll_call rc ON rc.id = m.roll_call_id WHERE m.camper_id = ? AND rc.night = ?', camperId, tonight);
  expect(marks()).toEqual([['missing', null]]);

  // Missing: an alert on every staff page, linked to her row, where she is found.
  await page.goto('/residents');
  const alert = page.locator('.missing-banner li', { hasText: 'ស្រីពៅ ជំរុំ' });
  await alert.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/roll/\\d+\\?night=${tonight}#c${camperId}$`));
  await page.locator(`li#c${camperId}`).getByRole('button', { name: 'រកឃើញនៅមជ្ឈមណ្ឌល' }).click();
  await expect(page).toHaveURL(new RegExp(`/roll/\\d+\\?night=${tonight}&resolved=1#c${camperId}$`));
  await expect(page.locator('.form-saved')).toHaveText('បានរក្សាទុក។');
  await expect(page.locator('.missing-banner li', { hasText: 'ស្រីពៅ ជំរុំ' })).toHaveCount(0);
  expect(marks()).toEqual([['missing', 'found']]);

  // Found in her bed: marked present, so the building's roll counts her there.
  await hydrated(page);
  const found = page.locator(`li#c${camperId}`);
  await found.locator('button.present').click();
  await expect(found).toHaveClass(/present/);
  await expect(found.locator('.mark-status.sent')).toBeVisible();
  expect(marks()).toEqual([['present', null]]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
});
