// The session cookie: HttpOnly, SameSite=Lax, Secure (with the __Host- prefix) on
// https origins; plain http://localhost gets an unprefixed, non-Secure cookie so
// development works. Resolves the session for every /api request.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../deps.ts';
import { resolveSession, SESSION_ABSOLUTE_MS } from '../features/identity/sessions.ts';
import type { AppEnv } from './context.ts';

export function cookieName(deps: Deps): string {
  return deps.config.origin.startsWith('https://') ? '__Host-trove_session' : 'trove_session';
}

export function setSessionCookie(c: Context, deps: Deps, rawId: string) {
  const secure = deps.config.origin.startsWith('https://');
  setCookie(c, cookieName(deps), rawId, {
    httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export function clearSessionCookie(c: Context, deps: Deps) {
  deleteCookie(c, cookieName(deps), { path: '/', secure: deps.config.origin.startsWith('https://') });
}

export function loadSession(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('session', await resolveSession(deps, getCookie(c, cookieName(deps))));
    await next();
  };
}
