// The market's offers (issue 24) in Chromium against a real Trove: a consumer with terms
// (sd-base) publishes an intent to the market from the intents page; of three brands
// registered through the CLI, the two that accept sd-base see it (GET /v1/intents/open) and
// the one that accepts only sd-portability does not; the two answer with offers over HTTP
// (client_credentials); the offers appear on the intent's offers page within a second,
// live (EventSource), without a reload; the consumer declines one and accepts another,
// whose request opens on the consent screen as "Matches your terms"; approval sends the
// browser back to the brand with a code the brand exchanges with its PKCE verifier; an offer
// declined in another tab changes its card in place (the stream's status events).
// axe-core and CSP on every screen; screenshots in test-results/screenshots-after/offers-*.
import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTab, PHONE_360, SCREENSHOTS_AFTER, screenshots, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

type Brand = { name: string; client_id: string; client_secret: string; token: string };

let h: Harness;
let me: Tab;
const brands: Record<'stride' | 'pace' | 'elsewhere', Brand> = {} as never;
const CALLBACK = 'http://localhost:9/cb'; // never reached: the browser's navigation there is intercepted
const INTENT = 'Trail running shoes, size 42';
let marketId: string;
let intentPath: string;
const verifiers = new Map<string, string>();

const basic = (b: Brand) => `Basic ${Buffer.from(`${b.client_id}:${b.client_secret}`).toString('base64')}`;

async function register(name: string, accepts: string): Promise<Brand> {
  const b = h.cli<{ client_id: string; client_secret: string }>('brand', 'add', '--name', name, '--redirect-uri', CALLBACK, '--secret', '--accepts', accepts);
  const res = await fetch(`${h.live.base}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic({ name, ...b, token: '' }), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return { name, ...b, token: ((await res.json()) as { access_token: string }).access_token };
}

const asBrand = (b: Brand, path: string, json?: unknown) =>
  fetch(`${h.live.base}${path}`, {
    method: json ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${b.token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });

/** The brand answers the intent with an offer and its own PKCE challenge; returns the offer's id. */
async function makeOffer(b: Brand, offer: Record<string, unknown>, attributes: string[]): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const res = await asBrand(b, `/v1/intents/${marketId}/offers`, {
    offer,
    request: {
      type: 'trove_attributes',
      attributes,
      purpose: 'https://w3id.org/dpv#ServiceProvision',
      purpose_description: `${b.name} sends you the offer in your size`,
      access: 'once',
      duration: 'P7D',
      agreement: 'sd-base',
    },
    redirect_uri: CALLBACK,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    state: `offer-${b.name}`,
    expires_at: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  verifiers.set(id, verifier);
  return id;
}

beforeAll(async () => {
  h = await startHarness();
  brands.stride = await register('Stride', 'sd-base');
  brands.pace = await register('Pace', 'sd-base,sd-portability');
  brands.elsewhere = await register('Elsewhere', 'sd-portability');
  me = await openTab(h.browser);
  await me.page.route('http://localhost:9/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'brand callback' }));
});

afterAll(async () => {
  await h?.stop();
});

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

/** No serious or critical axe finding, no console error or CSP violation; screenshots if named. */
async function checkPage(tab: Tab, shot?: string) {
  expect(await seriousViolations(tab.page), `axe on ${tab.page.url()}`).toEqual([]);
  expect(tab.problems, `console errors or CSP violations on ${tab.page.url()}`).toEqual([]);
  if (shot) await screenshots(tab.page, shot, ['desktop', 'phone'], { dir: SCREENSHOTS_AFTER });
}

async function noSidewaysScroll(page: Page) {
  await page.setViewportSize(PHONE_360);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
  await page.setViewportSize({ width: 1280, height: 860 });
}

describe('offers on a market intent', () => {
  it('publishes an intent to the market under the consumer’s terms', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/`);
    await page.getByRole('button', { name: 'Create a Trove account' }).click();
    await heading(page, 'Keep a way back in');
    await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await heading(page, 'Overview');

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'My terms' }).click();
    await heading(page, 'My terms');
    await page.getByLabel('Service delivery only', { exact: true }).check();
    await page.getByRole('button', { name: 'Save my terms' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved. Your default terms: Service delivery only.' }).waitFor();

    await nav.getByRole('link', { name: 'Intents' }).click();
    await heading(page, 'Intents');
    const market = page.getByLabel('Publish to the market (brands that accept my terms can make offers)');
    expect(await market.isChecked()).toBe(false);
    await page.locator('#i-market-hint').filter({ hasText: 'only if they accept your terms (Service delivery only)' }).waitFor();
    await page.getByLabel('What are you looking for?').fill(INTENT);
    await page.getByLabel('Category (optional)').fill('shoes');
    await page.getByLabel('Size (optional)').fill('42');
    await market.check();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const published = page.getByRole('status').filter({ hasText: 'Published to the market.' });
    await published.waitFor();
    const card = page.locator('.cards > li').filter({ hasText: INTENT });
    await card.getByText('On the market').waitFor();
    await card.getByText('(none yet)').waitFor();
    await checkPage(me, 'offers-publish');
    await noSidewaysScroll(page);
    intentPath = (await published.getByRole('link').getAttribute('href'))!;
    expect(intentPath).toMatch(/^\/intents\/[^/]+\/offers$/);
  });

  it('reaches only the brands that accept those terms, under a pseudonym', async () => {
    for (const b of [brands.stride, brands.pace]) {
      const { intents } = (await (await asBrand(b, '/v1/intents/open')).json()) as { intents: { id: string; text: string; terms: string }[] };
      expect(intents).toEqual([expect.objectContaining({ text: INTENT, terms: 'sd-base' })]);
      marketId = intents[0]!.id;
    }
    expect(marketId).toMatch(/^mi_/);
    expect(((await (await asBrand(brands.elsewhere, '/v1/intents/open')).json()) as { intents: unknown[] }).intents).toEqual([]);
  });

  it('shows the brands’ offers side by side as they are made, without a reload', async () => {
    const { page } = me;
    await page.getByRole('status').filter({ hasText: 'Published to the market.' }).getByRole('link').click();
    await heading(page, `Offers for “${INTENT}”`);
    await page.getByText('No offers yet.').waitFor();
    await page.locator('[data-live="on"]').waitFor();
    await checkPage(me, 'offers-empty');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const arrives = async (id: string) => {
      const t0 = Date.now();
      await page.locator(`[data-offer="${id}"]`).waitFor({ timeout: 1000 });
      return Date.now() - t0;
    };
    const stride = await makeOffer(brands.stride, { kind: 'discount', description: '15% off trail shoes', amount: 15, unit: '%' }, ['email']);
    expect(await arrives(stride)).toBeLessThan(1000);
    const socks = await makeOffer(brands.stride, { kind: 'gift', description: 'Free running socks' }, ['email', 'shoe_size']);
    expect(await arrives(socks)).toBeLessThan(1000);
    const pace = await makeOffer(brands.pace, { kind: 'money', description: 'Cashback on your pair', amount: 20, currency: 'EUR' }, ['email', 'shoe_size']);
    expect(await arrives(pace)).toBeLessThan(1000);
    await page.getByRole('status').filter({ hasText: 'New offer from Pace: Cashback on your pair (€20.00).' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Side by side: one list of cards, each with the brand, the value, what it asks for, and the terms.
    const offers = page.getByRole('list', { name: 'Offers' });
    expect(
      await offers
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { level: 2 }) })
        .count(),
    ).toBe(3);
    const paceCard = page.locator(`[data-offer="${pace}"]`);
    const text = (await paceCard.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('Pace');
    expect(text).toContain('Cashback on your pair (€20.00)');
    expect(text).toContain('Money');
    expect(text).toMatch(/Email/);
    expect(text).toMatch(/[Ss]hoe size/);
    expect(text).toContain('One read, access lasting 7 days');
    expect(text).toContain('In Pace’s words: “Pace sends you the offer in your size”');
    expect(text).toContain('Service delivery only');
    expect(await paceCard.locator('[data-terms="match"]').textContent()).toContain('Matches your terms');
    await page.getByText('3 offers, 3 open.').waitFor();
    await checkPage(me, 'offers-live');
    await noSidewaysScroll(page);

    // Side by side on a desktop: the first two cards share a row.
    const [a, b] = await Promise.all([page.locator(`[data-offer="${stride}"]`).boundingBox(), page.locator(`[data-offer="${socks}"]`).boundingBox()]);
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
    expect(b!.x).toBeGreaterThan(a!.x);

    // Declining one closes it.
    await page.getByRole('button', { name: 'Decline the offer from Stride' }).first().click();
    await page.locator(`[data-offer="${stride}"]`).getByText('Declined').waitFor();
    expect(await page.locator(`[data-offer="${stride}"]`).getByRole('button').count()).toBe(0);
    expect(((await (await asBrand(brands.stride, `/v1/offers/${stride}`)).json()) as { status: string }).status).toBe('not_taken');
  });

  it('accepts one: its request opens on the consent screen, matching the consumer’s terms, and approval returns a code', async () => {
    const { page } = me;
    const pace = [...verifiers.keys()].at(-1)!;
    await page.locator(`[data-offer="${pace}"]`).getByRole('button', { name: 'Accept the offer from Pace' }).click();
    await heading(page, 'Pace asks for your data');
    expect(new URL(page.url()).pathname).toBe('/consent');
    const terms = (await page.locator('[data-consent="agreement"]').textContent())!.replace(/\s+/g, ' ');
    expect(terms).toContain('Terms: Service delivery only');
    expect(terms).toContain('Matches your terms.');
    expect((await page.locator('[data-consent="purpose"]').textContent())!).toContain('Pace sends you the offer in your size');
    await checkPage(me, 'offers-consent');

    // The other offers were not taken; the brands learn only that.
    const socks = [...verifiers.keys()][1]!;
    expect(((await (await asBrand(brands.stride, `/v1/offers/${socks}`)).json()) as { status: string }).status).toBe('not_taken');

    await page.getByRole('button', { name: /^Approve and share/ }).click();
    await page.waitForURL(/^http:\/\/localhost:9\/cb\?/);
    const back = new URL(page.url());
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^trv_ac_/);
    expect(back.searchParams.get('state')).toBe('offer-Pace');
    expect(((await (await asBrand(brands.pace, `/v1/offers/${pace}`)).json()) as { status: string }).status).toBe('taken');

    const token = await fetch(`${h.live.base}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(brands.pace), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifiers.get(pace)! }),
    });
    expect(token.status, await token.clone().text()).toBe(200);
    expect(((await token.json()) as { access_token: string }).access_token).toBeTruthy();
  });

  it('shows what became of each offer when the consumer comes back', async () => {
    const { page } = me;
    await page.goto(`${h.origin}${intentPath}`);
    await heading(page, `Offers for “${INTENT}”`);
    await page.getByText('3 offers, 0 open.').waitFor();
    const [stride, socks, pace] = [...verifiers.keys()];
    expect(await page.locator(`[data-offer="${stride}"] .badge`).textContent()).toBe('Declined');
    expect(await page.locator(`[data-offer="${socks}"] .badge`).textContent()).toBe('Not taken');
    expect(await page.locator(`[data-offer="${pace}"] .badge`).textContent()).toBe('Accepted');
    await checkPage(me, 'offers-decided');
  });

  it('changes an offer’s card in place when it is declined in another tab, without a reload', async () => {
    const { page } = me;
    await page.locator('[data-live="on"]').waitFor();
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const late = await makeOffer(brands.stride, { kind: 'discount', description: '5% off laces', amount: 5, unit: '%' }, ['email']);
    const card = page.locator(`[data-offer="${late}"]`);
    await card.getByText('Open', { exact: true }).waitFor({ timeout: 1000 });

    // The same session in a second tab declines it; the first tab hears of it within a second or so.
    const other = await me.context.newPage();
    await other.goto(`${h.origin}${intentPath}`);
    await other.getByRole('button', { name: 'Decline the offer from Stride' }).click();
    await other.locator(`[data-offer="${late}"]`).getByText('Declined').waitFor();
    await other.close();
    await card.getByText('Declined').waitFor({ timeout: 2000 });
    expect(await card.getByRole('button').count()).toBe(0);
    await page.getByRole('status').filter({ hasText: 'The offer from Stride is now declined.' }).waitFor();
    await page.getByText('4 offers, 0 open.').waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await checkPage(me);
  });
});
