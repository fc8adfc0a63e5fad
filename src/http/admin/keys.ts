// The operator API for keys: rotating the signing key (every node, Worker isolates
// included, picks the new key up within the key cache TTL). Master-key rotation stays
// local: it needs the old and the new master key in the configuration of every node and
// sending a master key over HTTP would expose the one secret that unwraps everything.
// Log-key rotation stays local too: it waits out the key cache TTL of every node inside
// the call (rotate-log.ts), longer than an HTTP request should be held open.
import { z } from 'zod';
import { rotateSigningKey } from '../../features/keys/rotate-signing.ts';
import { route, type Route } from '../route.ts';

export const adminKeyRoutes: Route[] = [
  route({
    method: 'post',
    path: '/admin/keys/signing/rotate',
    tag: 'Operator API',
    auth: 'operator',
    response: z.object({ kid: z.string(), retired: z.array(z.string()) }),
    summary: 'Rotate the signing key; the old one stays published for the overlap',
    handler: async ({ deps, c }) => c.json(await rotateSigningKey(deps)),
  }),
];
