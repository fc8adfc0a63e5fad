// The brand's side of the lifecycle: record value delivered (POST /v1/grants/{id}/value),
// fetch a grant's latest receipt (GET /v1/grants/{id}/receipt) and see its webhook
// delivery log (GET /v1/webhooks/deliveries), and read the intents its grants cover
// (GET /v1/intents).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { Forbidden } from '../../errors.ts';
import { brandReceipt } from '../../features/grants/receipts.ts';
import { brandIntents } from '../../features/grants/brand-intents.ts';
import { recordValue, valueInput } from '../../features/value/ledger.ts';
import { listDeliveries } from '../../features/webhooks/dispatch.ts';
import { body, params, query } from '../validate.ts';
import { bearer, type BrandEnv } from './bearer.ts';

const idParam = z.object({ id: z.string().min(1).max(64) });
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export function brandLifecycleRoutes(deps: Deps) {
  const ownGrant = (token: BrandEnv['Variables']['token'], id: string) => {
    if (token.grant_id && token.grant_id !== id) throw new Forbidden('This token is bound to another grant.');
  };
  return new Hono<BrandEnv>()
    .use('/v1/webhooks/*', bearer(deps))
    .post('/v1/grants/:id/value', params(idParam), body(valueInput), async (c) => {
      const id = c.req.valid('param').id;
      ownGrant(c.get('token'), id);
      return c.json(await recordValue(deps, c.get('token').client_id, id, c.req.valid('json')), 201);
    })
    .get('/v1/grants/:id/receipt', params(idParam), async (c) => {
      const id = c.req.valid('param').id;
      ownGrant(c.get('token'), id);
      return c.json(await brandReceipt(deps, c.get('token').client_id, id));
    })
    .use('/v1/intents', bearer(deps))
    .get('/v1/intents', async (c) => {
      const t = c.get('token');
      c.header('cache-control', 'no-store');
      return c.json(await brandIntents(deps, { brandId: t.client_id, jti: t.jti }, t.grant_id));
    })
    .get('/v1/webhooks/deliveries', query(deliveriesQuery), async (c) =>
      c.json({ deliveries: await listDeliveries(deps, c.get('token').client_id, c.req.valid('query').limit) }));
}
