// Authenticates a brand at the token, PAR, revocation and introspection endpoints:
// private_key_jwt (RFC 7523; preferred: an assertion signed with the brand's key, single
// use by jti) or its client secret, sent with HTTP Basic or in the body (client_secret_basic
// or client_secret_post, RFC 6749 §2.3.1; compared as a hash in constant time). A brand is
// bound to what it registered: a key brand never gets in with a secret, nor the reverse;
// exactly one method per request (§2.3).
// Keys behind a jwks_uri come through remote-jwks.ts (the outbound guard, cached and
// rate-limited per brand); why they could not be fetched goes to the operator's log only.
import { commit } from '../audit/commit.ts';
import { Buffer } from 'node:buffer';
import * as jose from 'jose';
import type { Deps } from '../../deps.ts';
import type { LimitClass } from '../limits/rate-limiter.ts';
import type { BrandRow } from '../../db/schema.ts';
import { sha256Hex, verifySecret } from '../../crypto/hash.ts';
import { OAuthError, OutboundFailed, TooManyRequests } from '../../errors.ts';
import { remoteKeySet } from './remote-jwks.ts';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type ClientAuthInput = { authorization?: string; form: Record<string, string | undefined> };

const invalidClient = (why: string) => new OAuthError('invalid_client', why, 401);

async function activeBrand(deps: Deps, id: string): Promise<BrandRow> {
  const brand = await deps.store.db.selectFrom('brands').selectAll().where('id', '=', id).executeTakeFirst();
  if (brand?.status !== 'active') throw invalidClient('Client authentication failed.');
  return brand;
}

function parseBasic(header: string): { id: string; secret: string } {
  try {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at < 0) throw new Error('no colon');
    return { id: decodeURIComponent(decoded.slice(0, at)), secret: decodeURIComponent(decoded.slice(at + 1)) };
  } catch {
    throw invalidClient('Malformed Basic authorization header.');
  }
}

/** A brand registered with a secret. The stored method is named 'client_secret_basic' (the
 *  schema predates POST), but it records the credential, a secret, not the transport: Basic
 *  and the body carry the same secret, so either is accepted, as most servers do. */
async function secretBrand(deps: Deps, id: string, secret: string): Promise<BrandRow> {
  const brand = await activeBrand(deps, id);
  if (brand.auth_method !== 'client_secret_basic' || !brand.secret_hash || !verifySecret(secret, brand.secret_hash)) {
    throw invalidClient('Client authentication failed.');
  }
  return brand;
}

/** `endpoint` is the path an assertion may name as its audience; `limit` the route's
 *  rate-limit class, counted per client once the client is known. */
export async function authenticateClient(deps: Deps, input: ClientAuthInput, at: { endpoint: string; limit?: LimitClass }): Promise<BrandRow> {
  const endpoint = at.endpoint;
  const { form } = input;
  const hasAssertion = form.client_assertion_type !== undefined || form.client_assertion !== undefined;
  const hasBasic = /^basic /i.test(input.authorization ?? '');
  const hasPost = form.client_secret !== undefined;
  if (Number(hasAssertion) + Number(hasBasic) + Number(hasPost) > 1) throw new OAuthError('invalid_request', 'Use exactly one client authentication method.');
  let brand: BrandRow;
  if (hasBasic) {
    const { id, secret } = parseBasic(input.authorization!);
    brand = await secretBrand(deps, id, secret);
  } else if (hasPost) {
    if (!form.client_id) throw invalidClient('client_secret_post needs client_id in the body.');
    brand = await secretBrand(deps, form.client_id, form.client_secret!);
  } else if (hasAssertion) {
    if (form.client_assertion_type !== JWT_BEARER || !form.client_assertion) throw invalidClient('Unsupported client assertion.');
    brand = await verifyAssertion(deps, form.client_assertion, endpoint);
  } else {
    throw invalidClient('Client authentication is required.');
  }
  if (form.client_id !== undefined && form.client_id !== brand.id)
    throw new OAuthError('invalid_request', 'client_id does not match the authenticated client.');
  // Counted only once authenticated, so nobody can spend another brand's allowance.
  const wait = at.limit ? await deps.limits.hit(at.limit, 'client', brand.id) : 0;
  if (wait) throw new TooManyRequests(wait);
  return brand;
}

/** "EdDSA" and "Ed25519" (RFC 9864) name the same algorithm for an Ed25519 key: accept either. */
function withoutEdAlg(set: jose.JSONWebKeySet): jose.JSONWebKeySet {
  return { keys: set.keys.map((k) => (k.kty === 'OKP' && k.alg === 'EdDSA' ? { ...k, alg: undefined } : k)) };
}

/** A private_key_jwt brand's registered keys: its JWKS, or its jwks_uri's (cached). */
export function brandKeys(deps: Deps, brand: BrandRow): jose.JWTVerifyGetKey {
  return brand.jwks ? jose.createLocalJWKSet(withoutEdAlg(JSON.parse(brand.jwks) as jose.JSONWebKeySet)) : remoteKeys(deps, brand);
}

/** Keys from the brand's jwks_uri; a kid not in the cached set asks once for a fresh copy (key rotation). */
function remoteKeys(deps: Deps, brand: BrandRow): jose.JWTVerifyGetKey {
  return async (header, token) => {
    const pick = async (refresh: boolean) => jose.createLocalJWKSet(withoutEdAlg(await remoteKeySet(deps, brand, refresh)))(header, token);
    try {
      return await pick(false);
    } catch (err) {
      if (err instanceof jose.errors.JWKSNoMatchingKey) return pick(true);
      throw err;
    }
  };
}

async function verifyAssertion(deps: Deps, assertion: string, endpoint: string): Promise<BrandRow> {
  let iss: string | undefined;
  try {
    iss = jose.decodeJwt(assertion).iss;
  } catch {
    throw invalidClient('The client assertion is not a JWT.');
  }
  if (!iss) throw invalidClient('The client assertion has no issuer.');
  const brand = await activeBrand(deps, iss);
  if (brand.auth_method !== 'private_key_jwt') throw invalidClient('Client authentication failed.');
  const keys = brandKeys(deps, brand);
  const origin = deps.config.origin;
  let payload: jose.JWTPayload;
  try {
    ({ payload } = await jose.jwtVerify(assertion, keys, {
      issuer: brand.id,
      subject: brand.id,
      audience: [origin, `${origin}${endpoint}`, `${origin}/oauth/token`],
      currentDate: new Date(deps.clock.now()),
      clockTolerance: 30,
      maxTokenAge: 300,
      requiredClaims: ['exp', 'jti', 'iat'],
      algorithms: ['Ed25519', 'EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'],
    }));
  } catch (err) {
    if (!(err instanceof jose.errors.JOSEError)) {
      // Fetching the keys failed (KeysUnavailable, OutboundFailed, anything else): the caller is
      // not authenticated yet, so nothing about Trove's network goes back to it.
      deps.log.warn('brand keys unavailable', {
        brand: brand.id,
        reason: err instanceof Error ? err.message : String(err),
        detail: err instanceof OutboundFailed ? err.detail : undefined,
      });
      throw invalidClient('Client authentication failed.');
    }
    deps.log.warn('client assertion rejected', { brand: brand.id, reason: err.message });
    throw invalidClient(`The client assertion is not valid: ${err.message}.`);
  }
  // Single use: remember the jti until the assertion would have expired anyway.
  try {
    const now = deps.clock.now();
    await commit(deps, {
      writes: [
        deps.store.db.deleteFrom('used_assertions').where('expires_at', '<', now),
        deps.store.db
          .insertInto('used_assertions')
          .values({ jti_hash: sha256Hex(`${brand.id}|${payload.jti}`), brand_id: brand.id, expires_at: (payload.exp! + 60) * 1000 }),
      ],
    });
  } catch {
    throw invalidClient('This client assertion was used before.');
  }
  return brand;
}
