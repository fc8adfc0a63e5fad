// What an operator may register as a brand: metadata shown to consumers, exact redirect
// URIs (https, or http on loopback outside production), and either a public JWKS
// (private_key_jwt, preferred) or a generated secret (client_secret_basic).
import { z } from 'zod';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const httpsUrl = z.url({ protocol: /^https?$/ }).max(2000);

export function redirectUriProblem(uri: string, production: boolean): string | null {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return 'is not an absolute URL';
  }
  if (u.hash) return 'must not have a fragment';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname) && !production) return null;
  return 'must be https (http only on loopback, outside production)';
}

export const publicJwks = z.object({
  keys: z.array(z.looseObject({ kty: z.enum(['OKP', 'EC', 'RSA']), kid: z.string().max(200).optional() }))
    .min(1).max(10)
    .refine((keys) => keys.every((k) => PRIVATE_MEMBERS.every((m) => !(m in k))), 'a JWKS for a brand must hold public keys only'),
});

export const brandInput = z.object({
  name: z.string().trim().min(1).max(100),
  homepage: httpsUrl.optional(),
  logo_uri: httpsUrl.optional(),
  policy_uri: httpsUrl.optional(),
  contact: z.string().trim().min(3).max(200).optional(),
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  auth: z.discriminatedUnion('method', [
    z.object({ method: z.literal('private_key_jwt'), jwks: publicJwks.optional(), jwks_uri: z.url({ protocol: /^https$/ }).optional() })
      .refine((a) => Boolean(a.jwks) !== Boolean(a.jwks_uri), 'give exactly one of a JWKS or a JWKS URI'),
    z.object({ method: z.literal('client_secret_basic') }),
  ]),
  webhook_url: z.string().max(2000).optional(),
});
export type BrandInput = z.infer<typeof brandInput>;
