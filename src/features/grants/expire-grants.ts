// The sweeper: grants past expires_at already stop working at the read check; this
// marks them expired, ends their tokens and queues grant.expired for the brand. Runs on
// a schedule (Node timer, Workers Cron Trigger), on one node at a time (the job lease,
// which each expiry's commit requires still held), and each grant's expiry is guarded by
// its being active, so two sweeps never expire (or notify about) one grant twice.
import type { Deps } from '../../deps.ts';
import { commitOr } from '../audit/commit.ts';
import { runLeased } from '../jobs/job-lease.ts';
import { endGrantChange } from './end-grant.ts';

export const SWEEP_JOB = 'expire-grants';
// Far longer than a sweep of `limit` grants takes (a few seconds at most); a node killed
// mid-sweep delays the next one by at most this. A run outliving it stops at its next
// expiry (the lease guard), and the grant_active guard keeps two runs from ending one grant.
const SWEEP_LEASE_MS = 30_000;

export async function expireDueGrants(deps: Deps, limit = 200): Promise<number> {
  const expired =
    (await runLeased(deps, SWEEP_JOB, SWEEP_LEASE_MS, async (lease) => {
      const due = await deps.store.db
        .selectFrom('grants')
        .selectAll()
        .where('status', '=', 'active')
        .where('expires_at', '<=', deps.clock.now())
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      let count = 0;
      for (const grant of due) {
        const { receiptId: _r, ...change } = await endGrantChange(deps, grant, { status: 'expired', actor: 'system', actorId: null, reason: 'expired' });
        const outcome = await commitOr(deps, { ...change, guards: [lease.held, ...change.guards] }, (guard) => guard);
        // Lost the lease (this run outlived it): the node holding it now carries on.
        if (outcome === 'job_lease_held') break;
        // Revoked or expired meanwhile: nothing to do for it.
        if (typeof outcome !== 'string') count += 1;
      }
      return count;
    })) ?? 0;
  if (expired) deps.notify.webhooksQueued();
  return expired;
}
