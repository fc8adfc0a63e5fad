// The whole story in Chromium: passkey sign-up, profile (filled items first, Undo), the demo
// brand's offer (optional items unticked, the count what the brand then holds, the decision in
// reach on a phone) approved, the read and the refused read in Activity in plain words,
// revocation and the shop deleting what it held, the auditor's self-check; axe-core and
// CSP checks on every page, with screenshots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { allViolations, openTab, PHONE, PHONE_360, screenshots, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';
import { addValue } from './portal-steps.ts';

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

/** At this screen size, without scrolling and scrolled half-way, Approve and Deny are on
 * screen and not covered by anything, and nothing makes the page scroll sideways. */
async function decisionInReach(page: Page, size: { width: number; height: number }) {
  await page.setViewportSize(size);
  for (const where of ['top', 'middle'] as const) {
    await page.evaluate((w) => window.scrollTo(0, w === 'top' ? 0 : (document.documentElement.scrollHeight - innerHeight) / 2), where);
    for (const name of [/^Approve and share/, /^Deny$/]) {
      const box = await page.getByRole('button', { name }).evaluate((b) => {
        const r = b.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return { top: r.top, bottom: r.bottom, uncovered: b.contains(hit), sideways: document.documentElement.scrollWidth - innerWidth };
      });
      const at = `${String(name)} at ${size.width}×${size.height}, scrolled to the ${where}`;
      expect(box.top, at).toBeGreaterThanOrEqual(0);
      expect(box.bottom, at).toBeLessThanOrEqual(size.height);
      expect(box.uncovered, at).toBe(true);
      expect(box.sideways, at).toBe(0);
    }
  }
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
    await addValue(
      page,
      'Shoe size',
      async (p) => {
        await p.getByLabel('Size', { exact: true }).fill('38');
        await p.getByLabel('Sizing system').selectOption('EU');
      },
      '38 (EU)',
    );
    await addValue(
      page,
      'Clothing size',
      (p) =>
        p
          .getByLabel('Clothing size')
          .selectOption('M')
          .then(() => undefined),
      'M',
    );
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

  it('keeps the profile short: filled items first, empty ones behind Add more, removal undoable, own items without a prefix', async () => {
    const { page } = me;
    await page.getByLabel('Show values for').selectOption('');
    const sizes = page.getByRole('region', { name: 'Sizes and style' });
    // Filled items are listed; empty ones wait behind the section's Add more; nothing reads "Not set".
    expect(await sizes.locator(':scope > ul > .attr-row .attr-label').allTextContents()).toEqual(['Clothing size', 'Shoe size', 'Interests']);
    expect(await sizes.locator('details.add-more .attr-label').allTextContents()).toEqual(['Trouser size', 'Preferred brands']);
    const about = page.getByRole('region', { name: 'About you' });
    expect(await about.textContent()).toContain('Nothing here yet.');
    expect(await about.locator('details.add-more > summary').textContent()).toBe('Add more to About you (8 not filled in)');
    expect(await page.locator('main').textContent()).not.toContain('Not set');

    // Removing a value can be undone, from where the keyboard already is.
    await sizes.getByRole('button', { name: 'Remove Interests' }).click();
    const undo = sizes.getByRole('button', { name: 'Undo removing Interests' });
    await undo.waitFor();
    expect(await sizes.getByRole('status').textContent()).toContain('Removed Interests.');
    await expect.poll(() => sizes.locator(':scope > ul > .attr-row .attr-label').allTextContents()).toEqual(['Clothing size', 'Shoe size']);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('undo-remove');
    await checkPage(me, 'profile-undo');
    await page.keyboard.press('Enter');
    await expect.poll(() => sizes.locator(':scope > ul > .attr-row', { hasText: 'Interests' }).textContent()).toContain('hiking, running');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('edit-interests');

    // An item of one's own is named in plain words; the stored "x-" name stays out of sight.
    await page.getByLabel('Name', { exact: true }).fill('Favourite colour');
    await page.getByLabel('Value', { exact: true }).fill('green');
    await page.getByRole('button', { name: 'Add item' }).click();
    const own = page.getByRole('region', { name: 'Your own items' });
    await expect.poll(() => own.locator('.attr-row .attr-label').allTextContents()).toEqual(['Favourite colour']);
    expect(await own.locator('.attr-row .attr-value').textContent()).toBe('green');
    expect(await page.locator('main').textContent()).not.toMatch(/\bx-/);
    const stored = (await (await page.request.get(`${h.origin}/api/me/attributes`)).json()) as { attributes: { name: string; value: unknown }[] };
    expect(stored.attributes.find((a) => a.name === 'x-favourite-colour')?.value).toBe('green');
    await page.locator('details.add-more', { hasText: 'Phone number' }).locator('summary').click();
    await checkPage(me);
  });

  it('shows the brand’s request in full, takes a trimmed approval, and the brand sees exactly that', async () => {
    const { page } = me;
    await page.goto(demo.url);
    await page.getByRole('button', { name: 'Share your sizes for 10% off' }).click();
    await heading(page, 'Stride & Co asks for your data');
    expect(new URL(page.url()).pathname).toBe('/consent');
    const main = page.locator('main');
    for (const text of [
      'Shoe size',
      'Clothing size',
      'Interests',
      'Email address',
      'To send you personalised offers',
      'Suggest shoes and clothes in your size',
      '10% off your next order',
      '90 days',
      'at most 30 days',
      'Privacy policy',
    ]) {
      await expect.poll(() => main.textContent()).toContain(text);
    }
    expect(await main.locator('[data-attribute="shoe_size"]').textContent()).toContain('38 (EU)');
    // The offer reads once: its description already states the amount.
    expect(await main.locator('[data-consent="value"]').textContent()).toBe('What you get10% off your next order');

    // Optional items start unticked and read "Not shared"; the count is the two required values.
    const email = page.getByRole('checkbox', { name: /Email address/ });
    const interests = page.getByRole('checkbox', { name: /Interests/ });
    expect(await email.isChecked()).toBe(false);
    expect(await interests.isChecked()).toBe(false);
    for (const name of ['email', 'interests']) expect(await main.locator(`[data-attribute="${name}"] .attr-state`).textContent()).toMatch(/^Not shared/);
    const approve = page.getByRole('button', { name: /^Approve and share/ });
    expect(await approve.textContent()).toBe('Approve and share 2 items');

    // Tick Interests with the keyboard; Email stays unshared.
    await interests.focus();
    await page.keyboard.press('Space');
    expect(await interests.isChecked()).toBe(true);
    expect(await main.locator('[data-attribute="interests"] .attr-state').textContent()).toBe('Shares: hiking, running');
    expect(await approve.textContent()).toBe('Approve and share 3 items');
    await checkPage(me, 'consent');
    await screenshots(page, 'consent', ['phone-360']);
    await screenshots(page, 'consent', ['desktop', 'phone', 'phone-360'], { viewport: true });

    // On a phone the decision is in reach wherever the consumer is on the page.
    await decisionInReach(page, PHONE);
    await decisionInReach(page, PHONE_360);
    expect(await seriousViolations(page), 'axe on the consent screen at phone width').toEqual([]);
    await page.setViewportSize({ width: 1280, height: 860 });
    await decisionInReach(page, { width: 1280, height: 860 });
    await approve.click();

    await page.waitForURL(`${demo.url}/`);
    await expect.poll(() => page.getByTestId('value-shoe_size').textContent()).toBe('size: 38, system: EU');
    expect(await page.getByTestId('value-clothing_size').textContent()).toBe('M');
    expect(await page.getByTestId('value-interests').textContent()).toBe('hiking, running');
    expect(await page.getByTestId('value-email').count()).toBe(0);
    expect(await page.content()).not.toContain('ada@example.com');
    // What the button counted is what the brand received.
    expect(await page.locator('[data-testid^="value-"]').count()).toBe(3);
    expect(Object.keys(demo.held())).toHaveLength(3);
    me.problems.splice(0); // the demo site's own missing favicon is not the portal's business
  });

  it('shows the read in Activity, with the chart', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/activity`);
    await heading(page, 'Activity');
    const read = page.locator('li[data-action="grant.read"]', { hasText: 'Stride & Co' });
    await read.first().waitFor();
    expect(await read.first().locator('.event-text').textContent()).toBe('Stride & Co read your shoe size, clothing size and interests');
    await page.getByRole('img', { name: 'Reads over time by brand' }).waitFor();
    expect(await page.locator('.legend').textContent()).toContain('Stride & Co: 1 read');
    // No log jargon: tokens and reason codes stay in the audit log.
    const text = (await page.locator('main').textContent())!;
    for (const jargon of ['access token', 'Got an', 'reason:', 'backup_prompt', '_']) expect(text).not.toContain(jargon);
    await checkPage(me, 'activity');

    // Every axis label is drawn inside the chart, at phone width too.
    await page.setViewportSize(PHONE);
    await expect.poll(() => page.locator('.chart > svg').getAttribute('viewBox')).toBe('0 0 360 180');
    const overhang = await page.locator('.chart > svg').evaluate((svg) => {
      const width = (svg as SVGSVGElement).viewBox.baseVal.width;
      return [...svg.querySelectorAll<SVGTextElement>('text.tick')].map((t) => {
        const b = t.getBBox();
        return Math.max(0, -b.x, b.x + b.width - width);
      });
    });
    expect(
      overhang.every((o) => o === 0),
      `labels overhang by ${overhang.join(', ')}`,
    ).toBe(true);
    await page.setViewportSize({ width: 1280, height: 860 });
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
    const signed = JSON.parse(readFileSync((await receipt.path())!, 'utf8')) as {
      event: string;
      jws: string;
      receipt: { piiControllers: { piiController: string }[] };
    };
    expect(signed.event).toBe('granted');
    expect(signed.jws.split('.')).toHaveLength(3);
    expect(signed.receipt.piiControllers[0]!.piiController).toBe('Stride & Co');
    await checkPage(me, 'grant');

    await page.getByRole('button', { name: 'Revoke access…' }).click();
    const dialog = page.getByRole('dialog', { name: /Revoke Stride & Co’s access\?/ });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Its next read is refused');
    // The offer reads once, here and on the grant.
    expect(await dialog.textContent()).toContain('What Stride & Co promised you, “10% off your next order”, may end with the grant.');
    expect(await page.locator('main').textContent()).not.toContain('(10%)');
    await checkPage(me, 'revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke access' }).click();
    await page.getByRole('status').filter({ hasText: 'Access revoked' }).waitFor();
    expect(await page.getByTestId('grant-status').textContent()).toBe('Revoked');
  });

  it('the brand receives the revocation event and its next read is refused', async () => {
    const { page } = me;
    await page.goto(demo.url);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId('revoked-notice').count();
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(1);
    expect(await page.locator('main').textContent()).toContain('grant.revoked');
    // The shop deleted what the grant covered, and says so.
    expect(await page.getByTestId('deleted-notice').textContent()).toContain('because you revoked access in Trove: Shoe size, Clothing size, Interests');
    expect(await page.locator('[data-testid^="value-"]').count()).toBe(0);
    expect(demo.held()).toEqual({});
    await screenshots(page, 'demo-shop-revoked');
    await page.getByRole('button', { name: 'Read my sizes again' }).click();
    await page.getByTestId('read-refused').waitFor();
    expect(await page.locator('[data-testid^="value-"]').count()).toBe(0);
    me.problems.splice(0);

    // Activity says who tried what and why it was refused, in the consumer's words.
    await page.goto(`${h.origin}/activity`);
    await heading(page, 'Activity');
    const refused = page.locator('li[data-action="grant.read"].event-denied');
    await refused.first().waitFor();
    expect(await refused.first().locator('.event-text').textContent()).toBe(
      'Stride & Co tried to read your shoe size, clothing size and interests — refused (you revoked access)',
    );
    expect(await page.locator('li[data-action="grant.revoked"] .event-text').first().textContent()).toBe('You revoked Stride & Co’s access');
    const text = (await page.locator('main').textContent())!;
    for (const jargon of ['consumer revoked', 'consumer_revoked', 'reason:', 'access token']) expect(text).not.toContain(jargon);
    await checkPage(me, 'activity-refused');
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
    expect(await page.locator('main').textContent()).toContain('10% off your next order');
    expect(await page.locator('main').textContent()).not.toContain('(10%)');
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
    expect(
      onServerDb((db) => db.prepare(`SELECT action FROM audit_events WHERE action IN ('session.stepped_up', 'recovery_codes.generated') ORDER BY seq`).all()),
    ).toEqual([{ action: 'session.stepped_up' }, { action: 'recovery_codes.generated' }]);
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

  it('lets an auditor enrol from the CLI’s link, find these events and see the server’s self-check', async () => {
    const auditor = h.cli<{ id: string; enrol_url: string }>('auditor', 'add', '--name', 'Ada Auditor');
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
    // The operator signs a checkpoint (the server also signs one within seconds of new events);
    // the self-check compares the log with it, and says whose key it trusts.
    const checkpoint = h.signCheckpoint();
    await page.getByRole('button', { name: 'Run the self-check again' }).click();
    const signedSize = async () => Number(/^Tree size (\d+), signed /.exec((await page.getByTestId('checkpoint').textContent()) ?? '')?.[1] ?? 0);
    await expect.poll(signedSize).toBeGreaterThanOrEqual(checkpoint.size);
    expect(await verdict.getAttribute('data-verified')).toBe('true');
    expect(await verdict.textContent()).toContain('Self-check passed');
    expect(await verdict.textContent()).toContain('the events rebuild the tree the server’s checkpoints sign');
    expect(await page.getByRole('region', { name: 'The server’s self-check' }).textContent()).toContain('not a rewrite by someone who can sign with that key');
    const [logKey] = h.cli<{ log_keys: string[] }>('audit', 'log-key').log_keys;
    expect(await page.getByTestId('server-log-key').textContent()).toBe(logKey);

    await page.getByLabel('Brand (client id)').fill(demo.clientId);
    await page.getByLabel('Action (e.g. grant.read)').fill('grant.read');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/auditor\?/);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tbody tr[data-action="grant.read"]').count()).toBe(2);
    expect(await page.locator('tbody tr[data-outcome="denied"]').count()).toBe(1);
    expect(await page.locator('tbody tr[data-outcome="success"]').count()).toBe(1);
    // At 1280 px the table fits: brand names beside client ids, times to the second with the zone.
    const table = page.getByRole('region', { name: 'Events table' });
    expect(await table.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
    expect(await page.locator('thead th').allTextContents()).toEqual(['Seq', 'Time', 'Action', 'Outcome', 'Actor', 'Brand', 'Consumer', 'Grant', 'Attributes']);
    const denied = page.locator('tbody tr[data-outcome="denied"] td');
    expect(await denied.nth(5).locator('.brand-name-cell').textContent()).toBe('Stride & Co');
    expect(await denied.nth(5).locator('code').getAttribute('title')).toBe(demo.clientId);
    expect(await denied.nth(1).textContent()).toMatch(/\d{2}:\d{2}:\d{2} (CET|CEST|GMT\+\d)$/);
    await checkPage(tab, 'auditor');
    expect(await allViolations(page), 'any axe finding on the audit log, moderate ones included').toEqual([]);

    const href = await page.getByRole('link', { name: 'Download JSON Lines' }).getAttribute('href');
    expect(href).toContain(`brand=${demo.clientId}`);
    expect(href).toContain('action=grant.read');
    const exported = await tab.context.request.get(`${h.origin}${href}`);
    expect(exported.status()).toBe(200);
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action?: string; outcome?: string });
    expect(
      lines
        .filter((l) => l.action === 'grant.read')
        .map((l) => l.outcome)
        .sort(),
    ).toEqual(['denied', 'success']);

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
    await expect.poll(async () => Math.max(...(await seqs()))).toBeLessThan(Math.min(...first));
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
