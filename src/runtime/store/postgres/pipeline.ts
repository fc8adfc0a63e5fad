// Sends several statements to PostgreSQL in one round trip, as named prepared statements
// in one block (block.ts): the server neither parses nor (after its first runs)
// plans a text again, ends one implicit transaction per block rather than per statement,
// and answers in one flush. A block stops at its first error, COMMIT included. Values
// that pg would convert with code of their own are refused before anything is sent.
import type pg from 'pg';
import { Block, type Settled, type Statement } from './block.ts';

export type { Settled, Statement } from './block.ts';

/** A statement pg might fail on the client, without the server ever seeing it. */
export class NotPipelinable extends Error {
  override name = 'NotPipelinable';
}

// Values are converted to wire text here, on the client; one that cannot be (or whose
// toJSON throws) must be refused before anything is sent, never halfway through a block.
const PRIMITIVES = new Set(['string', 'number', 'bigint', 'boolean']);
export function bindable(v: unknown): boolean {
  if (v === null || v === undefined || PRIMITIVES.has(typeof v)) return true;
  return Array.isArray(v) && v.every((e) => e === null || e === undefined || PRIMITIVES.has(typeof e));
}

/**
 * Runs the statements as one block on the client; resolves with every statement's
 * outcome (after a failure, the rest are failed). `unknown` is set when some may have run
 * unbeknown to the client (a lost connection, a client-side timeout): the caller must
 * not retry them as if they had not, nor reuse the connection. `named: false` sends them
 * unnamed (parsed afresh), for a connection whose cache is stale.
 */
export async function pipeline(
  client: pg.PoolClient,
  statements: readonly Statement[],
  opts: { named?: boolean; types?: pg.CustomTypesConfig } = {},
): Promise<Settled[] & { unknown?: boolean }> {
  for (const s of statements) {
    if (!s.parameters.every(bindable)) throw new NotPipelinable('a parameter pg would convert with code of its own');
  }
  if (!statements.length) return [];
  const block = new Block(statements, opts.named ?? true, opts.types);
  void client.query(block as never);
  const failure = await block.finished;
  const results: Settled[] & { unknown?: boolean } = block.results.slice();
  while (results.length < statements.length) results.push({ ok: false, error: failure });
  if (block.unknown) results.unknown = true;
  return results;
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
