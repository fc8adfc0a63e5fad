// Benchmark: `trove audit verify` throughput (events/s) over a seeded on-disk SQLite log,
// as the CLI runs it (the chain walked in parallel ranges, one per core) and, for
// comparison, the single-threaded paged walk the HTTP verify endpoint uses.
// Usage: node bench/audit-verify.ts [events=1000000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSqliteStore, openSqlite } from '../src/runtime/store/sqlite/store.ts';
import { migrateSqlite } from '../src/runtime/store/sqlite/migrations.ts';
import { systemClock } from '../src/clock.ts';
import { verifyAuditLog } from '../src/features/audit/verify.ts';
import { fastChainWalk } from '../src/runtime/store/sqlite/chain-walk.ts';

export async function benchAuditVerify(events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-verify-'));
  try {
    const sqlite = openSqlite(join(dir, 'trove.db'));
    await migrateSqlite(sqlite);
    const store = createSqliteStore(sqlite, systemClock);
    const BATCH = 5000;
    for (let done = 0; done < events; done += BATCH) {
      const n = Math.min(BATCH, events - done);
      await store.commit({
        audit: Array.from({ length: n }, (_, i) => ({
          action: 'grant.read',
          outcome: 'success' as const,
          actor_type: 'brand' as const,
          actor_id: 'brand-1',
          consumer_id: `c${(done + i) % 10000}`,
          brand_id: 'brand-1',
          grant_id: `g${(done + i) % 10000}`,
          attributes: ['email', 'shoe_size'],
          purpose: 'https://w3id.org/dpv#PersonalisedAdvertising',
        })),
      });
    }
    const timed = async (walk: Parameters<typeof verifyAuditLog>[2]) => {
      const t0 = performance.now();
      const result = await verifyAuditLog(store.db, { keys: [] }, walk);
      const seconds = (performance.now() - t0) / 1000;
      if (!result.ok || result.checked !== events) throw new Error(`verify failed: ${JSON.stringify(result)}`);
      return seconds;
    };
    const cli = await timed(fastChainWalk(store));
    const paged = await timed(undefined);
    await store.close();
    return {
      events,
      seconds: +cli.toFixed(3),
      events_per_s: Math.round(events / cli),
      single_thread: { seconds: +paged.toFixed(3), events_per_s: Math.round(events / paged) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const events = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(await benchAuditVerify(events)));
}
