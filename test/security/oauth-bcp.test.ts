import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { secretBrand } from '../helpers/brands.ts';
import { testDeps } from '../helpers/deps.ts';
import { form, par } from '../helpers/raw-oauth.ts';

describe('OAuth 2.0 Security BCP (RFC 9700) choices', () => {
  it('advertise only the code flow, S256, required PAR and the iss response parameter', async () => {
    const deps = await testDeps();
    const meta = await (await createApp(deps).request('/.well-known/oauth-authorization-server')).json();
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.require_pushed_authorization_requests).toBe(true);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.grant_types_supported).not.toContain('password');
    expect(meta.grant_types_supported).not.toContain('implicit');
  });

  it('refuse the password grant, the implicit flow and the plain PKCE method', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const brand = await secretBrand(deps);
    const password = await form(app, '/oauth/token', brand, { grant_type: 'password', username: 'a', password: 'b' });
    expect(password.status).toBe(400);
    expect((await password.json()).error).toMatch(/unsupported_grant_type|invalid_request/);
    expect((await par(app, brand, { response_type: 'token' })).res.status).toBe(400);
    expect((await par(app, brand, { code_challenge_method: 'plain' })).res.status).toBe(400);
  });
});
