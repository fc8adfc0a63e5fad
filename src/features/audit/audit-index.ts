// The audit log's by-context index (what by-consumer and by-grant queries use), kept off
// the hot path on SQLite and D1 (issue 26; PostgreSQL writes its own with the event): an
// audited read appends its event and nothing at a random place; this job then indexes the
// events after `upto` in the background, every few seconds. It reads the range in short
// pages by sequence, sorts the (gen, context, seq) entries, and writes them in key order, a
// small chunk per commit, so each index page is written about once per run rather than once
// per read and no step holds the writer or the event loop for long. Entries lead with their
// generation (index-generations.ts), so a run writes only the newest generation's pages,
// not a page per context across the whole log. The chunks are idempotent
// (rows keyed by what they index) and `upto` moves last, guarded by its old value, so a run
// that dies part-way or races another node's only repeats work. Queries combine the
// indexes with the un-indexed tail (indexed-events.ts), so what they answer never depends
// on how far this job has got. The same run keeps the log's time blocks (time-blocks.ts),
// on every database.
import type { Deps } from '../../deps.ts';
import { commit, commitOr } from './commit.ts';
import { checkedClaim } from './index-claims.ts';
import { firstSeqOf, generationOf } from './index-generations.ts';
import { summariseTimes } from './time-blocks.ts';

/** Events per run at most (a run that finds more leaves the rest to the next). */
export const INDEX_RANGE = 200_000;
const READ_PAGE = 2000;

type Entry = [gen: number, context: number, seq: number];

/**
 * Indexes the log up to its head (at most `range` events a call), by context and by time
 * (time-blocks.ts); returns how many events the further of the two covered.
 */
export async function indexAuditLog(deps: Deps, opts: { chunk?: number; range?: number } = {}): Promise<number> {
  const byContext = await indexContexts(deps, opts);
  const byTime = await summariseTimes(deps, opts.range ?? INDEX_RANGE);
  return Math.max(byContext, byTime);
}

async function indexContexts(deps: Deps, opts: { chunk?: number; range?: number }): Promise<number> {
  const db = deps.store.db;
  // D1 binds at most 100 parameters a statement: three per index row.
  const chunk = opts.chunk ?? (deps.store.dialect === 'd1' ? 33 : 150);
  const state = await db.selectFrom('audit_index_state').select('upto').where('id', '=', 1).executeTakeFirst();
  const head = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!state) return 0;
  const last = Number(head?.seq ?? 0);
  // Entries of the newest generation that holds any (of the events there are) may be
  // partial; those before it are whole. PostgreSQL indexes as it writes: its claim goes
  // back to saying so.
  const upto = await checkedClaim(deps, 'upto', Number(state.upto), last, async () => {
    if (deps.store.dialect === 'postgres') return -1;
    const row = await db
      .selectFrom('audit_by_context')
      .select((eb) => eb.fn.max('gen').as('gen'))
      .where('gen', '<=', generationOf(Math.max(1, last)))
      .executeTakeFirst();
    return row?.gen == null ? 0 : firstSeqOf(Number(row.gen)) - 1;
  });
  // upto < 0: the database indexes the log as it writes it (PostgreSQL, migration 0019).
  if (upto === null || upto < 0) return 0;
  const to = Math.min(last, upto + (opts.range ?? INDEX_RANGE));
  if (to <= upto) return 0;
  const entries: Entry[] = [];
  for (let from = upto; from < to; from += READ_PAGE) {
    const rows = await db
      .selectFrom('audit_log as l')
      .innerJoin('audit_contexts as c', 'c.num', 'l.context')
      .select(['l.seq', 'l.context'])
      .where('l.seq', '>', from)
      .where('l.seq', '<=', Math.min(to, from + READ_PAGE))
      .where((eb) => eb.or([eb('c.consumer_id', 'is not', null), eb('c.grant_id', 'is not', null)]))
      .execute();
    for (const r of rows) entries.push([generationOf(Number(r.seq)), Number(r.context), Number(r.seq)]);
  }
  entries.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  for (let i = 0; i < entries.length; i += chunk) {
    const rows = entries.slice(i, i + chunk).map(([gen, context, seq]) => ({ gen, context, seq }));
    await commit(deps, {
      writes: [
        db
          .insertInto('audit_by_context')
          .values(rows)
          .onConflict((oc) => oc.doNothing()),
      ],
    });
  }
  const moved = await commitOr(
    deps,
    { guards: [{ name: 'audit_index_at', changes: db.updateTable('audit_index_state').set({ upto: to }).where('id', '=', 1).where('upto', '=', upto) }] },
    () => 'raced' as const,
  );
  // Another node moved `upto` first; it indexed the same range.
  return moved === 'raced' ? 0 : to - upto;
}
