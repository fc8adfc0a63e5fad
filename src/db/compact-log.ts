// How a chained audit event is stored in the compact log (migration 0019): what events
// share (actor, action, outcome, consumer, grant, attributes, purpose, reason, detail) once
// in audit_contexts, the brand once in audit_brands, and per event only seq, a binary id,
// ts, the two numbers and the 32-byte hash. The audit_events view decodes it back to the
// row that was hashed. Contexts are found by a key the database computes itself (SQLite's
// json_array, PostgreSQL's SHA-256 of json_build_array), so every writer, the migration
// and the view agree on one context per tuple. Runtimes run these statements as they are.
import { Buffer } from 'node:buffer';
import type { AuditEventRow } from './schema.ts';

/** The columns a context holds, in key order. */
export const CONTEXT_COLUMNS = ['actor_type', 'actor_id', 'action', 'outcome', 'consumer_id', 'grant_id', 'attributes', 'purpose', 'reason', 'detail'] as const;

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID in its canonical text as its 16 bytes; any other id stays text (the view gives back either exactly). */
export function storedId(id: string): Buffer | string {
  return CANONICAL_UUID.test(id) ? bytes(id.replaceAll('-', ''), 16) : id;
}

// Buffers of their own (alloc, not the shared pool), so a driver binding the underlying
// ArrayBuffer (D1) binds exactly these bytes.
function bytes(hex: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  b.write(hex, 'hex');
  return b;
}

/** The context's columns, in key order (SQLITE_CONTEXT_NUM's parameters). */
export const contextValues = (e: AuditEventRow) => CONTEXT_COLUMNS.map((c) => e[c]);
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const KEY = `json_array(${marks(CONTEXT_COLUMNS.length)})`;

/** SQLite and D1: the chain's head, its hash as the hex the chain hashes (as the view gives it). */
export const SQLITE_CHAIN_HEAD =
  "SELECT seq, CASE WHEN typeof(hash) = 'blob' THEN lower(hex(hash)) ELSE hash END AS hash FROM audit_log ORDER BY seq DESC LIMIT 1";

const INSERT_CONTEXT = `INSERT INTO audit_contexts (key, ${CONTEXT_COLUMNS.join(', ')}) SELECT ${KEY}, ${marks(CONTEXT_COLUMNS.length)} WHERE true ON CONFLICT (key) DO NOTHING`;
const INSERT_BRAND = 'INSERT INTO audit_brands (brand_id) VALUES (?) ON CONFLICT (brand_id) DO NOTHING';
const INSERT_EVENT = `INSERT INTO audit_log (seq, id, ts, context, brand, hash) VALUES (?, ?, ?, (SELECT num FROM audit_contexts WHERE key = ${KEY}), COALESCE((SELECT num FROM audit_brands WHERE brand_id = ?), 0), ?)`;

/** SQLite and D1: the statements that store one event, in order (text and bound values). */
export function sqliteEventStatements(e: AuditEventRow): { sql: string; parameters: unknown[] }[] {
  const ctx = contextValues(e);
  const out: { sql: string; parameters: unknown[] }[] = [{ sql: INSERT_CONTEXT, parameters: [...ctx, ...ctx] }];
  if (e.brand_id !== null) out.push({ sql: INSERT_BRAND, parameters: [e.brand_id] });
  out.push({ sql: INSERT_EVENT, parameters: [e.seq, storedId(e.id), e.ts, ...ctx, e.brand_id, bytes(e.hash, 32)] });
  return out;
}

// SQLite, a writer that knows the numbers of an event's context and brand (it looked them
// up after storing them as above, in a transaction that committed): one insert, nothing
// computed or searched.
export const SQLITE_INSERT_NUMBERED_EVENT = 'INSERT INTO audit_log (seq, id, ts, context, brand, hash) VALUES (?, ?, ?, ?, ?, ?)';
export const SQLITE_CONTEXT_NUM = `SELECT num FROM audit_contexts WHERE key = ${KEY}`;
export const SQLITE_BRAND_NUM = 'SELECT num FROM audit_brands WHERE brand_id = ?';

/** SQLITE_INSERT_NUMBERED_EVENT's parameters (brand 0: none). */
export function numberedEventParameters(e: AuditEventRow, context: number, brand: number): unknown[] {
  return [e.seq, storedId(e.id), e.ts, context, brand, bytes(e.hash, 32)];
}

// PostgreSQL: a batch's events in one statement whatever their number (one prepared text),
// a column array per parameter. New contexts and brands are inserted first, only those not
// there (so identity numbers are not spent on conflicts); the rows then look them up. The
// chain's advisory lock is held, so no other writer adds the same context meanwhile. Rows
// go in seq order (the joins would shuffle them): the primary key and the brand index then
// grow at their ends and fill their pages (35 → 22 bytes an event for the key, measured).
const PG_KEY = (t: string) => `sha256(convert_to(json_build_array(${CONTEXT_COLUMNS.map((c) => `${t}.${c}`).join(', ')})::text, 'UTF8'))`;
const PG_ARRAYS = ['seq bigint', 'ts bigint', 'id text', ...CONTEXT_COLUMNS.map((c) => `${c} text`), 'brand_id text', 'hash text'];
const PG_EVENTS = `SELECT * FROM unnest(${PG_ARRAYS.map((a, i) => `$${i + 1}::${a.split(' ')[1]}[]`).join(', ')}) AS e(${PG_ARRAYS.map((a) => a.split(' ')[0]).join(', ')})`;

export const PG_INSERT_EVENTS = `WITH e AS (${PG_EVENTS}),
k AS (SELECT e.*, ${PG_KEY('e')} AS digest FROM e),
new_contexts AS (
  INSERT INTO audit_contexts (digest, ${CONTEXT_COLUMNS.join(', ')})
  SELECT DISTINCT ON (digest) digest, ${CONTEXT_COLUMNS.join(', ')} FROM k
   WHERE NOT EXISTS (SELECT 1 FROM audit_contexts c WHERE c.digest = k.digest)
  ORDER BY digest, seq
  RETURNING num, digest),
new_brands AS (
  INSERT INTO audit_brands (brand_id)
  SELECT DISTINCT brand_id FROM k WHERE brand_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_brands b WHERE b.brand_id = k.brand_id)
  RETURNING num, brand_id)
INSERT INTO audit_log (seq, ts, id, context, brand, hash, id_text)
SELECT k.seq, k.ts,
       CASE WHEN k.id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN k.id::uuid END,
       COALESCE(nc.num, c.num), COALESCE(nb.num, b.num, 0), decode(k.hash, 'hex'),
       CASE WHEN k.id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN k.id END
  FROM k
  LEFT JOIN new_contexts nc ON nc.digest = k.digest
  LEFT JOIN audit_contexts c ON c.digest = k.digest
  LEFT JOIN new_brands nb ON nb.brand_id = k.brand_id
  LEFT JOIN audit_brands b ON b.brand_id = k.brand_id
 ORDER BY k.seq`;

/** The column arrays PG_INSERT_EVENTS takes for these events. */
export function pgEventParameters(events: readonly AuditEventRow[]): unknown[][] {
  return [
    events.map((e) => e.seq),
    events.map((e) => e.ts),
    events.map((e) => e.id),
    ...CONTEXT_COLUMNS.map((c) => events.map((e) => e[c])),
    events.map((e) => e.brand_id),
    events.map((e) => e.hash),
  ];
}
