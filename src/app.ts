// createApp(deps): the middleware every request passes (request id, key freshness,
// security headers, body limit, JSON syntax, 405s), the route table registered in one
// loop (each entry behind exactly the auth and limits it declares, see
// http/register-routes.ts), the portal's static files, and the one error handler.
// Runtime adapters wrap it; nothing here knows whether it runs on Node or workerd.
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from './deps.ts';
import { MethodNotAllowed, NotFound, PayloadTooLarge } from './errors.ts';
import type { AppEnv } from './http/context.ts';
import { errorHandler } from './http/error-handler.ts';
import { jsonBody } from './http/json-body.ts';
import { observe } from './http/observe.ts';
import type { ClientIp } from './http/rate-limit.ts';
import { registerRoutes } from './http/register-routes.ts';
import type { Route } from './http/route.ts';
import { ROUTES } from './http/routes.ts';

export const BODY_LIMIT = 64 * 1024;

export type AppOptions = {
  staticFiles?: MiddlewareHandler;
  /** The caller's address as the runtime sees it (socket, or the edge's header). */
  clientIp?: ClientIp;
  /** The route table (tests register it in another order to show order means nothing). */
  routes?: readonly Route[];
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
  app.use(requestId());
  // Outermost after the id: it sees every answer, errors and 404s included.
  app.use(observe(deps, opts.routes ?? ROUTES));
  // Keys rotated by another node or the CLI reach this one within the key cache TTL.
  app.use(async (_c, next) => {
    const stale = deps.keys.fresh(deps.clock.now());
    if (stale) await stale;
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'https:', 'data:'],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
      referrerPolicy: 'no-referrer',
      crossOriginEmbedderPolicy: false,
      // Agrees with frame-ancestors 'none' for browsers that only read the older header.
      xFrameOptions: 'DENY',
      // HSTS only when the origin is https: over http browsers must ignore it (RFC 6797
      // §8.1), so on the development origin it would only claim a protection not in place.
      strictTransportSecurity: deps.config.origin.startsWith('https://'),
    }),
  );
  const limitBody = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => {
      throw new PayloadTooLarge(BODY_LIMIT);
    },
  });
  // GET and HEAD have no body to limit; asking would build a full Request on every read.
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  app.use(jsonBody());
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
