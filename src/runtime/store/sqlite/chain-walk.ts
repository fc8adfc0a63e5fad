// The audit chain walked in parallel over an SQLite file (for `trove audit verify`):
// the seq space is cut into one range per thread, each thread reads its range on its own
// read-only connection and checks it, and the ranges are stitched (chain-ranges.ts) into
// the same verdict a single walk gives. Rows are append-only, so ranges read in separate
// snapshots still describe one log; the last range has no upper bound.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import BetterSqlite from 'better-sqlite3';
import { checkRange, stitchRanges, type RangeResult, type WalkAsk } from '../../../features/audit/chain-ranges.ts';
import { goodLeaves } from '../../../features/audit/paged-walk.ts';
import { Folder, joinFolds, WHOLE } from '../../../features/audit/range-fold.ts';
import type { ChainWalk } from '../../../features/audit/verify.ts';
import type { Store } from '../../../db/store.ts';
import type { SqliteStore } from './store.ts';
import { rangeRows, type RangeJob } from './chain-range.ts';

/** Below this many events one thread is quicker than starting more. */
const PARALLEL_FROM = 50_000;

function inThread(job: RangeJob, wanted: ReadonlySet<number>, ask: WalkAsk): Promise<RangeResult> {
  const extra = { leaves: ask.leaves ?? false, sizes: ask.sizes ? [...ask.sizes] : undefined };
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./chain-range.ts', import.meta.url), { workerData: { ...job, chainRange: true, wanted: [...wanted], ...extra } });
    w.once('message', (r: RangeResult) => resolve(r));
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`chain range thread exited with ${code}`)));
  });
}

/**
 * At most one job per thread over [1, max]: ranges of `unit` events, a power of two, so each
 * starts at a multiple of its length and folds its part of the Merkle tree alone. The first
 * range is open below (a row forged below seq 1 must be reported); the last stops at max,
 * the log as it stood when the walk began.
 */
export function rangeJobs(filename: string, max: number, threads: number): { unit: number; jobs: RangeJob[] } {
  let unit = 1;
  while (unit * threads < max) unit *= 2;
  const jobs = Array.from({ length: Math.max(1, Math.ceil(max / unit)) }, (_, k) => ({
    filename,
    lo: 1 + k * unit,
    hi: Math.min((k + 1) * unit, max),
    open: k === 0,
  }));
  return { unit, jobs };
}

export function sqliteChainWalk(filename: string, threads = Math.min(4, availableParallelism()), parallelFrom = PARALLEL_FROM): ChainWalk {
  return async (wanted, opts = {}) => {
    const db = new BetterSqlite(filename, { readonly: true, fileMustExist: true });
    let max: number;
    try {
      max = (db.prepare('SELECT max(seq) AS m FROM audit_events').get() as { m: number | null }).m ?? 0;
      if (threads < 2 || max < parallelFrom) {
        const folder = opts.sizes ? new Folder(0, opts.sizes) : undefined;
        const walked = stitchRanges([checkRange(rangeRows(db, { filename, lo: 1, hi: null, open: true }), 1, wanted, opts.leaves, folder)]);
        return folder ? { ...walked, tree: joinFolds([folder.result()], WHOLE, goodLeaves(walked)) } : walked;
      }
    } finally {
      db.close();
    }
    const { unit, jobs } = rangeJobs(filename, max, threads);
    const ranges = await Promise.all(jobs.map((j) => inThread(j, wanted, opts)));
    const walked = stitchRanges(ranges);
    if (!opts.sizes) return walked;
    return {
      ...walked,
      tree: joinFolds(
        ranges.map((r) => r.fold!),
        unit,
        goodLeaves(walked),
      ),
    };
  };
}

/** The fast walk when the store is an SQLite file; undefined means the paged default. */
export function fastChainWalk(store: Store): ChainWalk | undefined {
  if (store.dialect !== 'sqlite' || !('sqlite' in store)) return undefined;
  const { sqlite } = store as SqliteStore;
  return sqlite.memory ? undefined : sqliteChainWalk(sqlite.name);
}
