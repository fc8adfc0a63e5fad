import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { testDeps } from '../helpers/deps.ts';
import { form } from '../helpers/raw-oauth.ts';

describe('NUL characters', () => {
  it('are refused with a 4xx in paths, queries, JSON bodies and OAuth forms on every store', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    expect((await me.call('/api/me/personas/a%00b', { method: 'DELETE' })).status).toBe(400);
    expect((await me.call('/api/me/activity?brand=%00')).status).toBe(400);
    const body = await me.call('/api/me/personas', { method: 'POST', json: { name: 'work', label: 'W\u0000rk' } });
    expect(body.status).toBe(400);
    expect((await body.json()).detail).toContain('NUL');
    const brand = await secretBrand(deps);
    const res = await form(app, '/oauth/par', brand, { response_type: 'code', state: 'a\u0000b' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});
