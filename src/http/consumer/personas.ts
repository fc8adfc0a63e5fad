// Personas: GET/POST /api/me/personas, DELETE /api/me/personas/{name}.
import { z } from 'zod';
import { createPersona, deletePersona, listPersonas } from '../../features/profile/personas.ts';
import { route, type Route } from '../route.ts';

export const personaSchemas = {
  create: z.strictObject({ name: z.string().max(40), label: z.string().trim().min(1).max(60) }),
  name: z.object({ name: z.string().min(1).max(40) }),
};

export const personaRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/personas',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'My personas',
    handler: async ({ deps, c, auth }) => c.json({ personas: await listPersonas(deps, auth.consumerId) }),
  }),
  route({
    method: 'post',
    path: '/api/me/personas',
    tag: 'Consumer API',
    auth: 'consumer',
    body: personaSchemas.create,
    ok: 201,
    summary: 'Create a persona',
    handler: async ({ deps, c, auth, body }) => c.json(await createPersona(deps, auth.consumerId, body), 201),
  }),
  route({
    method: 'delete',
    path: '/api/me/personas/{name}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: personaSchemas.name,
    ok: 204,
    summary: 'Delete a persona and its values',
    handler: async ({ deps, c, auth, params }) => {
      await deletePersona(deps, auth.consumerId, params.name);
      return c.body(null, 204);
    },
  }),
];
