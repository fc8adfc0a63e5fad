// What an operator may register as a brand: metadata shown to consumers, exact redirect
// URIs (https, or http on loopback outside production), and either a public JWKS
// (private_key_jwt, preferred) or a generated secret (method 'client_secret_basic', which
// authenticates with HTTP Basic or client_secret_post: client-auth.ts). URLs Trove
// itself calls (webhook_url, jwks_uri) must pass the outbound policy; the logo, which every
// consumer's browser loads unasked, must be https on a public host; homepage and policy
// links follow the redirect-URI rule (https, http only on loopback outside production).
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { outboundUrlProblem } from '../outbound/url-policy.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const uri = z.string().max(2000);

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
  keys: z
    .array(z.looseObject({ kty: z.enum(['OKP', 'EC', 'RSA']), kid: z.string().max(200).optional() }))
    .min(1)
    .max(10)
    .refine((keys) => keys.every((k) => PRIVATE_MEMBERS.every((m) => !(m in k))), 'a JWKS for a brand must hold public keys only'),
});

export const brandInput = z.object({
  name: z.string().trim().min(1).max(100),
  homepage: uri.optional(),
  logo_uri: uri.optional(),
  policy_uri: uri.optional(),
  contact: z.string().trim().min(3).max(200).optional(),
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  auth: z.discriminatedUnion('method', [
    z
      .object({ method: z.literal('private_key_jwt'), jwks: publicJwks.optional(), jwks_uri: uri.optional() })
      .refine((a) => Boolean(a.jwks) !== Boolean(a.jwks_uri), 'give exactly one of a JWKS or a JWKS URI'),
    z.object({ method: z.literal('client_secret_basic') }),
  ]),
  webhook_url: uri.optional(),
  /** Roster ids of the agreements the brand accepts (issue 24: "my terms"). */
  accepted_terms: z.array(z.string().max(64)).max(20).optional(),
});
export type BrandInput = z.infer<typeof brandInput>;

/** A link the consumer follows: https (http only on loopback outside production, as for redirect URIs), no credentials. */
function linkProblem(link: string, production: boolean): string | null {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return 'is not an absolute URL';
  }
  if (u.username || u.password) return 'must not carry credentials';
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname) && !production)) return null;
  return 'must be https (http only on loopback, outside production)';
}

/** The first URL in the input that Trove will not register, as "field problem", or null. */
export function brandUrlProblem(input: BrandInput, config: Pick<Config, 'production' | 'webhookAllowPrivate'>): string | null {
  const allowPrivate = config.webhookAllowPrivate;
  const checks: [string, string | undefined, (u: string) => string | null][] = [
    ['webhook_url', input.webhook_url, (u) => outboundUrlProblem(u, allowPrivate)],
    ['jwks_uri', input.auth.method === 'private_key_jwt' ? input.auth.jwks_uri : undefined, (u) => outboundUrlProblem(u, allowPrivate)],
    // The portal's CSP loads only https images, and a logo on an internal host would make
    // every consumer's browser call into that network.
    ['logo_uri', input.logo_uri, (u) => (/^https:/i.test(u) ? outboundUrlProblem(u, allowPrivate) : 'must be https')],
    ['policy_uri', input.policy_uri, (u) => linkProblem(u, config.production)],
    ['homepage', input.homepage, (u) => linkProblem(u, config.production)],
  ];
  for (const [field, value, check] of checks) {
    const problem = value === undefined ? null : check(value);
    if (problem) return `${field} ${problem}`;
  }
  return null;
}
