// My terms (issue 24) in Chromium against a real Trove: the consumer proffers default terms
// and a persona's own from the roster (radio choices, summaries behind disclosures), they
// survive a reload; a brand accepting two agreements asks under one that is not the
// consumer's and the consent screen flags it without blocking approval; a request under the
// consumer's terms reads "Matches your terms"; a persona's request is checked against the
// persona's terms; a request naming no agreement says so. axe-core and CSP on every screen,
// screenshots in test-results/screenshots-after/my-terms-*.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTab, PHONE_360, SCREENSHOTS_AFTER, screenshots, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let brand: { client_id: string; client_secret: string };
let me: Tab;
const CALLBACK = 'http://localhost:9/cb'; // never reached: the browser's navigation there is intercepted
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFIXeyM';
const BRAND = 'Terms Co';

type MyTerms = { default: string | null; personas: Record<string, string> };

beforeAll(async () => {
  h = await startHarness();
  brand = h.cli(
    'brand',
    'add',
    '--name',
    BRAND,
    '--redirect-uri',
    CALLBACK,
    '--secret',
    '--homepage',
    'https://terms.example',
    '--policy-uri',
    'https://terms.example/privacy',
    '--accepts',
    'sd-portability,sd-base',
  );
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

/** Nothing makes the page scroll sideways at the narrowest common phone width. */
async function noSidewaysScroll(page: Page) {
  await page.setViewportSize(PHONE_360);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
  await page.setViewportSize({ width: 1280, height: 860 });
}

/** Pushes a request as the brand would (PAR, client secret) and returns the URL to send the browser to. */
async function authorizeUrl(extra: { agreement?: string; persona?: string }): Promise<string> {
  const res = await fetch(`${h.live.base}/oauth/par`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${brand.client_id}:${brand.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      response_type: 'code',
      client_id: brand.client_id,
      redirect_uri: CALLBACK,
      state: 'terms',
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      authorization_details: JSON.stringify([
        {
          type: 'trove_attributes',
          attributes: ['email'],
          purpose: 'https://w3id.org/dpv#ServiceProvision',
          purpose_description: 'Send you your order confirmation',
          access: 'once',
          duration: 'P30D',
          ...extra,
        },
      ]),
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { request_uri } = (await res.json()) as { request_uri: string };
  return `${h.origin}/oauth/authorize?${new URLSearchParams({ client_id: brand.client_id, request_uri })}`;
}

/** Opens the consent screen for a request and returns its terms section's text. */
async function openConsent(page: Page, extra: { agreement?: string; persona?: string }) {
  await page.goto(await authorizeUrl(extra));
  await heading(page, `${BRAND} asks for your data`);
  const section = page.locator('[data-consent="agreement"]');
  await section.waitFor();
  return (await section.textContent())!.replace(/\s+/g, ' ');
}

async function savedTerms(page: Page): Promise<MyTerms> {
  const res = await page.request.get(`${h.origin}/api/me/terms`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as MyTerms;
  return { default: body.default, personas: body.personas };
}

describe('my terms', () => {
  it('lets a consumer proffer default terms and a persona’s own, which a reload shows again', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/`);
    await page.getByRole('button', { name: 'Create a Trove account' }).click();
    await heading(page, 'Keep a way back in');
    await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await heading(page, 'Overview');

    // A persona first, on the profile, whose Personas card points to My terms.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Profile' }).click();
    await heading(page, 'Your profile');
    await page.getByLabel('New persona').fill('Business travel');
    await page.getByRole('button', { name: 'Create persona' }).click();
    await page.getByRole('status').filter({ hasText: 'Editing the “Business travel” persona' }).waitFor();
    expect(await page.getByRole('region', { name: 'Personas' }).getByRole('link', { name: 'My terms' }).getAttribute('href')).toBe('/profile/terms');

    await nav.getByRole('link', { name: 'My terms' }).click();
    await heading(page, 'My terms');
    expect(await nav.getByRole('link', { name: 'My terms' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Profile' }).getAttribute('aria-current')).toBeNull();
    const lead = (await page.locator('.lead').textContent())!;
    expect(lead).toContain('brands say which of these they accept');
    expect(lead).toContain('flagged on the consent screen, and you can still approve it, knowingly');

    // The roster as one group of radio choices (nothing proffered yet), each summary folded away, each with its source.
    const group = page.getByRole('group', { name: /The terms every brand must agree to/ });
    const radios = group.getByRole('radio');
    expect(await radios.count()).toBe(6); // the five agreements and "No terms of my own"
    expect(await page.getByLabel('No terms of my own').isChecked()).toBe(true);
    const base = page.locator('[data-term="sd-base"]');
    expect(await base.locator('details').getAttribute('open')).toBeNull();
    expect(await base.locator('details p').isVisible()).toBe(false);
    expect(await base.getByRole('link', { name: /Source/ }).getAttribute('href')).toMatch(/^https:\/\//);
    const persona = page.getByLabel('Terms for “Business travel”');
    expect(await persona.inputValue()).toBe('');
    expect(await persona.locator('option').first().textContent()).toBe('Same as default (no terms)');
    await checkPage(me);

    // With the keyboard: open a summary, then choose among the radios with the arrow keys.
    await base.getByText('What it says').focus();
    await page.keyboard.press('Enter');
    expect(await base.locator('details p').textContent()).toContain('only to deliver the service or product I asked for');
    await page.getByLabel('Service delivery only', { exact: true }).focus();
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Service delivery only', { exact: true }).isChecked()).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Service delivery, and I can take my data with me').isChecked()).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await page.getByLabel('Service delivery only', { exact: true }).isChecked()).toBe(true);
    expect(await persona.locator('option').first().textContent()).toBe('Same as default (Service delivery only)');

    await persona.selectOption('sd-no-ai');
    await page.getByRole('button', { name: 'Save my terms' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Saved. Your default terms: Service delivery only. “Business travel”: Service delivery, no AI training.' })
      .waitFor();
    expect(await savedTerms(page)).toEqual({ default: 'sd-base', personas: { 'business-travel': 'sd-no-ai' } });
    await checkPage(me, 'my-terms');
    await noSidewaysScroll(page);

    // Saving again with nothing changed sends nothing and says so.
    await page.getByRole('button', { name: 'Save my terms' }).click();
    await page.getByRole('status').filter({ hasText: 'Nothing changed' }).waitFor();

    await page.reload();
    await heading(page, 'My terms');
    expect(await page.getByLabel('Service delivery only', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Terms for “Business travel”').inputValue()).toBe('sd-no-ai');
    await checkPage(me);
  });

  it('flags a request under other terms on the consent screen, and approval still works', async () => {
    const { page } = me;
    const text = await openConsent(page, { agreement: 'sd-portability' });
    expect(text).toContain('Terms: Service delivery, and I can take my data with me');
    expect(text).toContain('These are not your terms (Service delivery only). You can still approve, knowingly.');
    expect(text).not.toContain('Matches your terms');
    const section = page.locator('[data-consent="agreement"]');
    await section.getByText('What these terms say').click();
    expect(await section.locator('details').first().textContent()).toContain('in a common machine-readable form');
    await checkPage(me, 'my-terms-consent-mismatch');
    await noSidewaysScroll(page);

    // Non-blocking: Approve is there and works.
    await page.getByRole('button', { name: /^Approve and share/ }).click();
    await page.waitForURL(/^http:\/\/localhost:9\/cb\?/);
    const back = new URL(page.url());
    expect(back.searchParams.get('code')).toMatch(/^trv_ac_/);
    expect(back.searchParams.get('state')).toBe('terms');
  });

  it('notes quietly when a request is under the consumer’s terms', async () => {
    const { page } = me;
    const text = await openConsent(page, { agreement: 'sd-base' });
    expect(text).toContain('Terms: Service delivery only');
    expect(text).toContain('Matches your terms.');
    expect(text).not.toContain('not your terms');
    expect(await page.locator('[data-terms="mismatch"]').count()).toBe(0);
    await checkPage(me, 'my-terms-consent-match');
  });

  it('checks a persona’s request against that persona’s terms', async () => {
    const { page } = me;
    const text = await openConsent(page, { agreement: 'sd-base', persona: 'business-travel' });
    expect(text).toContain('Terms: Service delivery only');
    expect(text).toContain('These are not your terms (Service delivery, no AI training). You can still approve, knowingly.');
    await checkPage(me);
  });

  it('says so when the brand names no agreement', async () => {
    const { page } = me;
    const text = await openConsent(page, {});
    expect(text).toContain('Terms: none named');
    expect(text).toContain(`${BRAND} names no agreement for this request, so it has not agreed to your terms (Service delivery only).`);
    expect(text).toContain('You can still approve, knowingly.');
    await checkPage(me, 'my-terms-consent-none-named');
  });

  it('withdraws a persona’s terms and the default ones', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/profile/terms`);
    await heading(page, 'My terms');
    await page.getByLabel('Terms for “Business travel”').selectOption('');
    await page.getByRole('button', { name: 'Save my terms' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved. Your default terms: Service delivery only.' }).waitFor();
    expect(await savedTerms(page)).toEqual({ default: 'sd-base', personas: {} });
    await page.getByLabel('No terms of my own').check();
    await page.getByRole('button', { name: 'Save my terms' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved. You proffer no terms by default.' }).waitFor();
    expect(await savedTerms(page)).toEqual({ default: null, personas: {} });
    await checkPage(me);

    // Without terms of the consumer's own, the consent screen names the agreement and flags nothing.
    const text = await openConsent(page, { agreement: 'sd-portability' });
    expect(text).toContain('Terms: Service delivery, and I can take my data with me');
    expect(text).toContain('You have not chosen terms of your own.');
    expect(await page.locator('[data-terms]').count()).toBe(0);
    await checkPage(me);
  });
});
