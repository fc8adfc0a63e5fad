// The value ledger as the consumer sees it: per brand, what was promised (the grants' value
// offers, under their agreements) and what was received (dated when given, oldest first),
// with totals per unit, per brand and in all. Descriptions and references are opened with
// the consumer's data key, which is wiped after.
import type { Deps } from '../../deps.ts';
import { iso } from '../iso-time.ts';
import { dataKeyFor } from '../profile/data-key.ts';
import { openText, valueTextAad } from '../profile/sealed-text.ts';

type Totals = Record<string, number>;

export async function valueSummary(deps: Deps, consumerId: string) {
  const db = deps.store.db;
  const grants = await db
    .selectFrom('grants')
    .innerJoin('brands', 'brands.id', 'grants.brand_id')
    .select(['grants.id', 'grants.brand_id', 'brands.name', 'grants.value_offer', 'grants.status', 'grants.created_at', 'grants.agreement'])
    .where('grants.consumer_id', '=', consumerId)
    .orderBy('grants.created_at')
    .execute();
  const received = (await db.selectFrom('value_events').selectAll().where('consumer_id', '=', consumerId).orderBy('created_at').execute()).sort(
    (a, b) => givenTime(a) - givenTime(b),
  );
  const key = received.length ? await dataKeyFor(deps, consumerId) : null;
  const text = (v: (typeof received)[number]) => {
    const opened = openText(deps, key!, valueTextAad(consumerId, v.id), v.text_sealed, v.text_nonce);
    return v.text_nonce === null ? { description: opened, reference: v.reference } : (JSON.parse(opened) as { description: string; reference: string | null });
  };
  const brands = new Map<string, { client_id: string; name: string; promised: unknown[]; received: unknown[]; totals: Totals }>();
  for (const g of grants) {
    const b = brands.get(g.brand_id) ?? { client_id: g.brand_id, name: g.name, promised: [], received: [], totals: {} };
    if (g.value_offer) b.promised.push({ grant_id: g.id, grant_status: g.status, agreement: g.agreement, ...(JSON.parse(g.value_offer) as object) });
    brands.set(g.brand_id, b);
  }
  // Value is given under the agreement of the grant it was recorded against.
  const agreementOf = new Map(grants.map((g) => [g.id, g.agreement]));
  for (const v of received) {
    const b = brands.get(v.brand_id);
    if (!b) continue;
    b.received.push({
      id: v.id,
      grant_id: v.grant_id,
      agreement: agreementOf.get(v.grant_id) ?? null,
      kind: v.kind,
      ...text(v),
      amount: v.amount,
      unit: v.unit,
      created_at: iso(v.created_at),
      given_at: iso(givenTime(v)),
    });
    if (v.amount !== null && v.unit) b.totals[v.unit] = (b.totals[v.unit] ?? 0) + v.amount;
  }
  key?.fill(0);
  const all = [...brands.values()];
  const totals: Totals = {};
  for (const b of all) for (const [unit, n] of Object.entries(b.totals)) totals[unit] = (totals[unit] ?? 0) + n;
  return { brands: all, totals };
}

/** When the value was given (rows older than given_at: when it was recorded). */
const givenTime = (v: { given_at: number | null; created_at: number }) => Number(v.given_at ?? v.created_at);
