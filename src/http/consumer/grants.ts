// The consumer's side of grants: the consent decision on a request
// (/api/me/requests/{id}, /approve with an optional trim, /deny) and their grants
// (/api/me/grants, /api/me/grants/{id}, /api/me/grants/{id}/revoke).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { approveRequest, denyRequest, viewRequest } from '../../features/grants/consent.ts';
import { consumerGrant, listConsumerGrants, revokeGrant } from '../../features/grants/consumer-grants.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { body, params } from '../validate.ts';

export const consentSchemas = {
  id: z.object({ id: z.string().min(1).max(64) }),
  approve: z.strictObject({ attributes: z.array(z.string().max(64)).max(60).optional() }),
};
const idParam = consentSchemas.id;

export function consumerGrantRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me/requests/:id', params(idParam), async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(await viewRequest(deps, consumerId(c), c.req.valid('param').id));
    })
    .post('/api/me/requests/:id/approve', params(idParam), body(consentSchemas.approve), async (c) => {
      const { redirect_to } = await approveRequest(deps, consumerId(c), c.req.valid('param').id, c.req.valid('json').attributes);
      return c.json({ redirect_to });
    })
    .post('/api/me/requests/:id/deny', params(idParam), async (c) => c.json(await denyRequest(deps, consumerId(c), c.req.valid('param').id)))
    .get('/api/me/grants', async (c) => c.json(await listConsumerGrants(deps, consumerId(c))))
    .get('/api/me/grants/:id', params(idParam), async (c) => c.json(await consumerGrant(deps, consumerId(c), c.req.valid('param').id)))
    .post('/api/me/grants/:id/revoke', params(idParam), async (c) => c.json(await revokeGrant(deps, consumerId(c), c.req.valid('param').id)));
}
