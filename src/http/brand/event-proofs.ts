// A brand's view of the audit log: the events about one of its grants, and for any of
// them an inclusion proof against a signed checkpoint (leaf hash only: the canonical event
// names the consumer's internal id, which brands never learn).
import { z } from 'zod';
import { brandGrantEvents } from '../../features/audit/brand-events.ts';
import { eventFor, inclusionProofOf } from '../../features/audit/log-proofs.ts';
import { inclusionResponse } from '../auditor/log-api.ts';
import { route, type Route } from '../route.ts';
import { grantIdParam } from './brand-schemas.ts';
import { ownGrant } from './data-api.ts';

const eventsQuery = z.object({
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const proofParams = z.object({ id: z.string().min(1).max(64) });
const proofQuery = z.object({ tree_size: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() });

export const brandEventRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/grants/{id}/events',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: grantIdParam,
    query: eventsQuery,
    summary: 'Audit events about one of the brand’s grants, newest first (no consumer ids)',
    handler: async ({ deps, c, auth, params, query }) => {
      ownGrant(auth.token, params.id);
      c.header('cache-control', 'no-store');
      return c.json(await brandGrantEvents(deps, auth.token.client_id, params.id, query));
    },
  }),
  route({
    method: 'get',
    path: '/v1/audit-events/{id}/proof',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: proofParams,
    query: proofQuery,
    response: inclusionResponse,
    summary: 'Inclusion proof of an audit event about the brand’s grants, against a signed checkpoint',
    handler: async ({ deps, c, auth, params, query }) => {
      c.header('cache-control', 'no-store');
      const event = await eventFor(deps.store.db, { id: params.id, brandId: auth.token.client_id });
      if (event.grant_id) ownGrant(auth.token, event.grant_id);
      return c.json(await inclusionProofOf(deps, event, { treeSize: query.tree_size, showCanonical: false }));
    },
  }),
];
