// The value ledger: brands record what they actually gave back on a grant (a coupon,
// points, money, access); the consumer sees, per brand, what was promised and what was
// received, with totals per unit. Recording is audited; one brand never touches
// another's grants, and nobody writes into the ledger of a grant that was revoked or
// expired, or of a consumer who erased their account. The description and reference
// are sealed under the consumer's data key (erasure shreds them; the rows go too).
import { iso } from '../iso-time.ts';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { GrantStatus } from '../../db/schema.ts';
import { newId } from '../../crypto/random.ts';
import { Conflict, NotFound } from '../../errors.ts';
import { commitOr } from '../audit/commit.ts';
import { dataKeyFor } from '../profile/data-key.ts';
import { openText, sealText, valueTextAad } from '../profile/sealed-text.ts';

export const valueInput = z
  .strictObject({
    kind: z.enum(['discount', 'points', 'money', 'early_access', 'gift', 'other']),
    description: z.string().trim().min(1).max(200),
    amount: z.number().nonnegative().max(1e9).optional(),
    unit: z.string().trim().min(1).max(20).optional(),
    reference: z.string().trim().min(1).max(100).optional(),
  })
  .refine((v) => v.amount === undefined || v.unit !== undefined, { path: ['unit'], message: 'an amount needs a unit or currency (e.g. EUR, points, percent)' });

// A `once` grant is exhausted by the read it was for, and the value it bought is
// typically given after that read: it still takes value. Revoked and expired do not.
const TAKES_VALUE: GrantStatus[] = ['active', 'exhausted'];

export async function recordValue(deps: Deps, brandId: string, grantId: string, input: z.infer<typeof valueInput>) {
  const db = deps.store.db;
  const grant = await db.selectFrom('grants').select(['id', 'brand_id', 'consumer_id', 'status', 'agreement']).where('id', '=', grantId).executeTakeFirst();
  if (!grant || grant.brand_id !== brandId) throw new NotFound('No such grant.');
  if (!TAKES_VALUE.includes(grant.status)) throw grantEnded(grant.status);
  const row = {
    id: newId(),
    grant_id: grantId,
    brand_id: brandId,
    consumer_id: grant.consumer_id,
    kind: input.kind,
    description: input.description,
    amount: input.amount ?? null,
    unit: input.unit ?? null,
    reference: input.reference ?? null,
    created_at: deps.clock.now(),
  };
  const key = await dataKeyFor(deps, grant.consumer_id).catch(() => {
    throw grantEnded('revoked'); // the consumer erased their account (their grants were revoked with it)
  });
  const sealed = sealText(deps, key, valueTextAad(grant.consumer_id, row.id), JSON.stringify({ description: row.description, reference: row.reference }));
  key.fill(0);
  await commitOr(
    deps,
    {
      guards: [
        {
          name: 'grant_takes_value',
          exists: db
            .selectFrom('grants')
            .select('id')
            .where('id', '=', grantId)
            .where('status', 'in', TAKES_VALUE)
            .where(({ exists, selectFrom }) => exists(selectFrom('consumers').select('id').where('id', '=', grant.consumer_id).where('status', '=', 'active'))),
        },
      ],
      writes: [
        db.insertInto('value_events').values({
          id: row.id,
          grant_id: grantId,
          brand_id: brandId,
          consumer_id: grant.consumer_id,
          kind: row.kind,
          text_sealed: sealed.ciphertext,
          text_nonce: sealed.nonce,
          amount: row.amount,
          unit: row.unit,
          reference: null,
          created_at: row.created_at,
        }),
      ],
      audit: [
        {
          action: 'value.recorded',
          outcome: 'success',
          actor_type: 'brand',
          actor_id: brandId,
          brand_id: brandId,
          grant_id: grantId,
          consumer_id: grant.consumer_id,
          detail: { value: row.id, kind: input.kind, amount: input.amount ?? null, unit: input.unit ?? null, agreement: grant.agreement },
        },
      ],
    },
    () => {
      throw grantEnded('revoked'); // it ended between our look and the commit
    },
  );
  const { consumer_id: _c, ...visible } = row;
  return { ...visible, created_at: iso(row.created_at) };
}

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
  const received = await db.selectFrom('value_events').selectAll().where('consumer_id', '=', consumerId).orderBy('created_at').execute();
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
    });
    if (v.amount !== null && v.unit) b.totals[v.unit] = (b.totals[v.unit] ?? 0) + v.amount;
  }
  key?.fill(0);
  const all = [...brands.values()];
  const totals: Totals = {};
  for (const b of all) for (const [unit, n] of Object.entries(b.totals)) totals[unit] = (totals[unit] ?? 0) + n;
  return { brands: all, totals };
}

function grantEnded(status: GrantStatus) {
  return new Conflict(`This grant has ended (${status}): value can be recorded only on a grant that is active, or a once grant that was read.`);
}
