// Sign-up and sign-in: /api/passkeys/register/*, /api/passkeys/login/*, recovery-code
// sign-in and logout. Success sets a fresh session cookie and returns the CSRF token; the
// new session records a coarse device hint from User-Agent (never the header itself).
// Signed in, registering adds a passkey, which needs a fresh session (step-up).
import type { Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { deviceHint } from '../../features/identity/device-hint.ts';
import { signInWithRecoveryCode } from '../../features/identity/recovery.ts';
import { registrationOptions, verifyRegistration } from '../../features/identity/register-passkey.ts';
import { csrfTokenFor, signOut, type Session } from '../../features/identity/sessions.ts';
import { signInOptions, verifySignIn } from '../../features/identity/sign-in-passkey.ts';
import { provenSession } from '../auth/consumer-session.ts';
import { limitCredentialFailures } from '../rate-limit.ts';
import { route, type Route } from '../route.ts';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.ts';
import { stepUpField } from './step-up.ts';
import { authenticationResponse, registrationResponse } from './webauthn-json.ts';

export { authenticationResponse, b64u, registrationResponse } from './webauthn-json.ts';
const label = z.string().trim().min(1).max(60);

export const passkeySchemas = {
  registerOptions: z.strictObject({ name: label.optional(), ...stepUpField }),
  registerVerify: z.strictObject({ response: registrationResponse, name: label.optional() }),
  loginOptions: z.strictObject({}),
  loginVerify: authenticationResponse,
  recovery: z.strictObject({ code: z.string().min(1).max(64) }),
};

/** The session if it is a consumer's; an auditor's session never adds passkeys to a consumer. */
const asConsumer = (s: Session | null) => (s?.subjectType === 'consumer' ? s : null);

function signedIn(c: Context, deps: Deps, consumerId: string, sessionId: string) {
  setSessionCookie(c, deps, sessionId);
  return c.json({ consumer: { id: consumerId }, csrf_token: csrfTokenFor(deps, sessionId) });
}

const device = (c: Context) => deviceHint(c.req.header('user-agent'));

export const passkeyAuthRoutes: Route[] = [
  route({
    method: 'post',
    path: '/api/passkeys/register/options',
    tag: 'Consumer API',
    auth: 'none',
    limit: 'signin',
    body: passkeySchemas.registerOptions,
    summary: 'Start sign-up (or add a passkey when signed in: needs step-up)',
    handler: async ({ deps, c, auth, body: { step_up, ...input } }) => {
      const session = asConsumer(auth.session) && (await provenSession(c, deps, step_up));
      return c.json(await registrationOptions(deps, session, input));
    },
  }),
  route({
    method: 'post',
    path: '/api/passkeys/register/verify',
    tag: 'Consumer API',
    auth: 'none',
    limit: 'signin',
    body: passkeySchemas.registerVerify,
    summary: 'Finish sign-up; sets the session cookie',
    handler: async ({ deps, c, auth, body }) => {
      const result = await verifyRegistration(deps, asConsumer(auth.session), body as Parameters<typeof verifyRegistration>[2], device(c));
      if (result.sessionId) return signedIn(c, deps, result.consumerId, result.sessionId);
      return c.json({ consumer: { id: result.consumerId }, passkey: { id: result.passkeyId } });
    },
  }),
  route({
    method: 'post',
    path: '/api/passkeys/login/options',
    tag: 'Consumer API',
    auth: 'none',
    limit: 'signin',
    body: passkeySchemas.loginOptions,
    summary: 'Start a usernameless sign-in',
    handler: async ({ deps, c }) => c.json(await signInOptions(deps)),
  }),
  route({
    method: 'post',
    path: '/api/passkeys/login/verify',
    tag: 'Consumer API',
    auth: 'none',
    limit: 'signin',
    body: passkeySchemas.loginVerify,
    summary: 'Finish sign-in; sets the session cookie',
    handler: async ({ deps, c, auth, body }) => {
      const result = await limitCredentialFailures(deps, body.id, () =>
        verifySignIn(deps, body as Parameters<typeof verifySignIn>[1], auth.session?.idHash, device(c)),
      );
      return signedIn(c, deps, result.consumerId, result.sessionId);
    },
  }),
  route({
    method: 'post',
    path: '/api/recovery/login',
    tag: 'Consumer API',
    auth: 'none',
    limit: 'signin',
    body: passkeySchemas.recovery,
    summary: 'Sign in with a single-use recovery code',
    handler: async ({ deps, c, auth, body }) => {
      const result = await signInWithRecoveryCode(deps, body.code, auth.session?.idHash, device(c));
      return signedIn(c, deps, result.consumerId, result.sessionId);
    },
  }),
  route({
    method: 'post',
    path: '/api/session/logout',
    tag: 'Consumer API',
    auth: 'none',
    ok: 204,
    summary: "End the session (a consumer's or an auditor's)",
    handler: async ({ deps, c, auth }) => {
      if (auth.session) await signOut(deps, auth.session);
      clearSessionCookie(c, deps);
      return c.body(null, 204);
    },
  }),
];
