// Runs a CLI command with the server's full deps (store, keys, clock) and closes the
// store afterwards. A client-side error from a feature (4xx) becomes a usage error.
import type { Config } from '../config.ts';
import { jsonLog } from '../deps.ts';
import { systemClock } from '../clock.ts';
import { TroveError } from '../errors.ts';
import { createNodeDeps } from '../runtime/node/deps.ts';
import { UsageError } from './args.ts';

export type CliDeps = Awaited<ReturnType<typeof createNodeDeps>>;

export async function withDeps(config: Config, fn: (deps: CliDeps) => Promise<number>): Promise<number> {
  const deps = await createNodeDeps(config, { log: jsonLog((l) => process.stderr.write(`${l}\n`), systemClock) });
  try {
    return await fn(deps);
  } catch (err) {
    if (err instanceof TroveError && err.status < 500) throw new UsageError(err.message);
    throw err;
  } finally {
    await deps.store.close();
  }
}
