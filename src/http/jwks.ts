// GET /.well-known/jwks.json: Trove's published Ed25519 public keys (active and those
// retired within the overlap window). Never a private member.
import { Hono } from 'hono';
import type { Deps } from '../deps.ts';

export function jwksRoutes(deps: Deps) {
  return new Hono().get('/.well-known/jwks.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(deps.keys.jwks(deps.clock.now()));
  });
}
