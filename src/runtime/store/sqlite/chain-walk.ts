// The audit chain walked in parallel over an SQLite file (for `trove audit verify`):
// the seq space is cut into one range per thread, each thread reads its range on its own
// read-only connection and checks it, and the ranges are stitched (chain-ranges.ts) into
// the same verdict a single walk gives. Rows are append-only, so ranges read in separate
// snapshots still describe one log; the last range has no upper bound.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import BetterSqlite from 'better-sqlite3';
import { checkRange, stitchRanges, type RangeResult } from '../../../features/audit/chain-ranges.ts';
import type { ChainWalk } from '../../../features/audit/verify.ts';
import type { Store } from '../../../db/store.ts';
import type { SqliteStore } from './store.ts';
import { rangeRows, type RangeJob } from './chain-range.ts';

/** Below this many events one thread is quicker than starting more. */
const PARALLEL_FROM = 50_000;

function inThread(job: RangeJob, wanted: ReadonlySet<number>, leaves: boolean): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./chain-range.ts', import.meta.url), { workerData: { ...job, chainRange: true, wanted: [...wanted], leaves } });
    w.once('message', (r: RangeResult) => resolve(r));
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`chain range thread exited with ${code}`)));
  });
}

/** One job per thread: [1, max] cut evenly; the first and last ranges are open-ended. */
export function rangeJobs(filename: string, max: number, threads: number): RangeJob[] {
  return Array.from({ length: threads }, (_, k) => ({
    filename,
    lo: 1 + Math.floor((k * max) / threads),
    hi: k === threads - 1 ? null : Math.floor(((k + 1) * max) / threads),
    open: k === 0, // the first range also takes any row below seq 1, which the walk must report
  }));
}

export function sqliteChainWalk(filename: string, threads = Math.min(4, availableParallelism()), parallelFrom = PARALLEL_FROM): ChainWalk {
  return async (wanted, opts = {}) => {
    const db = new BetterSqlite(filename, { readonly: true, fileMustExist: true });
    let max: number;
    try {
      max = (db.prepare('SELECT max(seq) AS m FROM audit_events').get() as { m: number | null }).m ?? 0;
      if (threads < 2 || max < parallelFrom)
        return stitchRanges([checkRange(rangeRows(db, { filename, lo: 1, hi: null, open: true }), 1, wanted, opts.leaves)]);
    } finally {
      db.close();
    }
    const jobs = rangeJobs(filename, max, threads);
    return stitchRanges(await Promise.all(jobs.map((j) => inThread(j, wanted, opts.leaves ?? false))));
  };
}

/** The fast walk when the store is an SQLite file; undefined means the paged default. */
export function fastChainWalk(store: Store): ChainWalk | undefined {
  if (store.dialect !== 'sqlite' || !('sqlite' in store)) return undefined;
  const { sqlite } = store as SqliteStore;
  return sqlite.memory ? undefined : sqliteChainWalk(sqlite.name);
}
