// Per-IP rate limits in front of sign-in and the OAuth endpoints. The client address
// comes from the runtime adapter (only it can see the socket or the edge's header);
// per-client limits are counted after client authentication (features/brands).
import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import { TooManyRequests, TroveError } from '../errors.ts';
import type { LimitClass } from '../features/limits/rate-limiter.ts';

export type ClientIp = (c: Context) => string | undefined;

/**
 * Sign-in with one credential, counted by its failures: refused for the rest of the
 * window once it failed too often, from whatever address. Only refusals count (401), so
 * its owner signing in well never uses the budget.
 */
export async function limitCredentialFailures<T>(deps: Deps, credentialId: string, attempt: () => Promise<T>): Promise<T> {
  const key = credentialId.slice(0, 200);
  const wait = deps.limits.blocked('signin_failure', 'client', key);
  if (wait) throw new TooManyRequests(wait);
  try {
    return await attempt();
  } catch (err) {
    if (err instanceof TroveError && err.status === 401) deps.limits.hit('signin_failure', 'client', key);
    throw err;
  }
}

export function limitByIp(deps: Deps, cls: LimitClass, clientIp: ClientIp): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'POST') {
      const wait = deps.limits.hit(cls, 'ip', clientIp(c) ?? 'unknown');
      if (wait) throw new TooManyRequests(wait);
    }
    await next();
  };
}

/** Which paths each class guards (POST only). */
export const IP_LIMITED: [string, LimitClass][] = [
  ['/api/passkeys/login/*', 'signin'],
  ['/api/passkeys/register/*', 'signin'],
  ['/api/recovery/login', 'signin'],
  ['/api/auditor/login/*', 'signin'],
  ['/api/auditor/enrol/*', 'signin'],
  ['/oauth/par', 'par'],
  ['/oauth/token', 'token'],
  ['/oauth/introspect', 'introspect'],
  ['/oauth/revoke', 'introspect'],
];
