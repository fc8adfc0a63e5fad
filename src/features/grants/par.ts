// Pushed authorization requests (RFC 9126, required): the brand states redirect URI
// (exact match), PKCE S256 challenge, state and trove_attributes details; Trove
// validates everything and answers with a short-lived, unguessable request_uri.
import type { Deps } from '../../deps.ts';
import type { BrandRow } from '../../db/schema.ts';
import { newId } from '../../crypto/random.ts';
import { OAuthError } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { parseAuthorizationDetails } from './authorization-details.ts';
import { agreementOffered } from '../terms/brand-terms.ts';

export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
export const PAR_TTL_S = 600;
const PKCE = /^[A-Za-z0-9._~-]{43,128}$/;

export async function pushAuthorizationRequest(deps: Deps, brand: BrandRow, form: Record<string, string | undefined>) {
  if (form.request !== undefined || form.request_uri !== undefined)
    throw new OAuthError('invalid_request', 'request and request_uri are not accepted at the PAR endpoint.');
  if (form.response_type !== 'code') throw new OAuthError('unsupported_response_type', 'response_type must be code.');
  const redirectUris = JSON.parse(brand.redirect_uris) as string[];
  if (!form.redirect_uri || !redirectUris.includes(form.redirect_uri))
    throw new OAuthError('invalid_request', 'redirect_uri is missing or not registered for this client (exact match).');
  if (form.code_challenge_method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256.');
  if (!form.code_challenge || !PKCE.test(form.code_challenge))
    throw new OAuthError('invalid_request', 'code_challenge is required (43-128 characters, base64url of SHA-256).');
  if (form.state !== undefined && form.state.length > 512) throw new OAuthError('invalid_request', 'state is too long (at most 512 characters).');
  // scope is ignored, not refused (RFC 6749 §3.3 lets the server ignore it): frameworks send
  // one by default, Trove has none, and the token response's authorization_details
  // (RFC 9396 §7) tell the client exactly what was granted.
  const details = parseAuthorizationDetails(form.authorization_details);
  if (!details.ok) throw new OAuthError('invalid_authorization_details', details.error);
  const agreementProblem = agreementOffered(deps.roster, brand, details.value.agreement);
  if (agreementProblem) throw new OAuthError('invalid_authorization_details', `authorization_details[0].agreement: ${agreementProblem}`);

  const id = newId();
  const now = deps.clock.now();
  await commit(deps, {
    writes: [
      deps.store.db
        .deleteFrom('grant_requests')
        .where('expires_at', '<', now - 24 * 3600_000)
        .where('status', '=', 'pending'),
      deps.store.db.insertInto('grant_requests').values({
        id,
        brand_id: brand.id,
        redirect_uri: form.redirect_uri,
        state: form.state ?? null,
        code_challenge: form.code_challenge,
        details: JSON.stringify(details.value),
        consumer_id: null,
        status: 'pending',
        grant_id: null,
        created_at: now,
        expires_at: now + PAR_TTL_S * 1000,
        decided_at: null,
      }),
    ],
    audit: [
      {
        action: 'grant.requested',
        outcome: 'success',
        actor_type: 'brand',
        actor_id: brand.id,
        brand_id: brand.id,
        attributes: [...details.value.attributes, ...details.value.optional_attributes],
        purpose: details.value.purpose,
        detail: { request: id, access: details.value.access, duration: details.value.duration },
      },
    ],
  });
  return { request_uri: `${REQUEST_URI_PREFIX}${id}`, expires_in: PAR_TTL_S };
}

/** GET /oauth/authorize: checks the pushed request and sends the browser to the consent page. */
export async function startAuthorization(deps: Deps, query: { client_id?: string; request_uri?: string }): Promise<string> {
  if (!query.client_id || !query.request_uri?.startsWith(REQUEST_URI_PREFIX)) {
    throw new OAuthError('invalid_request', 'client_id and a request_uri from the PAR endpoint are required.');
  }
  const id = query.request_uri.slice(REQUEST_URI_PREFIX.length);
  const row = await deps.store.db
    .selectFrom('grant_requests')
    .innerJoin('brands', 'brands.id', 'grant_requests.brand_id')
    .select(['grant_requests.status', 'grant_requests.expires_at', 'grant_requests.brand_id', 'brands.status as brand_status'])
    .where('grant_requests.id', '=', id)
    .executeTakeFirst();
  if (!row || row.brand_id !== query.client_id || row.brand_status !== 'active')
    throw new OAuthError('invalid_request_uri', 'Unknown request_uri for this client.');
  if (row.status !== 'pending' || row.expires_at <= deps.clock.now())
    throw new OAuthError('invalid_request_uri', 'This request has expired or was already decided; the brand must start again.');
  return `/consent?request=${encodeURIComponent(id)}`;
}
