// The value page's chart over time (issue 24) in Chromium against a real Trove: a consumer
// approves requests from two brands registered through the CLI; the brands record value
// over several days (POST /v1/grants/{id}/value with given_at, the grants backdated in the
// server's database so those days fall after them); the value page shows the totals (a
// percentage counted as an entry, never added up), a stacked bar per brand and day in the
// measure picked (euros first, then entries, then points), per-brand totals, and the numbers
// as a table. axe-core and CSP clean, no sideways scroll at 360 px; screenshots value-chart-*.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTab, PHONE_360, SCREENSHOTS_AFTER, screenshots, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

type Brand = { name: string; client_id: string; client_secret: string; grant?: string; token?: string };

let h: Harness;
let me: Tab;
const CALLBACK = 'http://localhost:9/cb'; // never reached: the browser's navigation there is intercepted
const DAY = 24 * 3600_000;
const brands: Brand[] = [];

const basic = (b: Brand) => `Basic ${Buffer.from(`${b.client_id}:${b.client_secret}`).toString('base64')}`;
const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
/** A day as the page labels it (the tab's locale and time zone). */
const dayLabel = (t: number) => new Intl.DateTimeFormat('en-GB', { month: 'short', day: 'numeric', timeZone: 'Europe/Amsterdam' }).format(new Date(t));
/** Noon UTC `n` days ago: in the past, and on the same calendar day in Amsterdam. */
const daysAgo = (n: number) => {
  const d = new Date(Date.now() - n * DAY);
  d.setUTCHours(12, 0, 0, 0);
  return d.getTime();
};

/** The brand pushes a request, the consumer approves it on the consent screen, the brand redeems the code. */
async function approve(b: Brand) {
  const verifier = randomBytes(32).toString('base64url');
  const par = await fetch(`${h.live.base}/oauth/par`, {
    method: 'POST',
    headers: { authorization: basic(b), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      response_type: 'code',
      redirect_uri: CALLBACK,
      state: b.name,
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      authorization_details: JSON.stringify([
        {
          type: 'trove_attributes',
          attributes: ['email'],
          purpose: 'https://w3id.org/dpv#ServiceProvision',
          purpose_description: `${b.name} keeps your loyalty account`,
          value: { kind: 'money', description: `${b.name} cashback`, amount: 5, unit: 'EUR' },
          access: 'ongoing',
          duration: 'P90D',
        },
      ]),
    }),
  });
  expect(par.status, await par.clone().text()).toBe(201);
  const { request_uri } = (await par.json()) as { request_uri: string };
  const { page } = me;
  await page.goto(`${h.origin}/oauth/authorize?${new URLSearchParams({ client_id: b.client_id, request_uri })}`);
  await heading(page, `${b.name} asks for your data`);
  await page.getByRole('button', { name: /^Approve and share/ }).click();
  await page.waitForURL(/^http:\/\/localhost:9\/cb\?/);
  const code = new URL(page.url()).searchParams.get('code')!;
  const token = await fetch(`${h.live.base}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(b), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }),
  });
  expect(token.status, await token.clone().text()).toBe(200);
  const t = (await token.json()) as { access_token: string; grant_id: string };
  b.token = t.access_token;
  b.grant = t.grant_id;
}

async function give(b: Brand, value: Record<string, unknown>, at?: number) {
  const res = await fetch(`${h.live.base}/v1/grants/${b.grant}/value`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...value, ...(at ? { given_at: new Date(at).toISOString() } : {}) }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

async function checkPage(tab: Tab, shot?: string) {
  expect(await seriousViolations(tab.page), `axe on ${tab.page.url()}`).toEqual([]);
  expect(tab.problems, `console errors or CSP violations on ${tab.page.url()}`).toEqual([]);
  if (shot) await screenshots(tab.page, shot, ['desktop', 'phone'], { dir: SCREENSHOTS_AFTER });
}

const legend = (page: Page) => page.locator('.value-chart .legend li').allTextContents();
const bars = (page: Page) => page.locator('.value-chart svg[role="img"] rect').count();

beforeAll(async () => {
  h = await startHarness();
  for (const name of ['Stride', 'Pace']) {
    brands.push({ name, ...h.cli<{ client_id: string; client_secret: string }>('brand', 'add', '--name', name, '--redirect-uri', CALLBACK, '--secret') });
  }
  me = await openTab(h.browser);
  await me.page.route('http://localhost:9/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'brand callback' }));
});

afterAll(async () => {
  await h?.stop();
});

describe('the value page over time', () => {
  it('shows what each brand gave back, per day, with totals, in the measure picked', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/`);
    await page.getByRole('button', { name: 'Create a Trove account' }).click();
    await heading(page, 'Keep a way back in');
    await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await heading(page, 'Overview');
    for (const b of brands) await approve(b);

    // Both grants were approved ten days ago (value cannot be dated before its grant).
    const db = new Database(join(h.live.dir, 'trove.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE grants SET created_at = created_at - ?').run(10 * DAY);
    } finally {
      db.close();
    }
    const [stride, pace] = brands as [Brand, Brand];
    await give(stride, { kind: 'money', description: 'Cashback', amount: 10, unit: 'EUR' }, daysAgo(4));
    await give(stride, { kind: 'discount', description: '15% off socks', amount: 15, unit: '%' }, daysAgo(2));
    await give(stride, { kind: 'money', description: 'Cashback', amount: 5, unit: 'EUR' }, daysAgo(1));
    await give(pace, { kind: 'gift', description: 'A water bottle' }, daysAgo(3));
    await give(pace, { kind: 'money', description: 'Refund', amount: 7.5, unit: 'EUR' }, daysAgo(2));
    await give(pace, { kind: 'points', description: 'Welcome points', amount: 200, unit: 'points' });

    await page.goto(`${h.origin}/`); // back from the brand's callback
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Value' }).click();
    await heading(page, 'Value received');
    // A percentage is not added up: it counts among the entries.
    expect(await page.locator('[data-value="total"]').textContent()).toBe('€22.50 · 200 points · 6 entries');
    const strideCard = page.locator('section.card').filter({ has: page.getByRole('heading', { level: 2, name: 'Stride' }) });
    expect(await strideCard.locator('[data-value="brand-total"]').textContent()).toBe('Total: €15.00 · 3 entries');

    // Euros first (the unit used most), one bar per brand and day.
    const chart = page.getByRole('img', { name: 'Value received over time by brand' });
    await chart.waitFor();
    expect(await page.getByRole('radio', { name: 'Euro (EUR)' }).isChecked()).toBe(true);
    expect(await legend(page)).toEqual(['Stride: €15.00', 'Pace: €7.50', 'In total: €22.50']);
    expect(await bars(page)).toBe(3);
    const desc = await page.locator('#value-chart-desc').textContent();
    expect(desc).toContain('Value received in Euro (EUR) per day');
    expect(desc).toContain('Stride €15.00, Pace €7.50. In total €22.50.');

    // The numbers behind the bars, day by day.
    await page.getByText('The numbers per day').click();
    const rows = await page.locator('.value-numbers tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual([
      [dayLabel(daysAgo(4)), '€10.00', '–', '€10.00'],
      [dayLabel(daysAgo(2)), '–', '€7.50', '€7.50'],
      [dayLabel(daysAgo(1)), '€5.00', '–', '€5.00'],
    ]);
    await checkPage(me, 'value-chart');

    // Entries: every time value was given, the percentage and the gift included.
    await page.getByRole('radio', { name: 'Entries' }).check();
    expect(await legend(page)).toEqual(['Stride: 3 entries', 'Pace: 3 entries', 'In total: 6 entries']);
    expect(await bars(page)).toBe(6);
    expect(await page.locator(`.value-chart rect[data-brand="${pace.client_id}"]`).count()).toBe(3);
    await checkPage(me, 'value-chart-entries');
    await page.getByRole('radio', { name: 'Points' }).check();
    expect(await legend(page)).toEqual(['Stride: 0 points', 'Pace: 200 points', 'In total: 200 points']);
    expect(await bars(page)).toBe(1);
    await checkPage(me);

    // On a phone 360 px wide: the narrower drawing, and nothing scrolls sideways.
    await page.setViewportSize(PHONE_360);
    await expect.poll(() => page.locator('.value-chart svg[role="img"]').getAttribute('viewBox')).toBe('0 0 360 180');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});
