// Server-side sessions: an opaque 256-bit id in a cookie, stored only as a hash, with
// idle and absolute timeouts. The CSRF token is derived from the session id, so a page
// of Trove can learn it from the API while a cross-site page never can.
import type { Deps } from '../../deps.ts';
import { hashSecret, hmacSha256 } from '../../crypto/hash.ts';
import { toB64u } from '../../crypto/encoding.ts';
import { newSecret } from '../../crypto/random.ts';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
const TOUCH_EVERY_MS = 60_000;

export type Session = { idHash: string; subjectType: 'consumer' | 'auditor'; subjectId: string; rawId: string };

export function newSession(deps: Deps, subjectType: Session['subjectType'], subjectId: string) {
  const rawId = newSecret('trv_s');
  const now = deps.clock.now();
  const insert = deps.store.db.insertInto('sessions').values({
    id_hash: hashSecret(rawId), subject_type: subjectType, subject_id: subjectId,
    created_at: now, last_seen_at: now, expires_at: now + SESSION_ABSOLUTE_MS,
  });
  return { rawId, insert };
}

/** The session behind a cookie value, or null when unknown, idle too long or past its absolute end. */
export async function resolveSession(deps: Deps, rawId: string | undefined): Promise<Session | null> {
  if (!rawId || rawId.length > 100) return null;
  const idHash = hashSecret(rawId);
  const row = await deps.store.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  const now = deps.clock.now();
  if (!row || row.expires_at <= now || row.last_seen_at + SESSION_IDLE_MS <= now) return null;
  if (now - row.last_seen_at > TOUCH_EVERY_MS) {
    await deps.store.commit({
      writes: [deps.store.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash)],
    });
  }
  return { idHash, subjectType: row.subject_type, subjectId: row.subject_id, rawId };
}

export function endSessionWrite(deps: Deps, idHash: string) {
  return deps.store.db.deleteFrom('sessions').where('id_hash', '=', idHash);
}

export function endAllSessionsWrite(deps: Deps, subjectType: Session['subjectType'], subjectId: string) {
  return deps.store.db.deleteFrom('sessions').where('subject_type', '=', subjectType).where('subject_id', '=', subjectId);
}

/** Domain-separated HMAC of the session id under the vault's pairwise key. */
export function csrfTokenFor(deps: Deps, rawSessionId: string): string {
  return toB64u(hmacSha256(deps.keys.pairwiseKey, `trove-csrf-v1|${rawSessionId}`));
}
