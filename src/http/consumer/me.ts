// /api/me: who is signed in (with the CSRF token the portal sends back, and whether to
// prompt for a way back in), export of everything held about them, and erasure of the
// account (consumer-step-up: fresh now, and again at the erasure's commit).
import { z } from 'zod';
import { backupPromptDue, dismissBackupPrompt } from '../../features/identity/backup-prompt.ts';
import { eraseConsumer } from '../../features/identity/erase.ts';
import { csrfTokenFor } from '../../features/identity/sessions.ts';
import { consumerProfileSummary } from '../../features/profile/consumer-summary.ts';
import { exportConsumer } from '../../features/profile/export.ts';
import { route, type Route } from '../route.ts';
import { clearSessionCookie } from '../session-cookie.ts';
import { stepUpSchemas } from './step-up.ts';

export const meSchemas = { dismiss: z.strictObject({}) };

export const meRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'The signed-in consumer and the CSRF token',
    handler: async ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json({
        consumer: await consumerProfileSummary(deps, auth.consumerId),
        csrf_token: csrfTokenFor(deps, auth.session.rawId),
        backup_prompt: await backupPromptDue(deps, auth.consumerId),
      });
    },
  }),
  route({
    method: 'post',
    path: '/api/me/backup-prompt/dismiss',
    tag: 'Consumer API',
    auth: 'consumer',
    body: meSchemas.dismiss,
    ok: 204,
    summary: 'Stop prompting for recovery codes or a second passkey',
    handler: async ({ deps, c, auth }) => {
      await dismissBackupPrompt(deps, auth.consumerId);
      return c.body(null, 204);
    },
  }),
  route({
    method: 'get',
    path: '/api/me/export',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'Everything held about me, decrypted',
    handler: async ({ deps, c, auth }) => {
      const doc = await exportConsumer(deps, auth.consumerId);
      c.header('content-disposition', 'attachment; filename="trove-export.json"');
      c.header('cache-control', 'no-store');
      return c.json(doc);
    },
  }),
  route({
    method: 'delete',
    path: '/api/me',
    tag: 'Consumer API',
    auth: 'consumer-step-up',
    body: stepUpSchemas.sensitive,
    ok: 204,
    summary: 'Erase the account (crypto-shredding; needs step-up)',
    handler: async ({ deps, c, auth }) => {
      await eraseConsumer(deps, auth.consumerId, { session: auth.session });
      clearSessionCookie(c, deps);
      return c.body(null, 204);
    },
  }),
];
