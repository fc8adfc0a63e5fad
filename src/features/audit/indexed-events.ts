// The audit events of one consumer or one grant, as a condition on audit_events: the
// events of that consumer's (grant's) contexts (audit_contexts: what events share), as the
// background index holds them (audit-index.ts), and those of the un-indexed tail (after
// `upto`, found by sequence, so the scan is as short as the index is behind; on PostgreSQL
// `upto` is -1 and the whole log is "tail", served by its btree on context). `upto` is read first and written into the statement as a literal: PostgreSQL
// plans a range scan for `seq > 2999000`, but a full scan of the log for `seq > (SELECT upto
// …)` or for a parameter once the statement is prepared and its plan made generic (measured
// at 3M events: 320 ms a page either way). It is an integer this code read, never input.
// The plain equality is kept beside it: an index row can only narrow what the event itself
// says, never widen it to another consumer's events. Index entries lead with their
// generation (index-generations.ts): the generations up to `upto` are listed as literals
// too, so each (generation, context) is one lookup.
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { generationsUpTo } from './index-generations.ts';

type Eb = ExpressionBuilder<Database, 'audit_events'>;

/**
 * How far the background index reaches (events after it are the tail), never past the log's
 * head: a state row edited to claim more would otherwise have a query list generations
 * without end (10^15 events: 3.8 billion of them) instead of answering.
 */
export async function indexedUpto(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_index_state')
    .select((eb) => [
      'upto',
      eb
        .selectFrom('audit_log')
        .select((l) => l.fn.max('seq').as('m'))
        .as('head'),
    ])
    .where('id', '=', 1)
    .executeTakeFirst();
  return Math.min(Number(row?.upto ?? 0), Number(row?.head ?? 0));
}

function indexedBy(eb: Eb, col: 'consumer_id' | 'grant_id', id: string, uptoValue: number): Expression<SqlBool> {
  const reach = Math.max(0, Math.trunc(uptoValue));
  const upto = sql.lit(reach);
  const contexts = () => eb.selectFrom('audit_contexts').select('num').where(col, '=', id);
  const tail = eb.selectFrom('audit_log as t').select('t.seq').where('t.seq', '>', upto).where('t.context', 'in', contexts());
  const gens = generationsUpTo(reach);
  if (gens.length === 0) return eb.and([eb(col, '=', id), eb('seq', 'in', tail as never)]);
  const indexed = eb
    .selectFrom('audit_by_context')
    .select('seq')
    .where(sql<SqlBool>`gen IN (${sql.join(gens.map((g) => sql.lit(g)))})`)
    .where('context', 'in', contexts())
    .where('seq', '<=', upto);
  return eb.and([eb(col, '=', id), eb('seq', 'in', indexed.unionAll(tail as never))]);
}

export const ofConsumer = (eb: Eb, consumerId: string, upto: number) => indexedBy(eb, 'consumer_id', consumerId, upto);
export const ofGrant = (eb: Eb, grantId: string, upto: number) => indexedBy(eb, 'grant_id', grantId, upto);
