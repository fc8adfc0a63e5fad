// The brand data API: GET /v1/attributes (the token's grant), the grants the brand holds
// (GET /v1/grants, /v1/grants/{id}, /v1/grants/{id}/attributes) and giving a grant up
// (DELETE /v1/grants/{id}). Every read is audited inside readGrant; reads check token,
// brand and grant as guards of their audited commit (brand-grant-token), so a denied read
// is recorded with its reason.
import { Forbidden } from '../../errors.ts';
import type { AccessClaims } from '../../features/grants/access-token.ts';
import { brandGrant, brandGrantView, grantListQuery, listBrandGrants, relinquishGrant } from '../../features/grants/brand-grants.ts';
import { readGrant } from '../../features/grants/read-attributes.ts';
import { noStoreJson } from '../no-store-json.ts';
import { route, type Route } from '../route.ts';
import { brandResponses, grantIdParam } from './brand-schemas.ts';

const reader = (token: AccessClaims) => ({ brandId: token.client_id, jti: token.jti });

/** A token issued for one consumer grant reaches only that grant. */
export function ownGrant(token: AccessClaims, id: string) {
  if (token.grant_id && token.grant_id !== id) throw new Forbidden('This token is bound to another grant.');
}

export const dataApiRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/attributes',
    tag: 'Brand data API',
    auth: 'brand-grant-token',
    response: brandResponses.attributes,
    summary: 'Read the granted attributes of the token’s subject (audited)',
    handler: async ({ deps, auth }) => {
      const grantId = auth.token.grant_id;
      if (!grantId) throw new Forbidden('This endpoint needs a token issued for a consumer grant; use /v1/grants/{id}/attributes with a client token.');
      return noStoreJson(await readGrant(deps, reader(auth.token), grantId));
    },
  }),
  route({
    method: 'get',
    path: '/v1/grants',
    tag: 'Brand data API',
    auth: 'brand-token',
    query: grantListQuery,
    response: brandResponses.grants,
    summary: 'The brand’s grants, for sync',
    handler: async ({ deps, c, auth, query }) => {
      const token = auth.token;
      if (token.grant_id) {
        // A consumer-bound token sees only its own grant.
        const g = await brandGrant(deps, token.client_id, token.grant_id);
        return c.json({ grants: [brandGrantView(g)].filter((v) => !query.status || v.status === query.status), next_cursor: null });
      }
      return c.json(await listBrandGrants(deps, token.client_id, query));
    },
  }),
  route({
    method: 'get',
    path: '/v1/grants/{id}',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: grantIdParam,
    response: brandResponses.grant,
    summary: 'One grant',
    handler: async ({ deps, c, auth, params }) => {
      ownGrant(auth.token, params.id);
      return c.json(brandGrantView(await brandGrant(deps, auth.token.client_id, params.id)));
    },
  }),
  route({
    method: 'get',
    path: '/v1/grants/{id}/attributes',
    tag: 'Brand data API',
    auth: 'brand-grant-token',
    owned: true,
    params: grantIdParam,
    response: brandResponses.attributes,
    summary: 'Read a grant’s attributes (audited)',
    handler: async ({ deps, auth, params }) => {
      ownGrant(auth.token, params.id);
      return noStoreJson(await readGrant(deps, reader(auth.token), params.id));
    },
  }),
  route({
    method: 'delete',
    path: '/v1/grants/{id}',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: grantIdParam,
    ok: 204,
    summary: 'Give a grant up',
    handler: async ({ deps, c, auth, params }) => {
      ownGrant(auth.token, params.id);
      await relinquishGrant(deps, auth.token.client_id, params.id);
      return c.body(null, 204);
    },
  }),
];
