// When offers reach their consumer: each offer is marked shown (offers.shown_at) the first
// time, in the same commit as its offer.shown audit event. The live stream audits only the
// offers it marks itself — a conditional write per offer (WHERE shown_at IS NULL) — so a
// reconnect, a resend, or a second tab racing it never audits one offer as shown twice.
import type { Deps } from '../../deps.ts';
import { GuardFailed } from '../../errors.ts';
import { commit } from '../audit/commit.ts';

const shownEvent = (consumerId: string, detail: Record<string, string | number | boolean | null>) => ({
  action: 'offer.shown' as const,
  outcome: 'success' as const,
  actor_type: 'consumer' as const,
  actor_id: consumerId,
  consumer_id: consumerId,
  detail,
});

/** The list of an intent's offers was shown: audited per view (as it always was), and the offers not shown before are marked. */
export async function listShown(deps: Deps, consumerId: string, intentId: string, count: number) {
  await commit(deps, {
    writes: [
      deps.store.db
        .updateTable('offers')
        .set({ shown_at: deps.clock.now() })
        .where('intent_id', '=', intentId)
        .where('consumer_id', '=', consumerId)
        .where('shown_at', 'is', null),
    ],
    audit: [shownEvent(consumerId, { intent: intentId, offers: count })],
  });
}

/** The live stream sent these offers: those not shown before are marked and audited, once. */
export async function streamShown(deps: Deps, consumerId: string, intentId: string, ids: readonly string[]) {
  let left = [...ids];
  // A guard lost means another stream marked one of them first: drop what is marked now and try again.
  while (left.length) {
    const now = deps.clock.now();
    const db = deps.store.db;
    try {
      await commit(deps, {
        guards: left.map((id) => ({
          name: 'offer_not_shown',
          changes: db.updateTable('offers').set({ shown_at: now }).where('id', '=', id).where('consumer_id', '=', consumerId).where('shown_at', 'is', null),
        })),
        audit: [shownEvent(consumerId, { intent: intentId, offers: left.length, live: true })],
      });
      return left;
    } catch (err) {
      if (!(err instanceof GuardFailed)) throw err;
      // By intent, not by a list of ids: D1 binds at most 100 parameters to a statement.
      const still = await db
        .selectFrom('offers')
        .select('id')
        .where('intent_id', '=', intentId)
        .where('consumer_id', '=', consumerId)
        .where('shown_at', 'is', null)
        .execute();
      const unmarked = still.map((r) => r.id).filter((id) => left.includes(id));
      if (unmarked.length === left.length) throw err; // nothing else marked them: not a race
      left = unmarked;
    }
  }
  return [];
}
