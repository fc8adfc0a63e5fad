// The built portal (web/dist) on Node: files as they are (precompressed .br/.gz when the
// build wrote them), content-hashed assets cached for a year, and index.html for every
// portal page path so deep links work. Other paths fall through to the API's 404.
import type { MiddlewareHandler } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isPortalPath } from '../http/portal-paths.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function portalFiles(dir: string): MiddlewareHandler | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const root = relative(process.cwd(), dir) || '.';
  const cacheHeader = (path: string, c: Parameters<MiddlewareHandler>[0]) => {
    c.header('cache-control', /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : 'no-cache');
  };
  const files = serveStatic({ root, precompressed: true, onFound: cacheHeader });
  const shell = serveStatic({ root, path: 'index.html', precompressed: true, onFound: cacheHeader });
  return async (c, next) => {
    const found = await files(c, async () => {});
    if (found) return found;
    return isPortalPath(c.req.path) ? shell(c, next) : next();
  };
}
