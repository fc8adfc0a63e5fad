// The background by-context indexer inside workerd against D1 (the cron runs it before each
// checkpoint): D1 binds at most 100 parameters a statement, so the index rows (three
// parameters each) go in chunks that fit, and the queries by consumer answer from the index
// and the tail as on SQLite. A failure here would only be logged by the cron, so it is
// tested directly.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import type { Deps } from '../../src/deps.ts';
import { silentLog } from '../../src/deps.ts';
import { indexAuditLog } from '../../src/features/audit/audit-index.ts';
import { generationOf } from '../../src/features/audit/index-generations.ts';
import { indexedUpto, ofConsumer } from '../../src/features/audit/indexed-events.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';

describe('the by-context indexer on D1', () => {
  it('indexes 100 reads in chunks D1 accepts, each entry in its generation, and queries by consumer still answer', async () => {
    const store = createD1Store(env.DB as unknown as D1Like, fixedClock());
    const deps = { store, log: silentLog, clock: fixedClock(), checkpointEvery: 1_000_000, notify: {}, metrics: { count() {} } } as unknown as Deps;
    const db = store.db;
    const before = await indexedUpto(db);
    await store.commit({
      audit: Array.from({ length: 100 }, (_, i) => ({
        action: 'grant.read',
        outcome: 'success' as const,
        actor_type: 'brand' as const,
        actor_id: 'b-d1',
        brand_id: 'b-d1',
        consumer_id: `d1-c${i % 4}`,
        grant_id: `d1-g${i % 4}`,
        attributes: ['email'],
      })),
    });
    while ((await indexAuditLog(deps)) > 0);
    const head = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(await indexedUpto(db)).toBe(Number(head.seq));
    const rows = await db.selectFrom('audit_by_context').select(['gen', 'seq']).where('seq', '>', before).execute();
    expect(rows.length).toBeGreaterThanOrEqual(100);
    expect(rows.filter((r) => r.gen !== generationOf(r.seq))).toEqual([]);
    const upto = await indexedUpto(db);
    const viaIndex = await db
      .selectFrom('audit_events')
      .select('seq')
      .where((eb) => ofConsumer(eb, 'd1-c1', upto))
      .orderBy('seq')
      .execute();
    const plain = await db.selectFrom('audit_events').select('seq').where('consumer_id', '=', 'd1-c1').orderBy('seq').execute();
    expect(viaIndex).toEqual(plain);
    expect(plain).toHaveLength(25);
  });
});
