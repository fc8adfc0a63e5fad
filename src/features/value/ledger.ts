// The value ledger, the brand's side: brands record what they actually gave back on a grant
// (a coupon, points, money, access), dated when given (a brand recording it later may say
// when, never before the grant nor in the future); the consumer's view is value-summary.ts.
// Recording is audited; one brand never touches another's grants, and nobody writes into
// the ledger of a grant that was revoked or expired, or of a consumer who erased their
// account. The description and reference are sealed under the consumer's data key
// (erasure shreds them; the rows go too).
import { iso } from '../iso-time.ts';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { GrantStatus } from '../../db/schema.ts';
import { newId } from '../../crypto/random.ts';
import { Conflict, InvalidField, NotFound } from '../../errors.ts';
import { commitOr } from '../audit/commit.ts';
import { dataKeyFor } from '../profile/data-key.ts';
import { sealText, valueTextAad } from '../profile/sealed-text.ts';

export const valueInput = z
  .strictObject({
    kind: z.enum(['discount', 'points', 'money', 'early_access', 'gift', 'other']),
    description: z.string().trim().min(1).max(200),
    amount: z.number().nonnegative().max(1e9).optional(),
    unit: z.string().trim().min(1).max(20).optional(),
    reference: z.string().trim().min(1).max(100).optional(),
    /** When it was given, if before now (value recorded later): not before the grant, not in the future. */
    given_at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((v) => v.amount === undefined || v.unit !== undefined, { path: ['unit'], message: 'an amount needs a unit or currency (e.g. EUR, points, percent)' });

// A `once` grant is exhausted by the read it was for, and the value it bought is
// typically given after that read: it still takes value. Revoked and expired do not.
const TAKES_VALUE: GrantStatus[] = ['active', 'exhausted'];

export async function recordValue(deps: Deps, brandId: string, grantId: string, input: z.infer<typeof valueInput>) {
  const db = deps.store.db;
  const grant = await db
    .selectFrom('grants')
    .select(['id', 'brand_id', 'consumer_id', 'status', 'agreement', 'created_at'])
    .where('id', '=', grantId)
    .executeTakeFirst();
  if (!grant || grant.brand_id !== brandId) throw new NotFound('No such grant.');
  if (!TAKES_VALUE.includes(grant.status)) throw grantEnded(grant.status);
  const now = deps.clock.now();
  const givenAt = input.given_at ? Date.parse(input.given_at) : now;
  if (givenAt > now) throw new InvalidField('given_at', 'must not be in the future');
  // Value is given in return for the data the grant shares: it cannot come before the grant.
  if (givenAt < Number(grant.created_at)) throw new InvalidField('given_at', 'must not be before the grant was approved');
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
    created_at: now,
    given_at: givenAt,
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
          given_at: row.given_at,
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
          detail: {
            value: row.id,
            kind: input.kind,
            amount: input.amount ?? null,
            unit: input.unit ?? null,
            agreement: grant.agreement,
            ...(givenAt < now ? { given_at: iso(givenAt) } : {}),
          },
        },
      ],
    },
    () => {
      throw grantEnded('revoked'); // it ended between our look and the commit
    },
  );
  const { consumer_id: _c, ...visible } = row;
  return { ...visible, created_at: iso(row.created_at), given_at: iso(row.given_at) };
}

function grantEnded(status: GrantStatus) {
  return new Conflict(`This grant has ended (${status}): value can be recorded only on a grant that is active, or a once grant that was read.`);
}
