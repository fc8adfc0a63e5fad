// When the next webhook delivery is due, for runtimes that sleep between deliveries (the
// Workers dispatcher's alarm): the earliest next_attempt_at of a pending delivery, or null
// when none is pending. A claimed delivery counts at the end of its lease, so one whose
// sender died is picked up again then.
import type { Deps } from '../../deps.ts';

export async function nextDueAt(deps: Pick<Deps, 'store'>): Promise<number | null> {
  const row = await deps.store.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  // PostgreSQL returns BIGINT aggregates as strings.
  return row?.at == null ? null : Number(row.at);
}
