// createApp(deps): middleware order, route mounting and the one error handler. Runtime
// adapters wrap it; nothing here knows whether it runs on Node or workerd.
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from './deps.ts';
import { MethodNotAllowed, NotFound, PayloadTooLarge } from './errors.ts';
import { errorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health.ts';
import { jsonBody } from './http/json-body.ts';
import { jwksRoutes } from './http/jwks.ts';

export const BODY_LIMIT = 64 * 1024;

export type AppOptions = { staticFiles?: MiddlewareHandler };

export function createApp(deps: Deps, opts: AppOptions = {}) {
  const app = new Hono();
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
    }),
  );
  app.use(
    bodyLimit({
      maxSize: BODY_LIMIT,
      onError: () => {
        throw new PayloadTooLarge(BODY_LIMIT);
      },
    }),
  );
  app.use(jsonBody());
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => renderError(new MethodNotAllowed(allowed), c),
    }),
  );
  app.route('/', healthRoutes(deps));
  app.route('/', jwksRoutes(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
