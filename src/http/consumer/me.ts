// /api/me: who is signed in (with the CSRF token the portal sends back), export of
// everything held about them, and erasure of the account.
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { eraseConsumer } from '../../features/identity/erase.ts';
import { csrfTokenFor } from '../../features/identity/sessions.ts';
import { exportConsumer } from '../../features/profile/export.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { clearSessionCookie } from '../session-cookie.ts';

export function meRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me', async (c) => {
      const id = consumerId(c);
      const row = await deps.store.db.selectFrom('consumers').select(['id', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
      c.header('cache-control', 'no-store');
      return c.json({ consumer: row, csrf_token: csrfTokenFor(deps, c.get('session')!.rawId) });
    })
    .get('/api/me/export', async (c) => {
      const doc = await exportConsumer(deps, consumerId(c));
      c.header('content-disposition', 'attachment; filename="trove-export.json"');
      c.header('cache-control', 'no-store');
      return c.json(doc);
    })
    .delete('/api/me', async (c) => {
      await eraseConsumer(deps, consumerId(c));
      clearSessionCookie(c, deps);
      return c.body(null, 204);
    });
}
