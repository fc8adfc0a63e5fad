// Sign-up and sign-in: /api/passkeys/register/*, /api/passkeys/login/*, recovery-code
// sign-in and logout. Success sets a fresh session cookie and returns the CSRF token; the
// new session records a coarse device hint from User-Agent (never the header itself).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { signInWithRecoveryCode } from '../../features/identity/recovery.ts';
import { registrationOptions, verifyRegistration } from '../../features/identity/register-passkey.ts';
import { endSessionWrite, csrfTokenFor } from '../../features/identity/sessions.ts';
import { signInOptions, verifySignIn } from '../../features/identity/sign-in-passkey.ts';
import { deviceHint } from '../../features/identity/device-hint.ts';
import { commit } from '../../features/audit/commit.ts';
import type { AppEnv } from '../context.ts';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.ts';
import { limitCredentialFailures } from '../rate-limit.ts';
import { body } from '../validate.ts';
import { provenSession, stepUpField } from './step-up.ts';
import { authenticationResponse, registrationResponse } from './webauthn-json.ts';

export { authenticationResponse, b64u, registrationResponse } from './webauthn-json.ts';
const label = z.string().trim().min(1).max(60);

export const passkeySchemas = {
  // Signed in, adding a passkey needs a fresh session: a step-up assertion may come along.
  registerOptions: z.strictObject({ name: label.optional(), ...stepUpField }),
  registerVerify: z.strictObject({ response: registrationResponse, name: label.optional() }),
  loginOptions: z.strictObject({}),
  loginVerify: authenticationResponse,
  recovery: z.strictObject({ code: z.string().min(1).max(64) }),
};

/** The session if it is a consumer's; an auditor's session never adds passkeys to a consumer. */
const consumerSession = (c: Context<AppEnv>) => {
  const s = c.get('session');
  return s?.subjectType === 'consumer' ? s : null;
};

function signedIn(c: Context, deps: Deps, consumerId: string, sessionId: string) {
  setSessionCookie(c, deps, sessionId);
  return c.json({ consumer: { id: consumerId }, csrf_token: csrfTokenFor(deps, sessionId) });
}

export function passkeyAuthRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .post('/api/passkeys/register/options', body(passkeySchemas.registerOptions), async (c) => {
      const { step_up, ...input } = c.req.valid('json');
      const session = consumerSession(c) && await provenSession(c, deps, step_up);
      return c.json(await registrationOptions(deps, session, input));
    })
    .post('/api/passkeys/register/verify', body(passkeySchemas.registerVerify), async (c) => {
      const input = c.req.valid('json');
      const result = await verifyRegistration(deps, consumerSession(c), input as Parameters<typeof verifyRegistration>[2], deviceHint(c.req.header('user-agent')));
      if (result.sessionId) return signedIn(c, deps, result.consumerId, result.sessionId);
      return c.json({ consumer: { id: result.consumerId }, passkey: { id: result.passkeyId } });
    })
    .post('/api/passkeys/login/options', body(passkeySchemas.loginOptions), async (c) => c.json(await signInOptions(deps)))
    .post('/api/passkeys/login/verify', body(passkeySchemas.loginVerify), async (c) => {
      const previous = c.get('session')?.idHash;
      const input = c.req.valid('json');
      const result = await limitCredentialFailures(deps, input.id, () =>
        verifySignIn(deps, input as Parameters<typeof verifySignIn>[1], previous, deviceHint(c.req.header('user-agent'))));
      return signedIn(c, deps, result.consumerId, result.sessionId);
    })
    .post('/api/recovery/login', body(passkeySchemas.recovery), async (c) => {
      const result = await signInWithRecoveryCode(deps, c.req.valid('json').code, c.get('session')?.idHash, deviceHint(c.req.header('user-agent')));
      return signedIn(c, deps, result.consumerId, result.sessionId);
    })
    .post('/api/session/logout', async (c) => {
      const session = c.get('session');
      if (session) {
        await commit(deps, {
          writes: [endSessionWrite(deps, session.idHash)],
          audit: [{ action: 'session.signed_out', outcome: 'success', actor_type: session.subjectType, actor_id: session.subjectId, ...(session.subjectType === 'consumer' ? { consumer_id: session.subjectId } : {}) }],
        });
      }
      clearSessionCookie(c, deps);
      return c.body(null, 204);
    });
}
