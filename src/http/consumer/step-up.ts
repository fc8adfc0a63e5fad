// Step-up: POST /api/me/step-up/options and /verify (a passkey assertion by one of the
// consumer's own passkeys refreshes the session's auth_at), and provenSession() for the
// sensitive calls, which may carry that assertion along as "step_up" instead.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../../deps.ts';
import type { Session } from '../../features/identity/sessions.ts';
import { stepUpOptions, verifyStepUp } from '../../features/identity/step-up-passkey.ts';
import { STEP_UP_MAX_AGE_MS } from '../../features/identity/step-up.ts';
import type { AppEnv } from '../context.ts';
import { body } from '../validate.ts';
import { authenticationResponse } from './webauthn-json.ts';

/** The optional member of a sensitive call's body that carries a step-up assertion. */
export const stepUpField = { step_up: authenticationResponse.optional() };

export const stepUpSchemas = { options: z.strictObject({}), verify: authenticationResponse, sensitive: z.strictObject(stepUpField) };

/** The caller's session, stepped up first when the call brought an assertion. */
export async function provenSession(c: Context<AppEnv>, deps: Deps, assertion: unknown): Promise<Session> {
  const session = c.get('session')!;
  if (!assertion) return session;
  const fresh = await verifyStepUp(deps, session, assertion as AuthenticationResponseJSON);
  c.set('session', fresh);
  return fresh;
}

export function stepUpRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .post('/api/me/step-up/options', body(stepUpSchemas.options), async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(await stepUpOptions(deps, c.get('session')!));
    })
    .post('/api/me/step-up/verify', body(stepUpSchemas.verify), async (c) => {
      const fresh = await provenSession(c, deps, c.req.valid('json'));
      return c.json({ auth_at: fresh.authAt, fresh_until: fresh.authAt + STEP_UP_MAX_AGE_MS });
    });
}
