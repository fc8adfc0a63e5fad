// The OAuth endpoints: POST /oauth/par, GET /oauth/authorize, POST /oauth/token,
// POST /oauth/revoke, POST /oauth/introspect. Errors are RFC 6749 bodies; every answer
// with a token or a secret is no-store.
import { OAuthError } from '../../errors.ts';
import { pushAuthorizationRequest, startAuthorization } from '../../features/grants/par.ts';
import { authorizationCodeGrant, clientCredentialsGrant, refreshTokenGrant } from '../../features/grants/token-grants.ts';
import { introspectToken, revokeToken } from '../../features/grants/token-introspection.ts';
import { route, type Route } from '../route.ts';
import { authorizeQuery, oauthForms, oauthResponses } from './form-schemas.ts';

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

export const oauthRoutes: Route[] = [
  route({
    method: 'post',
    path: '/oauth/par',
    tag: 'OAuth',
    auth: 'client',
    limit: 'par',
    form: oauthForms.par,
    ok: 201,
    response: oauthResponses.par,
    summary: 'Push an authorization request with trove_attributes details (RFC 9126, RFC 9396)',
    handler: async ({ deps, c, auth, form }) => c.json(await pushAuthorizationRequest(deps, auth.brand, form), 201, noStore),
  }),
  route({
    method: 'get',
    path: '/oauth/authorize',
    tag: 'OAuth',
    auth: 'none',
    query: authorizeQuery,
    ok: 303,
    summary: 'Send the browser to the consent page',
    handler: async ({ deps, c, query }) => c.redirect(await startAuthorization(deps, query), 303),
  }),
  route({
    method: 'post',
    path: '/oauth/token',
    tag: 'OAuth',
    auth: 'client',
    limit: 'token',
    form: oauthForms.token,
    response: oauthResponses.token,
    summary: 'Exchange a code (PKCE), refresh (rotated) or get a client token',
    handler: async ({ deps, c, auth, form }) => {
      switch (form.grant_type) {
        case 'authorization_code':
          return c.json(await authorizationCodeGrant(deps, auth.brand, form), 200, noStore);
        case 'refresh_token':
          return c.json(await refreshTokenGrant(deps, auth.brand, form), 200, noStore);
        case 'client_credentials':
          return c.json(await clientCredentialsGrant(deps, auth.brand, form), 200, noStore);
        default:
          throw new OAuthError('unsupported_grant_type', 'Use authorization_code, refresh_token or client_credentials.');
      }
    },
  }),
  route({
    method: 'post',
    path: '/oauth/revoke',
    tag: 'OAuth',
    auth: 'client',
    limit: 'introspect',
    form: oauthForms.revoke,
    summary: 'Revoke a token (RFC 7009)',
    handler: async ({ deps, c, auth, form }) => {
      await revokeToken(deps, auth.brand, form.token);
      return c.body(null, 200, noStore);
    },
  }),
  route({
    method: 'post',
    path: '/oauth/introspect',
    tag: 'OAuth',
    auth: 'client',
    limit: 'introspect',
    form: oauthForms.introspect,
    response: oauthResponses.introspect,
    summary: 'Introspect a token (RFC 7662)',
    handler: async ({ deps, c, auth, form }) => c.json(await introspectToken(deps, auth.brand, form.token), 200, noStore),
  }),
];
