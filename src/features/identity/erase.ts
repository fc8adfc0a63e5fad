// Erasure is crypto-shredding: one commit destroys the consumer's wrapped data key and
// every ciphertext, their value ledger, credentials and sessions, and revokes every
// active grant. Then, before the caller answers, the store scrubs what the deletes left
// in the database's files (SQLite: the WAL truncated; deleted cells were zeroed by
// secure_delete), so a copy of the files taken after the answer holds no trace of the
// key. The audit trail stays (it holds names, never values) and still verifies.
import type { Deps } from '../../deps.ts';
import type { Guard } from '../../db/store.ts';
import type { Session } from './sessions.ts';
import { freshGuard, onStaleSession } from './step-up.ts';
import { GuardFailed } from '../../errors.ts';
import { commitOr } from '../audit/commit.ts';
import { endGrantChange } from '../grants/end-grant.ts';

/** With `session`, the erasure commits only while that session is still fresh (step-up). */
export async function eraseConsumer(deps: Deps, consumerId: string, opts: { session?: Pick<Session, 'idHash'> } = {}, attempt = 1): Promise<void> {
  const extra: Guard[] = opts.session ? [freshGuard(deps, opts.session)] : [];
  const db = deps.store.db;
  const now = deps.clock.now();
  const active = await db.selectFrom('grants').selectAll().where('consumer_id', '=', consumerId).where('status', '=', 'active').execute();
  const endings = await Promise.all(
    active.map((g) => endGrantChange(deps, g, { status: 'revoked', actor: 'consumer', actorId: consumerId, reason: 'consumer_erased' })),
  );
  const lost = await eraseCommit(deps, consumerId, extra, endings, now, (guard) => {
    onStaleSession(guard);
    // A grant ended meanwhile (its brand gave it up, or it expired): start again from the grants as they are now.
    if (attempt < 3) return 'again' as const;
    throw new GuardFailed(guard);
  });
  if (lost === 'again') return eraseConsumer(deps, consumerId, opts, attempt + 1);
  await deps.store.scrub([...SCRUBBED]);
  deps.notify.webhooksQueued();
}

const OWNED = ['attributes', 'intents', 'personas', 'passkeys', 'recovery_codes', 'value_events', 'webauthn_challenges', 'consumer_terms', 'offers'] as const;
const SCRUBBED = [...OWNED, 'consumers', 'sessions'] as const;

type Endings = Awaited<ReturnType<typeof endGrantChange>>[];

function eraseCommit<T>(deps: Deps, consumerId: string, extra: Guard[], endings: Endings, now: number, lost: (guard: string) => T) {
  const db = deps.store.db;
  return commitOr(
    deps,
    {
      guards: [...extra, ...endings.flatMap((e) => e.guards)],
      writes: [
        ...endings.flatMap((e) => e.writes),
        ...OWNED.map((t) => db.deleteFrom(t).where('consumer_id', '=', consumerId)),
        db.deleteFrom('sessions').where('subject_type', '=', 'consumer').where('subject_id', '=', consumerId),
        db
          .updateTable('consumers')
          .set({ status: 'erased', data_key_wrapped: null, data_key_nonce: null, kek_version: null, erased_at: now })
          .where('id', '=', consumerId),
      ],
      audit: [
        ...endings.flatMap((e) => e.audit),
        { action: 'consumer.erased', outcome: 'success', actor_type: 'consumer', actor_id: consumerId, consumer_id: consumerId },
      ],
    },
    lost,
  );
}
