// The sweeper: grants past expires_at already stop working at the read check; this
// marks them expired, ends their tokens and queues grant.expired for the brand. Runs on
// a schedule (Node timer, Workers Cron Trigger).
import type { Deps } from '../../deps.ts';
import { commitOr } from '../audit/commit.ts';
import { endGrantChange } from './end-grant.ts';

export async function expireDueGrants(deps: Deps, limit = 200): Promise<number> {
  const due = await deps.store.db
    .selectFrom('grants')
    .selectAll()
    .where('status', '=', 'active')
    .where('expires_at', '<=', deps.clock.now())
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  let expired = 0;
  for (const grant of due) {
    const { receiptId: _r, ...change } = await endGrantChange(deps, grant, { status: 'expired', actor: 'system', actorId: null, reason: 'expired' });
    // Revoked or expired meanwhile: nothing to do for it.
    if ((await commitOr(deps, change, () => 'ended' as const)) !== 'ended') expired += 1;
  }
  if (expired) deps.notify.webhooksQueued();
  return expired;
}
