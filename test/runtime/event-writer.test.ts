// The SQLite batch writer stores an event of a context it already knows with one insert of
// remembered numbers (event-writer.ts). The view must give back exactly the rows that were
// chained, and a number learned in a transaction that was rolled back must never be used.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { chainEvents } from '../../src/db/audit-chain.ts';
import type { AuditDraft } from '../../src/db/audit-event.ts';
import { eventWriter } from '../../src/runtime/store/sqlite/event-writer.ts';
import { statementCache } from '../../src/runtime/store/sqlite/batch.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/store.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';

const read = (i: number): AuditDraft => ({
  action: 'grant.read',
  outcome: i % 5 ? 'success' : 'denied',
  actor_type: 'brand',
  actor_id: `b${i % 2}`,
  brand_id: i % 7 ? `b${i % 2}` : null,
  consumer_id: `c${i % 3}`,
  grant_id: `g${i % 3}`,
  attributes: ['email', 'name'],
  purpose: 'https://w3id.org/dpv#ServiceProvision',
  reason: i % 5 ? null : 'revoked',
});

async function fresh() {
  const sqlite = openSqlite(':memory:');
  await migrateSqlite(sqlite);
  return sqlite;
}

describe('the SQLite event writer', () => {
  it('gives back through the view exactly the events it chained, whether their context was new or known', async () => {
    const sqlite = await fresh();
    const store = createSqliteStore(sqlite, fixedClock(1_700_000_000_000));
    const chained = [];
    // Batches of several changes and single ones, contexts and brands repeating across them.
    for (let round = 0; round < 4; round++) {
      const batch = await Promise.all(Array.from({ length: 9 }, (_, i) => store.commit({ audit: [read(round * 9 + i), read(i)] })));
      chained.push(...batch.flatMap((c) => c.events));
    }
    const contexts = sqlite.prepare('SELECT count(*) FROM audit_contexts').pluck().get() as number;
    expect(contexts).toBeLessThan(20); // shared, not one per event
    const viewed = sqlite.prepare('SELECT * FROM audit_events ORDER BY seq').all();
    expect(viewed).toEqual(chained.sort((a, b) => a.seq - b.seq));
    expect(await verifyAuditLog(store.db)).toMatchObject({ ok: true, checked: 72 });
    await store.close();
  });

  it('forgets a number learned in a transaction that was rolled back, whose number then went to another context', async () => {
    const sqlite = await fresh();
    const writer = eventWriter(sqlite, statementCache(sqlite));
    const [first] = chainEvents(undefined, [read(1)], 1);
    sqlite.exec('BEGIN');
    writer.insert(first!);
    sqlite.exec('ROLLBACK');
    writer.rolledBack();
    // Another writer takes the number the rolled-back context had.
    sqlite
      .prepare(
        "INSERT INTO audit_contexts (key, actor_type, action, outcome) VALUES (json_array('system', NULL, 'other.thing', 'success', NULL, NULL, NULL, NULL, NULL, NULL), 'system', 'other.thing', 'success')",
      )
      .run();
    sqlite.exec('BEGIN');
    writer.insert(first!);
    sqlite.exec('COMMIT');
    writer.committed();
    const [again] = chainEvents({ seq: 1, hash: first!.hash }, [read(1)], 2);
    sqlite.exec('BEGIN');
    writer.insert(again!); // now from the remembered number
    sqlite.exec('COMMIT');
    expect(sqlite.prepare('SELECT * FROM audit_events ORDER BY seq').all()).toEqual([first, again]);
  });
});
