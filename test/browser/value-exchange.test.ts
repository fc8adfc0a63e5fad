// Issue 24's story, end to end in Chromium against a real Trove and the two demo shops: a
// consumer proffers "Service delivery only" and publishes an intent to the market; Stride &
// Co and Pace Running (both accept those terms) answer with offers within a second, woken by
// Trove's signed event; a third brand that accepts other terms never sees the intent, by API
// or webhook; the consumer compares and accepts Pace's; the consent screen is prefilled with
// Pace's request and terms; after approval Pace reads, records the value it promised and
// countersigns the receipt; the Value page shows it; the downloaded receipt carries the
// agreement and Pace's countersignature, and `trove receipt verify` checks both.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTab, screenshots, seriousViolations, SCREENSHOTS_AFTER, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';
import { addValue, chooseTerms, heading, signUp } from './portal-steps.ts';

type Shop = Awaited<ReturnType<Harness['startDemo']>>;
let h: Harness;
let stride: Shop;
let pace: Shop;
let me: Tab;
let elsewhere: { client_id: string; token: string };
let elsewhereHooks: Server;
const elsewhereGot: string[] = [];
const INTENT = 'Trail running shoes, size 42';

beforeAll(async () => {
  h = await startHarness();
  stride = await h.startDemo('stride');
  pace = await h.startDemo('pace');
  // A third brand with a webhook of its own, accepting only sd-portability.
  elsewhereHooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      elsewhereGot.push(body);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => elsewhereHooks.listen(0, '127.0.0.1', () => r()));
  const port = (elsewhereHooks.address() as { port: number }).port;
  const b = h.cli<{ client_id: string; client_secret: string }>(
    ...['brand', 'add', '--name', 'Elsewhere', '--redirect-uri', 'http://localhost:9/cb', '--secret', '--accepts', 'sd-portability'],
    ...['--webhook-url', `http://localhost:${port}/hook`],
  );
  const res = await fetch(`${h.live.base}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${b.client_id}:${b.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  elsewhere = { client_id: b.client_id, token: ((await res.json()) as { access_token: string }).access_token };
  me = await openTab(h.browser);
});

afterAll(async () => {
  elsewhereHooks?.close();
  await h?.stop();
});

async function checkPage(tab: Tab, shot?: string) {
  expect(await seriousViolations(tab.page), `axe on ${tab.page.url()}`).toEqual([]);
  expect(tab.problems, `console errors or CSP violations on ${tab.page.url()}`).toEqual([]);
  if (shot) await screenshots(tab.page, shot, ['desktop', 'phone'], { dir: SCREENSHOTS_AFTER });
}

describe('the value exchange, end to end', () => {
  let grantId: string;

  it('publishes an intent under the consumer’s terms, and the two shops that accept them answer within a second', async () => {
    const { page } = me;
    await signUp(page, h.origin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Profile' }).click();
    await heading(page, 'Your profile');
    await addValue(
      page,
      'Shoe size',
      async (p) => {
        await p.getByLabel('Size', { exact: true }).fill('42');
        await p.getByLabel('Sizing system').selectOption('EU');
      },
      '42 (EU)',
    );
    await addValue(page, 'Email address', (p) => p.getByLabel('Email address').fill('runner@example.com'), 'runner@example.com');

    await chooseTerms(page, 'Service delivery only');

    await nav.getByRole('link', { name: 'Intents' }).click();
    await heading(page, 'Intents');
    await page.getByLabel('What are you looking for?').fill(INTENT);
    await page.getByLabel('Category (optional)').fill('shoes');
    await page.getByLabel('Publish to the market (brands that accept my terms can make offers)').check();
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    for (const shop of [stride, pace]) {
      await expect.poll(() => shop.offers.length, { timeout: 1000, interval: 20 }).toBe(1);
      expect(Date.parse(shop.offers[0]!.made_at) - t0).toBeLessThan(1000);
      expect(shop.offers[0]).toMatchObject({ text: INTENT, status: 'open' });
    }
    await page.getByRole('status').filter({ hasText: 'Published to the market.' }).waitFor();
  });

  it('never shows the intent to a brand that does not accept those terms', async () => {
    const open = await fetch(`${h.live.base}/v1/intents/open`, { headers: { authorization: `Bearer ${elsewhere.token}` } });
    expect(open.status).toBe(200);
    expect(((await open.json()) as { intents: unknown[] }).intents).toEqual([]);
    // Nothing was even queued for it (the two shops' events went out in the same pass).
    const queued = await fetch(`${h.live.base}/v1/webhooks/deliveries`, { headers: { authorization: `Bearer ${elsewhere.token}` } });
    expect(((await queued.json()) as { deliveries: unknown[] }).deliveries).toEqual([]);
    expect(elsewhereGot).toEqual([]);
  });

  it('lets the consumer compare the two offers and accept one, on a consent screen prefilled with that shop’s request and terms', async () => {
    const { page } = me;
    await page.getByRole('status').filter({ hasText: 'Published to the market.' }).getByRole('link').click();
    await heading(page, `Offers for “${INTENT}”`);
    const strideCard = page.locator(`[data-offer="${stride.offers[0]!.id}"]`);
    const paceCard = page.locator(`[data-offer="${pace.offers[0]!.id}"]`);
    await strideCard.waitFor();
    await paceCard.waitFor();
    expect((await strideCard.textContent())!.replace(/\s+/g, ' ')).toContain('15% off the pair you are looking for');
    const paceText = (await paceCard.textContent())!.replace(/\s+/g, ' ');
    expect(paceText).toContain('Pace Running');
    expect(paceText).toContain('€20 cashback on your pair');
    expect(paceText).toContain('Service delivery only');
    await checkPage(me, 'value-exchange-offers');

    await paceCard.getByRole('button', { name: 'Accept the offer from Pace Running' }).click();
    await heading(page, 'Pace Running asks for your data');
    const terms = (await page.locator('[data-consent="agreement"]').textContent())!.replace(/\s+/g, ' ');
    expect(terms).toContain('Terms: Service delivery only');
    expect(terms).toContain('Matches your terms.');
    expect(await page.locator('[data-consent="purpose"]').textContent()).toContain('Send you the cashback offer for your size');
    await checkPage(me, 'value-exchange-consent');
    await page.getByRole('button', { name: /^Approve and share/ }).click();
    await page.waitForURL(`${pace.url}/`);
    expect(await page.getByTestId('value-email').textContent()).toBe('runner@example.com');
    expect(await page.getByTestId('reward').textContent()).toMatch(/^€20 cashback on your pair: your code PACE20-[0-9A-F]{6}\.$/);
    expect(await page.getByTestId('reward-record').textContent()).toContain('We countersigned your consent receipt');
    expect(pace.offers[0]!.status).toBe('taken');
  });

  it('tells the other shop only that its offer was not taken', async () => {
    const res = await fetch(`${stride.url.replace('localhost', '127.0.0.1')}/`);
    expect(await res.text()).toMatch(/15% off the pair you are looking for — <span>not taken<\/span>/);
  });

  it('shows the value received on the Value page', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/value`);
    await heading(page, 'Value received');
    const section = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Pace Running' }) });
    await expect.poll(() => section.textContent()).toContain('€20 cashback on your pair');
    grantId = (await section.getByRole('link').first().getAttribute('href'))!.split('/').at(-1)!;
    await checkPage(me, 'value-exchange-value');
  });

  it('gives a receipt carrying the agreement and the shop’s countersignature, which trove receipt verify checks', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/grants/${grantId}`);
    await heading(page, 'Pace Running');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('region', { name: 'Receipts' }).getByRole('link').first().click()]);
    const file = join(h.live.dir, 'receipt.json');
    await download.saveAs(file);
    const r = spawnSync(process.execPath, ['src/cli/trove.ts', 'receipt', 'verify', file, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, ...h.live.cliEnv() },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { valid: boolean; receipt: { agreement?: { id: string } }; countersignature: { ok: boolean; text: string } };
    expect(out.valid).toBe(true);
    expect(out.receipt.agreement?.id).toBe('sd-base');
    expect(out.countersignature).toEqual({ ok: true, text: expect.stringContaining(`acknowledged by ${pace.clientId}`) });
  });
});
