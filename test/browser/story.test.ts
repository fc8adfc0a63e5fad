// The whole story in Chromium: passkey sign-up, profile, the demo brand's offer trimmed and
// approved, the brand showing exactly that, the read in Activity, revocation and its event,
// the auditor's verified chain; axe-core and CSP checks on every page, with screenshots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTab, screenshots, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let demo: Awaited<ReturnType<Harness['startDemo']>>;
let me: Tab;

beforeAll(async () => {
  h = await startHarness();
  demo = await h.startDemo();
  me = await openTab(h.browser);
});

afterAll(async () => {
  await h?.stop();
});

/** The page is accessible (no serious or critical axe finding) and broke no rule. */
async function checkPage(tab: Tab, shot?: string) {
  expect(await seriousViolations(tab.page), `axe on ${tab.page.url()}`).toEqual([]);
  expect(tab.problems, `console errors or CSP violations on ${tab.page.url()}`).toEqual([]);
  if (shot) await screenshots(tab.page, shot);
}

/** Runs SQL on the server's database file (the server keeps running; SQLite in WAL mode lets both in). */
function onServerDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(h.live.dir, 'trove.db'));
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

async function addValue(page: Page, label: string, fill: (p: Page) => Promise<void>, shown: string) {
  await page.getByRole('button', { name: `Add ${label}`, exact: true }).click();
  await fill(page);
  await page.getByRole('button', { name: `Save ${label}`, exact: true }).click();
  await expect.poll(() => page.locator('.attr-row', { hasText: label }).first().textContent()).toContain(shown);
}

describe('the portal, end to end', () => {
  it('lets a new consumer sign up with a passkey and fill a profile', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/`);
    await heading(page, 'Your data, your terms');
    await checkPage(me, 'sign-in');
    await page.getByRole('button', { name: 'Create a Trove account' }).click();
    // One passkey is one way in: the portal asks for a second before going on; skipping is remembered.
    await heading(page, 'Keep a way back in');
    await checkPage(me, 'backup-prompt');
    await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await heading(page, 'Overview');
    await page.reload();
    await heading(page, 'Overview');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
    await heading(page, 'Your profile');
    await addValue(page, 'Shoe size', async (p) => {
      await p.getByLabel('Size', { exact: true }).fill('38');
      await p.getByLabel('Sizing system').selectOption('EU');
    }, '38 (EU)');
    await addValue(page, 'Clothing size', (p) => p.getByLabel('Clothing size').selectOption('M').then(() => undefined), 'M');
    await addValue(page, 'Interests', (p) => p.getByLabel(/Interests/).fill('hiking\nrunning'), 'hiking, running');
    await addValue(page, 'Email address', (p) => p.getByLabel('Email address').fill('ada@example.com'), 'ada@example.com');
    await checkPage(me, 'profile');

    // A persona with its own email; the everyday value stays as it was.
    await page.getByLabel('New persona').fill('Business travel');
    await page.getByRole('button', { name: 'Create persona' }).click();
    await page.getByRole('status').filter({ hasText: 'Editing the “Business travel” persona' }).waitFor();
    expect(await page.locator('.attr-row', { hasText: 'Email address' }).textContent()).toContain('Everyday value: ada@example.com');
    await addValue(page, 'Email address', (p) => p.getByLabel('Email address').fill('ada@work.example'), 'ada@work.example');
    await page.getByLabel('Show values for').selectOption('');
    await expect.poll(() => page.locator('.attr-row', { hasText: 'Email address' }).textContent()).toContain('ada@example.com');
    await checkPage(me);
  });

  it('shows the brand’s request in full, takes a trimmed approval, and the brand sees exactly that', async () => {
    const { page } = me;
    await page.goto(demo.url);
    await page.getByRole('button', { name: 'Share your sizes for 10% off' }).click();
    await heading(page, 'Stride & Co asks for your data');
    expect(new URL(page.url()).pathname).toBe('/consent');
    const main = page.locator('main');
    for (const text of ['Shoe size', 'Clothing size', 'Interests', 'Email address', 'To send you personalised offers',
      'Suggest shoes and clothes in your size', '10% off your next order', '90 days', 'at most 30 days', 'Privacy policy']) {
      await expect.poll(() => main.textContent()).toContain(text);
    }
    expect(await main.locator('[data-attribute="shoe_size"]').textContent()).toContain('38 (EU)');
    await checkPage(me, 'consent');

    // Untick the optional email with the keyboard, then approve.
    const email = page.getByRole('checkbox', { name: /Email address/ });
    await email.focus();
    await page.keyboard.press('Space');
    expect(await email.isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: /Interests/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Approve and share 3 items' }).click();

    await page.waitForURL(`${demo.url}/`);
    await expect.poll(() => page.getByTestId('value-shoe_size').textContent()).toBe('size: 38, system: EU');
    expect(await page.getByTestId('value-clothing_size').textContent()).toBe('M');
    expect(await page.getByTestId('value-interests').textContent()).toBe('hiking, running');
    expect(await page.getByTestId('value-email').count()).toBe(0);
    expect(await page.content()).not.toContain('ada@example.com');
    me.problems.splice(0); // the demo site's own missing favicon is not the portal's business
  });

  it('shows the read in Activity, with the chart', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/activity`);
    await heading(page, 'Activity');
    const read = page.locator('li[data-action="grant.read"]', { hasText: 'Stride & Co' });
    await read.first().waitFor();
    expect(await read.first().textContent()).toContain('Read your data');
    await page.getByRole('img', { name: 'Reads over time by brand' }).waitFor();
    expect(await page.locator('.legend').textContent()).toContain('Stride & Co: 1 read');
    await checkPage(me, 'activity');
  });

  it('lists the grant and revokes it after stating the consequences', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/grants`);
    await heading(page, 'Grants');
    await page.getByRole('heading', { name: /Active \(1\)/ }).waitFor();
    await checkPage(me, 'grants');
    await page.getByRole('link', { name: /Stride & Co/ }).click();
    await heading(page, 'Stride & Co');
    await expect.poll(() => page.getByTestId('access-count').textContent()).toBe('1');
    const [receipt] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the consent receipt/ }).click()]);
    const signed = JSON.parse(readFileSync((await receipt.path())!, 'utf8')) as { event: string; jws: string; receipt: { piiControllers: { piiController: string }[] } };
    expect(signed.event).toBe('granted');
    expect(signed.jws.split('.')).toHaveLength(3);
    expect(signed.receipt.piiControllers[0]!.piiController).toBe('Stride & Co');
    await checkPage(me, 'grant');

    await page.getByRole('button', { name: 'Revoke access…' }).click();
    const dialog = page.getByRole('dialog', { name: /Revoke Stride & Co’s access\?/ });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Its next read is refused');
    await checkPage(me);
    await dialog.getByRole('button', { name: 'Revoke access' }).click();
    await page.getByRole('status').filter({ hasText: 'Access revoked' }).waitFor();
    expect(await page.getByTestId('grant-status').textContent()).toBe('Revoked');
  });

  it('the brand receives the revocation event and its next read is refused', async () => {
    const { page } = me;
    await page.goto(demo.url);
    await expect.poll(async () => {
      await page.reload();
      return page.getByTestId('revoked-notice').count();
    }, { timeout: 20_000, interval: 250 }).toBe(1);
    expect(await page.locator('main').textContent()).toContain('grant.revoked');
    await page.getByRole('button', { name: 'Read my sizes again' }).click();
    await page.getByTestId('read-refused').waitFor();
    expect(await page.getByTestId('value-shoe_size').count()).toBeLessThanOrEqual(1);
    me.problems.splice(0);

    await page.goto(`${h.origin}/activity?action=grant.read`);
    await heading(page, 'Activity');
    await page.locator('li[data-action="grant.read"]', { hasText: 'Refused' }).first().waitFor();
    await checkPage(me);
  });

  it('shows the overview, the value ledger and intents, all accessible', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/`);
    await heading(page, 'Overview');
    await page.getByRole('heading', { name: 'Latest reads' }).waitFor();
    await checkPage(me, 'overview');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Value' }).click();
    await heading(page, 'Value received');
    await page.getByRole('heading', { level: 2, name: 'Stride & Co' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('10% off your next order (10%)');
    await checkPage(me, 'value');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Intents' }).click();
    await heading(page, 'Intents');
    await page.getByLabel('What are you looking for?').fill('Trail running shoes');
    await page.getByLabel('Size (optional)').fill('38');
    await page.getByLabel('Budget (optional)').fill('120');
    await page.getByRole('button', { name: 'Publish' }).click();
    const intent = page.locator('.card', { hasText: 'Trail running shoes' });
    await intent.waitFor();
    expect(await intent.textContent()).toContain('Not read by any brand yet.');
    await checkPage(me, 'intents');
    await intent.getByRole('button', { name: /Withdraw/ }).click();
    await expect.poll(() => intent.textContent()).toContain('Withdrawn');
  });

  it('manages passkeys, recovery codes and export in Settings, and signs in with a recovery code', async () => {
    const { page } = me;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await heading(page, 'Settings');
    await expect.poll(() => page.locator('main').textContent()).toContain('You have 0 unused recovery codes.');
    // Six minutes pass for the session's last passkey proof (the server runs on the real clock):
    // new codes need a step-up, which the portal runs with the passkey, then sends the call again.
    onServerDb((db) => db.prepare(`UPDATE sessions SET auth_at = auth_at - 360000 WHERE subject_type = 'consumer'`).run());
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.locator('.codes code').first().waitFor();
    const codes = await page.locator('.codes code').allTextContents();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    expect(onServerDb((db) => db.prepare(`SELECT action FROM audit_events WHERE action IN ('session.stepped_up', 'recovery_codes.generated') ORDER BY seq`).all()))
      .toEqual([{ action: 'session.stepped_up' }, { action: 'recovery_codes.generated' }]);
    // Chromium logs the refused first call (403 step-up-required) that the portal answered by stepping up.
    expect(me.problems).toEqual(['Failed to load resource: the server responded with a status of 403 (Forbidden)']);
    me.problems.splice(0);
    const sessions = page.getByRole('region', { name: 'Where you’re signed in' });
    await expect.poll(() => sessions.locator('[data-session="current"]').count()).toBe(1);
    expect(await sessions.textContent()).toContain('This device');
    await checkPage(me, 'settings');

    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download my data' }).click()]);
    const doc = JSON.parse(readFileSync((await exported.path())!, 'utf8')) as { format: string; attributes: { name: string }[] };
    expect(doc.format).toBe('trove-export-v1');
    expect(doc.attributes.map((a) => a.name)).toContain('shoe_size');

    await page.getByRole('button', { name: 'Delete my account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your Trove account?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('This cannot be undone.');
    await checkPage(me);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await heading(page, 'Your data, your terms');
    await page.getByText('Lost your passkey? Use a recovery code').click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Sign in with this code' }).click();
    await heading(page, 'Overview');
    expect(me.problems).toEqual([]);
  });

  it('lets an auditor enrol from the CLI’s link, find these events and see the chain verified', async () => {
    const auditor = h.cli<{ id: string; enrol_url: string }>('auditor', 'add', '--name', 'Ada Auditor');
    const checkpoint = h.signCheckpoint();
    expect(auditor.enrol_url).toMatch(new RegExp(`^${h.origin}/auditor/enrol#trv_ae_`));
    const tab = await openTab(h.browser);
    const { page } = tab;
    await page.goto(auditor.enrol_url);
    await heading(page, 'Set up your auditor passkey');
    await checkPage(tab);
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await heading(page, 'Audit log');
    expect(new URL(page.url()).hash).toBe('');
    const verdict = page.locator('[data-verified]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verified')).toBe('true');
    expect(await verdict.textContent()).toContain('Chain verified');
    expect(await page.getByTestId('checkpoint').textContent()).toContain(`Event ${checkpoint.seq}, signed`);

    await page.getByLabel('Brand (client id)').fill(demo.clientId);
    await page.getByLabel('Action (e.g. grant.read)').fill('grant.read');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/auditor\?/);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tbody tr[data-action="grant.read"]').count()).toBe(2);
    expect(await page.locator('tbody tr[data-outcome="denied"]').count()).toBe(1);
    expect(await page.locator('tbody tr[data-outcome="success"]').count()).toBe(1);
    await checkPage(tab, 'auditor');

    const href = await page.getByRole('link', { name: 'Download JSON Lines' }).getAttribute('href');
    expect(href).toContain(`brand=${demo.clientId}`);
    expect(href).toContain('action=grant.read');
    const exported = await tab.context.request.get(`${h.origin}${href}`);
    expect(exported.status()).toBe(200);
    const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as { action?: string; outcome?: string });
    expect(lines.filter((l) => l.action === 'grant.read').map((l) => l.outcome).sort()).toEqual(['denied', 'success']);

    // Paging, newest first: older pages continue below the last sequence number seen.
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.getByLabel('Events per page').selectOption('25');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/limit=25/);
    const seqs = async () => (await page.locator('tbody tr td:first-child').allTextContents()).map(Number);
    await expect.poll(async () => (await seqs()).length).toBe(25);
    const first = await seqs();
    expect(first).toEqual([...first].sort((a, b) => b - a));
    await page.getByRole('button', { name: 'Older events' }).click();
    await page.getByRole('status').filter({ hasText: 'Page 2' }).waitFor();
    await expect.poll(async () => Math.max(...await seqs())).toBeLessThan(Math.min(...first));
    // Back to the newest page, which has grown: every query an auditor makes is itself logged.
    await page.getByRole('button', { name: 'Newer events' }).click();
    await page.getByRole('status').filter({ hasText: 'Page 1' }).waitFor();
    await expect.poll(async () => (await seqs())[0]).toBeGreaterThan(first[0]!);

    // Sign out and back in with the same passkey.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Auditor sign-in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await heading(page, 'Audit log');

    // The same browser can then open a consumer account: the sign-up replaces the auditor's session.
    await page.goto(`${h.origin}/`);
    await heading(page, 'Your data, your terms');
    await page.getByRole('button', { name: 'Create a Trove account' }).click();
    // This time the new consumer saves recovery codes from the prompt, and goes on.
    await heading(page, 'Keep a way back in');
    await page.getByRole('button', { name: 'Make recovery codes' }).click();
    await page.locator('.codes code').first().waitFor();
    expect(await page.locator('.codes code').count()).toBe(10);
    await page.getByRole('button', { name: 'I have saved them, continue' }).click();
    await heading(page, 'Overview');
    expect((await page.request.get(`${h.origin}/api/auditor/me`)).status()).toBe(401);
    expect(tab.problems).toEqual([]);
    await tab.context.close();
  });

  it('deletes the consumer’s account only after the warning and a typed confirmation', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/settings`);
    await heading(page, 'Settings');
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your Trove account?' });
    await dialog.getByRole('button', { name: 'Delete everything' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Type “delete” to confirm.' }).waitFor();
    await dialog.getByLabel('Type “delete” to confirm').fill('delete');
    await dialog.getByRole('button', { name: 'Delete everything' }).click();
    await heading(page, 'Your data, your terms');
    expect((await page.request.get(`${h.origin}/api/me`)).status()).toBe(401);
    expect(me.problems).toEqual([]);
  });
});
