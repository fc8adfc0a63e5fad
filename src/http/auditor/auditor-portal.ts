// The auditor's portal sign-in under /api/auditor: passkey enrolment from the one-time
// link, usernameless sign-in, and "who am I" with the CSRF token. Sessions are the
// consumers' kind with subject type auditor, so logout is /api/session/logout.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { Auditor } from '../../features/auditors/accounts.ts';
import { auditorSignIn, auditorSignInOptions, enrolOptions, enrolVerify } from '../../features/auditors/auditor-passkeys.ts';
import { csrfTokenFor } from '../../features/identity/sessions.ts';
import type { AppEnv } from '../context.ts';
import { authenticationResponse, registrationResponse } from '../consumer/passkey-auth.ts';
import { setSessionCookie } from '../session-cookie.ts';
import { limitCredentialFailures } from '../rate-limit.ts';
import { body } from '../validate.ts';
import { requireAuditor, type AuditorEnv } from './auditor-auth.ts';

const code = z.string().min(1).max(100).regex(/^trv_ae_[A-Za-z0-9_-]+$/, 'expected the code from an enrolment link');

export const auditorPortalSchemas = {
  enrolOptions: z.strictObject({ code }),
  enrolVerify: z.strictObject({ code, response: registrationResponse, name: z.string().trim().min(1).max(60).optional() }),
  loginOptions: z.strictObject({}),
  loginVerify: z.strictObject({ response: authenticationResponse }),
};

function signedIn(c: Context, deps: Deps, auditor: Auditor, sessionId: string) {
  setSessionCookie(c, deps, sessionId);
  return c.json({ auditor, csrf_token: csrfTokenFor(deps, sessionId) });
}

export function auditorPortalRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .post('/api/auditor/enrol/options', body(auditorPortalSchemas.enrolOptions), async (c) => c.json(await enrolOptions(deps, c.req.valid('json').code)))
    .post('/api/auditor/enrol/verify', body(auditorPortalSchemas.enrolVerify), async (c) => {
      const input = c.req.valid('json') as Parameters<typeof enrolVerify>[1];
      const result = await enrolVerify(deps, input);
      return signedIn(c, deps, result.auditor, result.sessionId);
    })
    .post('/api/auditor/login/options', body(auditorPortalSchemas.loginOptions), async (c) => c.json(await auditorSignInOptions(deps)))
    .post('/api/auditor/login/verify', body(auditorPortalSchemas.loginVerify), async (c) => {
      const response = c.req.valid('json').response as Parameters<typeof auditorSignIn>[1];
      const result = await limitCredentialFailures(deps, `auditor:${response.id}`, () => auditorSignIn(deps, response, c.get('session')?.idHash));
      return signedIn(c, deps, result.auditor, result.sessionId);
    })
    .route('/', new Hono<AuditorEnv>().get('/api/auditor/me', requireAuditor(deps, { sessionOnly: true }), (c) => {
      const auditor = c.get('auditor');
      return c.json({ id: auditor.id, name: auditor.name, brands: auditor.brands, csrf_token: csrfTokenFor(deps, c.get('session')!.rawId) });
    }));
}
