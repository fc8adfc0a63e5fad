// Security Event Tokens (RFC 8417) for brands: grant.revoked, grant.expired and
// grant.attributes_changed (names only), signed with Trove's key and queued for push
// delivery (RFC 8935) in the same commit as the change they report.
import * as jose from 'jose';
import type { Deps } from '../../deps.ts';
import type { BrandRow } from '../../db/schema.ts';
import { newId } from '../../crypto/random.ts';

export const SET_TYP = 'secevent+jwt';
export const EVENT_BASE = 'https://trove.dev/events/';
export type EventType = 'grant.revoked' | 'grant.expired' | 'grant.attributes_changed' | 'intent.created';

export async function signSecurityEvent(deps: Deps, brandId: string, type: EventType, sub: string, event: Record<string, unknown>) {
  const jti = newId();
  const jws = await new jose.SignJWT({ jti, sub, events: { [`${EVENT_BASE}${type}`]: event } })
    .setProtectedHeader({ alg: 'EdDSA', typ: SET_TYP, kid: deps.keys.signer.kid })
    .setIssuer(deps.config.origin)
    .setAudience(brandId)
    .setIssuedAt(Math.floor(deps.clock.now() / 1000))
    .sign(deps.keys.signer.privateKey);
  return { jti, jws };
}

/** The queued delivery for a brand with a webhook URL, or nothing when it has none. */
export async function queueEvent(
  deps: Deps,
  brand: Pick<BrandRow, 'id' | 'webhook_url'>,
  grantId: string | null,
  type: EventType,
  sub: string,
  event: Record<string, unknown>,
) {
  if (!brand.webhook_url) return [];
  const { jws } = await signSecurityEvent(deps, brand.id, type, sub, grantId ? { grant_id: grantId, ...event } : event);
  const now = deps.clock.now();
  return [
    deps.store.db.insertInto('webhook_deliveries').values({
      id: newId(),
      brand_id: brand.id,
      grant_id: grantId,
      event_type: type,
      url: brand.webhook_url,
      set_jws: jws,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      last_status: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    }),
  ];
}
