// The OAuth endpoints: POST /oauth/par, GET /oauth/authorize, POST /oauth/token,
// POST /oauth/revoke, POST /oauth/introspect. Errors are RFC 6749 bodies.
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { OAuthError } from '../../errors.ts';
import { authenticateClient } from '../../features/brands/client-auth.ts';
import { pushAuthorizationRequest, startAuthorization } from '../../features/grants/par.ts';
import { authorizationCodeGrant, clientCredentialsGrant, refreshTokenGrant } from '../../features/grants/token-grants.ts';
import { introspectToken, revokeToken } from '../../features/grants/token-introspection.ts';
import { clientAuthInput, oauthForm } from './form.ts';
import { checkForm, oauthForms } from './form-schemas.ts';

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function oauthRoutes(deps: Deps) {
  return new Hono()
    .post('/oauth/par', async (c) => {
      const form = await oauthForm(c);
      const brand = await authenticateClient(deps, clientAuthInput(c, form), '/oauth/par');
      checkForm(oauthForms.par, form);
      return c.json(await pushAuthorizationRequest(deps, brand, form), 201, noStore);
    })
    .get('/oauth/authorize', async (c) => {
      const to = await startAuthorization(deps, { client_id: c.req.query('client_id'), request_uri: c.req.query('request_uri') });
      return c.redirect(to, 303);
    })
    .post('/oauth/token', async (c) => {
      const form = await oauthForm(c);
      const brand = await authenticateClient(deps, clientAuthInput(c, form), '/oauth/token');
      checkForm(oauthForms.token, form);
      switch (form.grant_type) {
        case 'authorization_code':
          return c.json(await authorizationCodeGrant(deps, brand, form), 200, noStore);
        case 'refresh_token':
          return c.json(await refreshTokenGrant(deps, brand, form), 200, noStore);
        case 'client_credentials':
          return c.json(await clientCredentialsGrant(deps, brand, form), 200, noStore);
        default:
          throw new OAuthError('unsupported_grant_type', 'Use authorization_code, refresh_token or client_credentials.');
      }
    })
    .post('/oauth/revoke', async (c) => {
      const form = await oauthForm(c);
      const brand = await authenticateClient(deps, clientAuthInput(c, form), '/oauth/revoke');
      checkForm(oauthForms.revoke, form);
      await revokeToken(deps, brand, form.token!);
      return c.body(null, 200, noStore);
    })
    .post('/oauth/introspect', async (c) => {
      const form = await oauthForm(c);
      const brand = await authenticateClient(deps, clientAuthInput(c, form), '/oauth/introspect');
      checkForm(oauthForms.introspect, form);
      return c.json(await introspectToken(deps, brand, form.token!), 200, noStore);
    });
}
