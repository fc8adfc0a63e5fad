// The consumer's sessions: GET /api/me/sessions, DELETE /api/me/sessions/{id} (ending the
// current one signs out and clears the cookie) and POST /api/me/sessions/revoke-others.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { listSessions, revokeOtherSessions, revokeSession } from '../../features/identity/session-list.ts';
import type { AppEnv } from '../context.ts';
import { clearSessionCookie } from '../session-cookie.ts';
import { body, params } from '../validate.ts';

export const sessionSchemas = {
  id: z.object({ id: z.string().min(1).max(64) }),
  revokeOthers: z.strictObject({}),
};

export function sessionRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me/sessions', async (c) => {
      c.header('cache-control', 'no-store');
      return c.json({ sessions: await listSessions(deps, c.get('session')!) });
    })
    .delete('/api/me/sessions/:id', params(sessionSchemas.id), async (c) => {
      const { endedCurrent } = await revokeSession(deps, c.get('session')!, c.req.valid('param').id);
      if (endedCurrent) clearSessionCookie(c, deps);
      return c.body(null, 204);
    })
    .post('/api/me/sessions/revoke-others', body(sessionSchemas.revokeOthers), async (c) =>
      c.json(await revokeOtherSessions(deps, c.get('session')!)));
}
