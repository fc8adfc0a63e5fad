// GET /.well-known/oauth-authorization-server (RFC 8414): what Trove really supports. No
// scopes_supported: Trove has no scopes (authorization_details say what is granted), and
// an empty list says nothing a client can use.
import { route, type Route } from '../route.ts';

export const metadataRoutes: Route[] = [
  route({
    method: 'get',
    path: '/.well-known/oauth-authorization-server',
    tag: 'OAuth',
    auth: 'none',
    summary: 'Authorization server metadata (RFC 8414)',
    handler: ({ deps, c }) => {
      const o = deps.config.origin;
      const authMethods = ['private_key_jwt', 'client_secret_basic', 'client_secret_post'];
      const algs = ['Ed25519', 'EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'];
      c.header('cache-control', 'public, max-age=300');
      return c.json({
        issuer: o,
        authorization_endpoint: `${o}/oauth/authorize`,
        token_endpoint: `${o}/oauth/token`,
        pushed_authorization_request_endpoint: `${o}/oauth/par`,
        require_pushed_authorization_requests: true,
        revocation_endpoint: `${o}/oauth/revoke`,
        introspection_endpoint: `${o}/oauth/introspect`,
        jwks_uri: `${o}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: authMethods,
        token_endpoint_auth_signing_alg_values_supported: algs,
        revocation_endpoint_auth_methods_supported: authMethods,
        revocation_endpoint_auth_signing_alg_values_supported: algs,
        introspection_endpoint_auth_methods_supported: authMethods,
        introspection_endpoint_auth_signing_alg_values_supported: algs,
        authorization_details_types_supported: ['trove_attributes'],
        authorization_response_iss_parameter_supported: true,
        service_documentation: `${o}/docs`,
      });
    },
  }),
];
