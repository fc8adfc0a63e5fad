// `trove serve` (and `npm start`): serve the API and portal until SIGINT or SIGTERM.
import type { Config } from '../config.ts';
import { jsonLog } from '../deps.ts';
import { systemClock } from '../clock.ts';
import { createNodeDeps } from '../runtime/node/deps.ts';
import { startServer } from '../runtime/node/server.ts';

export const SERVE_HELP = `Usage: trove serve

Serves Trove's API and portal on http://$HOST:$PORT (default 127.0.0.1:8787), with the
database configured by DATABASE_URL or TROVE_DATA_DIR. Stops cleanly on SIGINT/SIGTERM.`;

export async function serveCommand(config: Config): Promise<void> {
  const log = jsonLog((line) => process.stderr.write(`${line}\n`), systemClock);
  const deps = await createNodeDeps(config, { log });
  const running = await startServer(deps);
  process.stdout.write(`Trove listening on ${running.url} (public origin ${config.origin})\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.stop().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
