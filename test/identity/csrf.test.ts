import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
});

const attributeRows = async () => (await deps.store.db.selectFrom('attributes').select('name').execute()).length;

describe('CSRF defence on state-changing /api calls', () => {
  it('lets a Trove page through with the token from GET /api/me', async () => {
    const { csrf_token } = await (await me.call('/api/me')).json();
    expect(csrf_token).toBe(me.csrf);
    const res = await me.call('/api/me/attributes/email', {
      method: 'PUT',
      json: { value: 'a@b.example' },
      headers: { origin: deps.config.origin, 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a call without the token with 403 and changes nothing', async () => {
    const res = await app.request('/api/me/attributes/email', {
      method: 'PUT',
      headers: { cookie: me.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'a@b.example' }),
    });
    expect(res.status).toBe(403);
    expect(await attributeRows()).toBe(0);
  });

  it('refuses a wrong token with 403', async () => {
    const res = await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'a@b.example' }, headers: { 'x-csrf-token': 'forged' } });
    expect(res.status).toBe(403);
    expect(await attributeRows()).toBe(0);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    const res = await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'a@b.example' }, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(await attributeRows()).toBe(0);
  });

  it('refuses a cross-site fetch by Sec-Fetch-Site', async () => {
    const res = await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'a@b.example' }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
  });

  it('refuses erasure forged by a cross-site form, leaving the account intact', async () => {
    const res = await app.request('/api/me', {
      method: 'DELETE',
      headers: { cookie: me.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(403);
    const row = await deps.store.db.selectFrom('consumers').select('status').where('id', '=', me.consumerId).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });

  it('requires JSON for calls made before sign-in', async () => {
    const res = await app.request('/api/passkeys/login/options', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const form = await app.request('/api/passkeys/login/options', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect([403, 415]).toContain(form.status);
  });
});
