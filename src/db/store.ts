// The store contract every runtime implements. Reads go through `db`; every change goes
// through `commit`, which applies guards, writes and audit events atomically (a
// transaction on SQLite and PostgreSQL, one batch() on D1). Shared code never opens
// a transaction itself.
import type { Compilable, Kysely, SelectQueryBuilder, UpdateQueryBuilder } from 'kysely';
import type { Bound } from './prepared.ts';
import type { AuditEventRow, Database } from './schema.ts';
import type { AuditDraft } from './audit-event.ts';

/**
 * A condition that must still hold when the commit applies, e.g. "the grant is active":
 * either a query returning a row when it holds (a prepared one on the hot path), or a
 * write whose WHERE is the condition and which must change a row — the check and the
 * write in one statement, where a hot path would otherwise pay for both.
 */
export type Guard =
  | {
      name: string;
      // biome-ignore lint/suspicious/noExplicitAny: a guard may query any tables for any row shape; Kysely's builders are invariant in both.
      exists: SelectQueryBuilder<Database, any, any> | Bound<unknown>;
    }
  | {
      name: string;
      // biome-ignore lint/suspicious/noExplicitAny: as above, for the write that must change a row.
      changes: UpdateQueryBuilder<Database, any, any, any> | Bound<unknown>;
    };

export type Change = {
  guards?: Guard[];
  writes?: Compilable[];
  audit?: AuditDraft[];
};

export type Committed = { events: AuditEventRow[] };

/** The rows each query of a readAll returns, in order. */
export type RowsOf<Q extends readonly Compilable<unknown>[]> = { -readonly [K in keyof Q]: Q[K] extends Compilable<infer O> ? O[] : never };

export type Store = {
  readonly dialect: 'sqlite' | 'postgres' | 'd1';
  readonly db: Kysely<Database>;
  /** Applies the change atomically or not at all; throws GuardFailed when a guard does not hold. */
  commit(change: Change): Promise<Committed>;
  /**
   * Runs independent reads together, in one round trip where the database allows it
   * (a hot-path helper: PostgreSQL pays a round trip per statement, SQLite does not).
   */
  readAll<const Q extends readonly Compilable<unknown>[]>(queries: Q): Promise<RowsOf<Q>>;
  /**
   * After an erasure: makes what was deleted from these tables as unrecoverable from the
   * database's own files as this database allows (SQLite: the WAL, which still holds the
   * deleted rows' pages, checkpointed and truncated; PostgreSQL: VACUUM; D1: nothing it
   * exposes). What remains possible is written in the README and the threat model.
   */
  scrub(tables: readonly (keyof Database)[]): Promise<void>;
  /** Why this store refuses every write until the process restarts (a failed flush to disk), or null. */
  writeFailure?(): string | null;
  close(): Promise<void>;
};

/** True when a driver error is a commit guard's CHECK constraint firing. */
export function isGuardViolation(err: unknown): boolean {
  return err instanceof Error && /trove_guard/.test(err.message);
}
