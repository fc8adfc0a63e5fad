// Signed checkpoints of the audit chain (sequence, head hash, time), like a
// transparency log's signed tree heads: every N events, on demand, and back-filled at
// start-up. They are what lets a verifier catch a chain rewritten from some point on.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { signJws } from '../../crypto/signing.ts';

export const CHECKPOINT_TYP = 'trove-checkpoint+jws';

export type CheckpointPayload = { iss: string; seq: number; head: string; ts: number };

export async function writeCheckpoint(deps: Deps, seq: number, hash: string): Promise<void> {
  const ts = deps.clock.now();
  const payload: CheckpointPayload = { iss: deps.config.origin, seq, head: hash, ts };
  const jws = await signJws(deps.keys.signer, payload, CHECKPOINT_TYP);
  await deps.store.commit({
    writes: [
      deps.store.db
        .insertInto('audit_checkpoints')
        .values({ seq, hash, ts, kid: deps.keys.signer.kid, jws })
        .onConflict((oc) => oc.column('seq').doNothing()),
    ],
  });
}

/** Signs a checkpoint at the current head (if there is any event). */
export async function checkpointNow(deps: Deps): Promise<{ seq: number; hash: string } | null> {
  const head = await deps.store.db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!head) return null;
  await writeCheckpoint(deps, head.seq, head.hash);
  return head;
}

/** Writes any boundary checkpoint that a crash or failure left out. */
export async function backfillCheckpoints(deps: Deps): Promise<number> {
  const missing = await deps.store.db
    .selectFrom('audit_events as e')
    .leftJoin('audit_checkpoints as c', 'c.seq', 'e.seq')
    .select(['e.seq', 'e.hash'])
    .where(sql<boolean>`e.seq % ${deps.checkpointEvery} = 0`)
    .where('c.seq', 'is', null)
    .orderBy('e.seq')
    .execute();
  for (const m of missing) await writeCheckpoint(deps, m.seq, m.hash);
  return missing.length;
}
