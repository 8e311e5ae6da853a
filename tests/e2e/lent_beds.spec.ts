import { test, expect, jsEnabled, hydrated, signInAs, sql } from './fixtures';
import type { Page } from '@playwright/test';

// House staff on a tablet, in Khmer: a child of the next holidays' residential camp who has
// no bed yet is lent the bed of a boarder home for the holidays, chosen from the free and
// lendable beds ranked by fit; the building's plan then shows the bed lent, and until when.
// The pages need no script: with JavaScript off the same forms post. The demo registers
// three children still without a bed; each tablet project lends to its own.

test.beforeEach(async ({}, testInfo) => {
  test.skip(!testInfo.project.name.startsWith('tablet'), 'house staff work on tablets');
});

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
  const boarders = page.locator('table.loan-choices tbody tr', { hasText: 'អវត្តមាន' });
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
  const audited = sql(
    "SELECT count(*) FROM audit_log WHERE entity = 'bed_loan' AND action = 'lend' AND after_json LIKE ?",
    `%"bed_id":${bedId}%`,
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
