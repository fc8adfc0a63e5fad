// Public: the roster of standard agreements (GET /v1/terms) and the brand directory
// (GET /v1/brands/{id}: name, links and the agreements a brand accepts).
import { z } from 'zod';
import { brandDirectoryEntry } from '../../features/terms/brand-directory.ts';
import { route, type Route } from '../route.ts';

const brandParam = z.object({ id: z.string().min(1).max(100) });

export const publicTermsRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/terms',
    tag: 'System',
    auth: 'none',
    summary: 'The roster of standard agreements consumers proffer and brands accept',
    handler: async ({ deps, c }) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json({ terms: deps.roster });
    },
  }),
  route({
    method: 'get',
    path: '/v1/brands/{id}',
    tag: 'System',
    auth: 'none',
    params: brandParam,
    summary: 'A brand as the directory shows it: name, links, and the agreements it accepts',
    handler: async ({ deps, c, params }) => c.json(await brandDirectoryEntry(deps, params.id)),
  }),
];
