// An auditor's page by time is found through the log's time blocks (time-blocks.ts) rather
// than by scanning the log from its start. Events are stamped by the committing node's
// clock, which may run behind another's: the pages must be exactly what a scan of every
// event would give, with part of the log summarised and the rest still tail.
import { describe, expect, it } from 'vitest';
import { indexAuditLog } from '../../src/features/audit/audit-index.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { BLOCK, timeBounds } from '../../src/features/audit/time-blocks.ts';
import { OPERATOR_REVIEWER } from '../../src/features/auditors/accounts.ts';
import { listEvents } from '../../src/features/auditors/audit-queries.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { exec } from '../helpers/log-attacks.ts';
import { migrationStatements } from '../helpers/migration-statements.ts';

const T0 = Date.UTC(2026, 5, 1);

/** `n` events in commits of 25; every seventh commit comes from a node whose clock is 5 s behind. */
async function skewedLog(deps: TestDeps, n: number) {
  for (let i = 0; i < n; i += 25) {
    const commitNo = i / 25;
    deps.clock.set(T0 + i * 10 - (commitNo % 7 === 3 ? 5000 : 0));
    await commit(deps, {
      audit: Array.from({ length: Math.min(25, n - i) }, (_, k) => ({
        action: 'grant.read',
        outcome: 'success' as const,
        actor_type: 'brand' as const,
        actor_id: `b${(i + k) % 2}`,
        brand_id: `b${(i + k) % 2}`,
        grant_id: `g${(i + k) % 5}`,
        attributes: ['email'],
      })),
    });
  }
}

async function everyEvent(deps: TestDeps) {
  return deps.store.db.selectFrom('audit_events').select(['seq', 'ts']).orderBy('seq').execute();
}

/** Each block's [block, smallest ts, largest ts], computed from the events themselves. */
function blocksOf(events: { seq: number; ts: number }[]) {
  const blocks = new Map<number, [number, number, number]>();
  for (const e of events) {
    const b = Math.floor((e.seq - 1) / BLOCK);
    const cur = blocks.get(b) ?? [b, e.ts, e.ts];
    blocks.set(b, [b, Math.min(cur[1], e.ts), Math.max(cur[2], e.ts)]);
  }
  return [...blocks.values()];
}

async function storedBlocks(deps: TestDeps) {
  const rows = await deps.store.db.selectFrom('audit_time_blocks').selectAll().orderBy('block').execute();
  return rows.map((b) => [Number(b.block), Number(b.min_ts), Number(b.max_ts)]);
}

describe('audit events by time', () => {
  it('pages by time exactly as a scan of every event would, across summarised blocks and the tail', async () => {
    const deps = await testDeps();
    await skewedLog(deps, 3 * BLOCK + 300);
    await indexAuditLog(deps, { range: 2 * BLOCK + 100 }); // part summarised, the rest tail
    deps.clock.set(T0 + 10 * 3 * BLOCK + 60_000); // the auditor's own events come last
    const cases: { from?: number; to?: number; order: 'asc' | 'desc' }[] = [
      { from: T0 + 10 * 1500, order: 'asc' },
      { from: T0 + 10 * 1500, order: 'desc' },
      { from: T0 + 10 * 700 - 4000, to: T0 + 10 * 1200, order: 'asc' },
      { from: T0 + 10 * 700, to: T0 + 10 * 1200, order: 'desc' },
      { to: T0 + 10 * 900, order: 'desc' },
      { from: T0 + 10 * 2900, to: T0 + 10 * 3300, order: 'asc' }, // reaches into the tail
      { from: T0 - 60_000, to: T0 + 10 * 40, order: 'desc' },
      { from: T0 + 10 * 5000, order: 'asc' }, // after every read: only the auditor's own events
      { from: T0 + 10 * 2000, to: T0 + 10 * 1000, order: 'asc' }, // an empty range
    ];
    for (const c of cases) {
      let cursor: string | undefined;
      for (let page = 0; page < 3; page++) {
        const got = await listEvents(deps, OPERATOR_REVIEWER, { ...c, limit: 40, cursor });
        const all = await everyEvent(deps);
        const matching = all.filter((e) => (c.from === undefined || e.ts >= c.from) && (c.to === undefined || e.ts < c.to));
        if (c.order === 'desc') matching.reverse();
        const from = page === 0 ? 0 : matching.findIndex((e) => e.seq === Number(Buffer.from(cursor!, 'base64url').toString().split(':')[1])) + 1;
        expect(got.events.map((e) => e.seq)).toEqual(matching.slice(from, from + 40).map((e) => e.seq));
        cursor = got.next_cursor ?? undefined;
        if (!cursor) break;
      }
    }
  });

  it('narrows a time range to the blocks that can hold it, and never bounds the tail away', async () => {
    const deps = await testDeps();
    await skewedLog(deps, 3 * BLOCK + 300);
    await indexAuditLog(deps, { range: 2 * BLOCK + 100 });
    const upto = 2 * BLOCK + 100;
    // The third block's events were stamped from T0 + 10·2048 on (a skewed node 5 s earlier).
    const late = await timeBounds(deps.store.db, T0 + 10 * (2 * BLOCK + 50), undefined);
    expect(late).toEqual({ lo: 2 * BLOCK + 1, hi: null });
    // A start after every summarised event: only the tail can match.
    expect(await timeBounds(deps.store.db, T0 + 10 * 5000, undefined)).toEqual({ lo: upto + 1, hi: null });
    // An end within the first block, with no tail event before it: nothing after that block.
    expect(await timeBounds(deps.store.db, undefined, T0 + 10 * 100)).toEqual({ lo: 1, hi: BLOCK });
    // An end the tail reaches (its skewed events run 5 s early): no upper bound.
    expect((await timeBounds(deps.store.db, undefined, T0 + 10 * (3 * BLOCK + 200)))?.hi).toBeNull();
    // Once everything is summarised, the same end is bounded by its block.
    while ((await indexAuditLog(deps)) > 0);
    const head = (await everyEvent(deps)).at(-1)!.seq;
    expect((await timeBounds(deps.store.db, undefined, T0 + 10 * 1100))?.hi).toBe(2 * BLOCK);
    expect(head).toBeGreaterThan(3 * BLOCK);
  });

  it('summarises each block to the same bounds when several indexers run at once', async () => {
    const deps = await testDeps();
    await skewedLog(deps, BLOCK + 500);
    const drain = async () => {
      for (let i = 0; i < 40; i++) await indexAuditLog(deps, { range: 97 });
    };
    await Promise.all([drain(), drain(), drain()]);
    const events = await everyEvent(deps);
    expect(await storedBlocks(deps)).toEqual(blocksOf(events));
    const state = await deps.store.db.selectFrom('audit_index_state').select('time_upto').executeTakeFirstOrThrow();
    expect(Number(state.time_upto)).toBe(events.at(-1)!.seq);
  });

  it('summarise again what a state row claims past the log’s head, from the last block they hold', async () => {
    const deps = await testDeps();
    await skewedLog(deps, 2 * BLOCK + 300);
    await indexAuditLog(deps, { range: BLOCK + 100 }); // blocks 0 and part of 1
    await exec(deps, 'UPDATE audit_index_state SET time_upto = 1000000000000000 WHERE id = 1');
    // A block far past the log beside it: the summary's own newest block claims more too.
    await exec(deps, `INSERT INTO audit_time_blocks (block, min_ts, max_ts) VALUES (1000000, ${T0}, ${T0})`);
    // Until the job runs, a range after every summarised event is bounded past the log.
    const late = T0 + 10 * (2 * BLOCK);
    expect((await timeBounds(deps.store.db, late, undefined))?.lo).toBeGreaterThan(2 * BLOCK + 300);
    await indexAuditLog(deps);
    const events = await everyEvent(deps);
    expect((await storedBlocks(deps)).filter(([b]) => b! < 1000000)).toEqual(blocksOf(events));
    expect(await timeBounds(deps.store.db, late, undefined)).toEqual({ lo: 2 * BLOCK + 1, hi: null });
    const state = await deps.store.db.selectFrom('audit_index_state').select('time_upto').executeTakeFirstOrThrow();
    expect(Number(state.time_upto)).toBe(events.at(-1)!.seq);
  });

  it('are summarised by migration 0021 for a log that existed before it', async () => {
    const deps = await testDeps();
    await skewedLog(deps, BLOCK + 300);
    // The database as it stood before 0021, then 0021 itself, statement by statement.
    await exec(deps, 'DROP TABLE audit_time_blocks');
    await exec(deps, 'ALTER TABLE audit_index_state DROP COLUMN time_upto');
    for (const st of migrationStatements('0021_audit_time_blocks.sql')) await exec(deps, st);
    const events = await everyEvent(deps);
    expect(await storedBlocks(deps)).toEqual(blocksOf(events));
    const state = await deps.store.db.selectFrom('audit_index_state').select('time_upto').executeTakeFirstOrThrow();
    expect(Number(state.time_upto)).toBe(events.at(-1)!.seq);
  });
});
