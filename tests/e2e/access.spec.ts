import { readFileSync } from 'node:fs';
import { test, expect, jsEnabled, hydrated, signIn } from './fixtures';
import type { Page } from '@playwright/test';

// The demo sign-ins that scripts/e2e-server.sh seeds (the server runs with --demo).
type Demo = {
  staff: { login: string; name: string; password: string; language: string; roles: string[] }[];
  families: { name: string; phone: string; pin: string }[];
};
// The suite runs from tests/ (scripts/test.sh).
const demo: Demo = JSON.parse(readFileSync('../demo/accounts.json', 'utf8'));

/** What the main navigation offers each role, by address. */
const everyone = ['/', '/residents', '/buildings', '/roll'];
const navigation: Record<string, string[]> = {
  admin: [...everyone, '/canteen', '/homework', '/camps', '/families', '/visits', '/admin/staff', '/admin/audit'],
  social_team: [...everyone, '/families', '/visits'],
  house_staff: [...everyone, '/canteen', '/homework', '/camps', '/visits/gate'],
  canteen: [...everyone, '/canteen'],
  tutor: [...everyone, '/homework'],
  // A camp monitor's day is their groups: nothing of the centre's.
  monitor: ['/camps'],
};

/** Where each role lands after signing in. */
const home = (role: string) => (role === 'monitor' ? '/camps' : '/');

async function navHrefs(page: Page): Promise<string[]> {
  return page.locator('nav.mainnav a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
}

for (const staff of demo.staff) {
  const role = staff.roles[0];
  test(`${role}: signs in and sees the navigation of the role`, async ({ page }, testInfo) => {
    // Opens every area of the role, one after the other, on the debug build shared by two
    // workers: up to 25 s on this 2-core machine, so three times the usual 30 s allowance.
    test.slow();
    await signIn(page, testInfo, staff.login, staff.password);
    await expect(page).toHaveURL(new RegExp(`${home(role)}$`));
    await expect(page.getByRole('banner').getByText(staff.name)).toBeVisible();
    // Their pages open in their own language.
    await expect(page.locator('html')).toHaveAttribute('lang', staff.language);
    expect(await navHrefs(page)).toEqual(navigation[role]);
    // Each area the navigation offers opens.
    for (const href of navigation[role].filter((href) => href !== home(role))) {
      await page.locator(`nav.mainnav a[href="${href}"]`).click();
      await expect(page).toHaveURL(new RegExp(`${href}$`));
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator(`nav.mainnav a[href="${href}"]`)).toHaveAttribute('aria-current', 'page');
    }
  });
}

test.describe('an area outside the role', () => {
  test.use({ expectedStatuses: [403] });
  test('is refused with a translated page', async ({ page }, testInfo) => {
    const canteen = demo.staff.find((s) => s.roles[0] === 'canteen')!;
    await signIn(page, testInfo, canteen.login, canteen.password);
    await expect(page).toHaveURL(/\/$/);
    const response = await page.goto('/admin/staff');
    expect(response?.status()).toBe(403);
    // Other tests may raise a missing or overdue alert meanwhile: those are alerts too.
    await expect(page.getByRole('alert').filter({ hasText: 'អ្នកមិនមានសិទ្ធិមើលទំព័រនេះទេ' })).toBeVisible();
  });
});

test('a family signs in on a phone with its PIN and sees only its portal, in Khmer', async ({ page }, testInfo) => {
  const family = demo.families[0];
  await signIn(page, testInfo, family.phone, family.pin);
  await expect(page).toHaveURL(/\/family$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'km');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`សូមស្វាគមន៍ ${family.name}`);
  expect(await navHrefs(page)).toEqual(['/family']);
  // Nothing for staff is reachable.
  await expect(page.locator('a[href="/families"], a[href^="/admin"]')).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ expectedStatuses: [] });
  test('the sixth wrong PIN is refused with the message, even with the right PIN', async ({ page }, testInfo) => {
    test.skip(!testInfo.project.name.startsWith('phone'), 'a family signs in from a phone');
    test.slow(); // six sign-ins, each a real password hash
    // A family per project: a locked account stays locked for 15 minutes. Its own address,
    // so the suite's other failures do not count against it.
    const family = testInfo.project.name === 'phone-nojs' ? demo.families[2] : demo.families[1];
    await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `198.51.100.${testInfo.project.name === 'phone-nojs' ? 61 : 62}` });
    for (let attempt = 1; attempt <= 5; attempt++) {
      await signIn(page, testInfo, family.phone, '000001');
      await expect(page.getByRole('alert')).toContainText('ការចូលនេះមិនត្រឹមត្រូវទេ');
    }
    await signIn(page, testInfo, family.phone, family.pin);
    await expect(page.getByRole('alert')).toHaveText('ព្យាយាមខុសច្រើនដងពេក។ សូមរង់ចាំ ១៥ នាទី រួចព្យាយាមម្តងទៀត។');
    await expect(page).toHaveURL(/\/login/);
  });
});

test('not signed in, a staff page sends the visitor to sign in and back', async ({ page }, testInfo) => {
  await page.goto('/admin/audit');
  await expect(page).toHaveURL(/\/login\?back=\/admin\/audit$/);
  const admin = demo.staff.find((s) => s.roles[0] === 'admin')!;
  if (jsEnabled(testInfo)) await hydrated(page);
  await page.locator('#login').fill(admin.login);
  await page.locator('#password').fill(admin.password);
  await page.locator('form[action="/api/log_in"] button[type=submit]').click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('កំណត់ត្រាសវនកម្ម');
  // The security events alone: this very view is among them, and every row is one of them.
  await page.getByLabel('តែព្រឹត្តិការណ៍សុវត្ថិភាព').check();
  await page.getByRole('button', { name: 'បង្ហាញ' }).click();
  await expect(page).toHaveURL(/security=1/);
  await expect(page.getByLabel('តែព្រឹត្តិការណ៍សុវត្ថិភាព')).toBeChecked();
  const actions = page.locator('table.audit tbody tr td:nth-child(4)');
  // Another worker's sign-in attempts may land in the log at the same moment: the view just
  // made is among the newest rows, not always the first.
  await expect(actions.filter({ hasText: 'បានមើល' }).first()).toBeVisible();
  const security = ['បានចូលប្រើ', 'ការចូលប្រើត្រូវបានបដិសេធ', 'ត្រូវបានចាក់សោ ក្រោយការចូលប្រើខុសច្រើនដង', 'បានដោះសោ',
    'បានចាកចេញ', 'ត្រូវបានបដិសេធ៖ គ្មានសិទ្ធិ', 'បានអានកំណត់ចំណាំការពារកុមារ', 'បានទាញយក', 'បានមើល'];
  for (const action of await actions.allTextContents()) expect(security).toContain(action.trim());
  expect(await actions.allTextContents()).toContain('បានចូលប្រើ');
});
