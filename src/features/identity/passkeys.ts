// A consumer's passkeys: list (metadata only), rename, remove. The last passkey cannot
// be removed unless unused recovery codes remain, so nobody locks themselves out.
// Removing one needs a fresh session (step-up) and ends, in the same commit, every
// session that passkey opened: a thief's session dies with the stolen key.
import type { Deps } from '../../deps.ts';
import { Conflict, NotFound } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { unusedRecoveryCodes } from './recovery.ts';
import { isLive, type Session } from './sessions.ts';
import { assertFresh, freshGuard, onStaleSession } from './step-up.ts';

export async function listPasskeys(deps: Deps, consumerId: string) {
  const rows = await deps.store.db
    .selectFrom('passkeys')
    .select(['id', 'name', 'device_type', 'backed_up', 'transports', 'created_at', 'last_used_at'])
    .where('consumer_id', '=', consumerId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    device_type: r.device_type,
    backed_up: r.backed_up === 1,
    transports: r.transports ? (JSON.parse(r.transports) as string[]) : [],
    created_at: r.created_at,
    last_used_at: r.last_used_at,
  }));
}

async function ownPasskey(deps: Deps, consumerId: string, id: string) {
  const row = await deps.store.db.selectFrom('passkeys').select('id').where('id', '=', id).where('consumer_id', '=', consumerId).executeTakeFirst();
  if (!row) throw new NotFound('No such passkey.');
}

export async function renamePasskey(deps: Deps, consumerId: string, id: string, name: string) {
  await ownPasskey(deps, consumerId, id);
  await commit(deps, {
    writes: [deps.store.db.updateTable('passkeys').set({ name }).where('id', '=', id).where('consumer_id', '=', consumerId)],
    audit: [{ action: 'passkey.renamed', outcome: 'success', actor_type: 'consumer', actor_id: consumerId, consumer_id: consumerId, detail: { passkey: id } }],
  });
}

/** Removes the passkey; `endedCurrent` says the caller's own session was one it opened. */
export async function removePasskey(deps: Deps, session: Session, id: string): Promise<{ endedCurrent: boolean }> {
  const consumerId = session.subjectId;
  assertFresh(deps, session);
  await ownPasskey(deps, consumerId, id);
  const db = deps.store.db;
  const count = (await db.selectFrom('passkeys').select('id').where('consumer_id', '=', consumerId).execute()).length;
  if (count <= 1 && (await unusedRecoveryCodes(deps, consumerId)) === 0) throw lastWayIn();
  const openedBy = db.deleteFrom('sessions').where('subject_type', '=', 'consumer').where('subject_id', '=', consumerId).where('credential', '=', id);
  const now = deps.clock.now();
  const ending = (
    await db
      .selectFrom('sessions')
      .select(['last_seen_at', 'expires_at'])
      .where('subject_type', '=', 'consumer')
      .where('subject_id', '=', consumerId)
      .where('credential', '=', id)
      .execute()
  ).filter((r) => isLive(r, now));
  await commitOr(
    deps,
    {
      guards: [
        // Re-checked at commit time: a concurrent removal cannot leave the account with no way in.
        {
          name: 'another_way_in',
          exists: db
            .selectFrom('passkeys')
            .select('id')
            .where('consumer_id', '=', consumerId)
            .where('id', '!=', id)
            .unionAll(db.selectFrom('recovery_codes').select('code_hash as id').where('consumer_id', '=', consumerId).where('used_at', 'is', null)),
        },
        freshGuard(deps, session),
      ],
      // The sessions go by what opened them, not by the list read above: one opened meanwhile goes too.
      writes: [db.deleteFrom('passkeys').where('id', '=', id).where('consumer_id', '=', consumerId), openedBy],
      audit: [
        {
          action: 'passkey.removed',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: consumerId,
          consumer_id: consumerId,
          detail: { passkey: id, sessions_ended: ending.length },
        },
      ],
    },
    (guard) => {
      onStaleSession(guard);
      throw lastWayIn();
    },
  );
  return { endedCurrent: session.credential === id };
}

const lastWayIn = () => new Conflict('This is your last passkey. Create recovery codes or add another passkey before removing it.');
