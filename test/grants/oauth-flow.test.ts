// The whole exchange driven by oauth4webapi, a standard OAuth client Trove did not write,
// unmodified: discovery, PAR with authorization_details, consent through the consumer
// API (one optional attribute trimmed), code + PKCE, the audited read, refresh with
// rotation, revocation and introspection, for both client authentication methods.
import * as oauth from 'oauth4webapi';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { jwtBrand, REDIRECT, secretBrand, shoeDetails, inProcess } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;

beforeEach(async () => {
  deps = await testDeps();
  deps.clock.set(Date.now()); // the client library signs assertions with the real time
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 38, system: 'EU' } } });
  await me.call('/api/me/attributes/birthdate', { method: 'PUT', json: { value: '1990-12-10' } });
  await me.call('/api/me/attributes/phone', { method: 'PUT', json: { value: '+31 20 123 4567' } });
});

async function runFlow(brand: { clientId: string; auth: oauth.ClientAuth }) {
  const opts = inProcess(app);
  const issuer = new URL(deps.config.origin);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...opts, algorithm: 'oauth2' }));
  const client: oauth.Client = { client_id: brand.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();

  const parResponse = await oauth.pushedAuthorizationRequest(
    as,
    client,
    brand.auth,
    {
      response_type: 'code',
      redirect_uri: REDIRECT,
      state,
      code_challenge_method: 'S256',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      authorization_details: JSON.stringify(shoeDetails()),
    },
    opts,
  );
  const par = await oauth.processPushedAuthorizationResponse(as, client, parResponse);

  const authorize = new URL(as.authorization_endpoint!);
  authorize.searchParams.set('client_id', client.client_id);
  authorize.searchParams.set('request_uri', par.request_uri);
  const toConsent = await app.request(authorize.toString());
  expect(toConsent.status).toBe(303);
  const requestId = new URL(toConsent.headers.get('location')!, deps.config.origin).searchParams.get('request')!;

  const view = await (await me.call(`/api/me/requests/${requestId}`)).json();
  expect(view.attributes.map((a: { name: string; required: boolean }) => [a.name, a.required])).toEqual([
    ['email', true],
    ['shoe_size', true],
    ['birthdate', false],
  ]);
  const approved = await me.call(`/api/me/requests/${requestId}/approve`, { method: 'POST', json: { attributes: ['email', 'shoe_size'] } });
  expect(approved.status).toBe(200);
  const callback = new URL((await approved.json()).redirect_to);
  expect(callback.origin + callback.pathname).toBe(REDIRECT);

  const params = oauth.validateAuthResponse(as, client, callback, state);
  const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, brand.auth, params, REDIRECT, verifier, opts);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse);
  return { as, client, opts, tokens };
}

describe.each([
  ['client_secret_basic', secretBrand],
  ['private_key_jwt', jwtBrand],
] as const)('the OAuth flow with %s', (_method, makeBrand) => {
  it('reads exactly the approved attributes, refreshes with rotation, revokes and introspects', async () => {
    const brand = await makeBrand(deps);
    const { as, client, opts, tokens } = await runFlow(brand);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.authorization_details).toEqual([expect.objectContaining({ type: 'trove_attributes', attributes: ['email', 'shoe_size'] })]);

    const read = await oauth.protectedResourceRequest(tokens.access_token, 'GET', new URL(`${deps.config.origin}/v1/attributes`), undefined, undefined, opts);
    expect(read.status).toBe(200);
    const data = await read.json();
    expect(data.attributes).toEqual({ email: 'ada@example.com', shoe_size: { size: 38, system: 'EU' } });
    expect(data.sub).toBe(tokens.authorization_details ? data.sub : undefined);
    expect(JSON.stringify(data)).not.toContain(me.consumerId);

    // Refresh rotates: the new refresh token works, the old one is now refused.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, brand.auth, tokens.refresh_token!, opts),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const secondRead = await oauth.protectedResourceRequest(
      refreshed.access_token,
      'GET',
      new URL(`${deps.config.origin}/v1/attributes`),
      undefined,
      undefined,
      opts,
    );
    expect(secondRead.status).toBe(200);

    // Introspection: active while valid, inactive once revoked.
    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, brand.auth, refreshed.access_token, opts));
    expect(active).toMatchObject({ active: true, client_id: brand.clientId, sub: data.sub, grant_id: data.grant_id });
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, brand.auth, refreshed.access_token, opts));
    const inactive = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, brand.auth, refreshed.access_token, opts),
    );
    expect(inactive.active).toBe(false);
    // A revoked token is 401 with the RFC 6750 challenge, which oauth4webapi parses and raises.
    await expect(
      oauth.protectedResourceRequest(refreshed.access_token, 'GET', new URL(`${deps.config.origin}/v1/attributes`), undefined, undefined, opts),
    ).rejects.toMatchObject({ name: 'WWWAuthenticateChallengeError', cause: [{ scheme: 'bearer', parameters: { realm: 'trove', error: 'invalid_token' } }] });

    // Revoking the refresh token ends its family.
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, brand.auth, refreshed.refresh_token!, opts));
    const rt = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, brand.auth, refreshed.refresh_token!, opts));
    expect(rt.active).toBe(false);

    const reads = await deps.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'grant.read').orderBy('seq').execute();
    expect(reads.map((r) => [r.outcome, r.brand_id, r.attributes, r.purpose])).toEqual([
      ['success', brand.clientId, '["email","shoe_size"]', 'https://w3id.org/dpv#PersonalisedAdvertising'],
      ['success', brand.clientId, '["email","shoe_size"]', 'https://w3id.org/dpv#PersonalisedAdvertising'],
      ['denied', brand.clientId, '["email","shoe_size"]', 'https://w3id.org/dpv#PersonalisedAdvertising'],
    ]);
    expect(reads[2]!.reason).toBe('token_revoked');
    expect((await verifyAuditLog(deps.store.db)).ok).toBe(true);
  });
});

describe('client credentials', () => {
  it('gives a brand-level token for listing grants, which cannot read /v1/attributes', async () => {
    const brand = await secretBrand(deps);
    const { as, client, opts, tokens } = await runFlow(brand);
    const cc = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, brand.auth, {}, opts));
    const list = await (
      await oauth.protectedResourceRequest(cc.access_token, 'GET', new URL(`${deps.config.origin}/v1/grants?status=active`), undefined, undefined, opts)
    ).json();
    expect(list.grants).toHaveLength(1);
    expect(list.grants[0]).toMatchObject({ attributes: ['email', 'shoe_size'], access: 'ongoing', status: 'active' });
    expect(list.grants[0]).not.toHaveProperty('consumer_id');
    const bulk = await oauth.protectedResourceRequest(
      cc.access_token,
      'GET',
      new URL(`${deps.config.origin}/v1/grants/${list.grants[0].id}/attributes`),
      undefined,
      undefined,
      opts,
    );
    expect(bulk.status).toBe(200);
    expect(bulk.headers.get('cache-control')).toBe('no-store');
    const direct = await oauth.protectedResourceRequest(cc.access_token, 'GET', new URL(`${deps.config.origin}/v1/attributes`), undefined, undefined, opts);
    expect(direct.status).toBe(403);
    expect(tokens.access_token).toBeTruthy();
  });
});
