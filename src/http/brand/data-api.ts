// The brand data API: GET /v1/attributes (the token's grant), the grants the brand
// holds (GET /v1/grants, /v1/grants/{id}, /v1/grants/{id}/attributes) and giving a
// grant up (DELETE /v1/grants/{id}). Every read is audited inside readGrant.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { Forbidden } from '../../errors.ts';
import { brandGrant, brandGrantView, grantListQuery, listBrandGrants, relinquishGrant } from '../../features/grants/brand-grants.ts';
import { readGrant } from '../../features/grants/read-attributes.ts';
import { params, query } from '../validate.ts';
import { bearer, type BrandEnv } from './bearer.ts';

const idParam = z.object({ id: z.string().min(1).max(64) });

export function dataApiRoutes(deps: Deps) {
  const reader = (c: { get(k: 'token'): BrandEnv['Variables']['token'] }) => ({ brandId: c.get('token').client_id, jti: c.get('token').jti });
  const readBearer = bearer(deps, { checkedAtCommit: true });
  const anyBearer = bearer(deps);
  return new Hono<BrandEnv>()
    // Reads check token, brand and grant as guards of their audited commit, so a denied
    // read is recorded with its reason; everything else is refused at the door.
    .use('/v1/attributes', bearer(deps, { checkedAtCommit: true }))
    .use('/v1/grants', bearer(deps))
    .use('/v1/grants/*', (c, next) => (c.req.method === 'GET' && c.req.path.endsWith('/attributes') ? readBearer : anyBearer)(c, next))
    .get('/v1/attributes', async (c) => {
      const grantId = c.get('token').grant_id;
      if (!grantId) throw new Forbidden('This endpoint needs a token issued for a consumer grant; use /v1/grants/{id}/attributes with a client token.');
      c.header('cache-control', 'no-store');
      return c.json(await readGrant(deps, reader(c), grantId));
    })
    .get('/v1/grants', query(grantListQuery), async (c) => {
      const token = c.get('token');
      const q = c.req.valid('query');
      if (token.grant_id) {
        // A consumer-bound token sees only its own grant.
        const g = await brandGrant(deps, token.client_id, token.grant_id);
        return c.json({ grants: [brandGrantView(g)].filter((v) => !q.status || v.status === q.status), next_cursor: null });
      }
      return c.json(await listBrandGrants(deps, token.client_id, q));
    })
    .get('/v1/grants/:id', params(idParam), async (c) => {
      const token = c.get('token');
      const id = c.req.valid('param').id;
      if (token.grant_id && token.grant_id !== id) throw new Forbidden('This token is bound to another grant.');
      return c.json(brandGrantView(await brandGrant(deps, token.client_id, id)));
    })
    .get('/v1/grants/:id/attributes', params(idParam), async (c) => {
      const token = c.get('token');
      const id = c.req.valid('param').id;
      if (token.grant_id && token.grant_id !== id) throw new Forbidden('This token is bound to another grant.');
      c.header('cache-control', 'no-store');
      return c.json(await readGrant(deps, reader(c), id));
    })
    .delete('/v1/grants/:id', params(idParam), async (c) => {
      const token = c.get('token');
      const id = c.req.valid('param').id;
      if (token.grant_id && token.grant_id !== id) throw new Forbidden('This token is bound to another grant.');
      await relinquishGrant(deps, token.client_id, id);
      return c.body(null, 204);
    });
}
