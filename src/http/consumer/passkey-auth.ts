// Sign-up and sign-in: /api/passkeys/register/*, /api/passkeys/login/*, recovery-code
// sign-in and logout. Success sets a fresh session cookie and returns the CSRF token.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { signInWithRecoveryCode } from '../../features/identity/recovery.ts';
import { registrationOptions, verifyRegistration } from '../../features/identity/register-passkey.ts';
import { endSessionWrite, csrfTokenFor } from '../../features/identity/sessions.ts';
import { signInOptions, verifySignIn } from '../../features/identity/sign-in-passkey.ts';
import { commit } from '../../features/audit/commit.ts';
import type { AppEnv } from '../context.ts';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.ts';
import { body } from '../validate.ts';

export const b64u = z.string().min(1).max(4096).regex(/^[A-Za-z0-9_-]*$/, 'expected base64url');
export const registrationResponse = z.looseObject({
  id: b64u, rawId: b64u, type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: b64u, attestationObject: z.string().min(1).max(16384), transports: z.array(z.string().max(20)).max(10).optional() }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
export const authenticationResponse = z.looseObject({
  id: b64u, rawId: b64u, type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: b64u, authenticatorData: b64u, signature: b64u, userHandle: b64u.optional() }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
const label = z.string().trim().min(1).max(60);

export const passkeySchemas = {
  registerOptions: z.strictObject({ name: label.optional() }),
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
      return c.json(await registrationOptions(deps, consumerSession(c), c.req.valid('json')));
    })
    .post('/api/passkeys/register/verify', body(passkeySchemas.registerVerify), async (c) => {
      const input = c.req.valid('json');
      const result = await verifyRegistration(deps, consumerSession(c), input as Parameters<typeof verifyRegistration>[2]);
      if (result.sessionId) return signedIn(c, deps, result.consumerId, result.sessionId);
      return c.json({ consumer: { id: result.consumerId }, passkey: { id: result.passkeyId } });
    })
    .post('/api/passkeys/login/options', body(passkeySchemas.loginOptions), async (c) => c.json(await signInOptions(deps)))
    .post('/api/passkeys/login/verify', body(passkeySchemas.loginVerify), async (c) => {
      const previous = c.get('session')?.idHash;
      const result = await verifySignIn(deps, c.req.valid('json') as Parameters<typeof verifySignIn>[1], previous);
      return signedIn(c, deps, result.consumerId, result.sessionId);
    })
    .post('/api/recovery/login', body(passkeySchemas.recovery), async (c) => {
      const result = await signInWithRecoveryCode(deps, c.req.valid('json').code, c.get('session')?.idHash);
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
