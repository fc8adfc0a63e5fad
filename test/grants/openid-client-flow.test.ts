// The whole brand flow driven by openid-client v6 with its defaults, unmodified: given a
// secret it authenticates with client_secret_post; given a key, with private_key_jwt.
// Discovery (RFC 8414), PAR with authorization_details, consent through the consumer API,
// code + PKCE + state + iss, the audited read, refresh with rotation, introspection and
// revocation. Its errors must reach the brand as Trove's own explanation.
import * as jose from 'jose';
import * as client from 'openid-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { jwtBrand, REDIRECT, secretBrand, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;

beforeEach(async () => {
  deps = await testDeps();
  deps.clock.set(Date.now()); // the library signs assertions and checks times with the real clock
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 38, system: 'EU' } } });
  await me.call('/api/me/attributes/birthdate', { method: 'PUT', json: { value: '1990-12-10' } });
});

/** The library's documented discovery call; only the transport is the app in process. */
function discover(clientId: string, secret?: string, auth?: client.ClientAuth) {
  return client.discovery(new URL(deps.config.origin), clientId, secret, auth, {
    algorithm: 'oauth2',
    execute: [client.allowInsecureRequests],
    [client.customFetch]: (url, init) => Promise.resolve(app.request(url, init as RequestInit)),
  });
}

/** PAR → the consumer approves (trimming the optional attribute) → the callback URL. */
async function authorize(config: client.Configuration, state: string, verifier: string): Promise<URL> {
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: REDIRECT,
    state,
    code_challenge_method: 'S256',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    authorization_details: JSON.stringify(shoeDetails()),
  });
  const toConsent = await app.request(url.toString());
  expect(toConsent.status).toBe(303);
  const requestId = new URL(toConsent.headers.get('location')!, deps.config.origin).searchParams.get('request')!;
  const approved = await me.call(`/api/me/requests/${requestId}/approve`, { method: 'POST', json: { attributes: ['email', 'shoe_size'] } });
  expect(approved.status).toBe(200);
  return new URL((await approved.json()).redirect_to);
}

async function wholeFlow(config: client.Configuration) {
  const state = client.randomState();
  const verifier = client.randomPKCECodeVerifier();
  const callback = await authorize(config, state, verifier);
  const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
  expect(tokens.authorization_details).toEqual([expect.objectContaining({ type: 'trove_attributes', attributes: ['email', 'shoe_size'] })]);

  const attributes = new URL(`${deps.config.origin}/v1/attributes`);
  const read = await client.fetchProtectedResource(config, tokens.access_token, attributes, 'GET');
  expect(read.status).toBe(200);
  const data = await read.json();
  expect(data.attributes).toEqual({ email: 'ada@example.com', shoe_size: { size: 38, system: 'EU' } });

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  expect((await client.fetchProtectedResource(config, refreshed.access_token, attributes, 'GET')).status).toBe(200);

  expect(await client.tokenIntrospection(config, refreshed.access_token)).toMatchObject({
    active: true,
    client_id: config.clientMetadata().client_id,
    sub: data.sub,
  });
  await client.tokenRevocation(config, refreshed.access_token);
  expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
  // A revoked token is 401 invalid_token with its challenge, which openid-client reports as such.
  await expect(client.fetchProtectedResource(config, refreshed.access_token, attributes, 'GET')).rejects.toMatchObject({
    name: 'WWWAuthenticateChallengeError',
    status: 401,
  });
  // The rotated-out refresh token is refused, and the library hands over Trove's explanation.
  await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
    error: 'invalid_grant',
    error_description: expect.stringContaining('no longer valid'),
  });

  const reads = await deps.store.db.selectFrom('audit_events').select(['outcome', 'brand_id']).where('action', '=', 'grant.read').orderBy('seq').execute();
  expect(reads.map((r) => r.outcome)).toEqual(['success', 'success', 'denied']);
}

describe('openid-client v6 with its defaults', () => {
  it('runs the whole brand flow with a client secret, which it sends as client_secret_post', async () => {
    const brand = await secretBrand(deps);
    const sent: string[] = [];
    const config = await client.discovery(new URL(deps.config.origin), brand.clientId, brand.secret, undefined, {
      algorithm: 'oauth2',
      execute: [client.allowInsecureRequests],
      [client.customFetch]: (url, init) => {
        if (url.includes('/oauth/'))
          sent.push(`${new URL(url).pathname} ${init.headers.authorization ? 'header' : ''}${String(init.body).includes('client_secret=') ? 'post' : ''}`);
        return Promise.resolve(app.request(url, init as RequestInit));
      },
    });
    await wholeFlow(config);
    expect(new Set(sent)).toEqual(new Set(['/oauth/par post', '/oauth/token post', '/oauth/introspect post', '/oauth/revoke post']));
  });

  it("runs the whole brand flow with PrivateKeyJwt, and shows Trove's explanation for a wrong key", async () => {
    const brand = await jwtBrand(deps);
    await wholeFlow(await discover(brand.clientId, undefined, client.PrivateKeyJwt({ key: brand.privateKey as CryptoKey, kid: 'k1' })));
    const stranger = await jose.generateKeyPair('Ed25519');
    const err = await client
      .clientCredentialsGrant(await discover(brand.clientId, undefined, client.PrivateKeyJwt({ key: stranger.privateKey, kid: 'k1' })))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect(err).toMatchObject({ status: 401, error: 'invalid_client', error_description: expect.stringContaining('The client assertion is not valid') });
  });

  it("shows Trove's explanation when a posted secret is wrong, not a bare challenge", async () => {
    const brand = await secretBrand(deps);
    const config = await discover(brand.clientId, 'trv_cs_wrong');
    const err = await client
      .buildAuthorizationUrlWithPAR(config, {
        redirect_uri: REDIRECT,
        code_challenge_method: 'S256',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        authorization_details: JSON.stringify(shoeDetails()),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect(err).toMatchObject({ status: 401, error: 'invalid_client', error_description: 'Client authentication failed.' });
  });
});
