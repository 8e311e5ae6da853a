import { test, expect, hydrated, signInAs, account } from './fixtures';

// A record's history on its own page, on a tablet, in Khmer: house staff change a child's
// school grade and read who did it, when, and the field from what to what, in words. The
// admin opens the raw before and after behind "details", and the audit log shows that one
// record alone.
test('a child’s page shows what changed, by whom and when, in words; the admin opens the details and the log of that record', async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'tablet-js', 'one change to one child');
  test.slow(); // two sign-ins and six pages
  await signInAs(page, testInfo, 'house_staff');
  // The last child of the list: no other test changes her.
  await page.goto('/residents');
  const link = page.locator('table.list tbody tr a[href^="/residents/"]').last();
  const href = (await link.getAttribute('href'))!;
  const id = href.split('/').pop();
  await page.goto(href);
  await hydrated(page);
  const history = page.locator('section.history');
  await expect(history.getByRole('heading', { level: 2 })).toHaveText('ប្រវត្តិ');

  await page.locator('details.more summary', { hasText: 'កែព័ត៌មាន' }).click();
  const before = await page.locator('#grade').inputValue();
  const grade = before === '12' ? '11' : '12';
  await page.locator('#grade').fill(grade);
  await page.locator('form[action="/api/update_resident"] button[type=submit]').click();
  await expect(page.locator('.form-saved')).toBeVisible();

  // Newest first: the change, by the house parent, the grade from what to what.
  const newest = history.locator('ol.history > li').first();
  await expect(newest.locator('.history-head strong')).toHaveText('បានកែប្រែ');
  await expect(newest.locator('.history-head')).toContainText(`ដោយ ${account('house_staff').login}`);
  await expect(newest.locator('.history-head')).toContainText(/[០-៩]{2}:[០-៩]{2}/);
  await expect(newest.locator('.history-changes li')).toHaveText([`ថ្នាក់រៀន៖ ${before || '—'} → ${grade}`]);
  // No stored key, no JSON, no details for house staff.
  await expect(history).not.toContainText('grade');
  await expect(history).not.toContainText('{');
  await expect(history.locator('details.details')).toHaveCount(0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The admin, on another tablet: the raw before and after behind "details".
  const office = await browser.newContext({ ...testInfo.project.use, baseURL: testInfo.project.use.baseURL });
  const admin = await office.newPage();
  await signInAs(admin, testInfo, 'admin');
  await admin.goto(href);
  const first = admin.locator('section.history ol.history > li').first();
  const details = first.locator('details.details');
  await expect(details.locator('code.after')).toBeHidden();
  await details.locator('summary').click();
  await expect(details.locator('code.after')).toContainText(`"grade":"${grade}"`);
  // The log of this one record: its entries only, newest first.
  await admin.locator('section.history a', { hasText: 'ទាំងអស់នៅក្នុងកំណត់ត្រាសវនកម្ម' }).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/audit\\?entity=resident&record=${id}$`));
  await expect(admin.locator('#record')).toHaveValue(id!);
  const rows = admin.locator('table.audit tbody tr');
  await expect(rows.first()).toContainText('បានកែប្រែ');
  for (const cell of await rows.locator('td:nth-child(3)').allTextContents()) {
    expect(cell).toContain(`#${id}`);
  }
  await office.close();
});
