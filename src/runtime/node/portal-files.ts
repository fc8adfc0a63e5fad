// The built portal (web/dist) on Node: files (precompressed when possible), hashed assets
// cached for a year and the rest revalidated, and index.html for portal page paths so deep
// links work. Other paths fall through to the API's 404.
import type { MiddlewareHandler } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isPortalPath } from '../../http/portal-paths.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function portalFiles(dir: string): MiddlewareHandler | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const root = relative(process.cwd(), dir) || '.';
  const files = serveStatic({ root, precompressed: true });
  const shell = serveStatic({ root, path: 'index.html', precompressed: true });
  const none = async () => {};
  return async (c, next) => {
    let res = await files(c, none);
    if (!res && isPortalPath(c.req.path)) res = await shell(c, none);
    if (!res) return next();
    res.headers.set('cache-control', c.req.path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
    return res;
  };
}
