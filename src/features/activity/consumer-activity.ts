// The consumer's own view of the log: every event about them (reads of their data,
// denied attempts, consent decisions, sign-ins), newest first, with the brand's display
// name. Only events carrying their consumer id are ever selected.
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { decodeCursor, encodeCursor } from '../auditors/audit-queries.ts';
import { indexedUpto, ofConsumer } from '../audit/indexed-events.ts';

export const activityQuery = z.object({
  brand: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'expected a client id')
    .optional(),
  action: z
    .string()
    .min(1)
    .max(60)
    .regex(/^[a-z_.]+$/, 'expected an action such as grant.read')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

export async function consumerActivity(deps: Deps, consumerId: string, q: z.infer<typeof activityQuery>) {
  const before = decodeCursor('me', q.cursor);
  const upto = await indexedUpto(deps.store.db);
  let qb = deps.store.db
    .selectFrom('audit_events')
    .select(['seq', 'id', 'ts', 'action', 'outcome', 'actor_type', 'brand_id', 'grant_id', 'attributes', 'purpose', 'reason'])
    .where((eb) => ofConsumer(eb, consumerId, upto));
  if (q.brand) qb = qb.where('brand_id', '=', q.brand);
  if (q.action) qb = qb.where('action', '=', q.action);
  if (before !== null) qb = qb.where('seq', '<', before);
  const rows = await qb
    .orderBy('seq', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const brandIds = [...new Set(page.map((r) => r.brand_id).filter((b): b is string => b !== null))];
  const brands = brandIds.length ? await deps.store.db.selectFrom('brands').select(['id', 'name']).where('id', 'in', brandIds).execute() : [];
  const names = new Map(brands.map((b) => [b.id, b.name]));
  return {
    events: page.map((r) => ({
      seq: r.seq,
      id: r.id,
      ts: r.ts,
      time: new Date(r.ts).toISOString(),
      action: r.action,
      outcome: r.outcome,
      actor_type: r.actor_type,
      brand: r.brand_id ? { client_id: r.brand_id, name: names.get(r.brand_id) ?? r.brand_id } : null,
      grant_id: r.grant_id,
      attributes: r.attributes ? (JSON.parse(r.attributes) as string[]) : null,
      purpose: r.purpose,
      reason: r.reason,
    })),
    next_cursor: rows.length > q.limit ? encodeCursor('me', page[page.length - 1]!.seq) : null,
  };
}
