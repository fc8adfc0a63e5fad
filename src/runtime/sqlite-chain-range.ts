// One range of the parallel chain walk (sqlite-chain-walk.ts): as a worker thread it
// opens the file read-only, checks its seq range and posts the RangeResult back.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import BetterSqlite from 'better-sqlite3';
import type { AuditEventRow } from '../db/schema.ts';
import { checkRange } from '../features/audit/chain-ranges.ts';

/** lo..hi inclusive; hi null = no upper bound; open = no lower bound either. */
export type RangeJob = { filename: string; lo: number; hi: number | null; open: boolean };

export function rangeRows(db: BetterSqlite.Database, job: RangeJob): Iterable<AuditEventRow> {
  const where = [job.open ? null : 'seq >= @lo', job.hi === null ? null : 'seq <= @hi'].filter(Boolean);
  const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
  return db.prepare(sql).iterate({ ...(job.open ? {} : { lo: job.lo }), ...(job.hi === null ? {} : { hi: job.hi }) }) as Iterable<AuditEventRow>;
}

// Only in a thread started for a range (this module is also imported for rangeRows).
const job = isMainThread ? null : (workerData as (RangeJob & { chainRange?: true; wanted: number[] }) | null);
if (job?.chainRange && parentPort) {
  const db = new BetterSqlite(job.filename, { readonly: true, fileMustExist: true });
  try {
    parentPort.postMessage(checkRange(rangeRows(db, job), job.lo, new Set(job.wanted)));
  } finally {
    db.close();
  }
}
