// What a brand may see of the audit log: the events about its own grants, without the
// consumer's internal id (a brand knows consumers only by their pairwise subject).
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../errors.ts';
import { indexedUpto, ofGrant } from './indexed-events.ts';

export async function brandGrantEvents(deps: Deps, brandId: string, grantId: string, q: { before?: number; limit: number }) {
  const grant = await deps.store.db.selectFrom('grants').select('id').where('id', '=', grantId).where('brand_id', '=', brandId).executeTakeFirst();
  if (!grant) throw new NotFound('No such grant.');
  const upto = await indexedUpto(deps.store.db);
  let qb = deps.store.db
    .selectFrom('audit_events')
    .select(['id', 'seq', 'ts', 'action', 'outcome', 'actor_type', 'attributes', 'purpose', 'reason'])
    .where((eb) => ofGrant(eb, grantId, upto))
    .where('brand_id', '=', brandId);
  if (q.before !== undefined) qb = qb.where('seq', '<', q.before);
  const rows = await qb.orderBy('seq', 'desc').limit(q.limit).execute();
  return {
    events: rows.map((r) => ({
      ...r,
      time: new Date(r.ts).toISOString(),
      attributes: r.attributes ? (JSON.parse(r.attributes) as string[]) : null,
    })),
  };
}
