// CSRF defence for every state-changing /api call. A cross-site request is refused by
// Origin and Sec-Fetch-Site; with a session, the X-CSRF-Token header must carry the
// token derived from the session (only Trove's own pages can read it); without one,
// the body must be JSON, which a cross-site page cannot send without a preflight.
import type { Context } from 'hono';
import type { Deps } from '../deps.ts';
import { Forbidden } from '../errors.ts';
import { constantTimeEqual } from '../crypto/hash.ts';
import { csrfTokenFor } from '../features/identity/sessions.ts';
import type { AppEnv } from './context.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function checkCsrf(deps: Deps, c: Context<AppEnv>): void {
  if (SAFE.has(c.req.method)) return;
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== deps.config.origin) throw new Forbidden('Cross-origin requests are not allowed here.');
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') throw new Forbidden('Cross-site requests are not allowed here.');
  const session = c.get('session');
  if (session) {
    const token = c.req.header('x-csrf-token') ?? '';
    if (!constantTimeEqual(token, csrfTokenFor(deps, session.rawId))) {
      throw new Forbidden('Missing or wrong X-CSRF-Token header; read it from GET /api/me.');
    }
  } else if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new Forbidden('Send this request as application/json.');
  }
}
