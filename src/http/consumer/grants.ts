// The consumer's side of grants: the consent decision on a request
// (/api/me/requests/{id}, /approve with an optional trim, /deny) and their grants
// (/api/me/grants, /api/me/grants/{id}, /api/me/grants/{id}/revoke).
import { z } from 'zod';
import { approveRequest, denyRequest, viewRequest } from '../../features/grants/consent.ts';
import { consumerGrant, listConsumerGrants, revokeGrant } from '../../features/grants/consumer-grants.ts';
import { route, type Route } from '../route.ts';

export const consentSchemas = {
  id: z.object({ id: z.string().min(1).max(64) }),
  approve: z.strictObject({ attributes: z.array(z.string().max(64)).max(60).optional() }),
};
const id = consentSchemas.id;

export const consumerGrantRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/requests/{id}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: id,
    summary: 'A brand’s request, for the consent screen',
    handler: async ({ deps, c, auth, params }) => {
      c.header('cache-control', 'no-store');
      return c.json(await viewRequest(deps, auth.consumerId, params.id));
    },
  }),
  route({
    method: 'post',
    path: '/api/me/requests/{id}/approve',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: id,
    body: consentSchemas.approve,
    summary: 'Approve, optionally dropping optional attributes',
    handler: async ({ deps, c, auth, params, body }) => {
      const { redirect_to } = await approveRequest(deps, auth.consumerId, params.id, body.attributes);
      return c.json({ redirect_to });
    },
  }),
  route({
    method: 'post',
    path: '/api/me/requests/{id}/deny',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: id,
    summary: 'Deny the request',
    handler: async ({ deps, c, auth, params }) => c.json(await denyRequest(deps, auth.consumerId, params.id)),
  }),
  route({
    method: 'get',
    path: '/api/me/grants',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'My grants, active and ended',
    handler: async ({ deps, c, auth }) => c.json(await listConsumerGrants(deps, auth.consumerId)),
  }),
  route({
    method: 'get',
    path: '/api/me/grants/{id}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: id,
    summary: 'One grant, with read count and last read',
    handler: async ({ deps, c, auth, params }) => c.json(await consumerGrant(deps, auth.consumerId, params.id)),
  }),
  route({
    method: 'post',
    path: '/api/me/grants/{id}/revoke',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: id,
    summary: 'Revoke a grant, effective at once',
    handler: async ({ deps, c, auth, params }) => c.json(await revokeGrant(deps, auth.consumerId, params.id)),
  }),
];
