// The by-context index in generations (migration 0022, index-generations.ts): a background
// run writes only the newest generation's pages, and queries by consumer and by grant still
// find every event, in every generation the index reaches and in the tail after it. The
// migration puts an index that existed before it into the generations the code computes.
import { describe, expect, it } from 'vitest';
import { indexAuditLog } from '../../src/features/audit/audit-index.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { generationOf, generationsUpTo } from '../../src/features/audit/index-generations.ts';
import { indexedUpto, ofConsumer, ofGrant } from '../../src/features/audit/indexed-events.ts';
import { sqliteTestDeps, testDeps, type TestDeps } from '../helpers/deps.ts';
import { exec } from '../helpers/log-attacks.ts';
import { migrationStatements } from '../helpers/migration-statements.ts';

const GENERATION = 2 ** 18;

/** `n` reads after seq `from`, spread over three consumers and their grants, in large commits. */
async function reads(deps: TestDeps, n: number, from = 0) {
  for (let i = from; i < from + n; i += 20_000) {
    await commit(deps, {
      audit: Array.from({ length: Math.min(20_000, from + n - i) }, (_, k) => ({
        action: 'grant.read',
        outcome: 'success' as const,
        actor_type: 'brand' as const,
        actor_id: 'b1',
        brand_id: 'b1',
        consumer_id: `c${(i + k) % 3}`,
        grant_id: `g${(i + k) % 3}`,
        attributes: ['email'],
      })),
    });
  }
}

async function seqsOf(deps: TestDeps, by: 'consumer' | 'grant', id: string) {
  const upto = await indexedUpto(deps.store.db);
  const rows = await deps.store.db
    .selectFrom('audit_events')
    .select('seq')
    .where((eb) => (by === 'consumer' ? ofConsumer(eb, id, upto) : ofGrant(eb, id, upto)))
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.seq);
}

const plainSeqs = async (deps: TestDeps, by: 'consumer_id' | 'grant_id', id: string) =>
  (await deps.store.db.selectFrom('audit_events').select('seq').where(by, '=', id).orderBy('seq').execute()).map((r) => r.seq);

describe('the by-context index in generations', () => {
  it('numbers generations of 262,144 events from seq 1', () => {
    expect([1, GENERATION, GENERATION + 1, 2 * GENERATION, 2 * GENERATION + 1].map(generationOf)).toEqual([0, 0, 1, 1, 2]);
    expect(generationsUpTo(0)).toEqual([]);
    expect(generationsUpTo(GENERATION)).toEqual([0]);
    expect(generationsUpTo(GENERATION + 1)).toEqual([0, 1]);
  });

  it('answers by consumer and by grant across two generations and the tail, each entry in its event’s generation', async () => {
    const deps = await testDeps();
    await reads(deps, GENERATION - 100);
    while ((await indexAuditLog(deps)) > 0);
    await reads(deps, 400, GENERATION - 100); // crosses into generation 1
    while ((await indexAuditLog(deps)) > 0);
    await reads(deps, 50, GENERATION + 300); // the tail
    for (const c of ['c0', 'c1', 'c2']) expect(await seqsOf(deps, 'consumer', c)).toEqual(await plainSeqs(deps, 'consumer_id', c));
    expect(await seqsOf(deps, 'grant', 'g2')).toEqual(await plainSeqs(deps, 'grant_id', 'g2'));
    if (deps.store.dialect === 'postgres') return; // PostgreSQL indexes as it writes: the table stays empty
    const rows = await deps.store.db.selectFrom('audit_by_context').select(['gen', 'seq']).orderBy('seq').execute();
    const upto = await indexedUpto(deps.store.db);
    expect(upto).toBeGreaterThan(GENERATION);
    // Every indexed event (the log's own checkpoint events name no consumer or grant), once, in its generation.
    const indexable = await deps.store.db
      .selectFrom('audit_events')
      .select('seq')
      .where('seq', '<=', upto)
      .where((eb) => eb.or([eb('consumer_id', 'is not', null), eb('grant_id', 'is not', null)]))
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.seq)).toEqual(indexable.map((r) => r.seq));
    expect(rows.filter((r) => r.gen !== generationOf(r.seq))).toEqual([]);
    expect(new Set(rows.map((r) => r.gen))).toEqual(new Set([0, 1]));
  }, 120_000);

  it('look in no generation past the log’s head when the index state claims more', async () => {
    const deps = await sqliteTestDeps();
    await reads(deps, 30);
    await indexAuditLog(deps);
    const indexed = await plainSeqs(deps, 'consumer_id', 'c1');
    // An edited state row: 10^15 events indexed, some 3.8 billion generations to list.
    await exec(deps, 'UPDATE audit_index_state SET upto = 1000000000000000 WHERE id = 1');
    const head = await deps.store.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(await indexedUpto(deps.store.db)).toBe(head.seq);
    expect(await seqsOf(deps, 'consumer', 'c1')).toEqual(indexed);
  });

  it('are given to an index that existed before migration 0022, as the code computes them', async () => {
    const deps = await testDeps();
    await reads(deps, 30);
    // The table as 0019 made it, holding entries on both sides of a generation's edge.
    await exec(deps, 'DROP TABLE audit_by_context');
    await exec(
      deps,
      `CREATE TABLE audit_by_context (context INTEGER NOT NULL, seq ${deps.store.dialect === 'postgres' ? 'BIGINT' : 'INTEGER'} NOT NULL, PRIMARY KEY (context, seq))${deps.store.dialect === 'postgres' ? '' : ' WITHOUT ROWID'}`,
    );
    const seqs = [1, 2, GENERATION, GENERATION + 1, 2 * GENERATION + 7];
    await exec(deps, `INSERT INTO audit_by_context (context, seq) VALUES ${seqs.map((s) => `(1, ${s})`).join(', ')}`);
    for (const st of migrationStatements('0022_audit_index_generations.sql')) await exec(deps, st);
    const rows = await deps.store.db.selectFrom('audit_by_context').select(['gen', 'context', 'seq']).orderBy('seq').execute();
    expect(rows.map((r) => [Number(r.gen), Number(r.context), Number(r.seq)])).toEqual(seqs.map((s) => [generationOf(s), 1, s]));
    // The migrated table takes the indexer's entries and answers queries.
    await exec(deps, 'DELETE FROM audit_by_context');
    await indexAuditLog(deps);
    expect(await seqsOf(deps, 'consumer', 'c1')).toEqual(await plainSeqs(deps, 'consumer_id', 'c1'));
  });
});
