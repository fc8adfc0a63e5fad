// A consumer's own sessions: the list (device hint, opened, last seen, how it was opened,
// which one is this), ending one by its public id, and "sign out everywhere else". Each
// ending is audited with session ids only. Ending the current session is allowed: it is
// signing out, and the caller clears the cookie.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import type { AuditEvent } from '../../db/audit-event.ts';
import { isLive, RECOVERY_CREDENTIAL, type Session } from './sessions.ts';

export async function listSessions(deps: Deps, current: Session) {
  const now = deps.clock.now();
  const rows = await deps.store.db
    .selectFrom('sessions')
    .leftJoin('passkeys', (j) => j.onRef('passkeys.id', '=', 'sessions.credential').on('passkeys.consumer_id', '=', current.subjectId))
    .select([
      'sessions.id_hash',
      'sessions.public_id',
      'sessions.device',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.auth_at',
      'sessions.credential',
      'passkeys.name as passkey_name',
    ])
    .where('sessions.subject_type', '=', 'consumer')
    .where('sessions.subject_id', '=', current.subjectId)
    .execute();
  return rows
    .filter((r) => isLive(r, now))
    .map((r) => ({
      id: r.public_id,
      device: r.device,
      created_at: r.created_at,
      last_seen_at: r.last_seen_at,
      expires_at: r.expires_at,
      current: r.id_hash === current.idHash,
      signed_in_with:
        r.credential === RECOVERY_CREDENTIAL
          ? { type: 'recovery_code' as const }
          : { type: 'passkey' as const, passkey: r.credential ? { id: r.credential, name: r.passkey_name ?? null } : null },
    }))
    .sort((a, b) => Number(b.current) - Number(a.current) || b.last_seen_at - a.last_seen_at);
}

const audit = (current: Session, action: 'session.revoked' | 'session.revoked_others', detail: AuditEvent['detail']): AuditEvent => ({
  action,
  outcome: 'success',
  actor_type: 'consumer',
  actor_id: current.subjectId,
  consumer_id: current.subjectId,
  detail,
});

/** Ends one of the consumer's sessions; another consumer's id, or an ended one, is not found. */
export async function revokeSession(deps: Deps, current: Session, publicId: string): Promise<{ endedCurrent: boolean }> {
  const db = deps.store.db;
  const row = await db
    .selectFrom('sessions')
    .select(['id_hash', 'last_seen_at', 'expires_at'])
    .where('public_id', '=', publicId)
    .where('subject_type', '=', 'consumer')
    .where('subject_id', '=', current.subjectId)
    .executeTakeFirst();
  if (!row || !isLive(row, deps.clock.now())) throw new NotFound('No such session.');
  const endedCurrent = row.id_hash === current.idHash;
  await commit(deps, {
    writes: [db.deleteFrom('sessions').where('id_hash', '=', row.id_hash)],
    audit: [audit(current, 'session.revoked', { session: publicId, current: endedCurrent })],
  });
  return { endedCurrent };
}

/** Ends every session of the consumer but this one ("sign out everywhere else"). */
export async function revokeOtherSessions(deps: Deps, current: Session): Promise<{ ended: number }> {
  const db = deps.store.db;
  const now = deps.clock.now();
  const others = (
    await db
      .selectFrom('sessions')
      .select(['id_hash', 'last_seen_at', 'expires_at'])
      .where('subject_type', '=', 'consumer')
      .where('subject_id', '=', current.subjectId)
      .where('id_hash', '!=', current.idHash)
      .execute()
  ).filter((r) => isLive(r, now));
  await commit(deps, {
    // Every other row goes, live or not; a session opened meanwhile elsewhere goes too.
    writes: [
      db.deleteFrom('sessions').where('subject_type', '=', 'consumer').where('subject_id', '=', current.subjectId).where('id_hash', '!=', current.idHash),
    ],
    audit: [audit(current, 'session.revoked_others', { session: current.publicId, count: others.length })],
  });
  return { ended: others.length };
}
