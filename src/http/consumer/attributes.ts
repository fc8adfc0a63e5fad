// The profile: GET /api/me/attributes, PUT and DELETE /api/me/attributes/{name}
// (optionally for one persona), and the public catalogue.
import { z } from 'zod';
import { deleteAttribute, listProfile, setAttribute } from '../../features/profile/attributes.ts';
import { catalogView } from '../../features/profile/catalog.ts';
import { route, type Route } from '../route.ts';

export const attributeSchemas = {
  name: z.object({ name: z.string().min(1).max(64) }),
  persona: z.object({ persona: z.string().max(40).optional() }),
  put: z.strictObject({ value: z.unknown(), persona: z.string().max(40).nullable().optional() }),
};

export const attributeRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/catalog/attributes',
    tag: 'Consumer API',
    auth: 'none',
    summary: 'The catalogue of well-known attributes',
    handler: ({ c }) => {
      c.header('cache-control', 'public, max-age=3600');
      return c.json(catalogView());
    },
  }),
  route({
    method: 'get',
    path: '/api/me/attributes',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'My profile',
    handler: async ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json({ attributes: await listProfile(deps, auth.consumerId) });
    },
  }),
  route({
    method: 'put',
    path: '/api/me/attributes/{name}',
    tag: 'Consumer API',
    auth: 'consumer',
    params: attributeSchemas.name,
    body: attributeSchemas.put,
    summary: 'Set an attribute (optionally for a persona)',
    handler: async ({ deps, c, auth, params, body }) => c.json(await setAttribute(deps, auth.consumerId, params.name, body)),
  }),
  route({
    method: 'delete',
    path: '/api/me/attributes/{name}',
    tag: 'Consumer API',
    auth: 'consumer',
    params: attributeSchemas.name,
    query: attributeSchemas.persona,
    ok: 204,
    summary: 'Delete an attribute value',
    handler: async ({ deps, c, auth, params, query }) => {
      await deleteAttribute(deps, auth.consumerId, params.name, query.persona ?? '');
      return c.body(null, 204);
    },
  }),
];
