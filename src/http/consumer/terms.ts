// My terms: GET /api/me/terms (the roster, my default and per-persona choices), PUT to
// proffer one (by default, or for a persona), DELETE to withdraw the default terms or, with
// ?persona=, a persona's.
import { z } from 'zod';
import { myTerms, proffer, withdrawTerms } from '../../features/terms/consumer-terms.ts';
import { PERSONA_NAME } from '../../features/profile/personas.ts';
import { route, type Route } from '../route.ts';

const profferBody = z.strictObject({
  term: z.string().min(1).max(64),
  persona: z.string().regex(PERSONA_NAME, 'persona names are 1-40 lowercase letters, digits or -').optional(),
});
const personaQuery = z.object({ persona: z.string().regex(PERSONA_NAME, 'persona names are 1-40 lowercase letters, digits or -').optional() });

export const termsRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/terms',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'The agreements I proffer (by default and per persona), with the roster to choose from',
    handler: async ({ deps, c, auth }) => c.json(await myTerms(deps, auth.consumerId)),
  }),
  route({
    method: 'put',
    path: '/api/me/terms',
    tag: 'Consumer API',
    auth: 'consumer',
    body: profferBody,
    summary: 'Proffer an agreement from the roster, by default or for one persona',
    handler: async ({ deps, c, auth, body }) => c.json(await proffer(deps, auth.consumerId, body)),
  }),
  route({
    method: 'delete',
    path: '/api/me/terms',
    tag: 'Consumer API',
    auth: 'consumer',
    query: personaQuery,
    summary: 'Withdraw the terms I proffer by default, or for one persona (?persona=)',
    handler: async ({ deps, c, auth, query }) => c.json(await withdrawTerms(deps, auth.consumerId, query.persona ?? null)),
  }),
];
