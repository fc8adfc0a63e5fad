// The consent screen states every requested attribute, the purpose, the value, the
// duration, the access mode and the retention (and says so when a brand offers nothing or
// states no retention); fails if any is missing. Optional items start unticked; the count
// on Approve is what the brand then receives, items added in place included. Also:
// signed-out arrival, Deny, and the keyboard alone.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CATALOG_BY_NAME } from '../../src/features/profile/catalog.ts';
import { describeDuration, parseDuration } from '../../src/features/grants/iso-duration.ts';
import { purposeLabel } from '../../src/features/grants/purposes.ts';
import { openTab, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let brand: { client_id: string; client_secret: string };
let tab: Tab;
const CALLBACK = 'http://localhost:9/cb'; // never reached: the browser's navigation there is intercepted
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFIXeyM'; // PKCE, for the one test that redeems its code

type Details = {
  attributes: string[];
  optional_attributes?: string[];
  purpose: string;
  purpose_description: string;
  value?: { kind: string; description: string; amount?: number; unit?: string };
  access: 'once' | 'ongoing';
  duration: string;
  retention?: string;
};

/** Pushes a request as the brand would and returns the URL to send the browser to. */
async function authorizeUrl(details: Details): Promise<string> {
  const res = await fetch(`${h.live.base}/oauth/par`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${brand.client_id}:${brand.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      response_type: 'code',
      redirect_uri: CALLBACK,
      state: 's1',
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      authorization_details: JSON.stringify([{ type: 'trove_attributes', ...details }]),
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { request_uri } = (await res.json()) as { request_uri: string };
  return `${h.origin}/oauth/authorize?${new URLSearchParams({ client_id: brand.client_id, request_uri })}`;
}

async function openConsent(page: Page, details: Details) {
  await page.goto(await authorizeUrl(details));
  await page.getByRole('heading', { level: 1, name: 'Complete Co asks for your data' }).waitFor();
  return (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
}

beforeAll(async () => {
  h = await startHarness();
  brand = h.cli(
    'brand',
    'add',
    '--name',
    'Complete Co',
    '--redirect-uri',
    CALLBACK,
    '--secret',
    '--homepage',
    'https://complete.example',
    '--policy-uri',
    'https://complete.example/privacy',
    '--contact',
    'privacy@complete.example',
  );
  tab = await openTab(h.browser);
  await tab.page.route('http://localhost:9/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'brand callback' }));
});

afterAll(async () => {
  await h?.stop();
});

describe('the consent screen', () => {
  it('asks a signed-out visitor to sign in or sign up, then shows the same request', async () => {
    const { page } = tab;
    await page.goto(
      await authorizeUrl({
        attributes: ['email'],
        purpose: 'https://w3id.org/dpv#CustomerCare',
        purpose_description: 'Answer your questions',
        access: 'once',
        duration: 'P1D',
      }),
    );
    await page.getByRole('heading', { level: 1, name: 'Sign in to answer a request' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/consent');
    await page.getByRole('button', { name: 'Create a Trove account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Complete Co asks for your data' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('states every requested attribute, the purpose, the value, the duration, the access mode and the retention', async () => {
    const details: Details = {
      attributes: ['given_name', 'email'],
      optional_attributes: ['birthdate', 'shoe_size', 'intents'],
      purpose: 'https://w3id.org/dpv#DirectMarketing',
      purpose_description: 'Tell you about new arrivals in your size',
      value: { kind: 'points', description: 'Double loyalty points this season', amount: 200, unit: 'points' },
      access: 'once',
      duration: 'P30D',
      retention: 'P1Y',
    };
    const text = await openConsent(tab.page, details);
    const expected = [
      ...[...details.attributes, ...details.optional_attributes!].map((n) => (n === 'intents' ? 'Your published intents' : CATALOG_BY_NAME.get(n)!.label)),
      purposeLabel(details.purpose)!,
      details.purpose_description,
      details.value!.description,
      '200 points',
      describeDuration(parseDuration(details.duration)!),
      'Once: the brand may read your data one time',
      `at most ${describeDuration(parseDuration(details.retention!)!)} after access ends`,
      'Complete Co',
      'Privacy policy',
      'privacy@complete.example',
    ];
    const missing = expected.filter((s) => !text.includes(s));
    expect(missing, 'stated nowhere on the consent screen').toEqual([]);
    for (const part of ['purpose', 'value', 'attributes', 'duration', 'access', 'retention']) {
      expect(await tab.page.locator(`[data-consent="${part}"]`).isVisible(), `${part} section`).toBe(true);
    }
    const policy = tab.page.getByRole('link', { name: /Privacy policy/ });
    expect(await policy.getAttribute('href')).toBe('https://complete.example/privacy');

    // Required items have no box to untick; each optional one starts unticked and reads "Not shared".
    for (const name of details.attributes) expect(await tab.page.locator(`[data-attribute="${name}"] input[type=checkbox]`).count()).toBe(0);
    for (const name of details.optional_attributes!) {
      expect(await tab.page.locator(`[data-attribute="${name}"] input[type=checkbox]`).isChecked(), name).toBe(false);
      expect(await tab.page.locator(`[data-attribute="${name}"] .attr-state`).textContent(), name).toMatch(/^Not shared/);
    }
    expect(await seriousViolations(tab.page)).toEqual([]);
  });

  it('counts only the values the brand will receive, and an item added in place goes with them', async () => {
    const { page } = tab;
    await openConsent(page, {
      attributes: ['email', 'given_name'],
      optional_attributes: ['country', 'shoe_size'],
      purpose: 'https://w3id.org/dpv#CustomerCare',
      purpose_description: 'Answer your questions',
      access: 'once',
      duration: 'P1D',
    });
    const approve = page.getByRole('button', { name: /^Approve and share/ });
    const address = page.url();
    // Nothing is in this profile yet: nothing would be sent, and the button says so.
    expect(await approve.textContent()).toBe('Approve and share 0 items');
    const email = page.locator('[data-attribute="email"]');
    expect(await email.textContent()).toContain('Not in your profile, so nothing is shared for this.');

    // The required email is added here, without losing the request.
    await email.getByRole('button', { name: /^Add to your profile\W+Email address$/ }).click();
    await page.locator('#edit-email').fill('kim@example.com');
    await page.getByRole('button', { name: 'Save Email address' }).click();
    await expect.poll(() => email.locator('.attr-state').textContent()).toBe('Shares: kim@example.com');
    expect(page.url()).toBe(address);
    expect(await approve.textContent()).toBe('Approve and share 1 item');
    expect(await seriousViolations(page)).toEqual([]);

    // Ticking an optional item the profile lacks sends nothing, so the count stays; adding it counts it.
    const country = page.getByRole('checkbox', { name: /^Country/ });
    await country.check();
    expect(await approve.textContent()).toBe('Approve and share 1 item');
    await page
      .locator('[data-attribute="country"]')
      .getByRole('button', { name: /^Add to your profile\W+Country$/ })
      .click();
    await page.locator('#edit-country').fill('nl');
    await page.getByRole('button', { name: 'Save Country' }).click();
    await expect.poll(() => approve.textContent()).toBe('Approve and share 2 items');
    expect(await country.isChecked()).toBe(true);
    expect(await page.locator('[data-attribute="shoe_size"] .attr-state').textContent()).toMatch(/^Not shared/);

    await approve.click();
    await page.waitForURL(/^http:\/\/localhost:9\/cb\?/);
    // The brand redeems the code and reads: exactly the two values counted, the rest missing.
    const basic = `Basic ${Buffer.from(`${brand.client_id}:${brand.client_secret}`).toString('base64')}`;
    const token = await fetch(`${h.live.base}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: new URL(page.url()).searchParams.get('code')!,
        redirect_uri: CALLBACK,
        code_verifier: VERIFIER,
      }),
    });
    expect(token.status, await token.clone().text()).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const read = await fetch(`${h.live.base}/v1/attributes`, { headers: { authorization: `Bearer ${access_token}` } });
    const got = (await read.json()) as { attributes: Record<string, unknown>; missing: string[] };
    expect(got.attributes).toEqual({ email: 'kim@example.com', country: 'NL' });
    expect(got.missing).toEqual(['given_name']);
  });

  it('says so plainly when nothing is offered and no retention is stated, and Deny reaches the brand', async () => {
    const text = await openConsent(tab.page, {
      attributes: ['country'],
      purpose: 'https://w3id.org/dpv#ResearchAndDevelopment',
      purpose_description: 'Improve our products',
      access: 'ongoing',
      duration: 'P1Y',
    });
    expect(text).toContain('Nothing is offered in return.');
    expect(text).toContain('Complete Co has not said how long it keeps your data after access ends.');
    expect(text).toContain('1 year');
    expect(text).toContain('Ongoing: the brand may read your data again');
    await tab.page.getByRole('button', { name: 'Deny' }).click();
    await tab.page.waitForURL(/^http:\/\/localhost:9\/cb\?/);
    const back = new URL(tab.page.url());
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s1');
    expect(tab.problems).toEqual([]);
  });

  it('can be answered with the keyboard alone, with a visible focus on every stop', async () => {
    const { page } = tab;
    await openConsent(page, {
      attributes: ['email'],
      optional_attributes: ['country'],
      purpose: 'https://w3id.org/dpv#CustomerCare',
      purpose_description: 'Answer your questions',
      access: 'once',
      duration: 'P7D',
      retention: 'P30D',
    });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const stops: string[] = [];
    for (let i = 0; i < 40; i++) {
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return {
          text: (el.getAttribute('aria-label') ?? el.textContent ?? el.id).trim(),
          tag: el.tagName,
          outline: style.outlineStyle,
          width: style.outlineWidth,
        };
      });
      expect(focused.outline, `focus ring on ${focused.tag} "${focused.text}"`).not.toBe('none');
      stops.push(focused.text);
      if (/^Approve and share/.test(focused.text)) break;
      await page.keyboard.press('Tab');
    }
    // The previous test put an email and a country in this profile; the optional country starts unticked.
    expect(stops.at(-1)).toBe('Approve and share 1 item');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).id)).toBe('opt-country');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve and share 2 items');
    await page.keyboard.press('Enter');
    await page.waitForURL(/^http:\/\/localhost:9\/cb\?/);
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/^trv_ac_/);
  });
});
