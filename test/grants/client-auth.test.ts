// Client authentication at the OAuth endpoints, raw: the secret over HTTP Basic or in the
// body (client_secret_post), each brand bound to the credential it registered, one method
// per request (RFC 6749 §2.3), and a WWW-Authenticate challenge only for HTTP Basic (§5.2).
import { beforeEach, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { createApp } from '../../src/app.ts';
import { JWT_BEARER } from '../../src/features/brands/client-auth.ts';
import { jwtBrand, REDIRECT, secretBrand, shoeDetails } from '../helpers/brands.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { basic, form, pkce } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
});

const parParams = () => ({
  response_type: 'code',
  redirect_uri: REDIRECT,
  state: 's',
  code_challenge_method: 'S256',
  code_challenge: pkce().challenge,
  authorization_details: JSON.stringify(shoeDetails()),
});

async function assertion(deps: TestDeps, brand: { clientId: string; privateKey: CryptoKey | jose.KeyObject }, aud = `${deps.config.origin}/oauth/par`) {
  const now = Math.floor(deps.clock.now() / 1000);
  return new jose.SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setIssuer(brand.clientId)
    .setSubject(brand.clientId)
    .setAudience(aud)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(brand.privateKey);
}

/** POSTs a form with exactly the headers given (no automatic Basic). */
const post = (path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
  Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    }),
  );

describe('client authentication', () => {
  it('binds each brand to the credential it registered: a secret over Basic or in the body, a key only by assertion', async () => {
    const secret = await secretBrand(deps);
    const keyed = await jwtBrand(deps);
    expect((await form(app, '/oauth/par', secret, parParams())).status).toBe(201);
    expect((await post('/oauth/par', { ...parParams(), client_id: secret.clientId, client_secret: secret.secret })).status).toBe(201);
    expect(
      (
        await post('/oauth/par', {
          ...parParams(),
          client_id: keyed.clientId,
          client_assertion_type: JWT_BEARER,
          client_assertion: await assertion(deps, keyed),
        })
      ).status,
    ).toBe(201);

    // A key brand never gets in with a secret, whatever it sends; a wrong secret fails as an unknown client does.
    for (const res of [
      await post('/oauth/par', { ...parParams(), client_id: keyed.clientId, client_secret: secret.secret }),
      await post('/oauth/par', { ...parParams(), client_id: keyed.clientId, client_secret: '' }),
      await form(app, '/oauth/par', { clientId: keyed.clientId, secret: secret.secret }, parParams()),
      await post('/oauth/par', { ...parParams(), client_id: secret.clientId, client_secret: `${secret.secret}x` }),
      await post('/oauth/par', { ...parParams(), client_id: 'brand_nobody', client_secret: secret.secret }),
    ]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    }
    expect(await deps.store.db.selectFrom('grant_requests').select('id').execute()).toHaveLength(3);
  });

  it('accepts client_secret_post, with client_id beside it, at the token, introspection and revocation endpoints too', async () => {
    const brand = await secretBrand(deps);
    const creds = { client_id: brand.clientId, client_secret: brand.secret };
    const token = await post('/oauth/token', { grant_type: 'client_credentials', ...creds });
    expect(token.status).toBe(200);
    const { access_token } = await token.json();
    expect(await (await post('/oauth/introspect', { token: access_token, ...creds })).json()).toMatchObject({ active: true, client_id: brand.clientId });
    expect((await post('/oauth/revoke', { token: access_token, ...creds })).status).toBe(200);
    expect((await (await post('/oauth/introspect', { token: access_token, ...creds })).json()).active).toBe(false);
    const noId = await post('/oauth/token', { grant_type: 'client_credentials', client_secret: brand.secret });
    expect(noId.status).toBe(401);
    expect((await noId.json()).error).toBe('invalid_client');
  });

  it('refuses a request that uses two authentication methods at once', async () => {
    const secret = await secretBrand(deps);
    const keyed = await jwtBrand(deps);
    const twice = [
      await post('/oauth/par', { ...parParams(), client_id: secret.clientId, client_secret: secret.secret }, { authorization: basic(secret) }),
      await post('/oauth/par', {
        ...parParams(),
        client_id: keyed.clientId,
        client_secret: 'x',
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion(deps, keyed),
      }),
    ];
    for (const res of twice) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Use exactly one client authentication method.' });
    }
    expect(await deps.store.db.selectFrom('grant_requests').select('id').execute()).toHaveLength(0);
  });
});

describe('the WWW-Authenticate challenge on invalid_client (RFC 6749 §5.2)', () => {
  it('is sent only to a client that authenticated with HTTP Basic, and only with invalid_client', async () => {
    const secret = await secretBrand(deps);
    const keyed = await jwtBrand(deps);
    const viaBasic = await form(app, '/oauth/token', { ...secret, secret: 'wrong' }, { grant_type: 'client_credentials' });
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.headers.get('www-authenticate')).toBe('Basic realm="trove"');

    const inBody = [
      await post('/oauth/token', { grant_type: 'client_credentials', client_id: secret.clientId, client_secret: 'wrong' }),
      await post('/oauth/token', {
        grant_type: 'client_credentials',
        client_id: keyed.clientId,
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion(deps, keyed, 'https://elsewhere.example'),
      }),
      await post('/oauth/token', { grant_type: 'client_credentials', client_id: secret.clientId }),
      await post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: 'Bearer abc' }),
    ];
    for (const res of inBody) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toMatchObject({ error: 'invalid_client', error_description: expect.any(String) });
    }
    // Nor with any other error, even to a Basic client.
    const otherError = await form(app, '/oauth/par', secret, { ...parParams(), redirect_uri: 'https://evil.example/cb' });
    expect(otherError.status).toBe(400);
    expect(otherError.headers.get('www-authenticate')).toBeNull();
  });
});
