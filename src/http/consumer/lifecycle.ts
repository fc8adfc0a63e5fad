// The consumer's receipts (GET /api/me/receipts/{id}) and value ledger (GET /api/me/value).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { consumerReceipt } from '../../features/grants/receipts.ts';
import { valueSummary } from '../../features/value/ledger.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { params } from '../validate.ts';

export function lifecycleRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me/receipts/:id', params(z.object({ id: z.string().min(1).max(64) })), async (c) =>
      c.json(await consumerReceipt(deps, consumerId(c), c.req.valid('param').id)))
    .get('/api/me/value', async (c) => c.json(await valueSummary(deps, consumerId(c))));
}
