// The copy under `trove migrate-data`: every table of a SQLite snapshot into PostgreSQL,
// parents before children (the target's foreign keys), in multi-row INSERT batches, each
// value converted to the target column's type where the dialects differ (SQLite keeps
// booleans as 0/1, JSON as text, integers as 64-bit; PostgreSQL wants boolean, bytea, json
// and int8 as such). Today's schema uses TEXT, INTEGER and REAL on both sides; the
// conversions are there for the columns migrations add. Runs inside the caller's transaction.
import type BetterSqlite from 'better-sqlite3';
import type pg from 'pg';

export type ColumnTypes = Map<string, string>;
/** The rows a migration itself inserts, which an otherwise empty target already holds. */
export const SEEDED: Readonly<Record<string, string>> = {
  audit_tree: 'SELECT count(*) = 1 AND max(size) = 0 AS seed FROM audit_tree',
  audit_index_state: 'SELECT count(*) = 1 AND max(upto) <= 0 AS seed FROM audit_index_state',
};

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 60_000;

/** The target's tables and their column types, in the connection's schema. */
export async function targetColumns(client: pg.ClientBase): Promise<Map<string, ColumnTypes>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, ColumnTypes>();
  for (const r of rows) {
    if (!tables.has(r.table_name)) tables.set(r.table_name, new Map());
    tables.get(r.table_name)!.set(r.column_name, r.data_type);
  }
  return tables;
}

/** The tables in an order where every row's parent rows are already there. */
export async function insertOrder(client: pg.ClientBase, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
      WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`,
  );
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of rows) if (r.child !== r.parent && parents.has(r.child) && parents.has(r.parent)) parents.get(r.child)!.add(r.parent);
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)));
    if (!ready.length) throw new Error(`the foreign keys between ${tables.filter((t) => !placed.has(t)).join(', ')} form a cycle`);
    for (const t of ready) {
      order.push(t);
      placed.add(t);
    }
  }
  return order;
}

class ConversionError extends Error {}

/** How one SQLite value becomes a value for a PostgreSQL column of this type (the message names the column, never the value). */
export function converter(type: string, where: string): (v: unknown) => unknown {
  const fail = (what: string) => {
    throw new ConversionError(`${where}: ${what} cannot go into a ${type} column`);
  };
  const text = (v: unknown) => (Buffer.isBuffer(v) ? fail('a blob') : String(v));
  switch (type) {
    case 'boolean':
      return (v) => (v === null ? null : typeof v === 'bigint' || typeof v === 'number' ? Number(v) !== 0 : fail(`a ${typeof v}`));
    case 'bytea':
      return (v) => (v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
    case 'json':
    case 'jsonb':
      return (v) => {
        if (v === null) return null;
        const s = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
        try {
          JSON.parse(s);
        } catch {
          fail('text that is not JSON');
        }
        return s;
      };
    case 'smallint':
    case 'integer':
    case 'bigint':
      return (v) => (v === null ? null : typeof v === 'bigint' ? v.toString() : Number.isInteger(v) ? String(v) : fail(`a ${typeof v}`));
    case 'real':
    case 'double precision':
    case 'numeric':
      return (v) => (v === null ? null : typeof v === 'bigint' || typeof v === 'number' ? String(v) : fail(`a ${typeof v}`));
    case 'text':
    case 'character varying':
      return (v) => (v === null ? null : text(v));
    default:
      return (v) => (typeof v === 'bigint' ? v.toString() : v);
  }
}

/** Copies one table's rows (in the snapshot the caller holds open); returns how many. */
export async function copyTable(
  sqlite: BetterSqlite.Database,
  client: pg.ClientBase,
  table: string,
  types: ColumnTypes,
  opts: { batch: number; onRows(n: number): void },
): Promise<number> {
  const info = sqlite.pragma(`table_info(${q(table)})`) as { name: string; pk: number }[];
  const columns = info.map((c) => c.name);
  // A WITHOUT ROWID table (the audit log's indexes) is read in its primary key's order.
  const withoutRowid = (sqlite.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql.includes('WITHOUT ROWID');
  const order = withoutRowid
    ? info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => q(c.name))
        .join(', ')
    : 'rowid';
  const missing = columns.filter((c) => !types.has(c));
  if (missing.length) throw new Error(`the PostgreSQL table ${table} has no column ${missing.join(', ')}: its migrations differ from SQLite's`);
  const convert = columns.map((c) => converter(types.get(c)!, `${table}.${c}`));
  const perBatch = Math.max(1, Math.min(opts.batch, Math.floor(MAX_PARAMETERS / columns.length)));
  const head = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES `;
  // Integers as BigInt: a 64-bit value arrives whole, whatever its size.
  const select = sqlite
    .prepare(`SELECT ${columns.map(q).join(', ')} FROM ${q(table)} ORDER BY ${order}`)
    .raw(true)
    .safeIntegers(true);
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async () => {
    if (!batch.length) return;
    const params: unknown[] = [];
    const tuples = batch.map((row) => {
      const slots = row.map((v, i) => {
        params.push(convert[i]!(v));
        return `$${params.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await client.query(head + tuples.join(', '), params);
    copied += batch.length;
    opts.onRows(batch.length);
    batch = [];
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  return copied;
}

/** Sets every serial column's sequence past the copied rows. */
export async function advanceSequences(client: pg.ClientBase, tables: string[]): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%' AND table_name = ANY($1)`,
    [tables],
  );
  for (const r of rows)
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), m) FROM (SELECT max(${q(r.column_name)}) AS m FROM ${q(r.table_name)}) s WHERE m IS NOT NULL`,
      [q(r.table_name), r.column_name],
    );
}
