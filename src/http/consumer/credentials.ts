// Credentials: GET /api/me/passkeys, PATCH/DELETE /api/me/passkeys/{id}, and
// POST /api/me/recovery-codes (a new set, shown once). Removing a passkey and new codes
// need a fresh session (step-up; the assertion may come along as "step_up"); removing
// the passkey that opened this session also signs it out.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { listPasskeys, removePasskey, renamePasskey } from '../../features/identity/passkeys.ts';
import { generateRecoveryCodes, unusedRecoveryCodes } from '../../features/identity/recovery.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { clearSessionCookie } from '../session-cookie.ts';
import { body, params } from '../validate.ts';
import { provenSession, stepUpSchemas } from './step-up.ts';

export const credentialSchemas = {
  id: z.object({ id: z.string().min(1).max(1024) }),
  rename: z.strictObject({ name: z.string().trim().min(1).max(60) }),
};

export function credentialRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/api/me/passkeys', async (c) => {
      const id = consumerId(c);
      return c.json({ passkeys: await listPasskeys(deps, id), recovery_codes_left: await unusedRecoveryCodes(deps, id) });
    })
    .patch('/api/me/passkeys/:id', params(credentialSchemas.id), body(credentialSchemas.rename), async (c) => {
      await renamePasskey(deps, consumerId(c), c.req.valid('param').id, c.req.valid('json').name);
      return c.body(null, 204);
    })
    .delete('/api/me/passkeys/:id', params(credentialSchemas.id), body(stepUpSchemas.sensitive), async (c) => {
      const session = await provenSession(c, deps, c.req.valid('json').step_up);
      const { endedCurrent } = await removePasskey(deps, session, c.req.valid('param').id);
      if (endedCurrent) clearSessionCookie(c, deps);
      return c.body(null, 204);
    })
    .post('/api/me/recovery-codes', body(stepUpSchemas.sensitive), async (c) => {
      const session = await provenSession(c, deps, c.req.valid('json').step_up);
      c.header('cache-control', 'no-store');
      return c.json({ codes: await generateRecoveryCodes(deps, session) }, 201);
    });
}
