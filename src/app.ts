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
import type { AppEnv } from './http/context.ts';
import { csrf } from './http/csrf.ts';
import { loadSession } from './http/session-cookie.ts';
import { requireConsumer } from './http/require-consumer.ts';
import { attributeRoutes } from './http/consumer/attributes.ts';
import { credentialRoutes } from './http/consumer/credentials.ts';
import { sessionRoutes } from './http/consumer/sessions.ts';
import { stepUpRoutes } from './http/consumer/step-up.ts';
import { intentRoutes } from './http/consumer/intents.ts';
import { meRoutes } from './http/consumer/me.ts';
import { passkeyAuthRoutes } from './http/consumer/passkey-auth.ts';
import { personaRoutes } from './http/consumer/personas.ts';
import { consumerGrantRoutes } from './http/consumer/grants.ts';
import { metadataRoutes } from './http/oauth/metadata.ts';
import { oauthRoutes } from './http/oauth/endpoints.ts';
import { dataApiRoutes } from './http/brand/data-api.ts';
import { brandLifecycleRoutes } from './http/brand/lifecycle.ts';
import { lifecycleRoutes } from './http/consumer/lifecycle.ts';
import { openApiRoutes } from './http/openapi/routes.ts';
import { IP_LIMITED, limitByIp, type ClientIp } from './http/rate-limit.ts';
import { activityRoutes } from './http/consumer/activity.ts';
import { auditApiRoutes } from './http/auditor/audit-api.ts';
import { auditorPortalRoutes } from './http/auditor/auditor-portal.ts';

export const BODY_LIMIT = 64 * 1024;

export type AppOptions = {
  staticFiles?: MiddlewareHandler;
  /** The caller's address as the runtime sees it (socket, or the edge's header). */
  clientIp?: ClientIp;
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
  // Rate limits first: a flood is refused before any other work is done for it.
  const clientIp = opts.clientIp ?? (() => undefined);
  for (const [path, cls] of IP_LIMITED) app.use(path, limitByIp(deps, cls, clientIp));
  // CSRF before body checks: a forged cross-site call is refused as such (403).
  app.use('/api/*', loadSession(deps), csrf(deps));
  // The auditor API is GET-only; a portal session may read it as well as a token.
  app.use('/v1/audit/*', loadSession(deps));
  app.use(jsonBody());
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => renderError(new MethodNotAllowed(allowed), c),
    }),
  );
  app.use('/api/me', requireConsumer);
  app.use('/api/me/*', requireConsumer);
  app.route('/', healthRoutes(deps));
  app.route('/', jwksRoutes(deps));
  app.route('/', passkeyAuthRoutes(deps));
  app.route('/', meRoutes(deps));
  app.route('/', attributeRoutes(deps));
  app.route('/', personaRoutes(deps));
  app.route('/', intentRoutes(deps));
  app.route('/', credentialRoutes(deps));
  app.route('/', sessionRoutes(deps));
  app.route('/', stepUpRoutes(deps));
  app.route('/', consumerGrantRoutes(deps));
  app.route('/', metadataRoutes(deps));
  app.route('/', oauthRoutes(deps));
  app.route('/', dataApiRoutes(deps));
  app.route('/', brandLifecycleRoutes(deps));
  app.route('/', lifecycleRoutes(deps));
  app.route('/', activityRoutes(deps));
  app.route('/', auditorPortalRoutes(deps));
  app.route('/', auditApiRoutes(deps));
  app.route('/', openApiRoutes(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
