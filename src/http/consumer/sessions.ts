// The consumer's sessions: GET /api/me/sessions, DELETE /api/me/sessions/{id} (ending the
// current one signs out and clears the cookie) and POST /api/me/sessions/revoke-others.
import { z } from 'zod';
import { listSessions, revokeOtherSessions, revokeSession } from '../../features/identity/session-list.ts';
import { route, type Route } from '../route.ts';
import { clearSessionCookie } from '../session-cookie.ts';

export const sessionSchemas = {
  id: z.object({ id: z.string().min(1).max(64) }),
  revokeOthers: z.strictObject({}),
};

export const sessionRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/sessions',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'My sessions: device, opened, last seen, which is this one',
    handler: async ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json({ sessions: await listSessions(deps, auth.session) });
    },
  }),
  route({
    method: 'delete',
    path: '/api/me/sessions/{id}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: sessionSchemas.id,
    ok: 204,
    summary: 'End a session (this one too: that signs out)',
    handler: async ({ deps, c, auth, params }) => {
      const { endedCurrent } = await revokeSession(deps, auth.session, params.id);
      if (endedCurrent) clearSessionCookie(c, deps);
      return c.body(null, 204);
    },
  }),
  route({
    method: 'post',
    path: '/api/me/sessions/revoke-others',
    tag: 'Consumer API',
    auth: 'consumer',
    body: sessionSchemas.revokeOthers,
    summary: 'Sign out everywhere else',
    handler: async ({ deps, c, auth }) => c.json(await revokeOtherSessions(deps, auth.session)),
  }),
];
