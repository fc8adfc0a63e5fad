// Every request gets its id: the caller's X-Request-Id when it is 1–255 letters, digits,
// `_`, `-` or `=` (an edge proxy's), else a random UUID; the answer carries it back.
// Once answered, each request is counted and timed by route template and status
// (deps.metrics), 429s counted by the route's rate-limit class, and one access-log line
// (deps.log.access). Only the route template is named — never the path (it holds ids),
// the query, a header, a value or a credential — and the actor as a type, not an id.
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './context.ts';
import { honoPath, type AuthKind, type Route } from './route.ts';

const ACTOR: Record<AuthKind, string> = {
  none: 'none',
  consumer: 'consumer',
  'consumer-step-up': 'consumer',
  'brand-token': 'brand',
  'brand-grant-token': 'brand',
  client: 'brand',
  auditor: 'auditor',
  'auditor-session': 'auditor',
  operator: 'operator',
};

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Who the request spoke as: its route's auth kind once authenticated (a 401 is nobody). */
function actorType(r: Route | undefined, c: Context<AppEnv>, status: number): string {
  if (!r || status === 401) return 'none';
  if (r.auth === 'none') return c.get('session')?.subjectType ?? 'none';
  return ACTOR[r.auth];
}

const GIVEN_ID = /^[\w\-=]{1,255}$/;

/** Sets the answer's X-Request-Id as the runtime writes it (Node: with its head). */
export type SetRequestIdHeader = (c: Context<AppEnv>, id: string) => void;

/** Without `setIdHeader`, the id is set on each answer's headers once it is made. */
export function observe(deps: Deps, routes: readonly Route[], setIdHeader?: SetRequestIdHeader): MiddlewareHandler<AppEnv> {
  const byKey = new Map(routes.map((r) => [`${r.method.toUpperCase()} ${honoPath(r.path)}`, r]));
  const entryOf = (method: string, path: string) => byKey.get(`${method} ${path}`) ?? (method === 'HEAD' ? byKey.get(`GET ${path}`) : undefined);
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given !== undefined && GIVEN_ID.test(given) ? given : crypto.randomUUID();
    c.set('requestId', requestId);
    setIdHeader?.(c, requestId);
    const elapsed = deps.metrics.timer();
    deps.metrics.add('http_requests_in_flight', 1);
    try {
      await next();
    } finally {
      deps.metrics.add('http_requests_in_flight', -1);
    }
    const seconds = elapsed();
    const status = c.res.status;
    // The caller and the log line share the id, so it has the final say over a handler's.
    if (!setIdHeader) {
      try {
        c.res.headers.set('x-request-id', requestId);
      } catch {
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set('x-request-id', requestId);
      }
    }
    const r = entryOf(c.req.method, routePath(c, -1));
    // Answers no table entry claims: the portal's files, or a 404/405 for any path at all.
    const template = r ? r.path : status < 400 ? '(portal)' : '(unmatched)';
    // Any token is a method to HTTP; the label keeps to the ones Trove answers.
    const method = KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    deps.metrics.count('http_requests', { method, route: template, status: String(status) });
    deps.metrics.observe('http_request_duration_seconds', seconds, { method, route: template });
    if (status === 429) deps.metrics.count('rate_limit_refusals', { class: r?.limit ?? 'none' });
    deps.log.access?.({
      request_id: requestId,
      method,
      route: template,
      status,
      duration_ms: Math.round(seconds * 100_000) / 100,
      actor_type: actorType(r, c, status),
    });
  };
}
