// /api/me: who is signed in (with the CSRF token the portal sends back, and whether to
// prompt for a way back in), export of everything held about them, and erasure of the
// account, which needs a fresh session (step-up; the assertion may come along).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { backupPromptDue, dismissBackupPrompt } from '../../features/identity/backup-prompt.ts';
import { eraseConsumer } from '../../features/identity/erase.ts';
import { assertFresh } from '../../features/identity/step-up.ts';
import { csrfTokenFor } from '../../features/identity/sessions.ts';
import { exportConsumer } from '../../features/profile/export.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { clearSessionCookie } from '../session-cookie.ts';
import { body } from '../validate.ts';
import { provenSession, stepUpSchemas } from './step-up.ts';

export const meSchemas = { dismiss: z.strictObject({}) };

export function meRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me', async (c) => {
      const id = consumerId(c);
      const row = await deps.store.db.selectFrom('consumers').select(['id', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
      c.header('cache-control', 'no-store');
      return c.json({ consumer: row, csrf_token: csrfTokenFor(deps, c.get('session')!.rawId), backup_prompt: await backupPromptDue(deps, id) });
    })
    .post('/api/me/backup-prompt/dismiss', body(meSchemas.dismiss), async (c) => {
      await dismissBackupPrompt(deps, consumerId(c));
      return c.body(null, 204);
    })
    .get('/api/me/export', async (c) => {
      const doc = await exportConsumer(deps, consumerId(c));
      c.header('content-disposition', 'attachment; filename="trove-export.json"');
      c.header('cache-control', 'no-store');
      return c.json(doc);
    })
    .delete('/api/me', body(stepUpSchemas.sensitive), async (c) => {
      // Fresh now, and still fresh (the session not ended meanwhile) at the erasure's commit.
      const session = await provenSession(c, deps, c.req.valid('json').step_up);
      assertFresh(deps, session);
      await eraseConsumer(deps, consumerId(c), { session });
      clearSessionCookie(c, deps);
      return c.body(null, 204);
    });
}
