// GET /healthz: 200 when the database answers, 503 otherwise.
import { sql } from 'kysely';
import { Unavailable } from '../../errors.ts';
import { route, type Route } from '../route.ts';

export const healthRoutes: Route[] = [
  route({
    method: 'get',
    path: '/healthz',
    tag: 'System',
    auth: 'none',
    summary: 'Health: 200 when the database answers',
    handler: async ({ deps, c }) => {
      try {
        await sql`select 1`.execute(deps.store.db);
      } catch {
        throw new Unavailable('The database does not answer.');
      }
      c.header('cache-control', 'no-store');
      return c.json({ status: 'ok', database: deps.store.dialect });
    },
  }),
];
