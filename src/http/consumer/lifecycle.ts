// The consumer's receipts (GET /api/me/receipts/{id}) and value ledger (GET /api/me/value).
import { z } from 'zod';
import { consumerReceipt } from '../../features/grants/receipts.ts';
import { valueSummary } from '../../features/value/value-summary.ts';
import { route, type Route } from '../route.ts';

const receiptId = z.object({ id: z.string().min(1).max(64) });

export const lifecycleRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/receipts/{id}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: receiptId,
    summary: 'A signed consent receipt',
    handler: async ({ deps, c, auth, params }) => c.json(await consumerReceipt(deps, auth.consumerId, params.id)),
  }),
  route({
    method: 'get',
    path: '/api/me/value',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'Value promised and received, per brand',
    handler: async ({ deps, c, auth }) => c.json(await valueSummary(deps, auth.consumerId)),
  }),
];
