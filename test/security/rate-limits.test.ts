import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { DEFAULT_LIMITS } from '../../src/features/limits/rate-limiter.ts';
import { secretBrand } from '../helpers/brands.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { basic, par, type SecretClient } from '../helpers/raw-oauth.ts';
import { signedUpCaller, signIn } from '../helpers/passkey-client.ts';

// At scale 0.05: sign-in 15/min per IP, 0 (so off) failures per credential, PAR 6 per IP and 3 per client, token 15/6, introspect 30/15.
const SCALE = 0.05;
let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  deps = await testDeps({ rateLimitScale: SCALE });
  app = createApp(deps, { clientIp: (c) => c.req.header('x-test-ip') });
});

const from = (ip: string, path: string, body: unknown = {}) =>
  Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': ip }, body: JSON.stringify(body) }));

const formFrom = (ip: string, path: string, client: SecretClient, params: Record<string, string>) =>
  Promise.resolve(
    app.request(path, {
      method: 'POST',
      body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client), 'x-test-ip': ip },
    }),
  );

const max = (n: number) => Math.floor(n * SCALE);

describe('rate limits', () => {
  it('answer sign-in floods from one IP with 429 and Retry-After, leave other IPs alone, and reset after the window', async () => {
    const limit = max(DEFAULT_LIMITS.signin.perIp);
    for (let i = 0; i < limit; i++) expect((await from('10.0.0.1', '/api/passkeys/login/options')).status).toBe(200);
    const refused = await from('10.0.0.1', '/api/passkeys/login/options');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // The recovery-code and auditor sign-in share the budget: no switching doors.
    expect((await from('10.0.0.1', '/api/recovery/login', { code: 'x' })).status).toBe(429);
    expect((await from('10.0.0.1', '/api/auditor/login/options')).status).toBe(429);
    expect((await from('10.0.0.2', '/api/passkeys/login/options')).status).toBe(200);
    deps.clock.advance(retry * 1000);
    expect((await from('10.0.0.1', '/api/passkeys/login/options')).status).toBe(200);
  });

  it('limit PAR per client independently of the IP, with an OAuth error body', async () => {
    const x = await secretBrand(deps, 'X');
    const y = await secretBrand(deps, 'Y');
    const perClient = max(DEFAULT_LIMITS.par.perClient);
    const pushFrom = async (ip: string, c: SecretClient) => {
      const { res } = await par(
        {
          request: (p: string, init: RequestInit) => app.request(p, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-test-ip': ip } }),
        } as never,
        c,
      );
      return res;
    };
    for (let i = 0; i < perClient; i++) expect((await pushFrom(`10.1.0.${i}`, x)).status).toBe(201);
    const refused = await pushFrom('10.1.1.1', x);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await pushFrom('10.1.1.1', y)).status).toBe(201);
  });

  it('limit PAR per IP across clients', async () => {
    const brands = await Promise.all([1, 2, 3].map((i) => secretBrand(deps, `B${i}`)));
    const perIp = max(DEFAULT_LIMITS.par.perIp);
    const statuses: number[] = [];
    for (let i = 0; i < perIp + 1; i++) {
      const res = await formFrom('10.2.0.1', '/oauth/par', brands[i % 3]!, { response_type: 'code', client_id: brands[i % 3]!.clientId });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, perIp).every((s) => s !== 429)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('limit the token and introspection endpoints per client', async () => {
    const x = await secretBrand(deps, 'X');
    for (const [path, cls, params] of [
      ['/oauth/token', 'token', { grant_type: 'client_credentials' }],
      ['/oauth/introspect', 'introspect', { token: 'nope' }],
    ] as const) {
      const perClient = max(DEFAULT_LIMITS[cls].perClient);
      const statuses: number[] = [];
      for (let i = 0; i <= perClient; i++) statuses.push((await formFrom(`10.3.${i}.1`, path, x, params)).status);
      expect(statuses.slice(0, perClient).includes(429), path).toBe(false);
      expect(statuses.at(-1), path).toBe(429);
    }
  });

  it('never limit the brand data API', async () => {
    for (let i = 0; i < 50; i++) {
      const res = await app.request('/v1/attributes', { headers: { 'x-test-ip': '10.9.9.9', authorization: 'Bearer x' } });
      expect(res.status).toBe(401);
    }
  });
});

describe('sign-in failures per credential', () => {
  it('refuse a credential that failed too often, from any address, while others behind the same address still sign in', async () => {
    const d = await testDeps({ rateLimitScale: 1 });
    const a = createApp(d, { clientIp: (c) => c.req.header('x-test-ip') });
    const victim = await signedUpCaller(a as never, d.config.origin);
    const attacker = (await signedUpCaller(a as never, d.config.origin)).authenticator;
    const post = (ip: string, path: string, json: unknown) =>
      Promise.resolve(a.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': ip }, body: JSON.stringify(json) }));
    // A client behind the shared address tries one credential id with assertions that cannot verify.
    const guessed = victim.authenticator.credentials()[0]!.id;
    const failures = DEFAULT_LIMITS.signin_failure.perClient;
    for (let i = 0; i < failures; i++) {
      const options = await (await post('203.0.113.9', '/api/passkeys/login/options', {})).json();
      const forged = { ...attacker.authenticate(options), id: guessed, rawId: guessed };
      expect((await post('203.0.113.9', '/api/passkeys/login/verify', forged)).status).toBe(401);
    }
    // That credential is now refused from anywhere, with Retry-After, until the window ends.
    const options = await (await post('198.51.100.7', '/api/passkeys/login/options', {})).json();
    const refused = await post('198.51.100.7', '/api/passkeys/login/verify', victim.authenticator.authenticate(options));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    // Someone else behind the same shared address signs in as usual.
    const neighbour = await signedUpCaller(a as never, d.config.origin);
    const { res } = await signIn(
      {
        request: (p: string, init: RequestInit) =>
          a.request(p, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-test-ip': '203.0.113.9' } }),
      } as never,
      neighbour.authenticator,
    );
    expect(res.status).toBe(200);
    d.clock.advance(DEFAULT_LIMITS.signin_failure.windowMs);
    const again = await (await post('198.51.100.7', '/api/passkeys/login/options', {})).json();
    expect((await post('198.51.100.7', '/api/passkeys/login/verify', victim.authenticator.authenticate(again))).status).toBe(200);
  });
});
