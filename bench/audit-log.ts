// Benchmark: the audit log's Merkle tree over a seeded on-disk SQLite log of N events —
// what maintaining the tree costs per event (against what appending the event cost), how
// many inclusion and consistency proofs a node serves per second, and `trove audit verify
// --log-key` throughput (target ≥ 300,000 events/s at 1,000,000 events), threaded as the
// CLI runs it and single-threaded as the paged walk runs.
// Usage: node bench/audit-log.ts [events=1000000] [proofs=3000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/clock.ts';
import type { Deps } from '../src/deps.ts';
import { silentLog } from '../src/deps.ts';
import { advanceLog } from '../src/features/audit/log-checkpoint.ts';
import { extendTree } from '../src/features/audit/log-tree.ts';
import { consistencyPlan, fetchProof, inclusionPlan } from '../src/features/audit/tlog/merkle-proofs.ts';
import { generateNoteKey, noteSigner } from '../src/features/audit/tlog/note-keys.ts';
import { nodeReader } from '../src/features/audit/tree-nodes.ts';
import { verifyLog } from '../src/features/audit/verify-log.ts';
import { fastChainWalk } from '../src/runtime/store/sqlite/chain-walk.ts';
import { migrateSqlite } from '../src/runtime/store/sqlite/migrations.ts';
import { createSqliteStore, openSqlite } from '../src/runtime/store/sqlite/store.ts';

const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms);

export async function benchAuditLog(events: number, proofs = 3000, readCpuUs?: number | null) {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-log-'));
  try {
    const sqlite = openSqlite(join(dir, 'trove.db'));
    await migrateSqlite(sqlite);
    const store = createSqliteStore(sqlite, systemClock);
    const BATCH = 5000;
    const t0 = performance.now();
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
    const appendMs = performance.now() - t0;

    // The checkpointer's work, as a node does it off the request path.
    const t1 = performance.now();
    await extendTree({ store, log: silentLog });
    const treeMs = performance.now() - t1;
    const key = await generateNoteKey('bench.example/audit');
    const signer = await noteSigner(key.skey);
    const deps = {
      store,
      log: silentLog,
      clock: systemClock,
      config: { witnesses: [] },
      keys: { logSigners: [{ id: 'log-1', version: 1, vkey: key.vkey, signer }], fresh: () => undefined },
    } as unknown as Deps;
    await advanceLog(deps);

    const read = nodeReader(store.db);
    const t2 = performance.now();
    for (let i = 0; i < proofs; i++) await fetchProof(inclusionPlan(Math.floor(Math.random() * events), events), read);
    const inclusionMs = performance.now() - t2;
    const t3 = performance.now();
    for (let i = 0; i < proofs; i++) await fetchProof(consistencyPlan(1 + Math.floor(Math.random() * (events - 1)), events), read);
    const consistencyMs = performance.now() - t3;

    const verify = async (threaded: boolean) => {
      const t = performance.now();
      const r = await verifyLog(store.db, { logKeys: [key.vkey], walk: threaded ? fastChainWalk(store) : undefined });
      const ms = performance.now() - t;
      if (!r.ok || r.checked !== events) throw new Error(`verify failed: ${JSON.stringify(r)}`);
      return ms;
    };
    const threaded = await verify(true);
    const single = await verify(false);
    await store.close();
    const treeUs = (treeMs * 1000) / events;
    return {
      events,
      append_us_per_event: +((appendMs * 1000) / events).toFixed(2),
      tree_us_per_event: +treeUs.toFixed(2),
      tree_vs_append: +(treeMs / appendMs).toFixed(3),
      inclusion_proofs_per_s: perSecond(proofs, inclusionMs),
      consistency_proofs_per_s: perSecond(proofs, consistencyMs),
      verify_pinned: { seconds: +(threaded / 1000).toFixed(3), events_per_s: perSecond(events, threaded) },
      verify_pinned_single_thread: { seconds: +(single / 1000).toFixed(3), events_per_s: perSecond(events, single) },
      // Each audited read appends one event; the tree's share of the read's CPU, with the
      // read's CPU measured (checkpointer running) by the read-path bench in the same run.
      ...(readCpuUs ? { audited_read_cpu_ratio: +(readCpuUs / (readCpuUs - treeUs)).toFixed(3) } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const events = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(await benchAuditLog(events, Number(process.argv[3] ?? 3000))));
}
