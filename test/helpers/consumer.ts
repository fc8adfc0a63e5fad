// A signed-in consumer for HTTP tests of the profile: created and given a session
// through the real features (the passkey ceremonies have their own tests).
import type { AppLike } from './app-like.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { csrfTokenFor, newSession, RECOVERY_CREDENTIAL } from '../../src/features/identity/sessions.ts';
import type { Deps } from '../../src/deps.ts';
import { seedConsumer } from './deps.ts';

export type Caller = {
  consumerId: string;
  cookie: string;
  csrf: string;
  /** app.request with the session cookie, CSRF header and JSON body filled in. */
  call(path: string, init?: { method?: string; json?: unknown; headers?: Record<string, string> }): Promise<Response>;
};

export function caller(app: AppLike, cookie: string, csrf: string, consumerId = ''): Caller {
  return {
    consumerId,
    cookie,
    csrf,
    call: (path, init = {}) =>
      Promise.resolve(
        app.request(path, {
          method: init.method ?? 'GET',
          headers: {
            cookie,
            'x-csrf-token': csrf,
            ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
            ...init.headers,
          },
          ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        }),
      ),
  };
}

export async function signedInConsumer(deps: Deps, app: AppLike): Promise<Caller> {
  const consumerId = await seedConsumer(deps);
  // No passkey ceremony here: the session stands for one opened with a recovery code (fresh, as any sign-in).
  const session = newSession(deps, 'consumer', consumerId, { credential: RECOVERY_CREDENTIAL });
  await commit(deps, { writes: [session.insert] });
  return caller(app, `trove_session=${session.rawId}`, csrfTokenFor(deps, session.rawId), consumerId);
}
