// Server-side sessions: an opaque 256-bit id in a cookie, stored only as a hash, with
// idle and absolute timeouts. Each records the credential that opened it (so removing
// that credential ends it), a coarse device hint, a separate random public id for
// listing, and auth_at, its last strong authentication (see step-up.ts). The CSRF token
// is derived from the session id, so a page of Trove can learn it from the API while a
// cross-site page never can.
import type { Deps } from '../../deps.ts';
import { hashSecret, hmacSha256 } from '../../crypto/hash.ts';
import { toB64u } from '../../crypto/encoding.ts';
import { newId, newSecret } from '../../crypto/random.ts';
import { commit } from '../audit/commit.ts';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
const TOUCH_EVERY_MS = 60_000;

export type Session = {
  idHash: string;
  subjectType: 'consumer' | 'auditor';
  subjectId: string;
  rawId: string;
  /** The id the sessions list shows; knowing it does not let anyone use the session. */
  publicId: string;
  credential: string | null;
  authAt: number;
};

/** The credential of a session opened with a recovery code (passkey ids are base64url, never this). */
export const RECOVERY_CREDENTIAL = 'recovery';

/** What opened a session: required, so no sign-in path can forget to bind it to its credential. */
export type Opening = { credential: string; device?: string | null };

/** A new session, freshly authenticated (auth_at = now): only sign-in and sign-up open one. */
export function newSession(deps: Deps, subjectType: Session['subjectType'], subjectId: string, opening: Opening) {
  const rawId = newSecret('trv_s');
  const publicId = newId();
  const now = deps.clock.now();
  const insert = deps.store.db.insertInto('sessions').values({
    id_hash: hashSecret(rawId),
    subject_type: subjectType,
    subject_id: subjectId,
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_ABSOLUTE_MS,
    public_id: publicId,
    credential: opening.credential,
    device: opening.device ?? null,
    auth_at: now,
  });
  return { rawId, publicId, insert };
}

/** Still usable at `now`: neither idle too long nor past its absolute end. */
export function isLive(row: { expires_at: number; last_seen_at: number }, now: number): boolean {
  return row.expires_at > now && row.last_seen_at + SESSION_IDLE_MS > now;
}

/** The session behind a cookie value, or null when unknown, idle too long or past its absolute end. */
export async function resolveSession(deps: Deps, rawId: string | undefined): Promise<Session | null> {
  if (!rawId || rawId.length > 100) return null;
  const idHash = hashSecret(rawId);
  const row = await deps.store.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  const now = deps.clock.now();
  if (!row || !isLive(row, now)) return null;
  if (now - row.last_seen_at > TOUCH_EVERY_MS) {
    await commit(deps, {
      writes: [deps.store.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash)],
    });
  }
  return {
    idHash,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    rawId,
    publicId: row.public_id,
    credential: row.credential,
    authAt: row.auth_at,
  };
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

/** Ends this session, audited (logout). */
export async function signOut(deps: Deps, session: Session): Promise<void> {
  await commit(deps, {
    writes: [endSessionWrite(deps, session.idHash)],
    audit: [
      {
        action: 'session.signed_out',
        outcome: 'success',
        actor_type: session.subjectType,
        actor_id: session.subjectId,
        ...(session.subjectType === 'consumer' ? { consumer_id: session.subjectId } : {}),
      },
    ],
  });
}
