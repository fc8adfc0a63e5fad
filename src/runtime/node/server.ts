// Serves the app on Node with @hono/node-server, the built portal from web/dist, /metrics
// on its own port when configured, and a graceful stop() that finishes in-flight requests
// before closing the database (the signals and the deadline are lifecycle.ts's).
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { HttpBindings as NodeBindings } from '@hono/node-server';
import { createApp } from '../../app.ts';
import type { Deps } from '../../deps.ts';
import type { Server as HttpServer } from 'node:http';
import { startBackground } from './background.ts';
import type { NodeMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { drainable } from './drain.ts';
import { clientAddressResolver } from './client-address.ts';
import { portalRoot } from './paths.ts';
import { portalFiles } from './portal-files.ts';
import { secureResponseClass, type SecureResponse } from './secure-response.ts';
import { securityHeaders } from '../../http/security-headers.ts';

/** What @hono/node-server gives the app as c.env, with Trove's response class. */
type HttpBindings = NodeBindings & { outgoing: SecureResponse };

export type Running = { url: string; metricsUrl?: string; server: ServerType; stop(): Promise<void> };

/** With `metrics`, GET /metrics is served on TROVE_METRICS_PORT when it is set (metrics-server.ts). */
export function startServer(deps: Deps, opts: { metrics?: NodeMetrics } = {}): Promise<Running> {
  const clientAddress = clientAddressResolver(deps.config.trustedProxies);
  const staticFiles = portalFiles(portalRoot);
  if (!staticFiles) deps.log.warn('the portal is not built: run `npm run build:web` (npm install does it); serving the API only', { dir: portalRoot });
  const app = createApp(deps, {
    staticFiles,
    // The socket's peer, or the client a trusted reverse proxy names (TROVE_TRUSTED_PROXIES).
    clientIp: (c) => clientAddress(getConnInfo(c).remote.address, (name) => c.req.header(name)),
    // Added by the response class as each head is written (secure-response.ts).
    serverSetsSecurityHeaders: true,
    setRequestIdHeader: (c, id) => {
      (c.env as HttpBindings).outgoing.requestId = id;
    },
  });
  const ServerResponse = secureResponseClass(securityHeaders(deps.config.origin));
  const background = startBackground(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: deps.config.port, hostname: deps.config.host, serverOptions: { ServerResponse } }, (info) => {
      const url = `http://${deps.config.host}:${info.port}`;
      const drainer = drainable(server as HttpServer);
      const metricsServer =
        opts.metrics && deps.config.metricsPort !== undefined
          ? startMetricsServer(opts.metrics.registry, { port: deps.config.metricsPort, host: deps.config.metricsHost, log: deps.log })
          : Promise.resolve(undefined);
      // The drain: stop accepting, let in-flight requests (and so their commits) finish,
      // then stop the background work, commit what is still queued and close the database.
      const stop = () =>
        drainer
          .drain()
          .then(() => background.stop())
          .then(() => deps.store.close())
          .then(() => metricsServer.then((m) => m?.close()));
      metricsServer.then((m) => resolve({ url, metricsUrl: m?.url, server, stop }), reject);
    });
  });
}
