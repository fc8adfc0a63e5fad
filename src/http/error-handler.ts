// The one place errors become HTTP: typed errors render as problem+json (RFC 9457) or
// OAuth error bodies (RFC 6749); a commit guard that lost a race no feature claimed is a
// 409; anything unexpected is logged and answered as a bare 500 that reveals nothing.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../deps.ts';
import { Conflict, GuardFailed, OAuthError, TooManyRequests, TroveError } from '../errors.ts';

export const PROBLEM_BASE = 'https://trove.dev/problems/';

export function problem(c: Context, status: number, type: string, title: string, detail: string, extra: Record<string, unknown> = {}) {
  const body = { type: PROBLEM_BASE + type, title, status, detail, ...extra, request_id: c.get('requestId') };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  });
}

export function errorHandler(log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof GuardFailed) {
      // A concurrent request changed the state first and nothing was written: retryable.
      log.warn('commit guard failed', { request_id: c.get('requestId'), guard: err.guard });
      err = c.req.path.startsWith('/oauth/')
        ? new OAuthError('invalid_request', 'A concurrent request changed this state first; retry.')
        : new Conflict('A concurrent request changed this state first; nothing was written. Retry.');
    }
    if (err instanceof TooManyRequests && c.req.path.startsWith('/oauth/')) {
      // OAuth clients expect RFC 6749 bodies; the status and Retry-After say what to do.
      return new Response(JSON.stringify({ error: 'temporarily_unavailable', error_description: err.message }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': String(err.retryAfter) },
      });
    }
    if (err instanceof TroveError) {
      const res = problem(c, err.status, err.type, err.title, err.message, err.extra);
      // The error knows its headers: a WWW-Authenticate challenge, Retry-After, Allow.
      for (const [name, value] of Object.entries(err.headers)) res.headers.set(name, value);
      return res;
    }
    if (err instanceof OAuthError) {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
      // RFC 6749 §5.2: the challenge matches the scheme the client used, so only a client that
      // sent HTTP Basic gets one. A client authenticating in the body (client_secret_post,
      // private_key_jwt) gets the bare 401 the section allows; a challenge would make
      // libraries (openid-client) report the challenge and hide the error body.
      if (err.error === 'invalid_client' && /^basic /i.test(c.req.header('authorization') ?? '')) headers['www-authenticate'] = 'Basic realm="trove"';
      return new Response(JSON.stringify({ error: err.error, error_description: err.message }), { status: err.status, headers });
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own 4xx (e.g. malformed JSON in a validator): keep the status, our shape.
      return problem(c, err.status, 'bad-request', 'Bad request', err.message || 'The request could not be read.');
    }
    log.error('unhandled error', { request_id: c.get('requestId'), error: err.name, stack: err.stack });
    return problem(c, 500, 'internal', 'Internal server error', 'Something went wrong on our side.');
  };
}
