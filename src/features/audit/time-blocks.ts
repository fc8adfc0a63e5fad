// Queries by time without scanning the log (migration 0021): each block of BLOCK events
// keeps its smallest and largest ts, summarised in the background after `time_upto`. Events
// are stamped by the clock of the node that commits them, so ts is only roughly in seq
// order and cannot be searched as if sorted; the blocks bound it exactly instead: no event
// before the first block whose largest ts reaches `from` can match, nor any event after
// the last block whose smallest ts is before `to` — except the events after `time_upto`,
// which the bounds always leave in. The summary is idempotent (a block's bounds only widen)
// and `time_upto` moves last, guarded by its old value, so a run that dies or races
// another node's only repeats work.
import { type Kysely, sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { Database } from '../../db/schema.ts';
import { commit, commitOr } from './commit.ts';
import { checkedClaim } from './index-claims.ts';

export const BLOCK = 1024;

/** Summarises the events after `time_upto` (at most `range` a call); returns how many it covered. */
export async function summariseTimes(deps: Deps, range: number): Promise<number> {
  const db = deps.store.db;
  const state = await db.selectFrom('audit_index_state').select('time_upto').where('id', '=', 1).executeTakeFirst();
  const head = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!state) return 0;
  const last = Number(head?.seq ?? 0);
  // The newest summarised block (of the events there are) may be partial; those before it are whole.
  const upto = await checkedClaim(deps, 'time_upto', Number(state.time_upto), last, async () => {
    const row = await db
      .selectFrom('audit_time_blocks')
      .select((eb) => eb.fn.max('block').as('block'))
      .where('block', '<=', Math.floor(Math.max(0, last - 1) / BLOCK))
      .executeTakeFirst();
    return row?.block == null ? 0 : Number(row.block) * BLOCK;
  });
  if (upto === null) return 0;
  const to = Math.min(last, upto + range);
  if (to <= upto) return 0;
  const blocks = await db
    .selectFrom('audit_log')
    .select((eb) => [sql<number>`(seq - 1) / ${sql.lit(BLOCK)}`.as('block'), eb.fn.min('ts').as('min_ts'), eb.fn.max('ts').as('max_ts')])
    .where('seq', '>', upto)
    .where('seq', '<=', to)
    .groupBy(sql`(seq - 1) / ${sql.lit(BLOCK)}`)
    .execute();
  // SQLite's two-argument min/max are PostgreSQL's least/greatest.
  const [lower, upper] = deps.store.dialect === 'postgres' ? ['least', 'greatest'] : ['min', 'max'];
  const rows = blocks.map((b) => ({ block: Number(b.block), min_ts: Number(b.min_ts), max_ts: Number(b.max_ts) }));
  // D1 binds at most 100 parameters a statement: three per block.
  for (let i = 0; i < rows.length; i += 30) {
    await commit(deps, {
      writes: [
        db
          .insertInto('audit_time_blocks')
          .values(rows.slice(i, i + 30))
          .onConflict((oc) =>
            oc.column('block').doUpdateSet({
              min_ts: sql`${sql.raw(lower)}(audit_time_blocks.min_ts, excluded.min_ts)`,
              max_ts: sql`${sql.raw(upper)}(audit_time_blocks.max_ts, excluded.max_ts)`,
            }),
          ),
      ],
    });
  }
  const moved = await commitOr(
    deps,
    {
      guards: [
        { name: 'time_blocks_at', changes: db.updateTable('audit_index_state').set({ time_upto: to }).where('id', '=', 1).where('time_upto', '=', upto) },
      ],
    },
    () => 'raced' as const,
  );
  return moved === 'raced' ? 0 : to - upto;
}

/** Sequence bounds for `from <= ts < to`: no matching event lies outside [lo, hi] (hi null: no bound). */
export type SeqBounds = { lo: number; hi: number | null };

export async function timeBounds(db: Kysely<Database>, from: number | undefined, to: number | undefined): Promise<SeqBounds | null> {
  if (from === undefined && to === undefined) return null;
  const state = await db.selectFrom('audit_index_state').select('time_upto').where('id', '=', 1).executeTakeFirst();
  const upto = Number(state?.time_upto ?? 0);
  // Only whole-block bounds summarised up to `upto` count; the block holding `upto` may be partial (its rows after it are tail).
  let lo = 1;
  if (from !== undefined) {
    const first = await db.selectFrom('audit_time_blocks').select('block').where('max_ts', '>=', from).orderBy('block').limit(1).executeTakeFirst();
    lo = first ? Number(first.block) * BLOCK + 1 : upto + 1;
    lo = Math.min(lo, upto + 1);
  }
  let hi: number | null = null;
  if (to !== undefined) {
    // The tail is not summarised: a bound below it holds only when none of its events is before `to`.
    // `upto` is written as a literal (an integer read here, never input), as in indexed-events.ts: PostgreSQL then plans a short range scan.
    const tailMatch = await db.selectFrom('audit_log').select('seq').where('seq', '>', sql.lit(upto)).where('ts', '<', to).limit(1).executeTakeFirst();
    if (!tailMatch) {
      const last = await db.selectFrom('audit_time_blocks').select('block').where('min_ts', '<', to).orderBy('block', 'desc').limit(1).executeTakeFirst();
      hi = last ? Math.min((Number(last.block) + 1) * BLOCK, upto) : 0;
    }
  }
  return { lo, hi };
}
