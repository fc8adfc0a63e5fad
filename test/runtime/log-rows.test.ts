// The verifier's walk decodes the compact log in JS (log-rows.ts) instead of reading the
// audit_events view: it must give the view's rows exactly, on an intact log and on one an
// operator has damaged underneath (rows deleted, a forged text id, a row below seq 1, a
// hash that is not hex, a context removed, a brand removed).
import type BetterSqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { rangeRows } from '../../src/runtime/store/sqlite/chain-range.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/store.ts';

async function log(n: number): Promise<BetterSqlite.Database> {
  const sqlite = openSqlite(':memory:');
  await migrateSqlite(sqlite);
  const store = createSqliteStore(sqlite, fixedClock(1_700_000_000_000));
  for (let i = 0; i < n; i++) {
    await store.commit({
      audit: [
        {
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
          detail: i % 4 ? undefined : { i },
        },
      ],
    });
  }
  return sqlite;
}

const viaView = (db: BetterSqlite.Database) => db.prepare('SELECT * FROM audit_events ORDER BY seq').all();
const decoded = (db: BetterSqlite.Database) => [...rangeRows(db, { filename: ':memory:', lo: 1, hi: null, open: true, page: 7 })];

describe('the verifier’s decoding of the compact log', () => {
  it('gives the audit_events view’s rows on an intact log, across pages', async () => {
    const db = await log(40);
    expect(decoded(db)).toEqual(viaView(db));
    expect(decoded(db)).toHaveLength(40);
  });

  it('gives the view’s rows after an operator damaged the stored tables', async () => {
    const db = await log(40);
    db.exec(`
      DELETE FROM audit_log WHERE seq IN (5, 6, 20);
      UPDATE audit_log SET id = 'forged-id' WHERE seq = 9;
      INSERT INTO audit_log (seq, id, ts, context, brand, hash) SELECT -3, id, ts, context, brand, hash FROM audit_log WHERE seq = 2;
      UPDATE audit_log SET hash = 'not hex' WHERE seq = 11;
      DELETE FROM audit_brands WHERE brand_id = 'b1';
      DELETE FROM audit_contexts WHERE num = (SELECT context FROM audit_log WHERE seq = 30);
    `);
    expect(decoded(db)).toEqual(viaView(db));
  });
});
