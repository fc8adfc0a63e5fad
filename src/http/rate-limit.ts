// Per-address rate limits, applied to the routes whose table entry names a class (sign-in
// and the OAuth endpoints). The client address comes from the runtime adapter (only it can
// see the socket or the edge's header); per-client limits are counted after client
// authentication (features/brands), and failed sign-ins per credential here.
import type { Context } from 'hono';
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
  const wait = await deps.limits.blocked('signin_failure', 'client', key);
  if (wait) throw new TooManyRequests(wait);
  try {
    return await attempt();
  } catch (err) {
    if (err instanceof TroveError && err.status === 401) await deps.limits.hit('signin_failure', 'client', key);
    throw err;
  }
}

/** Counts one state-changing call from this address; 429 once its class's budget is spent. */
export async function limitByIp(deps: Deps, cls: LimitClass, ip: string, method: string): Promise<void> {
  if (method !== 'POST') return;
  const wait = await deps.limits.hit(cls, 'ip', ip);
  if (wait) throw new TooManyRequests(wait);
}
