// GET /healthz: 200 when the database answers, 503 otherwise.
import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Deps } from '../deps.ts';
import { problem } from './error-handler.ts';

export function healthRoutes(deps: Deps) {
  return new Hono().get('/healthz', async (c) => {
    try {
      await sql`select 1`.execute(deps.store.db);
    } catch {
      return problem(c, 503, 'unavailable', 'Service unavailable', 'The database does not answer.');
    }
    c.header('cache-control', 'no-store');
    return c.json({ status: 'ok', database: deps.store.dialect });
  });
}
