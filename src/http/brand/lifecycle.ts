// The brand's side of the lifecycle: record value delivered (POST /v1/grants/{id}/value),
// fetch a grant's latest receipt (GET /v1/grants/{id}/receipt), see its webhook delivery
// log (GET /v1/webhooks/deliveries), and read the intents its grants cover (GET /v1/intents).
import { brandReceipt } from '../../features/grants/receipts.ts';
import { countersignReceipt } from '../../features/grants/receipt-countersign.ts';
import { z } from 'zod';
import { brandIntents } from '../../features/grants/brand-intents.ts';
import { recordValue, valueInput } from '../../features/value/ledger.ts';
import { listDeliveries } from '../../features/webhooks/dispatch.ts';
import { route, type Route } from '../route.ts';
import { brandResponses, deliveriesQuery, grantIdParam } from './brand-schemas.ts';
import { ownGrant } from './data-api.ts';

const countersignBody = z.strictObject({ jws: z.string().min(1).max(8192).optional() });

export const brandLifecycleRoutes: Route[] = [
  route({
    method: 'post',
    path: '/v1/grants/{id}/value',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: grantIdParam,
    body: valueInput,
    ok: 201,
    response: brandResponses.value,
    summary: 'Record value delivered to the consumer',
    handler: async ({ deps, c, auth, params, body }) => {
      ownGrant(auth.token, params.id);
      return c.json(await recordValue(deps, auth.token.client_id, params.id, body), 201);
    },
  }),
  route({
    method: 'get',
    path: '/v1/grants/{id}/receipt',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: grantIdParam,
    response: brandResponses.receipt,
    summary: 'The grant’s latest signed consent receipt',
    handler: async ({ deps, c, auth, params }) => {
      ownGrant(auth.token, params.id);
      return c.json(await brandReceipt(deps, auth.token.client_id, params.id));
    },
  }),
  route({
    method: 'post',
    path: '/v1/grants/{id}/receipt/countersign',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: grantIdParam,
    body: countersignBody,
    summary: 'Countersign the grant’s latest receipt (your JWS over its hash; {} for a secret-based client), so both sides hold the same record',
    handler: async ({ deps, c, auth, params, body }) => {
      ownGrant(auth.token, params.id);
      return c.json(await countersignReceipt(deps, auth.token.client_id, params.id, body));
    },
  }),
  route({
    method: 'get',
    path: '/v1/intents',
    tag: 'Brand data API',
    auth: 'brand-token',
    summary: 'Open intents the brand’s grants cover (audited)',
    handler: async ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json(await brandIntents(deps, { brandId: auth.token.client_id, jti: auth.token.jti }, auth.token.grant_id));
    },
  }),
  route({
    method: 'get',
    path: '/v1/webhooks/deliveries',
    tag: 'Brand data API',
    auth: 'brand-token',
    query: deliveriesQuery,
    summary: 'The brand’s webhook delivery log',
    handler: async ({ deps, c, auth, query }) => c.json({ deliveries: await listDeliveries(deps, auth.token.client_id, query.limit) }),
  }),
];
