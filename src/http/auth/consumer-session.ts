// A signed-in consumer (the portal's session cookie), and for the sensitive calls a
// fresh one: its last passkey proof under five minutes old, or a step-up assertion sent
// along as `step_up` (verified here, before the handler). The features check freshness
// again at their commit.
import type { Context } from 'hono';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../../deps.ts';
import { Unauthorized } from '../../errors.ts';
import type { Session } from '../../features/identity/sessions.ts';
import { verifyStepUp } from '../../features/identity/step-up-passkey.ts';
import { assertFresh } from '../../features/identity/step-up.ts';
import type { AppEnv } from '../context.ts';

export function consumerSession(c: Context<AppEnv>): { session: Session; consumerId: string } {
  const session = c.get('session');
  if (session?.subjectType !== 'consumer') throw new Unauthorized('Sign in with your passkey first.');
  return { session, consumerId: session.subjectId };
}

/** The caller's session, stepped up first when the call brought an assertion. */
export async function provenSession(c: Context<AppEnv>, deps: Deps, assertion: unknown): Promise<Session> {
  const session = c.get('session')!;
  if (!assertion) return session;
  const fresh = await verifyStepUp(deps, session, assertion as AuthenticationResponseJSON);
  c.set('session', fresh);
  return fresh;
}

/** consumer-step-up: proven by the body's `step_up` if it has one, and fresh either way. */
export async function steppedUpSession(c: Context<AppEnv>, deps: Deps, body: unknown): Promise<{ session: Session; consumerId: string }> {
  const assertion = body && typeof body === 'object' ? (body as { step_up?: unknown }).step_up : undefined;
  const session = await provenSession(c, deps, assertion);
  assertFresh(deps, session);
  return { session, consumerId: session.subjectId };
}
