// GET /healthz (liveness: 200 when the database answers and takes writes) and GET /readyz
// (readiness: the database answers and takes writes, every migration this build expects is
// applied, the keys are loaded, and the node is not draining for shutdown — else 503
// problem+json naming what is not).
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { Unavailable } from '../../errors.ts';
import { route, type Route } from '../route.ts';

/** What keeps this node from taking traffic; empty when it is ready. */
async function notReady(deps: Deps): Promise<string[]> {
  if (deps.lifecycle?.draining()) return ['the node is shutting down'];
  const problems: string[] = [];
  try {
    await sql`select 1`.execute(deps.store.db);
    const expected = deps.lifecycle?.expectedMigrations;
    if (expected?.length) {
      // d1_migrations is the migration runners' table (wrangler's on D1), not in the schema types.
      const { rows } = await sql<{ name: string }>`select name from d1_migrations`.execute(deps.store.db);
      const applied = new Set(rows.map((r) => r.name));
      const missing = expected.filter((name) => !applied.has(name));
      if (missing.length) problems.push(`migrations not applied: ${missing.join(', ')}`);
    }
  } catch {
    problems.push('the database does not answer');
  }
  // The cause (an I/O error) is the operator's to read in the log, not this public answer's.
  if (deps.store.writeFailure?.()) problems.push('writes are refused until the node restarts (a flush to disk failed)');
  if (!deps.keys?.signer || !deps.keys.logSigners.length) problems.push('the keys are not loaded');
  return problems;
}

export const healthRoutes: Route[] = [
  route({
    method: 'get',
    path: '/healthz',
    tag: 'System',
    auth: 'none',
    summary: 'Health: 200 when the database answers and takes writes',
    handler: async ({ deps, c }) => {
      try {
        await sql`select 1`.execute(deps.store.db);
      } catch {
        throw new Unavailable('The database does not answer.');
      }
      // Writes are refused until a restart (a failed flush to disk): liveness says so, so it happens.
      if (deps.store.writeFailure?.()) throw new Unavailable('Writes are refused until the node restarts (a flush to disk failed).');
      c.header('cache-control', 'no-store');
      return c.json({ status: 'ok', database: deps.store.dialect });
    },
  }),
  route({
    method: 'get',
    path: '/readyz',
    tag: 'System',
    auth: 'none',
    summary: 'Readiness: 200 when the database answers, migrations are applied and keys are loaded; 503 while shutting down',
    handler: async ({ deps, c }) => {
      const problems = await notReady(deps);
      if (problems.length) throw new Unavailable(`Not ready: ${problems.join('; ')}.`);
      c.header('cache-control', 'no-store');
      return c.json({ status: 'ready', database: deps.store.dialect });
    },
  }),
];
