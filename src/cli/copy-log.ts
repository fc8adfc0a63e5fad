// The audit log's part of `trove migrate-data`: the events as the SQLite view decodes them,
// in seq order, stored on PostgreSQL by the store's own compact insert (contexts and brands
// numbered by the target, the by-context index written with them). What is hashed is the
// decoded row, so the log verifies the same there.
import type BetterSqlite from 'better-sqlite3';
import type pg from 'pg';
import { PG_INSERT_EVENTS, pgEventParameters } from '../db/compact-log.ts';
import type { AuditEventRow } from '../db/schema.ts';

// PostgreSQL indexes the log by context as it is written (migration 0019): the copied
// `upto` of the SQLite index is set back to -1, "nothing for the background indexer".
const AS_WRITTEN = 'UPDATE audit_index_state SET upto = -1';

/** Copies every event; returns how many. Runs inside the caller's transaction, after audit_index_state is copied. */
export async function copyLog(sqlite: BetterSqlite.Database, client: pg.ClientBase, opts: { batch: number; onRows(n: number): void }): Promise<number> {
  let batch: AuditEventRow[] = [];
  let copied = 0;
  const flush = async () => {
    if (!batch.length) return;
    await client.query(PG_INSERT_EVENTS, pgEventParameters(batch));
    copied += batch.length;
    opts.onRows(batch.length);
    batch = [];
  };
  for (const row of sqlite.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as Iterable<AuditEventRow>) {
    batch.push(row);
    if (batch.length >= opts.batch) await flush();
  }
  await flush();
  await client.query(AS_WRITTEN);
  return copied;
}
