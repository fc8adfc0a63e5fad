// Sends several statements to PostgreSQL in one round trip, each as a named prepared
// statement: on a client in pg's pipeline mode every query is written at once (its own
// Parse/Bind/Execute/Sync), and a statement this connection has seen before skips Parse,
// so the server neither parses nor (after its first runs) plans it again. Every result
// settles, in order; one failing statement does not stop the others from being answered
// (inside a transaction, the ones after it fail as the transaction is aborted).
import type pg from 'pg';
import type { CompiledQuery } from 'kysely';

// SQL text → statement name. Hot-path statements come from prepared templates, so their
// texts are few; past the cap, a new text is sent unnamed rather than kept on every
// connection forever.
const names = new Map<string, string>();
const MAX_NAMED = 2000;

export function statementName(sql: string): string | undefined {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `trove_${names.size.toString(36)}`;
    names.set(sql, name);
  }
  return name;
}

export type Statement = Pick<CompiledQuery, 'sql' | 'parameters'>;
export type Settled = { ok: true; rows: Record<string, unknown>[]; command: string } | { ok: false; error: unknown };

/** A statement pg might fail on the client, without the server ever seeing it. */
export class NotPipelinable extends Error {
  override name = 'NotPipelinable';
}

// pg converts a value to its wire text on the client; one it cannot convert (or whose
// toJSON throws) fails that query there, before the server sees it — so in a pipeline the
// server would go on to run the statements after it, COMMIT included. Only values whose
// conversion cannot fail are pipelined.
function bindable(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return true;
  if (v instanceof Uint8Array) return true;
  return Array.isArray(v) && v.every((e) => e === null || e === undefined || ['string', 'number', 'bigint', 'boolean'].includes(typeof e));
}

type Corkable = { connection?: { stream?: { cork?(): void; uncork?(): void } } };

/** Runs the statements together on a pipelined client; resolves once all have answered.
 *  `named: false` sends them unnamed (parsed afresh), for a connection whose cache is stale. */
export function pipeline(client: pg.PoolClient, statements: readonly Statement[], opts: { named?: boolean } = {}): Promise<Settled[]> {
  const named = opts.named ?? true;
  for (const s of statements) {
    if (!s.parameters.every(bindable)) throw new NotPipelinable('a parameter pg would convert with code of its own');
  }
  // pg writes each query as it is given (corking only around its own messages): held
  // corked here, the whole pipeline leaves in one write, and the server wakes once for it
  // rather than once per statement.
  const stream = (client as unknown as Corkable).connection?.stream;
  stream?.cork?.();
  try {
    return Promise.all(statements.map((s) =>
      client.query({ name: named ? statementName(s.sql) : undefined, text: s.sql, values: s.parameters as unknown[] }).then(
        (r): Settled => ({ ok: true, rows: r.rows, command: r.command }),
        (error: unknown): Settled => ({ ok: false, error }),
      )));
  } finally {
    stream?.uncork?.();
  }
}

/** The rows of each statement, or the first failure. */
export function rowsOrThrow(results: readonly Settled[]): Record<string, unknown>[][] {
  return results.map((r) => {
    if (!r.ok) throw r.error;
    return r.rows;
  });
}

/**
 * True when a statement this connection prepared earlier can no longer run on it: its
 * plan went stale (a column added under a SELECT *, by a newer server's migration, say;
 * PostgreSQL refuses it from then on) or the server no longer knows its name. The
 * connection must then be dropped. Told by SQLSTATE and routine, not by message text,
 * which follows the server's language.
 */
export function isStalePlan(err: unknown): boolean {
  const e = err as { code?: unknown; routine?: unknown };
  return (e?.code === '0A000' && e.routine === 'RevalidateCachedQuery') || e?.code === '26000';
}

export const anyStale = (results: readonly Settled[]) => results.some((r) => !r.ok && isStalePlan(r.error));
