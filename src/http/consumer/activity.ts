// GET /api/me/activity: the consumer's own audit trail, newest first, cursor paged; and for
// any of its events an inclusion proof against a signed checkpoint, which the portal verifies.
import { activityQuery, consumerActivity } from '../../features/activity/consumer-activity.ts';
import { z } from 'zod';
import { eventFor, inclusionProofOf } from '../../features/audit/log-proofs.ts';
import { inclusionResponse } from '../auditor/log-api.ts';
import { route, type Route } from '../route.ts';

const eventParam = z.object({ id: z.string().min(1).max(64) });

export const activityRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/activity',
    tag: 'Consumer API',
    auth: 'consumer',
    query: activityQuery,
    summary: 'Every event about me (reads, denied attempts, decisions), newest first',
    handler: async ({ deps, c, auth, query }) => {
      c.header('cache-control', 'no-store');
      return c.json(await consumerActivity(deps, auth.consumerId, query));
    },
  }),
  route({
    method: 'get',
    path: '/api/me/activity/{id}/proof',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: eventParam,
    response: inclusionResponse,
    summary: 'Inclusion proof of one of my events in the audit log, against the latest signed checkpoint',
    handler: async ({ deps, c, auth, params }) => {
      c.header('cache-control', 'no-store');
      const event = await eventFor(deps.store.db, { id: params.id, consumerId: auth.consumerId });
      return c.json(await inclusionProofOf(deps, event, { showCanonical: true }));
    },
  }),
];
