// Shared statements about a grant's state: the commit-time guards that it is still
// usable (and a read allowed), why it is not, and the writes that end it (and every
// token it issued).
import type { ExpressionBuilder } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { Database, GrantRow } from '../../db/schema.ts';
import { prepared } from '../../db/prepared.ts';
import type { Guard } from '../../db/store.ts';

export type DenyReason = 'revoked' | 'expired' | 'exhausted' | 'brand_disabled' | 'token_revoked' | 'not_covered';

/**
 * The one rule of a usable grant: active, unexpired, and (for a `once` grant) unread. It
 * exists twice, as the SQL condition the commit-time guards, the read's counting update
 * and the intents query use (usableGrant), and as its JavaScript twin that says why not
 * (grantProblem); test/grants/grant-state.test.ts holds them to the same answer.
 */
export function usableGrant(eb: ExpressionBuilder<Database, 'grants'>, now: number) {
  return eb.and([
    eb('grants.status', '=', 'active'),
    eb('grants.expires_at', '>', now),
    eb.or([eb('grants.access', '=', 'ongoing'), eb('grants.read_count', '=', 0)]),
  ]);
}

/** Why a grant cannot be read now, or null when it can (usableGrant, in JavaScript). */
export function grantProblem(grant: Pick<GrantRow, 'status' | 'expires_at' | 'access' | 'read_count'>, now: number): DenyReason | null {
  if (grant.status === 'revoked') return 'revoked';
  if (grant.status === 'exhausted' || (grant.access === 'once' && grant.read_count > 0)) return 'exhausted';
  if (grant.status === 'expired' || grant.expires_at <= now) return 'expired';
  return null;
}

// Prepared (src/db/prepared.ts): hot paths run these on every request. Kept as
// single-table conditions (EXISTS subqueries at most): SQLite answers one primary-key
// lookup each, where one guard joining the three tables costs several times as much.
const grantUsableQuery = prepared((db, p: { grantId: string; now: number }) =>
  db
    .selectFrom('grants')
    .select('id')
    .where('id', '=', p.grantId)
    .where((eb) => usableGrant(eb, p.now)),
);
const tokenLiveQuery = prepared((db, p: { jti: string }) =>
  db.selectFrom('access_tokens').select('jti').where('jti', '=', p.jti).where('revoked_at', 'is', null),
);

/** Holds at commit time only if the grant is active, unexpired and (for once) unread. */
export function grantUsable(deps: Deps, grantId: string): Guard {
  return { name: 'grant_usable', exists: grantUsableQuery(deps.store.db, { grantId, now: deps.clock.now() }) };
}

export function tokenNotRevoked(deps: Deps, jti: string): Guard {
  return { name: 'token_not_revoked', exists: tokenLiveQuery(deps.store.db, { jti }) };
}

type ReadCount = { grantId: string; jti: string; brandId: string; now: number };

// The read's count, written only while the read is allowed: the grant usable (as in
// grantUsableQuery), its token unrevoked and its brand active. One statement that checks
// and writes (a `changes` guard) instead of three guards and an update: each is a
// primary-key lookup either way, but a statement less on SQLite and three fewer round-trip
// messages and plans on PostgreSQL, per read.
function countReadWhereAllowed(exhausts: boolean) {
  return prepared((db, p: ReadCount) =>
    db
      .updateTable('grants')
      .set((eb) => ({
        read_count: eb('read_count', '+', 1),
        last_read_at: p.now,
        ...(exhausts ? { status: 'exhausted' as const, updated_at: p.now } : {}),
      }))
      .where('id', '=', p.grantId)
      .where((eb) => usableGrant(eb, p.now))
      .where(({ exists, selectFrom }) => exists(selectFrom('access_tokens').select('jti').where('jti', '=', p.jti).where('revoked_at', 'is', null)))
      .where(({ exists, selectFrom }) => exists(selectFrom('brands').select('id').where('id', '=', p.brandId).where('status', '=', 'active'))),
  );
}
const countRead = countReadWhereAllowed(false);
const countLastRead = countReadWhereAllowed(true);

/** Counts the read (a `once` grant's read exhausts it) if, at commit, the read is still allowed. */
export function countReadIfAllowed(deps: Deps, grant: Pick<GrantRow, 'id' | 'access'>, jti: string, brandId: string): Guard {
  const values = { grantId: grant.id, jti, brandId, now: deps.clock.now() };
  return { name: 'read_allowed', changes: (grant.access === 'once' ? countLastRead : countRead)(deps.store.db, values) };
}

/** Ends a grant and every access and refresh token issued under it. */
export function endGrantWrites(deps: Deps, grantId: string, status: 'revoked' | 'expired', by: string | null, reason: string | null) {
  const db = deps.store.db;
  const now = deps.clock.now();
  return [
    db
      .updateTable('grants')
      .set({
        status,
        updated_at: now,
        ...(status === 'revoked' ? { revoked_at: now, revoked_by: by, revoked_reason: reason } : {}),
      })
      .where('id', '=', grantId)
      .where('status', '=', 'active'),
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
