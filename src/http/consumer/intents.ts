// Intents: GET/POST /api/me/intents, GET/DELETE /api/me/intents/{id} (DELETE withdraws).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../errors.ts';
import { createIntent, intentInput, listIntents, withdrawIntent } from '../../features/profile/intents.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { body, params } from '../validate.ts';

export const idParam = z.object({ id: z.string().min(1).max(64) });

export function intentRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me/intents', async (c) => c.json({ intents: await listIntents(deps, consumerId(c)) }))
    .post('/api/me/intents', body(intentInput), async (c) => c.json(await createIntent(deps, consumerId(c), c.req.valid('json')), 201))
    .get('/api/me/intents/:id', params(idParam), async (c) => {
      const intent = (await listIntents(deps, consumerId(c))).find((i) => i.id === c.req.valid('param').id);
      if (!intent) throw new NotFound('No such intent.');
      return c.json(intent);
    })
    .delete('/api/me/intents/:id', params(idParam), async (c) => {
      await withdrawIntent(deps, consumerId(c), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
