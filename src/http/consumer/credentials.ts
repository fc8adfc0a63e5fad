// Credentials: GET /api/me/passkeys, PATCH/DELETE /api/me/passkeys/{id}, and
// POST /api/me/recovery-codes (a new set, shown once). Removing a passkey and new codes
// need a fresh session (consumer-step-up); removing the passkey that opened this session
// also signs it out.
import { z } from 'zod';
import { listPasskeys, removePasskey, renamePasskey } from '../../features/identity/passkeys.ts';
import { generateRecoveryCodes, unusedRecoveryCodes } from '../../features/identity/recovery.ts';
import { route, type Route } from '../route.ts';
import { clearSessionCookie } from '../session-cookie.ts';
import { stepUpSchemas } from './step-up.ts';

export const credentialSchemas = {
  id: z.object({ id: z.string().min(1).max(1024) }),
  rename: z.strictObject({ name: z.string().trim().min(1).max(60) }),
};

export const credentialRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/passkeys',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'My passkeys',
    handler: async ({ deps, c, auth }) =>
      c.json({ passkeys: await listPasskeys(deps, auth.consumerId), recovery_codes_left: await unusedRecoveryCodes(deps, auth.consumerId) }),
  }),
  route({
    method: 'patch',
    path: '/api/me/passkeys/{id}',
    tag: 'Consumer API',
    auth: 'consumer',
    owned: true,
    params: credentialSchemas.id,
    body: credentialSchemas.rename,
    ok: 204,
    summary: 'Rename a passkey',
    handler: async ({ deps, c, auth, params, body }) => {
      await renamePasskey(deps, auth.consumerId, params.id, body.name);
      return c.body(null, 204);
    },
  }),
  route({
    method: 'delete',
    path: '/api/me/passkeys/{id}',
    tag: 'Consumer API',
    auth: 'consumer-step-up',
    owned: true,
    params: credentialSchemas.id,
    body: stepUpSchemas.sensitive,
    ok: 204,
    summary: 'Remove a passkey (never the last without recovery codes; needs step-up; ends the sessions it opened)',
    handler: async ({ deps, c, auth, params }) => {
      const { endedCurrent } = await removePasskey(deps, auth.session, params.id);
      if (endedCurrent) clearSessionCookie(c, deps);
      return c.body(null, 204);
    },
  }),
  route({
    method: 'post',
    path: '/api/me/recovery-codes',
    tag: 'Consumer API',
    auth: 'consumer-step-up',
    body: stepUpSchemas.sensitive,
    ok: 201,
    summary: 'New recovery codes, shown once (needs step-up)',
    handler: async ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json({ codes: await generateRecoveryCodes(deps, auth.session) }, 201);
    },
  }),
];
