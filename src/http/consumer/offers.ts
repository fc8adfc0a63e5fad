// Offers on my intents: side by side for one intent; accept one (it opens the consent
// screen with its request) or decline it.
import { z } from 'zod';
import { acceptOffer, declineOffer, intentOffers } from '../../features/market/consumer-offers.ts';
import { route, type Route } from '../route.ts';

const idParam = z.object({ id: z.string().min(1).max(64) });

export const offerRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/intents/{id}/offers',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: idParam,
    summary: 'The offers brands made on one of my intents, to compare',
    handler: async ({ deps, c, auth, params }) => {
      c.header('cache-control', 'no-store');
      return c.json(await intentOffers(deps, auth.consumerId, params.id));
    },
  }),
  route({
    method: 'post',
    path: '/api/me/offers/{id}/accept',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: idParam,
    summary: 'Accept an offer: its request opens on the consent screen; the intent’s other offers are not taken',
    handler: async ({ deps, c, auth, params }) => c.json(await acceptOffer(deps, auth.consumerId, params.id)),
  }),
  route({
    method: 'post',
    path: '/api/me/offers/{id}/decline',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: idParam,
    ok: 204,
    summary: 'Decline an offer',
    handler: async ({ deps, c, auth, params }) => {
      await declineOffer(deps, auth.consumerId, params.id);
      return c.body(null, 204);
    },
  }),
];
