// The operator API's demo seeding (POST /admin/demo): registers a demo shop on this Trove
// (a Worker too) as `trove demo` does, answering its client credentials once, so the demo
// site can be pointed at a remote installation. Each call registers a new client; the CLI
// reuses the one it keeps unless it was disabled or the URLs changed.
import { z } from 'zod';
import { seedDemoBrand } from '../../features/operators/demo-brand.ts';
import { route, type Route } from '../route.ts';

const body = z.strictObject({
  shop: z.enum(['stride', 'pace']).default('stride'),
  public_url: z.url({ protocol: /^https?$/, error: 'expected the demo site’s http(s) URL' }),
});

export const adminDemoRoutes: Route[] = [
  route({
    method: 'post',
    path: '/admin/demo',
    tag: 'Operator API',
    auth: 'operator',
    body,
    ok: 201,
    summary: 'Register a demo shop (Stride & Co or Pace Running) for the demo site at public_url; its client secret is shown only here',
    handler: async ({ deps, c, body }) => {
      c.header('cache-control', 'no-store');
      return c.json(await seedDemoBrand(deps, body), 201);
    },
  }),
];
