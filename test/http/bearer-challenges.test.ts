// RFC 6750 §3 on the wire: a protected resource's 401 carries its challenge. No token:
// the bare challenge (no error code, §3.1); a garbage, expired or revoked token, or one of
// a disabled brand: error="invalid_token". A live token on a grant the consumer revoked is
// a 403 with the reason, and no challenge. The auditor API answers the same way.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { disableBrand } from '../../src/features/brands/register-brand.ts';
import { ACCESS_TOKEN_TTL_S } from '../../src/features/grants/access-token.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { form, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

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

const get = (path: string, token?: string) => app.request(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
const challenge = (res: Response) => res.headers.get('www-authenticate');

describe('bearer challenges on the brand data API', () => {
  it('answers a request without a token with 401 and the bare challenge', async () => {
    for (const path of ['/v1/attributes', '/v1/grants', '/v1/intents']) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(challenge(res), path).toBe('Bearer realm="trove"');
    }
  });

  it('answers a garbage, an expired and a revoked token with 401 invalid_token and the challenge', async () => {
    const t = await tokensFor(app, brand, me);
    const garbage = await get('/v1/attributes', 'not.a.token');
    expect(garbage.status).toBe(401);
    expect(challenge(garbage)).toMatch(/^Bearer realm="trove", error="invalid_token", error_description="[^"\\\\]+"$/);

    expect((await form(app, '/oauth/revoke', brand, { token: t.access_token })).status).toBe(200);
    for (const path of ['/v1/attributes', `/v1/grants/${t.grant_id}`, `/v1/grants/${t.grant_id}/attributes`]) {
      const revoked = await get(path, t.access_token);
      expect(revoked.status, path).toBe(401);
      expect(challenge(revoked), path).toContain('error="invalid_token"');
    }

    const fresh = await tokensFor(app, brand, me);
    deps.clock.advance((ACCESS_TOKEN_TTL_S + 1) * 1000);
    const expired = await get('/v1/attributes', fresh.access_token);
    expect(expired.status).toBe(401);
    expect(challenge(expired)).toContain('error="invalid_token"');
  });

  it('answers a token of a disabled brand with 401 invalid_token', async () => {
    const t = await tokensFor(app, brand, me);
    await disableBrand(deps, brand.clientId);
    for (const path of ['/v1/attributes', '/v1/grants']) {
      const res = await get(path, t.access_token);
      expect(res.status, path).toBe(401);
      expect(challenge(res), path).toContain('error="invalid_token"');
    }
  });

  it('answers a live token on a grant the consumer revoked with 403 and its reason, no challenge', async () => {
    const t = await tokensFor(app, brand, me);
    expect((await me.call(`/api/me/grants/${t.grant_id}/revoke`, { method: 'POST', json: {} })).status).toBe(200);
    const res = await get('/v1/attributes', t.access_token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ reason: 'revoked' });
    expect(challenge(res)).toBeNull();
  });

  it('sends no challenge with a client-credentials token that reads fine', async () => {
    const cc = (await (await form(app, '/oauth/token', brand, { grant_type: 'client_credentials' })).json()).access_token as string;
    const res = await get('/v1/grants', cc);
    expect(res.status).toBe(200);
    expect(challenge(res)).toBeNull();
  });
});

describe('bearer challenges on the auditor API', () => {
  it('answers no credential with the bare challenge and a bad token with invalid_token, in the audit realm', async () => {
    const none = await get('/v1/audit/events');
    expect(none.status).toBe(401);
    expect(challenge(none)).toBe('Bearer realm="trove-audit"');
    const bad = await get('/v1/audit/events', 'trv_au_nope');
    expect(bad.status).toBe(401);
    expect(challenge(bad)).toContain('realm="trove-audit", error="invalid_token"');
    const { token } = await addAuditor(deps, { name: 'Ada' });
    expect((await get('/v1/audit/events', token)).status).toBe(200);
  });
});
