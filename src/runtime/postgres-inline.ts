// Writes a statement's parameters into its SQL text as quoted literals, so a whole batch
// of statements can go to PostgreSQL in one round trip (a simple-protocol query). Each
// value becomes exactly what node-postgres would send as a parameter: its text, of
// unknown type, quoted by pg's own escapeLiteral. Anything that cannot be carried that
// way (objects, NUL characters, a statement with literals of its own) is refused, and the
// caller falls back to sending the statements one by one with bound parameters.
import pg from 'pg';

export class NotInlinable extends Error {
  override name = 'NotInlinable';
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new NotInlinable('non-finite number');
    return `'${v}'`;
  }
  if (typeof v === 'boolean') return v ? "'true'" : "'false'";
  if (typeof v === 'string') {
    if (v.includes('\0')) throw new NotInlinable('NUL character');
    return pg.escapeLiteral(v);
  }
  throw new NotInlinable(`a parameter of type ${typeof v}`);
}

/** The statement with $1…$n replaced by literals. */
export function inlineStatement(sql: string, parameters: readonly unknown[]): string {
  // Kysely writes every value as a parameter; a quote or dollar-quote in the text would
  // mean a literal of its own, where a "$1" might not be a placeholder: not handled here.
  if (sql.includes("'") || sql.includes('$$') || sql.includes('--') || sql.includes('/*')) throw new NotInlinable('SQL text with literals or comments');
  return sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= parameters.length) throw new NotInlinable(`placeholder $${n} has no value`);
    return literal(parameters[i]);
  });
}

/** A multi-row INSERT with every value written in. */
export function inlineInsert(table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const values = rows.map((r) => `(${columns.map((c) => literal(r[c])).join(', ')})`);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`;
}
