// The market (issue 24): an intent published to the market reaches the brands that accept
// the consumer's terms, under a pseudonym, never with who published it; they answer with
// offers (limited per brand), the consumer compares and accepts one, which opens the usual
// consent screen with that brand's request; the other brands learn only that theirs was not
// taken; withdrawal takes effect at once.
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { exchange, form, type SecretClient } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
const brands: Record<'a' | 'b' | 'c', SecretClient & { token: string }> = {} as never;
let intentId: string;
let marketId: string;

async function brand(name: string, accepted_terms: string[]) {
  const r = await registerBrand(deps, {
    name,
    redirect_uris: [REDIRECT],
    auth: { method: 'client_secret_basic' },
    accepted_terms,
    webhook_url: `https://${name.toLowerCase()}.example/hooks`,
  });
  const client = { clientId: r.client_id, secret: r.client_secret! };
  const token = (await (await form(app, '/oauth/token', client, { grant_type: 'client_credentials' })).json()).access_token as string;
  return { ...client, token };
}

const asBrand = (b: { token: string }, path: string, init: { method?: string; json?: unknown } = {}) =>
  Promise.resolve(
    app.request(path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${b.token}`, ...(init.json ? { 'content-type': 'application/json' } : {}) },
      ...(init.json ? { body: JSON.stringify(init.json) } : {}),
    }),
  );

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const offerBody = (challenge: string, over: Record<string, unknown> = {}) => ({
  offer: { kind: 'discount', description: '15% off running shoes', amount: 15, unit: '%' },
  request: {
    type: 'trove_attributes',
    attributes: ['email', 'shoe_size'],
    purpose: 'https://w3id.org/dpv#ServiceProvision',
    purpose_description: 'To send you the offer and the right size',
    access: 'once',
    duration: 'P7D',
    agreement: 'sd-base',
  },
  redirect_uri: REDIRECT,
  code_challenge: challenge,
  state: 'offer-state',
  expires_at: new Date(deps.clock.now() + 3 * 24 * 3600_000).toISOString(),
  ...over,
});

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'runner@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { system: 'EU', size: 42 } } });
  brands.a = await brand('Stride', ['sd-base', 'sd-portability']);
  brands.b = await brand('Pace', ['sd-base']);
  brands.c = await brand('Elsewhere', ['sd-portability']);
});

describe('publishing an intent to the market', () => {
  it('needs the consumer’s terms first', async () => {
    const res = await me.call('/api/me/intents', { method: 'POST', json: { text: 'Running shoes', market: true } });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/choose your terms first/);
  });

  it('reaches only brands that accept the consumer’s terms, under a pseudonym, without identity', async () => {
    await me.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-base' } });
    const res = await me.call('/api/me/intents', {
      method: 'POST',
      json: { text: 'Running shoes, size 42, this week', category: 'shoes', size: '42', budget: { amount: 120, currency: 'EUR' }, market: true },
    });
    expect(res.status).toBe(201);
    const created = await res.json();
    intentId = created.id;
    marketId = created.market.id;
    expect(created.market).toEqual({ id: expect.stringMatching(/^mi_/), terms: 'sd-base' });

    for (const b of [brands.a, brands.b]) {
      const body = await (await asBrand(b, '/v1/intents/open?category=shoes')).json();
      expect(body.intents).toEqual([
        expect.objectContaining({ id: marketId, text: 'Running shoes, size 42, this week', budget: { amount: 120, currency: 'EUR' }, terms: 'sd-base' }),
      ]);
      const text = JSON.stringify(body);
      expect(text).not.toContain(me.consumerId);
      expect(text).not.toContain(intentId);
      expect(text).not.toContain('runner@example.com');
      expect(Object.keys(body.intents[0]).sort()).toEqual(['budget', 'category', 'colour', 'id', 'published_at', 'size', 'terms', 'text', 'until']);
    }
    expect((await (await asBrand(brands.c, '/v1/intents/open')).json()).intents).toEqual([]);
    expect((await (await asBrand(brands.a, '/v1/intents/open?category=coats')).json()).intents).toEqual([]);
  });

  it('tells accepting brands with a webhook at once, with a SET naming only the pseudonym', async () => {
    const rows = await deps.store.db.selectFrom('webhook_deliveries').selectAll().where('event_type', '=', 'intent.created').execute();
    expect(rows.map((r) => r.brand_id).sort()).toEqual([brands.a.clientId, brands.b.clientId].sort());
    for (const r of rows) {
      const set = decodeJwt(r.set_jws);
      expect(set).toMatchObject({
        sub: marketId,
        aud: r.brand_id,
        events: { 'https://trove.dev/events/intent.created': { intent: marketId, category: 'shoes', terms: 'sd-base' } },
      });
      expect(r.set_jws + JSON.stringify(set)).not.toContain(me.consumerId);
    }
  });
});

describe('offers', () => {
  const keep: Record<string, { id: string; verifier: string }> = {};

  it('lets accepting brands answer, within the limits, under the intent’s terms only', async () => {
    for (const [name, b] of [
      ['a', brands.a],
      ['b', brands.b],
    ] as const) {
      const p = pkce();
      const res = await asBrand(b, `/v1/intents/${marketId}/offers`, { method: 'POST', json: offerBody(p.challenge) });
      expect(res.status, await res.clone().text()).toBe(201);
      const offer = await res.json();
      expect(offer).toMatchObject({ id: expect.stringMatching(/^of_/), intent: marketId, status: 'open' });
      keep[name] = { id: offer.id, verifier: p.verifier };
    }
    // More than three open offers per brand per intent are refused.
    for (let i = 0; i < 2; i++)
      expect((await asBrand(brands.b, `/v1/intents/${marketId}/offers`, { method: 'POST', json: offerBody(pkce().challenge) })).status).toBe(201);
    expect((await asBrand(brands.b, `/v1/intents/${marketId}/offers`, { method: 'POST', json: offerBody(pkce().challenge) })).status).toBe(409);
    // Another agreement than the intent's, or an unregistered redirect URI: refused.
    const wrongTerms = offerBody(pkce().challenge);
    wrongTerms.request = { ...wrongTerms.request, agreement: 'sd-portability' };
    expect((await asBrand(brands.a, `/v1/intents/${marketId}/offers`, { method: 'POST', json: wrongTerms })).status).toBe(400);
    // The offer is what the request promises: a separate value in the request is refused.
    const twoValues = offerBody(pkce().challenge, { request: { ...offerBody('').request, value: { kind: 'gift', description: 'Something else' } } });
    const refused = await asBrand(brands.a, `/v1/intents/${marketId}/offers`, { method: 'POST', json: twoValues });
    expect(refused.status).toBe(400);
    expect((await refused.json()).detail).toContain('request.value');
    expect(
      (
        await asBrand(brands.a, `/v1/intents/${marketId}/offers`, {
          method: 'POST',
          json: offerBody(pkce().challenge, { redirect_uri: 'https://evil.example/cb' }),
        })
      ).status,
    ).toBe(400);
    // A brand that does not accept the consumer's terms cannot even find the intent.
    expect((await asBrand(brands.c, `/v1/intents/${marketId}/offers`, { method: 'POST', json: offerBody(pkce().challenge) })).status).toBe(404);
  });

  it('shows the consumer the offers side by side, with what each asks for and under which terms', async () => {
    const body = await (await me.call(`/api/me/intents/${intentId}/offers`)).json();
    expect(body.offers).toHaveLength(4);
    expect(body.offers[0]).toMatchObject({
      id: keep.a!.id,
      brand: { client_id: brands.a.clientId, name: 'Stride' },
      offer: { kind: 'discount', amount: 15 },
      asks_for: { attributes: ['email', 'shoe_size'] },
      agreement: { id: 'sd-base' },
      terms_match: true,
      status: 'open',
    });
    // Brands never see each other's offers: their status view is about their own offer only.
    expect((await asBrand(brands.a, `/v1/offers/${keep.b!.id}`)).status).toBe(404);
  });

  it('accepting one opens the consent screen with that brand’s request; the others learn only that theirs was not taken', async () => {
    const res = await me.call(`/api/me/offers/${keep.a!.id}/accept`, { method: 'POST' });
    expect(res.status, await res.clone().text()).toBe(200);
    const { request_id } = await res.json();
    const view = await (await me.call(`/api/me/requests/${request_id}`)).json();
    expect(view).toMatchObject({ brand: { client_id: brands.a.clientId }, agreement: { id: 'sd-base' }, terms_match: true });
    expect((await (await asBrand(brands.a, `/v1/offers/${keep.a!.id}`)).json()).status).toBe('taken');
    expect(await (await asBrand(brands.b, `/v1/offers/${keep.b!.id}`)).json()).toMatchObject({ status: 'not_taken' });
    // Approval creates the grant as a brand-initiated request would; the brand exchanges its code.
    const approved = await (await me.call(`/api/me/requests/${request_id}/approve`, { method: 'POST', json: {} })).json();
    const code = new URL(approved.redirect_to).searchParams.get('code')!;
    expect(new URL(approved.redirect_to).searchParams.get('state')).toBe('offer-state');
    const tokens = await (await exchange(app, brands.a, code, keep.a!.verifier)).json();
    const read = await app.request('/v1/attributes', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ attributes: { email: 'runner@example.com' } });
    // Value given back is tied to the grant's agreement, in the consumer's ledger and the log.
    const value = await app.request(`/v1/grants/${tokens.grant_id}/value`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'discount', description: 'Code RUN15', amount: 15, unit: 'EUR' }),
    });
    expect(value.status, await value.clone().text()).toBe(201);
    const ledger = await (await me.call('/api/me/value')).json();
    const stride = ledger.brands.find((b: { client_id: string }) => b.client_id === brands.a.clientId);
    expect(stride.received).toEqual([expect.objectContaining({ agreement: 'sd-base', amount: 15, unit: 'EUR' })]);
    // The grant promises what the offer offered.
    expect(stride.promised).toEqual([expect.objectContaining({ kind: 'discount', description: '15% off running shoes', amount: 15, unit: '%' })]);
    const recorded = await deps.store.db.selectFrom('audit_events').select('detail').where('action', '=', 'value.recorded').executeTakeFirstOrThrow();
    expect(JSON.parse(recorded.detail!)).toMatchObject({ agreement: 'sd-base' });
  });

  it('audits offers made, shown and accepted', async () => {
    const actions = (await deps.store.db.selectFrom('audit_events').select('action').where('action', 'like', 'offer.%').execute()).map((r) => r.action);
    expect(actions.filter((a) => a === 'offer.made')).toHaveLength(4); // one by Stride, three by Pace
    expect(actions).toContain('offer.shown');
    expect(actions).toContain('offer.accepted');
  });

  it('withdrawal takes the intent off the market at once, and its offers with it', async () => {
    const p = pkce();
    const offer = await (await asBrand(brands.a, `/v1/intents/${marketId}/offers`, { method: 'POST', json: offerBody(p.challenge) })).json();
    expect((await me.call(`/api/me/intents/${intentId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await (await asBrand(brands.a, '/v1/intents/open')).json()).intents).toEqual([]);
    expect((await asBrand(brands.a, `/v1/intents/${marketId}/offers`, { method: 'POST', json: offerBody(pkce().challenge) })).status).toBe(404);
    expect((await me.call(`/api/me/offers/${offer.id}/accept`, { method: 'POST' })).status).toBe(404);
  });
});
