// `trove serve` (and `npm start`): serve the API and portal until SIGINT or SIGTERM.
import type { Config } from '../config.ts';
import { jsonLog } from '../deps.ts';
import { systemClock } from '../clock.ts';
import { createNodeDeps } from '../runtime/node/deps.ts';
import { drainOnSignals } from '../runtime/node/lifecycle.ts';
import { lineBatcher } from '../runtime/node/line-batcher.ts';
import { createNodeMetrics } from '../runtime/node/metrics.ts';
import { startServer } from '../runtime/node/server.ts';

export const SERVE_HELP = `Usage: trove serve

Serves Trove's API and portal on http://$HOST:$PORT (default 127.0.0.1:8787), with the
database configured by DATABASE_URL or TROVE_DATA_DIR, and GET /metrics on
TROVE_METRICS_PORT when set. On SIGINT/SIGTERM it drains in-flight requests and exits 0,
or 1 after TROVE_SHUTDOWN_TIMEOUT seconds (default 10).`;

export async function serveCommand(config: Config): Promise<void> {
  // Operational lines on stderr; one access line per request on stdout (JSON, for shipping),
  // written a turn of the event loop at a time (line-batcher.ts) and flushed as the process exits.
  const access = lineBatcher((text) => process.stdout.write(text));
  process.on('exit', access.flush);
  const log = jsonLog((line) => process.stderr.write(`${line}\n`), systemClock, { level: config.logLevel, access: access.push });
  const metrics = createNodeMetrics();
  const deps = await createNodeDeps(config, { log, metrics });
  const running = await startServer(deps, { metrics });
  process.stdout.write(`Trove listening on ${running.url} (public origin ${config.origin})\n`);
  if (running.metricsUrl) log.info('metrics served', { url: running.metricsUrl });
  drainOnSignals(running, deps, log);
}
