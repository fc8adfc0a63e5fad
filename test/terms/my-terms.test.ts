// "My terms" (issue 24, first part): the roster is public; brands declare the agreements they
// accept and the directory shows them; a consumer proffers terms by default and per persona;
// a request names its agreement (only one its brand accepts), the consent screen shows it
// beside the consumer's terms and flags a mismatch without refusing it; the grant, its
// receipt and its audit event record the agreement.
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { disableBrand, registerBrand } from '../../src/features/brands/register-brand.ts';
import { REDIRECT, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { par, requestId, type SecretClient } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let brand: SecretClient;

async function brandAccepting(accepted_terms: string[], name = 'Fair Shoes') {
  const r = await registerBrand(deps, { name, redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, accepted_terms });
  return { clientId: r.client_id, secret: r.client_secret! };
}

const actions = async (action: string) =>
  (await deps.store.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq').execute()).map((e) => JSON.parse(e.detail ?? '{}'));

async function openRequest(details: unknown, client = brand) {
  const { res } = await par(app, client, {}, details);
  expect(res.status, await res.clone().text()).toBe(201);
  const id = requestId((await res.json()).request_uri);
  return { id, view: await (await me.call(`/api/me/requests/${id}`)).json() };
}

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'me@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { system: 'EU', size: 42 } } });
  brand = await brandAccepting(['sd-base', 'sd-portability']);
});

describe('the roster and the brand directory', () => {
  it('serves the roster to anyone, each agreement with a plain summary and its source', async () => {
    const body = await (await app.request('/v1/terms')).json();
    expect(body.terms.map((t: { id: string }) => t.id)).toEqual(['sd-base', 'sd-portability', 'sd-no-ai', 'intent-only', 'sd-loyalty']);
    for (const t of body.terms)
      expect(t).toMatchObject({ title: expect.any(String), summary: expect.any(String), source: expect.stringMatching(/^https:\/\//) });
  });

  it('lists a brand with the agreements it accepts, and no longer once it is disabled', async () => {
    const entry = await (await app.request(`/v1/brands/${brand.clientId}`)).json();
    expect(entry).toMatchObject({ client_id: brand.clientId, name: 'Fair Shoes', accepted_terms: [{ id: 'sd-base' }, { id: 'sd-portability' }] });
    expect(JSON.stringify(entry)).not.toMatch(/secret|redirect|webhook/);
    const gone = await brandAccepting(['sd-base'], 'Gone Shoes');
    await disableBrand(deps, gone.clientId);
    expect((await app.request(`/v1/brands/${gone.clientId}`)).status).toBe(404);
  });

  it('refuses to register a brand accepting an agreement that is not in the roster', async () => {
    await expect(brandAccepting(['sd-base', 'anything-goes'])).rejects.toThrow(/accepted_terms: not in the roster: anything-goes/);
  });
});

describe('the terms a consumer proffers', () => {
  it('sets default and per-persona terms, audited, and withdraws them', async () => {
    expect((await me.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-base' } })).status).toBe(200);
    expect((await me.call('/api/me/personas', { method: 'POST', json: { name: 'work', label: 'Business travel' } })).status).toBe(201);
    const put = await me.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-no-ai', persona: 'work' } });
    expect(await put.json()).toMatchObject({ default: 'sd-base', personas: { work: 'sd-no-ai' } });
    expect((await actions('terms.proffered')).slice(0, 2)).toEqual([
      { term: 'sd-base', persona: null },
      { term: 'sd-no-ai', persona: 'work' },
    ]);
    expect((await me.call('/api/me/terms', { method: 'PUT', json: { term: 'made-up' } })).status).toBe(400);
    expect((await me.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-base', persona: 'nobody' } })).status).toBe(400);
    // Saved twice at once: both answer 200, one choice stands.
    const both = await Promise.all(['sd-portability', 'sd-no-ai'].map((term) => me.call('/api/me/terms', { method: 'PUT', json: { term, persona: 'work' } })));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    await me.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-no-ai', persona: 'work' } });
    const withdrawn = await (await me.call('/api/me/terms?persona=work', { method: 'DELETE' })).json();
    expect(withdrawn).toMatchObject({ default: 'sd-base', personas: {} });
    expect(await actions('terms.withdrawn')).toEqual([{ term: 'sd-no-ai', persona: 'work' }]);
  });
});

describe('requests made under an agreement', () => {
  it('refuses at PAR an agreement the brand does not accept, or one not in the roster', async () => {
    for (const agreement of ['sd-no-ai', 'made-up']) {
      const { res } = await par(app, brand, {}, shoeDetails({ agreement }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_authorization_details', error_description: expect.stringContaining('agreement') });
    }
  });

  it('shows the agreement beside the consumer’s terms on the consent screen, matching or flagged', async () => {
    const matching = await openRequest(shoeDetails({ agreement: 'sd-base' }));
    expect(matching.view).toMatchObject({ agreement: { id: 'sd-base', title: 'Service delivery only' }, my_terms: { id: 'sd-base' }, terms_match: true });
    const other = await openRequest(shoeDetails({ agreement: 'sd-portability' }));
    expect(other.view).toMatchObject({ agreement: { id: 'sd-portability' }, my_terms: { id: 'sd-base' }, terms_match: false });
    const none = await openRequest(shoeDetails());
    expect(none.view).toMatchObject({ agreement: null, terms_match: false });
  });

  it('records the agreement in the grant, its receipt and its audit event, even when the consumer accepted a mismatch knowingly', async () => {
    const { id } = await openRequest(shoeDetails({ agreement: 'sd-portability' }));
    const res = await me.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: {} });
    expect(res.status, await res.clone().text()).toBe(200);
    const { grant_id } = await deps.store.db.selectFrom('grant_requests').select('grant_id').where('id', '=', id).executeTakeFirstOrThrow();
    const grant = await deps.store.db.selectFrom('grants').selectAll().where('id', '=', grant_id!).executeTakeFirstOrThrow();
    expect(grant.agreement).toBe('sd-portability');
    const receipt = await deps.store.db.selectFrom('receipts').selectAll().where('grant_id', '=', grant.id).executeTakeFirstOrThrow();
    expect(decodeJwt(receipt.jws)).toMatchObject({ agreement: { id: 'sd-portability', title: expect.any(String), source: expect.stringMatching(/^https:/) } });
    const [event] = (await actions('grant.approved')).slice(-1);
    expect(event).toMatchObject({ agreement: 'sd-portability' });
  });

  it('forgets a consumer’s terms when the consumer is erased', async () => {
    const other = await signedInConsumer(deps, app);
    await other.call('/api/me/terms', { method: 'PUT', json: { term: 'intent-only' } });
    const { eraseConsumer } = await import('../../src/features/identity/erase.ts');
    await eraseConsumer(deps, other.consumerId);
    expect(await deps.store.db.selectFrom('consumer_terms').selectAll().where('consumer_id', '=', other.consumerId).execute()).toEqual([]);
  });
});
