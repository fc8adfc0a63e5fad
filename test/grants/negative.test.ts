// What must fail, fails: each case asserts the error body and that nothing was issued or read.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { disableBrand } from '../../src/features/brands/register-brand.ts';
import { REDIRECT, secretBrand, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { approvedCode, exchange, form, par, read, requestId, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let brand: SecretClient;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 38, system: 'EU' } } });
  brand = await secretBrand(deps);
});

const count = async (table: 'access_tokens' | 'refresh_tokens' | 'grants' | 'grant_requests') =>
  (await deps.store.db.selectFrom(table).selectAll().execute()).length;
const successfulReads = async () =>
  (await deps.store.db.selectFrom('audit_events').select('seq').where('action', '=', 'grant.read').where('outcome', '=', 'success').execute()).length;

async function oauthError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ error, error_description: expect.any(String) });
}

describe('pushed authorization requests', () => {
  it.each([
    ['an unregistered redirect URI', { redirect_uri: 'https://evil.example/cb' }, 'invalid_request'],
    ['a redirect URI differing by a trailing slash', { redirect_uri: `${REDIRECT}/` }, 'invalid_request'],
    ['a missing code challenge', { code_challenge: '' }, 'invalid_request'],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['another response type', { response_type: 'token' }, 'unsupported_response_type'],
    ['malformed authorization_details', { authorization_details: '{not json' }, 'invalid_authorization_details'],
  ])('refuses %s', async (_l, over, error) => {
    const { res } = await par(app, brand, over);
    await oauthError(res, 400, error);
    expect(await count('grant_requests')).toBe(0);
  });

  it.each([
    ['an unknown attribute', { attributes: ['email', 'favourite_colour'] }],
    ['a purpose outside DPV', { purpose: 'https://example.com/purposes/anything' }],
    ['a bad value offer', { value: { kind: 'bribe', description: 'x' } }],
    ['an access mode other than once or ongoing', { access: 'forever' }],
    ['a duration that is not ISO 8601', { duration: '180 days' }],
    ['a duration over two years', { duration: 'P1000D' }],
    ['an attribute both required and optional', { optional_attributes: ['email'] }],
    ['an unknown member', { colour: 'red' }],
  ])('refuses authorization_details with %s', async (_l, over) => {
    const { res } = await par(app, brand, {}, shoeDetails(over));
    await oauthError(res, 400, 'invalid_authorization_details');
    expect(await count('grant_requests')).toBe(0);
  });

  it('refuses a wrong client secret and an unknown client with 401 invalid_client', async () => {
    const { res } = await par(app, { ...brand, secret: 'wrong' });
    await oauthError(res, 401, 'invalid_client');
    const unknown = await par(app, { clientId: 'brand_nobody', secret: 'x' });
    await oauthError(unknown.res, 401, 'invalid_client');
  });

  it('refuses a disabled brand everywhere', async () => {
    const { code, verifier } = await approvedCode(app, brand, me);
    await disableBrand(deps, brand.clientId);
    await oauthError((await par(app, brand)).res, 401, 'invalid_client');
    await oauthError(await exchange(app, brand, code, verifier), 401, 'invalid_client');
    expect(await count('access_tokens')).toBe(0);
  });
});

describe('authorization code exchange', () => {
  it('refuses a mismatched redirect URI', async () => {
    const { code, verifier } = await approvedCode(app, brand, me);
    await oauthError(await exchange(app, brand, code, verifier, { redirect_uri: 'https://brand.example/other' }), 400, 'invalid_grant');
    expect(await count('access_tokens')).toBe(0);
  });

  it('refuses a missing or wrong PKCE verifier', async () => {
    const { code, verifier } = await approvedCode(app, brand, me);
    await oauthError(await form(app, '/oauth/token', brand, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }), 400, 'invalid_request');
    await oauthError(await exchange(app, brand, code, `${verifier.slice(0, -2)}xx`), 400, 'invalid_grant');
    expect(await count('access_tokens')).toBe(0);
    // The right verifier still works: a failed guess does not burn the code.
    expect((await exchange(app, brand, code, verifier)).status).toBe(200);
  });

  it('treats a replayed code as an attack: refused, and the tokens it issued stop working', async () => {
    const { code, verifier } = await approvedCode(app, brand, me);
    const tokens = await (await exchange(app, brand, code, verifier)).json();
    expect((await read(app, tokens.access_token)).status).toBe(200);
    await oauthError(await exchange(app, brand, code, verifier), 400, 'invalid_grant');
    // Its tokens are revoked: 401 invalid_token (RFC 6750), not a grant refusal.
    expect((await read(app, tokens.access_token)).status).toBe(401);
    await oauthError(await form(app, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }), 400, 'invalid_grant');
  });

  it('refuses a code issued to another brand', async () => {
    const other = await secretBrand(deps, 'Other');
    const { code, verifier } = await approvedCode(app, brand, me);
    await oauthError(await exchange(app, other, code, verifier), 400, 'invalid_grant');
  });

  it('refuses an expired code', async () => {
    const { code, verifier } = await approvedCode(app, brand, me);
    deps.clock.advance(61_000);
    await oauthError(await exchange(app, brand, code, verifier), 400, 'invalid_grant');
  });
});

describe('refresh tokens', () => {
  it('rotate, and reuse of an old one revokes the whole family', async () => {
    const first = await tokensFor(app, brand, me);
    const second = await (await form(app, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: first.refresh_token! })).json();
    expect(second.refresh_token).toBeTruthy();
    await oauthError(await form(app, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: first.refresh_token! }), 400, 'invalid_grant');
    // The family is gone: the newest refresh token and its access token stop working too.
    await oauthError(await form(app, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: second.refresh_token }), 400, 'invalid_grant');
    expect((await read(app, second.access_token)).status).toBe(401);
  });
});

describe('reading', () => {
  it('is refused on the very next request after the consumer revokes, though the token has not expired', async () => {
    const tokens = await tokensFor(app, brand, me);
    expect((await read(app, tokens.access_token)).status).toBe(200);
    expect((await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' })).status).toBe(200);
    const denied = await read(app, tokens.access_token);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ reason: 'revoked' });
    expect(await successfulReads()).toBe(1);
  });

  it('is refused once the grant has expired', async () => {
    const tokens = await tokensFor(app, brand, me, { details: shoeDetails({ duration: 'PT2M' }) });
    deps.clock.advance(121_000);
    // The access token is 5 minutes long, so it is still valid; the grant is not.
    const res = await read(app, tokens.access_token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ reason: 'expired' });
  });

  it('allows exactly one read of a once grant', async () => {
    const tokens = await tokensFor(app, brand, me, { details: shoeDetails({ access: 'once' }) });
    expect(tokens.refresh_token).toBeUndefined();
    expect((await read(app, tokens.access_token)).status).toBe(200);
    const again = await read(app, tokens.access_token);
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ reason: 'exhausted' });
    const grant = await deps.store.db.selectFrom('grants').select('status').where('id', '=', tokens.grant_id).executeTakeFirstOrThrow();
    expect(grant.status).toBe('exhausted');
  });

  it("never lets a brand read or see another brand's grant", async () => {
    const tokens = await tokensFor(app, brand, me);
    const other = await secretBrand(deps, 'Nosy');
    const cc = await (await form(app, '/oauth/token', other, { grant_type: 'client_credentials' })).json();
    expect((await read(app, cc.access_token, `/v1/grants/${tokens.grant_id}/attributes`)).status).toBe(404);
    expect((await read(app, cc.access_token, `/v1/grants/${tokens.grant_id}`)).status).toBe(404);
    expect((await (await read(app, cc.access_token, '/v1/grants')).json()).grants).toEqual([]);
    expect(await successfulReads()).toBe(0);
  });

  it('refuses a forged or missing token with 401', async () => {
    expect((await read(app, 'not.a.jwt')).status).toBe(401);
    expect((await app.request('/v1/attributes')).status).toBe(401);
  });

  it('audits one denied event per refused read, with its reason', async () => {
    const tokens = await tokensFor(app, brand, me);
    await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' });
    await read(app, tokens.access_token);
    await read(app, tokens.access_token);
    const denied = await deps.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'grant.read').where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(2);
    expect(denied[0]).toMatchObject({
      brand_id: brand.clientId,
      grant_id: tokens.grant_id,
      reason: 'revoked',
      attributes: '["email","shoe_size","birthdate"]',
    });
  });
});

describe('consent', () => {
  it('binds a request to the first consumer who opens it; nobody else can view or decide it', async () => {
    const { res } = await par(app, brand);
    const id = requestId((await res.json()).request_uri);
    expect((await me.call(`/api/me/requests/${id}`)).status).toBe(200);
    const other = await signedInConsumer(deps, app);
    expect((await other.call(`/api/me/requests/${id}`)).status).toBe(404);
    expect((await other.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: {} })).status).toBe(404);
    expect(await count('grants')).toBe(0);
  });

  it('refuses dropping a required attribute, and decides once', async () => {
    const { res } = await par(app, brand);
    const id = requestId((await res.json()).request_uri);
    const drop = await me.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: { attributes: ['email'] } });
    expect(drop.status).toBe(400);
    expect(await count('grants')).toBe(0);
    const deny = await me.call(`/api/me/requests/${id}/deny`, { method: 'POST' });
    const to = new URL((await deny.json()).redirect_to);
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('state')).toBe('st-1');
    expect(to.searchParams.get('iss')).toBe(deps.config.origin);
    expect((await me.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: {} })).status).toBe(404);
  });

  it('expires a request after ten minutes', async () => {
    const { res } = await par(app, brand);
    const body = await res.json();
    deps.clock.advance(body.expires_in * 1000 + 1);
    expect((await me.call(`/api/me/requests/${requestId(body.request_uri)}`)).status).toBe(404);
    const authorize = await app.request(`/oauth/authorize?client_id=${brand.clientId}&request_uri=${encodeURIComponent(body.request_uri)}`);
    expect(authorize.status).toBe(400);
  });
});

describe('pairwise subjects', () => {
  it('gives two brands different subs for the same consumer, neither revealing the internal id', async () => {
    const other = await secretBrand(deps, 'Second');
    const a = await (await read(app, (await tokensFor(app, brand, me)).access_token)).json();
    const b = await (await read(app, (await tokensFor(app, other, me)).access_token)).json();
    expect(a.sub).not.toBe(b.sub);
    expect(JSON.stringify([a, b])).not.toContain(me.consumerId);
  });
});

describe('erasure and export with grants', () => {
  it("revokes every grant at erasure, so the brand's next read is refused", async () => {
    const tokens = await tokensFor(app, brand, me);
    expect((await me.call('/api/me', { method: 'DELETE' })).status).toBe(204);
    const res = await read(app, tokens.access_token);
    expect(res.status).toBe(403);
    const grant = await deps.store.db.selectFrom('grants').select(['status', 'revoked_reason']).where('id', '=', tokens.grant_id).executeTakeFirstOrThrow();
    expect(grant).toEqual({ status: 'revoked', revoked_reason: 'consumer_erased' });
  });

  it("includes the consumer's grants, with read counts, in the export", async () => {
    const tokens = await tokensFor(app, brand, me);
    await read(app, tokens.access_token);
    const doc = await (await me.call('/api/me/export')).json();
    expect(doc.grants).toEqual([expect.objectContaining({ id: tokens.grant_id, read_count: 1, status: 'active' })]);
  });

  it('shows the consumer each grant with purpose, value promised, read count and last read, named and timed as the brand sees them', async () => {
    const tokens = await tokensFor(app, brand, me);
    await read(app, tokens.access_token);
    const { active, ended } = await (await me.call('/api/me/grants')).json();
    expect(ended).toEqual([]);
    expect(active[0]).toMatchObject({
      id: tokens.grant_id,
      brand: { name: 'Secret Shoes' },
      read_count: 1,
      last_read_at: new Date(deps.clock.now()).toISOString(),
      purpose: { label: 'To send you personalised offers', description: 'Send you offers in your size' },
      value_promised: { kind: 'discount', amount: 10 },
    });
    const brandView = await (await app.request(`/v1/grants/${tokens.grant_id}`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json();
    for (const field of ['read_count', 'last_read_at', 'created_at', 'expires_at', 'revoked_at'] as const)
      expect(active[0][field], field).toEqual(brandView[field]);
    const other = await signedInConsumer(deps, app);
    expect((await other.call(`/api/me/grants/${tokens.grant_id}`)).status).toBe(404);
    expect((await other.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' })).status).toBe(404);
  });
});
