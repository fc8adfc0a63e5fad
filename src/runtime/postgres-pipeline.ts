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
export type Settled = { ok: true; rows: Record<string, unknown>[] } | { ok: false; error: unknown };

type Corkable = { connection?: { stream?: { cork?(): void; uncork?(): void } } };

/** Runs the statements together on a pipelined client; resolves once all have answered.
 *  `named: false` sends them unnamed (parsed afresh), for a connection whose cache is stale. */
export function pipeline(client: pg.PoolClient, statements: readonly Statement[], opts: { named?: boolean } = {}): Promise<Settled[]> {
  const named = opts.named ?? true;
  // pg writes each query as it is given (corking only around its own messages): held
  // corked here, the whole pipeline leaves in one write, and the server wakes once for it
  // rather than once per statement.
  const stream = (client as unknown as Corkable).connection?.stream;
  stream?.cork?.();
  try {
    return Promise.all(statements.map((s) =>
      client.query({ name: named ? statementName(s.sql) : undefined, text: s.sql, values: s.parameters as unknown[] }).then(
        (r): Settled => ({ ok: true, rows: r.rows }),
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
 * True when a statement this connection prepared earlier no longer matches the schema
 * (a column added under a SELECT *, by a newer server's migration, say): PostgreSQL
 * refuses to run it again on that connection, which must then be dropped.
 */
export function isStalePlan(err: unknown): boolean {
  return (err as { code?: unknown })?.code === '0A000' && /cached plan must not change result type/.test(String((err as Error).message));
}

export const anyStale = (results: readonly Settled[]) => results.some((r) => !r.ok && isStalePlan(r.error));
