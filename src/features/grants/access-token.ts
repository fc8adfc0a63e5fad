// Access tokens: RFC 9068 JWTs (typ at+jwt, EdDSA), five minutes long, carrying the
// pairwise sub, client_id, grant_id and the granted authorization details. Each is
// listed by jti so it can be revoked before it expires.
import * as jose from 'jose';
import type { Deps } from '../../deps.ts';
import { newId } from '../../crypto/random.ts';

export const ACCESS_TOKEN_TTL_S = 300;
export const AT_TYP = 'at+jwt';

export type AccessClaims = {
  sub: string;
  client_id: string;
  jti: string;
  exp: number;
  iat: number;
  grant_id?: string;
  authorization_details?: unknown[];
};

export async function mintAccessToken(deps: Deps, input: { brandId: string; sub: string; grantId?: string; details?: unknown[]; familyId?: string }) {
  const now = Math.floor(deps.clock.now() / 1000);
  const jti = newId();
  const claims: Record<string, unknown> = { client_id: input.brandId, jti };
  if (input.grantId) claims.grant_id = input.grantId;
  if (input.details) claims.authorization_details = input.details;
  const token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: AT_TYP, kid: deps.keys.signer.kid })
    .setIssuer(deps.config.origin)
    .setAudience(deps.config.origin)
    .setSubject(input.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_S)
    .sign(deps.keys.signer.privateKey);
  const insert = deps.store.db.insertInto('access_tokens').values({
    jti,
    grant_id: input.grantId ?? null,
    brand_id: input.brandId,
    family_id: input.familyId ?? null,
    expires_at: (now + ACCESS_TOKEN_TTL_S) * 1000,
    revoked_at: null,
  });
  return { token, jti, expiresIn: ACCESS_TOKEN_TTL_S, insert };
}

// Importing the published keys costs more than verifying with them: keep one key set per
// distinct set of key ids (it changes only when the signing key rotates).
let cachedSet: { ids: string; set: ReturnType<typeof jose.createLocalJWKSet> } | null = null;
function keySet(deps: Deps) {
  const jwks = deps.keys.jwks(deps.clock.now());
  const ids = jwks.keys.map((k) => k.kid).join(' ');
  if (cachedSet?.ids !== ids) cachedSet = { ids, set: jose.createLocalJWKSet(jwks) };
  return cachedSet;
}

// A brand presents the same token for every read of its five minutes, so a token whose
// signature, type, issuer and audience verified once is remembered (exactly these bytes,
// under exactly this key set and origin): later uses re-check only its lifetime. Liveness
// (revocation, grant, brand) is never cached; it is checked in the database every time.
// Bounded, and only tokens that verified get in, so junk cannot fill it.
const MAX_REMEMBERED = 10_000;
type Remembered = { ids: string; origin: string; tokens: Map<string, AccessClaims> };
const remembered = new WeakMap<Deps['keys'], Remembered>();

function rememberedFor(deps: Deps, ids: string): Map<string, AccessClaims> {
  let r = remembered.get(deps.keys);
  if (!r || r.ids !== ids || r.origin !== deps.config.origin) {
    r = { ids, origin: deps.config.origin, tokens: new Map() };
    remembered.set(deps.keys, r);
  }
  return r.tokens;
}

/** jose's lifetime rules (no clock tolerance): not before nbf, and expired at exp. */
function timely(claims: AccessClaims & { nbf?: number }, nowMs: number): boolean {
  const now = Math.floor(nowMs / 1000);
  return !(typeof claims.nbf === 'number' && claims.nbf > now) && claims.exp > now;
}

/** Verifies signature, type, issuer, audience and lifetime; null when any fails. A token
 *  signed by a key this node has not loaded yet (just rotated on another node) re-reads
 *  the keys once (at most once a second) before it is refused. */
export async function verifyAccessToken(deps: Deps, token: string, opts: { allowExpired?: boolean } = {}): Promise<AccessClaims | null> {
  const claims = await verifyWithLoadedKeys(deps, token, opts);
  if (claims) return claims;
  const kid = headerKid(token);
  if (!kid || deps.keys.allPublicKeys().keys.some((k) => k.kid === kid)) return null;
  // An expired token is refused whoever signed it: no reason to re-read the keys for it.
  if (!opts.allowExpired && claimsExpired(token, deps.clock.now())) return null;
  await deps.keys.reload(deps.clock.now());
  if (!deps.keys.allPublicKeys().keys.some((k) => k.kid === kid)) return null;
  return verifyWithLoadedKeys(deps, token, opts);
}

function headerKid(token: string): string | undefined {
  try {
    const kid = jose.decodeProtectedHeader(token).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

// A token whose own claims say it has expired is refused before its signature is checked:
// genuine or forged, the answer is the same, and a client retrying a stale token (or a
// flood of them) then costs a decode instead of an EdDSA verification on the thread pool.
function claimsExpired(token: string, nowMs: number): boolean {
  try {
    const { exp } = jose.decodeJwt(token);
    return typeof exp === 'number' && exp <= Math.floor(nowMs / 1000);
  } catch {
    return false; // not even decodable: jwtVerify refuses it with the rest
  }
}

async function verifyWithLoadedKeys(deps: Deps, token: string, opts: { allowExpired?: boolean }): Promise<AccessClaims | null> {
  const keys = keySet(deps);
  const tokens = rememberedFor(deps, keys.ids);
  const now = opts.allowExpired ? 0 : deps.clock.now();
  const known = tokens.get(token);
  if (known) return timely(known, now) ? known : null;
  if (!opts.allowExpired && claimsExpired(token, now)) return null;
  try {
    const { payload } = await jose.jwtVerify(token, keys.set, {
      issuer: deps.config.origin,
      audience: deps.config.origin,
      typ: AT_TYP,
      algorithms: ['EdDSA'],
      currentDate: new Date(now),
      requiredClaims: ['jti', 'exp', 'sub', 'client_id'],
    });
    const claims = Object.freeze(payload) as unknown as AccessClaims;
    if (tokens.size >= MAX_REMEMBERED) tokens.delete(tokens.keys().next().value!);
    tokens.set(token, claims);
    return claims;
  } catch {
    return null;
  }
}
