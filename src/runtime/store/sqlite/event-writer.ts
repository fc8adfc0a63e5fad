// How a batch stores its audit events on one SQLite connection. An event's context (and
// brand) is usually one the log already holds — a brand reading a grant again — so once a
// context's number is known the event is one plain insert, instead of an insert-if-absent
// of the context and the brand and an insert that finds both numbers by key (three
// statements, two key-index probes and two json_array computations per event).
// A number is remembered only once the transaction that stored or read it has committed:
// numbers learned inside a transaction are forgotten at any rollback (a rolled-back
// context's number may be handed to another), and contexts are never deleted or
// renumbered (the migrations and the tables' own rules), so a remembered number stays true.
import type Database from 'better-sqlite3';
import {
  contextValues,
  numberedEventParameters,
  SQLITE_BRAND_NUM,
  SQLITE_CONTEXT_NUM,
  SQLITE_INSERT_NUMBERED_EVENT,
  sqliteEventStatements,
} from '../../../db/compact-log.ts';
import type { AuditEventRow } from '../../../db/schema.ts';

/** Remembered numbers are dropped wholesale past this many (a bound on memory). */
const MAX_KNOWN = 200_000;

export function eventWriter(sqlite: Database.Database, prepared: (sql: string) => Database.Statement) {
  const contextNum = sqlite.prepare(SQLITE_CONTEXT_NUM).pluck();
  const brandNum = sqlite.prepare(SQLITE_BRAND_NUM).pluck();
  const insertNumbered = sqlite.prepare(SQLITE_INSERT_NUMBERED_EVENT);
  let contexts = new Map<string, number>();
  let brands = new Map<string, number>();
  let newContexts = new Map<string, number>();
  let newBrands = new Map<string, number>();

  return {
    insert(e: AuditEventRow): void {
      const values = contextValues(e);
      const key = JSON.stringify(values);
      const context = contexts.get(key) ?? newContexts.get(key);
      const brand = e.brand_id === null ? 0 : (brands.get(e.brand_id) ?? newBrands.get(e.brand_id));
      if (context !== undefined && brand !== undefined) {
        insertNumbered.run(...numberedEventParameters(e, context, brand));
        return;
      }
      for (const s of sqliteEventStatements(e)) prepared(s.sql).run(...s.parameters);
      newContexts.set(key, contextNum.get(...values) as number);
      if (e.brand_id !== null) newBrands.set(e.brand_id, brandNum.get(e.brand_id) as number);
    },
    /** The transaction committed: what it learned holds from now on. */
    committed(): void {
      if (contexts.size + newContexts.size > MAX_KNOWN) contexts = new Map();
      if (brands.size + newBrands.size > MAX_KNOWN) brands = new Map();
      for (const [k, n] of newContexts) contexts.set(k, n);
      for (const [b, n] of newBrands) brands.set(b, n);
      newContexts = new Map();
      newBrands = new Map();
    },
    /** Some of the transaction was rolled back: forget what it learned. */
    rolledBack(): void {
      newContexts = new Map();
      newBrands = new Map();
    },
  };
}
