// The profile: GET /api/me/attributes, PUT and DELETE /api/me/attributes/{name}
// (optionally for one persona), and the public catalogue.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { deleteAttribute, listProfile, setAttribute } from '../../features/profile/attributes.ts';
import { CATALOG } from '../../features/profile/catalog.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { body, params, query } from '../validate.ts';

export const attributeSchemas = {
  name: z.object({ name: z.string().min(1).max(64) }),
  persona: z.object({ persona: z.string().max(40).optional() }),
  put: z.strictObject({ value: z.unknown(), persona: z.string().max(40).nullable().optional() }),
};

export function attributeRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/catalog/attributes', (c) => {
      c.header('cache-control', 'public, max-age=3600');
      return c.json({
        attributes: CATALOG.map(({ schema: _s, ...e }) => e),
        custom: { prefix: 'x-', types: ['text', 'json'], text_max: 1000, json_max_bytes: 4096 },
      });
    })
    .get('/api/me/attributes', async (c) => {
      c.header('cache-control', 'no-store');
      return c.json({ attributes: await listProfile(deps, consumerId(c)) });
    })
    .put('/api/me/attributes/:name', params(attributeSchemas.name), body(attributeSchemas.put), async (c) => {
      const { name } = c.req.valid('param');
      return c.json(await setAttribute(deps, consumerId(c), name, c.req.valid('json')));
    })
    .delete('/api/me/attributes/:name', params(attributeSchemas.name), query(attributeSchemas.persona), async (c) => {
      await deleteAttribute(deps, consumerId(c), c.req.valid('param').name, c.req.valid('query').persona ?? '');
      return c.body(null, 204);
    });
}
