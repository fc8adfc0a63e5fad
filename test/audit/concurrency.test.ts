import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { postgresStoreOn } from '../helpers/postgres.ts';
import { testDeps, testDialect } from '../helpers/deps.ts';

const WRITERS = 8;
const EVENTS = 2000;

describe('concurrent audit appends', () => {
  it(`keeps the sequence gapless and the chain valid with ${WRITERS} writers appending ${EVENTS} events`, async () => {
    const deps = await testDeps();
    const before = (await deps.store.db.selectFrom('audit_events').select('seq').execute()).length;
    // On PostgreSQL each writer has its own connection pool, as separate servers would.
    const stores: Store[] = Array.from({ length: WRITERS }, () => (testDialect === 'postgres' ? postgresStoreOn(deps.schema!, deps.clock) : deps.store));
    try {
      await Promise.all(
        stores.map(async (store, w) => {
          for (let i = 0; i < EVENTS / WRITERS; i++) {
            await store.commit({
              audit: [{ action: 'test.concurrent', outcome: 'success', actor_type: 'system', detail: { w, i } }],
            });
          }
        }),
      );
    } finally {
      if (testDialect === 'postgres') await Promise.all(stores.map((s) => s.close()));
    }
    const seqs = (await deps.store.db.selectFrom('audit_events').select('seq').orderBy('seq').execute()).map((r) => r.seq);
    expect(seqs).toHaveLength(before + EVENTS);
    expect(seqs.at(-1)).toBe(before + EVENTS);
    const result = await verifyAuditLog(deps.store.db);
    expect(result).toMatchObject({ ok: true, checked: before + EVENTS, first_bad_seq: null });
  }, 120_000);
});
