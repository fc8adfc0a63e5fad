// The built portal on Workers. wrangler.toml runs the Worker first for every request, so
// the portal's files leave with the same security headers as the API; they come from the
// ASSETS binding, and portal page paths (deep links) get index.html.
import type { MiddlewareHandler } from 'hono';
import { isPortalPath } from '../../http/portal-paths.ts';

export type AssetsBinding = { fetch(request: Request): Promise<Response> };

export function workerPortalFiles(assets: AssetsBinding): MiddlewareHandler {
  return async (c, next) => {
    let res = await assets.fetch(c.req.raw);
    if (res.status === 404 && isPortalPath(c.req.path)) {
      res = await assets.fetch(new Request(new URL('/', c.req.url), { method: c.req.method, headers: c.req.raw.headers }));
    }
    if (res.status === 404) return next();
    return new Response(res.body, res); // a copy with mutable headers, for the security headers
  };
}
