// Serves the app on Node with @hono/node-server, the built portal from web/dist, and a
// graceful shutdown that finishes in-flight requests before closing the database.
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createApp } from '../../app.ts';
import type { Deps } from '../../deps.ts';
import { startBackground } from './background.ts';
import { clientAddressResolver } from './client-address.ts';
import { portalRoot } from './paths.ts';
import { portalFiles } from './portal-files.ts';

export type Running = { url: string; server: ServerType; stop(): Promise<void> };

export function startServer(deps: Deps): Promise<Running> {
  const clientAddress = clientAddressResolver(deps.config.trustedProxies);
  const staticFiles = portalFiles(portalRoot);
  if (!staticFiles) deps.log.warn('the portal is not built: run `npm run build:web` (npm install does it); serving the API only', { dir: portalRoot });
  const app = createApp(deps, {
    staticFiles,
    // The socket's peer, or the client a trusted reverse proxy names (TROVE_TRUSTED_PROXIES).
    clientIp: (c) => clientAddress(getConnInfo(c).remote.address, (name) => c.req.header(name)),
  });
  const background = startBackground(deps);
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: deps.config.port, hostname: deps.config.host }, (info) => {
      const url = `http://${deps.config.host}:${info.port}`;
      const stop = () =>
        new Promise<void>((done) => {
          server.close(() => {
            void background
              .stop()
              .then(() => deps.store.close())
              .then(done);
          });
        });
      resolve({ url, server, stop });
    });
  });
}
