// The audit log's consumer and grant indexes, kept off the hot path (issue 26): queries by
// consumer and by grant answer the same whether the indexer has run, has run part-way or
// is behind, never show another consumer's events even from a wrong index row, and two
// indexers at once (two nodes on one database) index each event once. On PostgreSQL the log is
// indexed as it is written (migration 0019): the same answers, with nothing for the indexer.
import { describe, expect, it } from 'vitest';
import { commit } from '../../src/features/audit/commit.ts';
import { indexAuditLog } from '../../src/features/audit/audit-index.ts';
import { indexedUpto, ofConsumer, ofGrant } from '../../src/features/audit/indexed-events.ts';
import { consumerActivity } from '../../src/features/activity/consumer-activity.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { exec } from '../helpers/log-attacks.ts';

/** Appends `n` reads spread over three consumers and their grants, as the read path would. */
async function reads(deps: TestDeps, n: number, from = 0) {
  for (let i = from; i < from + n; i++) {
    const c = i % 3;
    await commit(deps, {
      audit: [
        {
          action: 'grant.read',
          outcome: 'success',
          actor_type: 'brand',
          actor_id: 'b1',
          brand_id: 'b1',
          consumer_id: `c${c}`,
          grant_id: `g${c}`,
          attributes: ['email'],
          purpose: 'https://w3id.org/dpv#ServiceProvision',
        },
      ],
    });
  }
}

const seqsOf = async (deps: TestDeps, by: 'consumer' | 'grant', id: string, upto?: number) => {
  upto ??= await indexedUpto(deps.store.db);
  return (
    await deps.store.db
      .selectFrom('audit_events')
      .select('seq')
      .where((eb) => (by === 'consumer' ? ofConsumer(eb, id, upto) : ofGrant(eb, id, upto)))
      .orderBy('seq')
      .execute()
  ).map((r) => r.seq);
};

const plainSeqs = async (deps: TestDeps, by: 'consumer_id' | 'grant_id', id: string) =>
  (await deps.store.db.selectFrom('audit_events').select('seq').where(by, '=', id).orderBy('seq').execute()).map((r) => r.seq);

describe('the audit log’s consumer and grant indexes', () => {
  it('answer the same before, part-way through and after indexing', async () => {
    const deps = await testDeps();
    await reads(deps, 30);
    const expected = await plainSeqs(deps, 'consumer_id', 'c1');
    expect(expected).toHaveLength(10);
    expect(await seqsOf(deps, 'consumer', 'c1')).toEqual(expected); // all in the tail
    // In ranges of 7 events, index rows committed 2 at a time.
    let covered = 0;
    for (let n = 1; n; covered += n) n = await indexAuditLog(deps, { range: 7, chunk: 2 });
    if (deps.store.dialect !== 'postgres') expect(covered).toBeGreaterThanOrEqual(30);
    expect(await seqsOf(deps, 'consumer', 'c1')).toEqual(expected);
    await reads(deps, 9, 30); // a new tail after the indexed part
    const more = await plainSeqs(deps, 'grant_id', 'g1');
    expect(more).toHaveLength(13);
    expect(await seqsOf(deps, 'grant', 'g1')).toEqual(more);
    await indexAuditLog(deps);
    expect(await seqsOf(deps, 'grant', 'g1')).toEqual(more);
    const state = await deps.store.db.selectFrom('audit_index_state').select('upto').executeTakeFirstOrThrow();
    const head = await deps.store.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    // PostgreSQL indexes as it writes (upto -1, nothing for the indexer to do).
    expect(Number(state.upto)).toBe(deps.store.dialect === 'postgres' ? -1 : head.seq);
  });

  it('serve the consumer’s activity across the indexed part and the tail', async () => {
    const deps = await testDeps();
    await reads(deps, 12);
    await indexAuditLog(deps);
    await reads(deps, 6, 12);
    const page = await consumerActivity(deps, 'c2', { limit: 50 } as never);
    expect(page.events.map((e) => e.seq)).toEqual((await plainSeqs(deps, 'consumer_id', 'c2')).reverse());
  });

  it('never widen a query to another consumer’s events, even from a wrong index row', async () => {
    const deps = await testDeps();
    await reads(deps, 6);
    await indexAuditLog(deps);
    const other = await plainSeqs(deps, 'consumer_id', 'c0');
    // An operator (or a bug) points c1's context at c0's events: c1 still sees only its own.
    const c1 = await deps.store.db.selectFrom('audit_contexts').select('num').where('consumer_id', '=', 'c1').executeTakeFirstOrThrow();
    await deps.store.db
      .insertInto('audit_by_context')
      .values(other.map((seq) => ({ gen: 0, context: c1.num, seq })))
      .execute();
    expect(await seqsOf(deps, 'consumer', 'c1')).toEqual(await plainSeqs(deps, 'consumer_id', 'c1'));
  });

  it('index each event once when two indexers run at once', async () => {
    const deps = await testDeps();
    await reads(deps, 40);
    const drain = async () => {
      for (let i = 0; i < 20; i++) await indexAuditLog(deps, { range: 5, chunk: 3 });
    };
    await Promise.all([drain(), drain(), drain()]);
    const rows = await deps.store.db.selectFrom('audit_by_context').select(['context', 'seq']).execute();
    const indexed = deps.store.dialect === 'postgres' ? 0 : 40;
    expect(rows).toHaveLength(indexed);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(indexed);
    expect(await seqsOf(deps, 'consumer', 'c0')).toEqual(await plainSeqs(deps, 'consumer_id', 'c0'));
  });

  it('index again what a state row claims past the log’s head, from what the index holds', async () => {
    const deps = await testDeps();
    await reads(deps, 30);
    await indexAuditLog(deps);
    await reads(deps, 12, 30); // not indexed yet
    // The state row edited by hand: the whole log indexed, and more; with an index row
    // far past the log beside it, so that the index's own newest generation claims more too.
    await exec(deps, 'UPDATE audit_index_state SET upto = 1000000000000000 WHERE id = 1');
    const c1 = await deps.store.db.selectFrom('audit_contexts').select('num').where('consumer_id', '=', 'c1').executeTakeFirstOrThrow();
    await deps.store.db
      .insertInto('audit_by_context')
      .values({ gen: 1000, context: c1.num, seq: 1000 * 2 ** 18 + 1 })
      .execute();
    const expected = await plainSeqs(deps, 'consumer_id', 'c1');
    // Until the indexer runs, queries take every event as indexed and miss some.
    expect(await seqsOf(deps, 'consumer', 'c1')).not.toEqual(expected);
    // Two nodes' indexers at once: one takes the claim back, both index what follows.
    await Promise.all([indexAuditLog(deps), indexAuditLog(deps)]);
    await indexAuditLog(deps);
    expect(await seqsOf(deps, 'consumer', 'c1')).toEqual(expected);
    expect(await seqsOf(deps, 'grant', 'g2')).toEqual(await plainSeqs(deps, 'grant_id', 'g2'));
    const state = await deps.store.db.selectFrom('audit_index_state').select('upto').executeTakeFirstOrThrow();
    // PostgreSQL's claim goes back to "indexed as written"; SQLite's to its head, each event indexed once.
    const head = await deps.store.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(Number(state.upto)).toBe(deps.store.dialect === 'postgres' ? -1 : head.seq);
    const rows = await deps.store.db.selectFrom('audit_by_context').select('seq').where('gen', '<', 1000).execute();
    expect(rows).toHaveLength(deps.store.dialect === 'postgres' ? 0 : 42);
  });
});
