// Brands whose keys live at a jwks_uri: the URI must pass the outbound policy, fetches go
// through the guard, are cached and rate-limited per brand, and an unauthenticated caller
// learns nothing about Trove's network from a failed fetch.
import { randomUUID } from 'node:crypto';
import * as jose from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { COOLDOWN_MS, FRESH_MS } from '../../src/features/brands/remote-jwks.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { connectionCounter, probeServer } from '../helpers/probe-servers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await jose.generateKeyPair('Ed25519', { extractable: true });
  return { kid, privateKey, jwk: { ...(await jose.exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

/** POST /oauth/token (client_credentials) with a fresh private_key_jwt assertion. */
async function tokenCall(deps: TestDeps, app: ReturnType<typeof createApp>, clientId: string, key: { kid: string; privateKey: CryptoKey }) {
  const now = Math.floor(deps.clock.now() / 1000);
  const assertion = await new jose.SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(`${deps.config.origin}/oauth/token`)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(key.privateKey);
  const res = await app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A brand whose JWKS is served on loopback (private targets allowed, as in tests and demos). */
async function servedBrand(answer: () => { status: number; body: string }) {
  const deps = await testDeps({ allowPrivateWebhooks: true });
  const server = await probeServer((_req, res) => {
    const a = answer();
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
  });
  cleanups.push(server.close);
  const r = await registerBrand(deps, {
    name: 'Remote Keys',
    redirect_uris: [REDIRECT],
    auth: { method: 'private_key_jwt', jwks_uri: `http://127.0.0.1:${server.port}/jwks` },
  });
  return { deps, app: createApp(deps), server, clientId: r.client_id };
}

describe('jwks_uri at registration', () => {
  it.each([
    'https://127.0.0.1:8443/jwks',
    'https://[::ffff:127.0.0.1]/jwks',
    'https://[::ffff:a9fe:a9fe]/jwks',
    'https://[64:ff9b::7f00:1]/jwks',
    'https://[fec0::1]/jwks',
    'https://localhost./jwks',
    'https://192.0.2.2:9390/jwks',
    'https://keys.internal/jwks',
    'http://keys.brand.example/jwks',
  ])('refuses %s', async (uri) => {
    const deps = await testDeps();
    await expect(registerBrand(deps, { name: 'X', redirect_uris: [REDIRECT], auth: { method: 'private_key_jwt', jwks_uri: uri } })).rejects.toThrow(
      /^jwks_uri /,
    );
  });
});

describe('client assertions checked against a jwks_uri', () => {
  it('never connects to a loopback jwks_uri for an unauthenticated caller, and tells it nothing about the network', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const probe = await connectionCounter();
    cleanups.push(probe.close);
    const r = await registerBrand(deps, {
      name: 'Old Row',
      redirect_uris: [REDIRECT],
      auth: { method: 'private_key_jwt', jwks_uri: 'https://keys.brand.example/jwks' },
    });
    // As a row registered before the policy existed would be.
    await deps.store.db
      .updateTable('brands')
      .set({ jwks_uri: `https://127.0.0.1:${probe.port}/jwks` })
      .where('id', '=', r.client_id)
      .execute();
    const { status, body } = await tokenCall(deps, app, r.client_id, await keyPair('attacker'));
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(probe.connections()).toBe(0);
  });

  it('fetches the key set once and reuses it while fresh, then fetches again', async () => {
    const key = await keyPair('k1');
    const { deps, app, server, clientId } = await servedBrand(() => ({ status: 200, body: JSON.stringify({ keys: [key.jwk] }) }));
    expect((await tokenCall(deps, app, clientId, key)).status).toBe(200);
    expect((await tokenCall(deps, app, clientId, key)).status).toBe(200);
    expect(server.hits()).toBe(1);
    deps.clock.advance(FRESH_MS + 1);
    expect((await tokenCall(deps, app, clientId, key)).status).toBe(200);
    expect(server.hits()).toBe(2);
  });

  it('asks a failing jwks_uri at most once per cooldown and answers every caller the same generic error', async () => {
    const key = await keyPair('k1');
    const { deps, app, server, clientId } = await servedBrand(() => ({ status: 503, body: 'internal detail' }));
    const answers = await Promise.all([1, 2, 3].map(() => tokenCall(deps, app, clientId, key)));
    for (let i = 0; i < 3; i++) answers.push(await tokenCall(deps, app, clientId, key));
    for (const a of answers) expect(a).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } });
    expect(server.hits()).toBe(1);
    deps.clock.advance(COOLDOWN_MS);
    await tokenCall(deps, app, clientId, key);
    expect(server.hits()).toBe(2);
  });

  it('fetches again for a key id it has not seen (the brand rotated its key), within the rate limit', async () => {
    const [a, b] = [await keyPair('a'), await keyPair('b')];
    let keys = [a.jwk];
    const { deps, app, server, clientId } = await servedBrand(() => ({ status: 200, body: JSON.stringify({ keys }) }));
    expect((await tokenCall(deps, app, clientId, a)).status).toBe(200);
    keys = [a.jwk, b.jwk];
    deps.clock.advance(COOLDOWN_MS);
    expect((await tokenCall(deps, app, clientId, b)).status).toBe(200);
    expect(server.hits()).toBe(2);
    // An unknown kid cannot make Trove fetch again before the cooldown has passed.
    expect((await tokenCall(deps, app, clientId, await keyPair('c'))).status).toBe(401);
    expect(server.hits()).toBe(2);
  });

  it('refuses a key set larger than 64 KiB or holding private keys', async () => {
    const key = await keyPair('k1');
    const bodies = [JSON.stringify({ keys: [key.jwk], pad: 'x'.repeat(70 * 1024) }), JSON.stringify({ keys: [{ ...key.jwk, d: 'AAAA' }] })];
    for (const body of bodies) {
      const { deps, app, clientId } = await servedBrand(() => ({ status: 200, body }));
      expect(await tokenCall(deps, app, clientId, key)).toEqual({
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
      });
    }
  });
});
