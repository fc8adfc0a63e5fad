// The market, for brands: open intents published to it that their terms allow them to see
// (under pseudonyms), offers in answer, and what became of their own offers.
import { z } from 'zod';
import { openMarketIntents } from '../../features/market/market-intents.ts';
import { brandOffer, makeOffer, offerInput } from '../../features/market/offers.ts';
import { route, type Route } from '../route.ts';

const openQuery = z.object({ category: z.string().trim().min(1).max(60).optional(), until: z.iso.datetime({ offset: true }).optional() });
const idParam = z.object({ id: z.string().min(1).max(64) });

export const marketRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/intents/open',
    tag: 'Brand data API',
    auth: 'brand-token',
    query: openQuery,
    summary: 'Open market intents whose terms this brand accepts, under pseudonyms (never who published them)',
    handler: async ({ deps, c, auth, query }) => {
      c.header('cache-control', 'no-store');
      return c.json(await openMarketIntents(deps, auth.token.client_id, query));
    },
  }),
  route({
    method: 'post',
    path: '/v1/intents/{id}/offers',
    tag: 'Brand data API',
    auth: 'brand-token',
    params: idParam,
    body: offerInput,
    ok: 201,
    summary: 'Answer a market intent with an offer: the value, and the request accepting it opens',
    handler: async ({ deps, c, auth, params, body }) => c.json(await makeOffer(deps, auth.token.client_id, params.id, body), 201),
  }),
  route({
    method: 'get',
    path: '/v1/offers/{id}',
    tag: 'Brand data API',
    auth: 'brand-token',
    owned: true,
    params: idParam,
    summary: 'One of the brand’s offers: open, taken, or not taken',
    handler: async ({ deps, c, auth, params }) => c.json(await brandOffer(deps, auth.token.client_id, params.id)),
  }),
];
