// The session cookie: HttpOnly, SameSite=Lax, Secure (with the __Host- prefix) on
// https origins; plain http://localhost gets an unprefixed, non-Secure cookie so
// development works.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../deps.ts';
import { SESSION_ABSOLUTE_MS } from '../features/identity/sessions.ts';

export function cookieName(deps: Deps): string {
  return deps.config.origin.startsWith('https://') ? '__Host-trove_session' : 'trove_session';
}

export function setSessionCookie(c: Context, deps: Deps, rawId: string) {
  const secure = deps.config.origin.startsWith('https://');
  setCookie(c, cookieName(deps), rawId, {
    httpOnly: true,
    secure,
    sameSite: 'Lax',
    path: '/',
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export function clearSessionCookie(c: Context, deps: Deps) {
  deleteCookie(c, cookieName(deps), { path: '/', secure: deps.config.origin.startsWith('https://') });
}

/** The session id the request's cookie carries, if any (resolved by the route pipeline). */
export function sessionCookieValue(c: Context, deps: Deps): string | undefined {
  return getCookie(c, cookieName(deps));
}
