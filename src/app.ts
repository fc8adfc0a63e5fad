// createApp(deps): the middleware every request passes (request id and metrics, key
// freshness, security headers, body limit, JSON syntax, 405s), the route table registered in one
// loop (each entry behind exactly the auth and limits it declares, see
// http/register-routes.ts), the portal's static files, and the one error handler.
// Runtime adapters wrap it; nothing here knows whether it runs on Node or workerd.
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { Deps } from './deps.ts';
import { MethodNotAllowed, NotFound, PayloadTooLarge } from './errors.ts';
import type { AppEnv } from './http/context.ts';
import { errorHandler } from './http/error-handler.ts';
import { jsonBody } from './http/json-body.ts';
import { observe, type SetRequestIdHeader } from './http/observe.ts';
import type { ClientIp } from './http/rate-limit.ts';
import { registerRoutes } from './http/register-routes.ts';
import { securityHeaders } from './http/security-headers.ts';
import type { Route } from './http/route.ts';
import { ROUTES } from './http/routes.ts';

export const BODY_LIMIT = 64 * 1024;

export type AppOptions = {
  staticFiles?: MiddlewareHandler;
  /** The caller's address as the runtime sees it (socket, or the edge's header). */
  clientIp?: ClientIp;
  /** The route table (tests register it in another order to show order means nothing). */
  routes?: readonly Route[];
  /** The runtime's server adds securityHeaders() to every response itself; the app then leaves them out. */
  serverSetsSecurityHeaders?: boolean;
  /** The runtime's server writes each answer's X-Request-Id itself, given it here; else the app sets it. */
  setRequestIdHeader?: SetRequestIdHeader;
};

export function createApp(deps: Deps, opts: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  const renderError = errorHandler(deps.log);
  app.onError(renderError);
  app.notFound(async (c) => {
    // The portal's static files are the fallback for GETs no API route claims.
    if (opts.staticFiles && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
      const res = await opts.staticFiles(c, async () => {});
      if (res) return res;
    }
    return renderError(new NotFound('No route matches this path.'), c);
  });
  // Outermost: it gives each request its id and sees every answer, errors and 404s included.
  app.use(observe(deps, opts.routes ?? ROUTES, opts.setRequestIdHeader));
  // The security headers (http/security-headers.ts), with the final say over any a handler
  // set, unless the server adds them to every response itself (Node: as it writes the head).
  if (!opts.serverSetsSecurityHeaders) {
    const headers = Object.entries(securityHeaders(deps.config.origin));
    app.use(async (c, next) => {
      await next();
      for (const [name, value] of headers) c.res.headers.set(name, value);
    });
  }
  const limitBody = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new PayloadTooLarge(BODY_LIMIT);
    },
  });
  const checkJson = jsonBody();
  // What every request passes before its route, in one layer (each layer of middleware
  // costs every answer its own promise and closures): keys rotated by another node or the
  // CLI reach this one within the key cache TTL; then the body's size (GET and HEAD have
  // none to limit, and asking would build a full Request on every read) and its JSON.
  app.use(async (c, next) => {
    const stale = deps.keys.fresh(deps.clock.now());
    if (stale) await stale;
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return checkJson(c, next);
    return limitBody(c, async () => {
      await checkJson(c, next);
    });
  });
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => renderError(new MethodNotAllowed(allowed), c),
    }),
  );
  registerRoutes(app, deps, opts.routes ?? ROUTES, opts.clientIp ?? (() => undefined));
  return app;
}

export type App = ReturnType<typeof createApp>;
