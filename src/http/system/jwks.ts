// GET /.well-known/jwks.json: Trove's published Ed25519 public keys (active and those
// retired within the overlap window). Never a private member.
import { route, type Route } from '../route.ts';

export const jwksRoutes: Route[] = [
  route({
    method: 'get',
    path: '/.well-known/jwks.json',
    tag: 'System',
    auth: 'none',
    summary: 'Trove’s public Ed25519 signing keys',
    handler: ({ deps, c }) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json(deps.keys.jwks(deps.clock.now()));
    },
  }),
];
