// Who the signed-in consumer is, as GET /api/me answers it: their id and when they joined.
import type { Deps } from '../../deps.ts';

export async function consumerProfileSummary(deps: Deps, consumerId: string) {
  return deps.store.db.selectFrom('consumers').select(['id', 'created_at']).where('id', '=', consumerId).executeTakeFirstOrThrow();
}
