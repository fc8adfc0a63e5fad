// Shared statements about a grant's state: the commit-time guard that it is still
// usable, why it is not, and the writes that end it (and every token it issued).
import type { Deps } from '../../deps.ts';
import type { GrantRow } from '../../db/schema.ts';
import type { Guard } from '../../db/store.ts';

export type DenyReason = 'revoked' | 'expired' | 'exhausted' | 'brand_disabled' | 'token_revoked' | 'not_covered';

/** Why a grant cannot be read now, or null when it can. */
export function grantProblem(grant: Pick<GrantRow, 'status' | 'expires_at' | 'access' | 'read_count'>, now: number): DenyReason | null {
  if (grant.status === 'revoked') return 'revoked';
  if (grant.status === 'exhausted' || (grant.access === 'once' && grant.read_count > 0)) return 'exhausted';
  if (grant.status === 'expired' || grant.expires_at <= now) return 'expired';
  return null;
}

/** Holds at commit time only if the grant is active, unexpired and (for once) unread. */
export function grantUsable(deps: Deps, grantId: string): Guard {
  return {
    name: 'grant_usable',
    exists: deps.store.db.selectFrom('grants').select('id')
      .where('id', '=', grantId).where('status', '=', 'active').where('expires_at', '>', deps.clock.now())
      .where((eb) => eb.or([eb('access', '=', 'ongoing'), eb('read_count', '=', 0)])),
  };
}

export function tokenNotRevoked(deps: Deps, jti: string): Guard {
  return {
    name: 'token_not_revoked',
    exists: deps.store.db.selectFrom('access_tokens').select('jti').where('jti', '=', jti).where('revoked_at', 'is', null),
  };
}

/** The three read conditions as one statement: the hot path pays one guard, not three. */
export function readAllowed(deps: Deps, grantId: string, jti: string, brandId: string): Guard {
  return {
    name: 'read_allowed',
    exists: deps.store.db.selectFrom('grants')
      .innerJoin('access_tokens', (j) => j.on('access_tokens.jti', '=', jti).on('access_tokens.revoked_at', 'is', null))
      .innerJoin('brands', (j) => j.on('brands.id', '=', brandId).on('brands.status', '=', 'active'))
      .select('grants.id')
      .where('grants.id', '=', grantId).where('grants.status', '=', 'active').where('grants.expires_at', '>', deps.clock.now())
      .where((eb) => eb.or([eb('grants.access', '=', 'ongoing'), eb('grants.read_count', '=', 0)])),
  };
}

/** Ends a grant and every access and refresh token issued under it. */
export function endGrantWrites(deps: Deps, grantId: string, status: 'revoked' | 'expired', by: string | null, reason: string | null) {
  const db = deps.store.db;
  const now = deps.clock.now();
  return [
    db.updateTable('grants').set({
      status, updated_at: now,
      ...(status === 'revoked' ? { revoked_at: now, revoked_by: by, revoked_reason: reason } : {}),
    }).where('id', '=', grantId).where('status', '=', 'active'),
    db.updateTable('access_tokens').set({ revoked_at: now }).where('grant_id', '=', grantId).where('revoked_at', 'is', null),
    db.updateTable('refresh_tokens').set({ revoked_at: now }).where('grant_id', '=', grantId).where('revoked_at', 'is', null),
  ];
}

/** Ends every token of one family (a code's issue, or a refresh chain). */
export function revokeFamilyWrites(deps: Deps, familyId: string) {
  const db = deps.store.db;
  const now = deps.clock.now();
  return [
    db.updateTable('access_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null),
    db.updateTable('refresh_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null),
  ];
}
