// One range of the parallel chain walk (sqlite-chain-walk.ts): as a worker thread it
// opens the file read-only, checks its seq range and posts the RangeResult back.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import BetterSqlite from 'better-sqlite3';
import type { AuditEventRow } from '../../../db/schema.ts';
import { checkRange } from '../../../features/audit/chain-ranges.ts';
import { Folder } from '../../../features/audit/range-fold.ts';
import { logRowDecoder, STORED_COLUMNS } from './log-rows.ts';

/** lo..hi inclusive; hi null = no upper bound; open = no lower bound either; page = rows per fetch. */
export type RangeJob = { filename: string; lo: number; hi: number | null; open: boolean; page?: number };

/** Rows are fetched in pages (one native call each), which costs less per row than stepping;
 *  stored rows, decoded in JS (log-rows.ts), the same rows the audit_events view gives. */
type Stored = Parameters<ReturnType<typeof logRowDecoder>>[0];
const PAGE = 2000;

export function* rangeRows(db: BetterSqlite.Database, job: RangeJob): Generator<AuditEventRow> {
  const size = job.page ?? PAGE;
  const decode = logRowDecoder(db);
  const decoded = function* (rows: Stored[]) {
    for (const r of rows) {
      const e = decode(r);
      if (e) yield e;
    }
  };
  // Anything below lo (normally nothing: rows below seq 1 are forgeries) comes first.
  if (job.open) yield* decoded(db.prepare(`SELECT ${STORED_COLUMNS} FROM audit_log WHERE seq < ? ORDER BY seq`).all(job.lo) as Stored[]);
  const page = db.prepare(`SELECT ${STORED_COLUMNS} FROM audit_log WHERE seq >= @from${job.hi === null ? '' : ' AND seq <= @hi'} ORDER BY seq LIMIT @size`);
  for (let from = job.lo; ; ) {
    const rows = page.all({ from, size, ...(job.hi === null ? {} : { hi: job.hi }) }) as Stored[];
    yield* decoded(rows);
    if (rows.length < size) return;
    from = rows[rows.length - 1]!.seq + 1;
  }
}

// Only in a thread started for a range (this module is also imported for rangeRows).
const job = isMainThread ? null : (workerData as (RangeJob & { chainRange?: true; wanted: number[]; leaves?: boolean; sizes?: number[] }) | null);
if (job?.chainRange && parentPort) {
  const db = new BetterSqlite(job.filename, { readonly: true, fileMustExist: true });
  try {
    // A range starts at a multiple of its length, so it folds its part of the tree on its own.
    const folder = job.sizes ? new Folder(job.lo - 1, new Set(job.sizes)) : undefined;
    const result = checkRange(rangeRows(db, job), job.lo, new Set(job.wanted), job.leaves, folder);
    result.fold = folder?.result() ?? null;
    // The leaf hashes move to the main thread rather than being copied.
    const leaves = result.leaves ? result.leaves.slice() : null;
    parentPort.postMessage({ ...result, leaves }, leaves ? [leaves.buffer] : []);
  } finally {
    db.close();
  }
}
