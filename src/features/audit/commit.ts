// The commit every feature uses: the store applies the change and its audit events
// atomically. Growing the log past a multiple of deps.checkpointEvery asks the runtime for
// a checkpoint (signed off this request's path, log-checkpoint.ts); the commit never waits.
// Committed reads are counted for /metrics (deps.metrics).
import type { AuditEvent } from '../../db/audit-event.ts';
import type { Change, Committed } from '../../db/store.ts';
import type { Deps } from '../../deps.ts';
import { GuardFailed } from '../../errors.ts';

/** A feature's change: its audit events name actions from the closed list (audit-actions.ts). */
export type FeatureChange = Omit<Change, 'audit'> & { audit?: AuditEvent[] };

export async function commit(deps: Deps, change: FeatureChange): Promise<Committed> {
  const committed = await deps.store.commit(change);
  if (committed.events.some((e) => e.seq % deps.checkpointEvery === 0)) deps.notify.checkpointDue?.();
  // Counted from what was committed, so the metric agrees with the log: reads and denials.
  for (const e of committed.events) if (e.action === 'grant.read') deps.metrics.count('audited_reads', { outcome: e.outcome });
  return committed;
}

/** commit(), where a guard that no longer holds (a concurrent request changed the state
 *  first) gets the answer the caller would have given had it seen that state: lost(guard)
 *  (which throws, or returns what the caller takes as "try again"). */
export async function commitOr<T = never>(deps: Deps, change: FeatureChange, lost: (guard: string) => Promise<T> | T): Promise<Committed | T> {
  try {
    return await commit(deps, change);
  } catch (err) {
    if (err instanceof GuardFailed) return lost(err.guard);
    throw err;
  }
}
