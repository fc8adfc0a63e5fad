import { beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createApp, BODY_LIMIT } from '../../src/app.ts';
import { silentLog } from '../../src/deps.ts';
import { errorHandler } from '../../src/http/error-handler.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { testDeps, testDialect, type TestDeps } from '../helpers/deps.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps);
});

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  return body;
}

describe('health and keys', () => {
  it('answers /healthz with 200 when the database is reachable', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: testDialect });
  });

  it('answers /healthz with 503 problem+json when the database is gone', async () => {
    const broken = await testDeps();
    await broken.store.close();
    await expectProblem(await createApp(broken).request('/healthz'), 503);
  });

  it('publishes an Ed25519 JWKS with a kid and no private member', async () => {
    const res = await app.request('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const { keys } = await res.json();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const k of keys) {
      expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String) });
      expect(k).not.toHaveProperty('d');
    }
  });

  it('gives every response a request id', async () => {
    const res = await app.request('/healthz');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('bad input', () => {
  it('answers an unknown route with 404 problem+json', async () => {
    await expectProblem(await app.request('/no/such/route'), 404);
  });

  it('answers a wrong method with 405 problem+json and an Allow header', async () => {
    const res = await app.request('/healthz', { method: 'DELETE' });
    await expectProblem(res, 405);
    expect(res.headers.get('allow')).toContain('GET');
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await app.request('/api/anything', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": ',
    });
    const body = await expectProblem(res, 400);
    expect(body.detail).toMatch(/not valid JSON/);
  });

  it('answers a body over the limit with 413 problem+json', async () => {
    const res = await app.request('/api/anything', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'a'.repeat(BODY_LIMIT) }),
    });
    await expectProblem(res, 413);
  });

  it('answers a non-JSON body to the JSON API with 415 (and with 403 before sign-in, as a CSRF defence)', async () => {
    const me = await signedInConsumer(deps, app);
    await expectProblem(await me.call('/api/me/personas', { method: 'POST', headers: { 'content-type': 'text/plain' } }), 415);
    const anonymous = await app.request('/api/passkeys/login/options', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    await expectProblem(anonymous, 403);
  });

  it('renders an unexpected error as a bare 500 that leaks no internals', async () => {
    // A throwaway app with Trove's renderer: Trove's own routes must never produce a 500.
    const logged: unknown[] = [];
    const a = new Hono();
    a.onError(errorHandler({ ...silentLog, error: (_m, f) => logged.push(f) }));
    a.get('/boom', () => {
      throw new Error('secret internals at /var/lib/trove');
    });
    const res = await a.request('/boom');
    const body = await expectProblem(res, 500);
    expect(JSON.stringify(body)).not.toContain('secret internals');
    expect(logged).toHaveLength(1);
  });
});

describe('security headers', () => {
  it('sets a CSP without inline script, frame-ancestors none, no-referrer and nosniff', async () => {
    const res = await app.request('/healthz');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends X-Frame-Options DENY, agreeing with frame-ancestors none', async () => {
    const res = await app.request('/healthz');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends Strict-Transport-Security only when the origin is https', async () => {
    expect(deps.config.origin).toMatch(/^http:/);
    expect((await app.request('/healthz')).headers.get('strict-transport-security')).toBeNull();
    const secureDeps = await testDeps({ origin: 'https://vault.example' });
    expect((await createApp(secureDeps).request('/healthz')).headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    await secureDeps.store.close();
  });
});
