// The chain walked in pages and in parallel ranges must give exactly the verdict of one
// walk from the genesis, wherever the tampering falls relative to page and range edges.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { SQLITE_LEGACY_WRITES } from '../helpers/legacy-log-writes.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEvent } from '../../src/db/audit-chain.ts';
import { checkRange, stitchRanges } from '../../src/features/audit/chain-ranges.ts';
import { goodLeaves } from '../../src/features/audit/paged-walk.ts';
import { Folder, joinFolds, WHOLE } from '../../src/features/audit/range-fold.ts';
import { pagedChainWalk, verifyAuditLog, type ChainWalk } from '../../src/features/audit/verify.ts';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/store.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { rangeJobs, sqliteChainWalk } from '../../src/runtime/store/sqlite/chain-walk.ts';
import { rangeRows } from '../../src/runtime/store/sqlite/chain-range.ts';
import { fixedClock } from '../../src/clock.ts';

const EVENTS = 60;
let dir: string;
let pristine: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trove-walk-'));
  pristine = join(dir, 'pristine.db');
  const sqlite = openSqlite(pristine);
  await migrateSqlite(sqlite);
  const store = createSqliteStore(sqlite, fixedClock(1_700_000_000_000), { writer: 'in-place' });
  for (let i = 0; i < EVENTS; i++) {
    await store.commit({ audit: [{ action: 'test.event', outcome: 'success', actor_type: 'system', detail: { i } }] });
  }
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the pristine log with `tamper` applied directly to the file. */
function tampered(name: string, tamper: (db: BetterSqlite.Database) => void): string {
  const file = join(dir, `${name}.db`);
  copyFileSync(pristine, file);
  const db = new BetterSqlite(file);
  db.pragma('journal_mode = DELETE');
  db.exec(SQLITE_LEGACY_WRITES);
  tamper(db);
  db.close();
  return file;
}

/** The reference: every row, in seq order, checked as one range from seq 1. */
function oneWalk(file: string): ChainWalk {
  return async (wanted, ask = {}) => {
    const db = new BetterSqlite(file, { readonly: true });
    try {
      const folder = ask.sizes ? new Folder(0, ask.sizes) : undefined;
      const walked = stitchRanges([checkRange(db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditEventRow[], 1, wanted, false, folder)]);
      return folder ? { ...walked, tree: joinFolds([folder.result()], WHOLE, goodLeaves(walked)) } : walked;
    } finally {
      db.close();
    }
  };
}

/** The parallel walk's ranges, read and checked one after another in this thread. */
function rangesHere(file: string, threads: number, page?: number): ChainWalk {
  return async (wanted, ask = {}) => {
    const db = new BetterSqlite(file, { readonly: true });
    try {
      const max = (db.prepare('SELECT max(seq) AS m FROM audit_events').get() as { m: number }).m;
      const { unit, jobs } = rangeJobs(file, max, threads);
      const ranges = jobs.map((job) => {
        const folder = ask.sizes ? new Folder(job.lo - 1, ask.sizes) : undefined;
        return { ...checkRange(rangeRows(db, { ...job, page }), job.lo, wanted, false, folder), fold: folder?.result() ?? null };
      });
      const walked = stitchRanges(ranges);
      return ask.sizes
        ? {
            ...walked,
            tree: joinFolds(
              ranges.map((r) => r.fold!),
              unit,
              goodLeaves(walked),
            ),
          }
        : walked;
    } finally {
      db.close();
    }
  };
}

async function verdicts(file: string, threads = false) {
  const sqlite = new BetterSqlite(file, { readonly: true });
  const store = createSqliteStore(sqlite, fixedClock(0));
  try {
    const run = (walk?: ChainWalk) => verifyAuditLog(store.db, walk);
    return {
      reference: await run(oneWalk(file)),
      paged: [await run(pagedChainWalk(store.db, 4)), await run(pagedChainWalk(store.db, 7)), await run()],
      ranges: [
        ...(await Promise.all([2, 3, 4].map((n) => run(rangesHere(file, n))))),
        ...(await Promise.all([2, 3].map((n) => run(rangesHere(file, n, 4))))), // several fetches per range
      ],
      threads: threads ? await Promise.all([2, 4].map((n) => run(sqliteChainWalk(file, n, 0)))) : [],
    };
  } finally {
    await store.close();
  }
}

const rehash = (db: BetterSqlite.Database, seq: number) => {
  const row = db.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as AuditEventRow;
  db.prepare('UPDATE audit_events SET hash = ? WHERE seq = ?').run(hashEvent(row), seq);
};

// Range edges for 2, 3 and 4 threads over 60 events, and page edges for 4 and 7.
const EDGES = [1, 2, 15, 16, 20, 21, 28, 29, 30, 31, 40, 41, 45, 46, 59, 60];
const CASES: [string, (db: BetterSqlite.Database) => void, number | null][] = [
  ['intact', () => {}, null],
  ...EDGES.map((s): [string, (db: BetterSqlite.Database) => void, number] => [
    `edited ${s}`,
    (db) => {
      db.prepare(`UPDATE audit_events SET action = 'x' WHERE seq = ?`).run(s);
    },
    s,
  ]),
  ...EDGES.filter((s) => s < EVENTS).map((s): [string, (db: BetterSqlite.Database) => void, number] => [
    `edited and rehashed ${s}`,
    (db) => {
      db.prepare(`UPDATE audit_events SET outcome = 'denied' WHERE seq = ?`).run(s);
      rehash(db, s);
    },
    s + 1,
  ]),
  ...EDGES.filter((s) => s < EVENTS).map((s): [string, (db: BetterSqlite.Database) => void, number] => [
    `deleted ${s}`,
    (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq = ?').run(s);
    },
    s,
  ]),
  [
    'a whole range deleted',
    (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq BETWEEN 16 AND 30').run();
    },
    16,
  ],
  [
    'row 1 moved to seq 0',
    (db) => {
      db.prepare('UPDATE audit_events SET seq = 0 WHERE seq = 1').run();
    },
    1,
  ],
  [
    'a row inserted below seq 1',
    (db) => {
      db.prepare(
        `INSERT INTO audit_events SELECT -5, 'forged', ts, actor_type, actor_id, action, outcome, consumer_id, brand_id, grant_id, attributes, purpose, reason, detail, prev_hash, hash FROM audit_events WHERE seq = 1`,
      ).run();
    },
    1,
  ],
  [
    'two rows swapped across an edge',
    (db) => {
      db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = 30').run();
      db.prepare('UPDATE audit_events SET seq = 30 WHERE seq = 31').run();
      db.prepare('UPDATE audit_events SET seq = 31 WHERE seq = -1').run();
    },
    30,
  ],
  [
    'the tail truncated',
    (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq > 44').run();
    },
    null,
  ],
  [
    'the chain re-linked after a deletion at an edge',
    (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq = 31').run();
      db.prepare('UPDATE audit_events SET seq = seq - 1 WHERE seq > 31').run();
    },
    31,
  ],
];

describe('walking the audit chain in pages and in parallel ranges', () => {
  it.each(CASES)("gives the single walk's verdict when %s", async (name, tamper, firstBad) => {
    const v = await verdicts(tampered(name.replace(/\W+/g, '-'), tamper));
    expect(v.reference.first_bad_seq).toBe(firstBad);
    for (const other of [...v.paged, ...v.ranges]) expect(other).toEqual(v.reference);
  });

  it('reports how many events it checked and the last good head', async () => {
    const v = await verdicts(
      tampered('counted', (db) => {
        db.prepare('DELETE FROM audit_events WHERE seq = 41').run();
      }),
    );
    expect(v.reference).toMatchObject({ ok: false, checked: 41, first_bad_seq: 41, head: { seq: 40 } });
    for (const other of v.ranges) expect(other).toEqual(v.reference);
  });

  it.each(CASES.filter(([name]) => ['intact', 'edited 30', 'edited and rehashed 15', 'a row inserted below seq 1', 'the tail truncated'].includes(name)))(
    'gives the same verdict with real threads when %s',
    async (name, tamper) => {
      const v = await verdicts(tampered(`threads-${name.replace(/\W+/g, '-')}`, tamper), true);
      expect(v.threads).toHaveLength(2);
      for (const other of v.threads) expect(other).toEqual(v.reference);
    },
  );
});
