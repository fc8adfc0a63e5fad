// Personas: GET/POST /api/me/personas, DELETE /api/me/personas/{name}.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { createPersona, deletePersona, listPersonas } from '../../features/profile/personas.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { body, params } from '../validate.ts';

export const personaSchemas = {
  create: z.strictObject({ name: z.string().max(40), label: z.string().trim().min(1).max(60) }),
  name: z.object({ name: z.string().min(1).max(40) }),
};

export function personaRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me/personas', async (c) => c.json({ personas: await listPersonas(deps, consumerId(c)) }))
    .post('/api/me/personas', body(personaSchemas.create), async (c) =>
      c.json(await createPersona(deps, consumerId(c), c.req.valid('json')), 201))
    .delete('/api/me/personas/:name', params(personaSchemas.name), async (c) => {
      await deletePersona(deps, consumerId(c), c.req.valid('param').name);
      return c.body(null, 204);
    });
}
