// The auditor's portal sign-in under /api/auditor: passkey enrolment from the one-time
// link, usernameless sign-in, and "who am I" with the CSRF token. Sessions are the
// consumers' kind with subject type auditor, so logout is /api/session/logout.
import type { Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { Auditor } from '../../features/auditors/accounts.ts';
import { auditorSignIn, auditorSignInOptions, enrolOptions, enrolVerify } from '../../features/auditors/auditor-passkeys.ts';
import { csrfTokenFor } from '../../features/identity/sessions.ts';
import { authenticationResponse, registrationResponse } from '../consumer/webauthn-json.ts';
import { limitCredentialFailures } from '../rate-limit.ts';
import { route, type Route } from '../route.ts';
import { setSessionCookie } from '../session-cookie.ts';

const code = z
  .string()
  .min(1)
  .max(100)
  .regex(/^trv_ae_[A-Za-z0-9_-]+$/, 'expected the code from an enrolment link');

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

export const auditorPortalRoutes: Route[] = [
  route({
    method: 'post',
    path: '/api/auditor/enrol/options',
    tag: 'Auditor API',
    auth: 'none',
    limit: 'signin',
    body: auditorPortalSchemas.enrolOptions,
    summary: 'Passkey creation options for a one-time enrolment code',
    handler: async ({ deps, c, body }) => c.json(await enrolOptions(deps, body.code)),
  }),
  route({
    method: 'post',
    path: '/api/auditor/enrol/verify',
    tag: 'Auditor API',
    auth: 'none',
    limit: 'signin',
    body: auditorPortalSchemas.enrolVerify,
    summary: 'Enrol the passkey and sign in',
    handler: async ({ deps, c, body }) => {
      const result = await enrolVerify(deps, body as Parameters<typeof enrolVerify>[1]);
      return signedIn(c, deps, result.auditor, result.sessionId);
    },
  }),
  route({
    method: 'post',
    path: '/api/auditor/login/options',
    tag: 'Auditor API',
    auth: 'none',
    limit: 'signin',
    body: auditorPortalSchemas.loginOptions,
    summary: 'Usernameless passkey sign-in options',
    handler: async ({ deps, c }) => c.json(await auditorSignInOptions(deps)),
  }),
  route({
    method: 'post',
    path: '/api/auditor/login/verify',
    tag: 'Auditor API',
    auth: 'none',
    limit: 'signin',
    body: auditorPortalSchemas.loginVerify,
    summary: 'Sign in as an auditor',
    handler: async ({ deps, c, auth, body }) => {
      const response = body.response as Parameters<typeof auditorSignIn>[1];
      const result = await limitCredentialFailures(deps, `auditor:${response.id}`, () => auditorSignIn(deps, response, auth.session?.idHash));
      return signedIn(c, deps, result.auditor, result.sessionId);
    },
  }),
  route({
    method: 'get',
    path: '/api/auditor/me',
    tag: 'Auditor API',
    auth: 'auditor-session',
    summary: 'The signed-in auditor, scope and CSRF token',
    handler: ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json({ id: auth.auditor.id, name: auth.auditor.name, brands: auth.auditor.brands, csrf_token: csrfTokenFor(deps, auth.session!.rawId) });
    },
  }),
];
