import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { verifyJws } from '../../src/crypto/signing.ts';
import { RECEIPT_TYP } from '../../src/features/grants/receipts.ts';
import { secretBrand, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { form, read, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let brand: SecretClient;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  brand = await secretBrand(deps);
});

const jwks = async () => (await app.request('/.well-known/jwks.json')).json();
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('consent receipts', () => {
  it('are issued on approval, named in the token response, and verify offline with the JWKS alone', async () => {
    const tokens = (await tokensFor(app, brand, me)) as unknown as { receipt_id: string; grant_id: string };
    expect(tokens.receipt_id).toEqual(expect.any(String));
    const res = await me.call(`/api/me/receipts/${tokens.receipt_id}`);
    expect(res.status).toBe(200);
    const { jws } = await res.json();
    const receipt = await verifyJws(jws, await jwks(), RECEIPT_TYP);
    expect(receipt).toMatchObject({
      version: 'KI-CR-v1.1.0',
      consentReceiptID: tokens.receipt_id,
      event: 'granted',
      grant_id: tokens.grant_id,
      piiControllers: [{ piiController: 'Secret Shoes', privacyPolicy: 'https://brand.example/privacy' }],
      services: [
        {
          purposes: [
            {
              purposeCategory: ['https://w3id.org/dpv#PersonalisedAdvertising'],
              piiCategory: ['email', 'shoe_size', 'birthdate'],
              consideration: { kind: 'discount', description: '10% off every order' },
              retention: 'P30D',
              consentType: 'EXPLICIT',
              termination: expect.any(String),
            },
          ],
        },
      ],
    });
    expect(JSON.stringify(receipt)).not.toContain(me.consumerId);
  });

  it('are issued on revocation, and the brand can fetch the latest one', async () => {
    const tokens = await tokensFor(app, brand, me);
    await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' });
    const cc = await (await form(app, '/oauth/token', brand, { grant_type: 'client_credentials' })).json();
    const latest = await (await app.request(`/v1/grants/${tokens.grant_id}/receipt`, { headers: bearer(cc.access_token) })).json();
    expect(latest.event).toBe('revoked');
    expect(await verifyJws(latest.jws, await jwks(), RECEIPT_TYP)).toMatchObject({ event: 'revoked', revoked_at: expect.any(String) });
  });

  it('are never shown to another consumer or another brand', async () => {
    const tokens = (await tokensFor(app, brand, me)) as unknown as { receipt_id: string; grant_id: string };
    const other = await signedInConsumer(deps, app);
    expect((await other.call(`/api/me/receipts/${tokens.receipt_id}`)).status).toBe(404);
    const nosy = await secretBrand(deps, 'Nosy');
    const cc = await (await form(app, '/oauth/token', nosy, { grant_type: 'client_credentials' })).json();
    expect((await app.request(`/v1/grants/${tokens.grant_id}/receipt`, { headers: bearer(cc.access_token) })).status).toBe(404);
  });
});

describe('the value ledger', () => {
  it('shows per brand what was promised and received, with totals', async () => {
    const tokens = await tokensFor(app, brand, me);
    const post = (json: unknown) =>
      app.request(`/v1/grants/${tokens.grant_id}/value`, {
        method: 'POST',
        headers: { ...bearer(tokens.access_token), 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    expect((await post({ kind: 'discount', description: 'Coupon for spring', amount: 12.5, unit: 'EUR', reference: 'SPRING-42' })).status).toBe(201);
    expect((await post({ kind: 'discount', description: 'Birthday coupon', amount: 7.5, unit: 'EUR' })).status).toBe(201);
    expect((await post({ kind: 'points', description: 'Welcome points', amount: 500, unit: 'points' })).status).toBe(201);
    const value = await (await me.call('/api/me/value')).json();
    expect(value.brands).toEqual([
      expect.objectContaining({
        name: 'Secret Shoes',
        promised: [expect.objectContaining({ kind: 'discount', description: '10% off every order', grant_id: tokens.grant_id })],
        received: [expect.objectContaining({ reference: 'SPRING-42' }), expect.anything(), expect.anything()],
        totals: { EUR: 20, points: 500 },
      }),
    ]);
    expect(value.totals).toEqual({ EUR: 20, points: 500 });
    const events = await deps.store.db.selectFrom('audit_events').select('action').where('action', '=', 'value.recorded').execute();
    expect(events).toHaveLength(3);
  });

  it("refuses value on another brand's grant, and bad input, writing nothing", async () => {
    const tokens = await tokensFor(app, brand, me);
    const nosy = await secretBrand(deps, 'Nosy');
    const cc = await (await form(app, '/oauth/token', nosy, { grant_type: 'client_credentials' })).json();
    const send = (token: string, json: unknown) =>
      app.request(`/v1/grants/${tokens.grant_id}/value`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    expect((await send(cc.access_token, { kind: 'gift', description: 'x' })).status).toBe(404);
    for (const bad of [
      { kind: 'bribe', description: 'x' },
      { kind: 'money', description: '' },
      { kind: 'money', description: 'x', amount: -5, unit: 'EUR' },
      { kind: 'money', description: 'x', amount: 5 },
      { kind: 'gift', description: 'x', extra: 1 },
    ]) {
      const res = await send(tokens.access_token, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await deps.store.db.selectFrom('value_events').selectAll().execute()).toEqual([]);
  });

  it('refuses value on a grant the consumer revoked, and after the consumer erased their account, with 409 and nothing written', async () => {
    const send = (grantId: string, token: string) =>
      app.request(`/v1/grants/${grantId}/value`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'gift', description: 'Late gift' }),
      });
    const cc = async () => (await (await form(app, '/oauth/token', brand, { grant_type: 'client_credentials' })).json()).access_token as string;
    const revoked = await tokensFor(app, brand, me);
    expect((await me.call(`/api/me/grants/${revoked.grant_id}/revoke`, { method: 'POST', json: {} })).status).toBe(200);
    const refused = await send(revoked.grant_id, await cc());
    expect(refused.status).toBe(409);
    expect((await refused.json()).detail).toMatch(/ended \(revoked\)/);

    const other = await signedInConsumer(deps, app);
    const live = await tokensFor(app, brand, other);
    expect((await send(live.grant_id, await cc())).status).toBe(201);
    expect((await other.call('/api/me', { method: 'DELETE' })).status).toBe(204);
    expect((await send(live.grant_id, await cc())).status).toBe(409);
    // Erasure removed the erased consumer's ledger rows; the refused ones were never written.
    expect(await deps.store.db.selectFrom('value_events').selectAll().execute()).toEqual([]);
    const recorded = await deps.store.db.selectFrom('audit_events').select('action').where('action', '=', 'value.recorded').execute();
    expect(recorded).toHaveLength(1);
  });

  it('takes value on a once grant after its one read', async () => {
    const tokens = await tokensFor(app, brand, me, { details: shoeDetails({ access: 'once' }) });
    expect((await read(app, tokens.access_token)).status).toBe(200);
    const res = await app.request(`/v1/grants/${tokens.grant_id}/value`, {
      method: 'POST',
      headers: { ...bearer(tokens.access_token), 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'gift', description: 'Thanks' }),
    });
    expect(res.status).toBe(201);
  });

  it('keeps the description and reference sealed in the database, and shows them to the consumer', async () => {
    const tokens = await tokensFor(app, brand, me);
    await app.request(`/v1/grants/${tokens.grant_id}/value`, {
      method: 'POST',
      headers: { ...bearer(tokens.access_token), 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'discount', description: 'Sealed coupon text', reference: 'SEALED-REF-1', amount: 5, unit: 'EUR' }),
    });
    const row = await deps.store.db.selectFrom('value_events').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toMatch(/Sealed coupon text|SEALED-REF-1/);
    expect(row).toMatchObject({ reference: null, amount: 5, unit: 'EUR' });
    const value = await (await me.call('/api/me/value')).json();
    expect(value.brands[0].received).toEqual([expect.objectContaining({ description: 'Sealed coupon text', reference: 'SEALED-REF-1' })]);
  });
});
