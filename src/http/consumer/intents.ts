// Intents: GET/POST /api/me/intents, GET/DELETE /api/me/intents/{id} (DELETE withdraws).
import { z } from 'zod';
import { consumerIntent, createIntent, intentInput, listIntents, withdrawIntent } from '../../features/profile/intents.ts';
import { route, type Route } from '../route.ts';

export const idParam = z.object({ id: z.string().min(1).max(64) });

export const intentRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/intents',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'My intents and who read them',
    handler: async ({ deps, c, auth }) => c.json({ intents: await listIntents(deps, auth.consumerId) }),
  }),
  route({
    method: 'post',
    path: '/api/me/intents',
    tag: 'Consumer API',
    auth: 'consumer',
    body: intentInput,
    ok: 201,
    summary: 'Publish an intent',
    handler: async ({ deps, c, auth, body }) => c.json(await createIntent(deps, auth.consumerId, body), 201),
  }),
  route({
    method: 'get',
    path: '/api/me/intents/{id}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: idParam,
    summary: 'One intent',
    handler: async ({ deps, c, auth, params }) => c.json(await consumerIntent(deps, auth.consumerId, params.id)),
  }),
  route({
    method: 'delete',
    path: '/api/me/intents/{id}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: idParam,
    ok: 204,
    summary: 'Withdraw an intent',
    handler: async ({ deps, c, auth, params }) => {
      await withdrawIntent(deps, auth.consumerId, params.id);
      return c.body(null, 204);
    },
  }),
];
