// The value ledger: brands record what they actually gave back on a grant (a coupon,
// points, money, access); the consumer sees, per brand, what was promised and what was
// received, with totals per unit. Recording is audited; one brand never touches
// another's grants.
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { newId } from '../../crypto/random.ts';
import { NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';

export const valueInput = z.strictObject({
  kind: z.enum(['discount', 'points', 'money', 'early_access', 'gift', 'other']),
  description: z.string().trim().min(1).max(200),
  amount: z.number().nonnegative().max(1e9).optional(),
  unit: z.string().trim().min(1).max(20).optional(),
  reference: z.string().trim().min(1).max(100).optional(),
}).refine((v) => v.amount === undefined || v.unit !== undefined, { path: ['unit'], message: 'an amount needs a unit or currency (e.g. EUR, points, percent)' });

export async function recordValue(deps: Deps, brandId: string, grantId: string, input: z.infer<typeof valueInput>) {
  const grant = await deps.store.db.selectFrom('grants').select(['id', 'brand_id', 'consumer_id']).where('id', '=', grantId).executeTakeFirst();
  if (!grant || grant.brand_id !== brandId) throw new NotFound('No such grant.');
  const row = {
    id: newId(), grant_id: grantId, brand_id: brandId, consumer_id: grant.consumer_id, kind: input.kind, description: input.description,
    amount: input.amount ?? null, unit: input.unit ?? null, reference: input.reference ?? null, created_at: deps.clock.now(),
  };
  await commit(deps, {
    writes: [deps.store.db.insertInto('value_events').values(row)],
    audit: [{
      action: 'value.recorded', outcome: 'success', actor_type: 'brand', actor_id: brandId, brand_id: brandId, grant_id: grantId,
      consumer_id: grant.consumer_id, detail: { value: row.id, kind: input.kind, amount: input.amount ?? null, unit: input.unit ?? null },
    }],
  });
  const { consumer_id: _c, ...visible } = row;
  return visible;
}

type Totals = Record<string, number>;

export async function valueSummary(deps: Deps, consumerId: string) {
  const db = deps.store.db;
  const grants = await db.selectFrom('grants').innerJoin('brands', 'brands.id', 'grants.brand_id')
    .select(['grants.id', 'grants.brand_id', 'brands.name', 'grants.value_offer', 'grants.status', 'grants.created_at'])
    .where('grants.consumer_id', '=', consumerId).orderBy('grants.created_at').execute();
  const received = await db.selectFrom('value_events').selectAll().where('consumer_id', '=', consumerId).orderBy('created_at').execute();
  const brands = new Map<string, { client_id: string; name: string; promised: unknown[]; received: unknown[]; totals: Totals }>();
  for (const g of grants) {
    const b = brands.get(g.brand_id) ?? { client_id: g.brand_id, name: g.name, promised: [], received: [], totals: {} };
    if (g.value_offer) b.promised.push({ grant_id: g.id, grant_status: g.status, ...(JSON.parse(g.value_offer) as object) });
    brands.set(g.brand_id, b);
  }
  for (const v of received) {
    const b = brands.get(v.brand_id);
    if (!b) continue;
    b.received.push({ id: v.id, grant_id: v.grant_id, kind: v.kind, description: v.description, amount: v.amount, unit: v.unit, reference: v.reference, at: v.created_at });
    if (v.amount !== null && v.unit) b.totals[v.unit] = (b.totals[v.unit] ?? 0) + v.amount;
  }
  const all = [...brands.values()];
  const totals: Totals = {};
  for (const b of all) for (const [unit, n] of Object.entries(b.totals)) totals[unit] = (totals[unit] ?? 0) + n;
  return { brands: all, totals };
}
