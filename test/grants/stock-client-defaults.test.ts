// What stock OAuth client libraries send or read by default: a scope at PAR is ignored
// (RFC 6749 §3.3), not refused, and the metadata (RFC 8414) advertises client_secret_post
// and no scopes_supported, since Trove has no scopes.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { testDeps } from '../helpers/deps.ts';
import { exchange, par, read, requestId } from '../helpers/raw-oauth.ts';

describe('stock client defaults', () => {
  it('ignores a scope sent at PAR: the request, consent, token and read go as without it', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
    await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 38, system: 'EU' } } });
    const brand = await secretBrand(deps);
    const { res, verifier } = await par(app, brand, { scope: 'openid profile email' });
    expect(res.status).toBe(201);
    const approved = await me.call(`/api/me/requests/${requestId((await res.json()).request_uri)}/approve`, {
      method: 'POST',
      json: { attributes: ['email', 'shoe_size'] },
    });
    const code = new URL((await approved.json()).redirect_to).searchParams.get('code')!;
    const tokens = await (await exchange(app, brand, code, verifier)).json();
    expect(tokens).not.toHaveProperty('scope');
    expect(tokens.authorization_details[0].attributes).toEqual(['email', 'shoe_size']);
    expect((await (await read(app, tokens.access_token)).json()).attributes).toEqual({ email: 'ada@example.com', shoe_size: { size: 38, system: 'EU' } });
  });

  it('advertise client_secret_post for every authenticated endpoint, and no empty scopes_supported', async () => {
    const meta = await (await createApp(await testDeps()).request('/.well-known/oauth-authorization-server')).json();
    for (const endpoint of ['token', 'revocation', 'introspection']) {
      expect(meta[`${endpoint}_endpoint_auth_methods_supported`]).toEqual(['private_key_jwt', 'client_secret_basic', 'client_secret_post']);
    }
    expect(meta).not.toHaveProperty('scopes_supported');
  });
});
