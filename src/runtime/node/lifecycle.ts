// SIGTERM and SIGINT on Node: drain, then exit 0 — /readyz turns 503, the server stops
// accepting, in-flight requests and their commits finish, background work stops, the
// database closes and the log streams are flushed. A drain still running after the
// shutdown timeout (a hung request) is cut short with exit code 1; so is a second signal.
import type { Deps, Logger } from '../../deps.ts';
import type { Running } from './server.ts';

type Exit = (code: number) => void;

/** Resolves once what was written to stdout and stderr has been handed to the OS. */
function flushed(): Promise<void> {
  const drain = (s: NodeJS.WriteStream) => new Promise<void>((r) => s.write('', () => r()));
  return Promise.all([drain(process.stdout), drain(process.stderr)]).then(() => undefined);
}

export function drainOnSignals(running: Running, deps: Deps, log: Logger, exit: Exit = (code) => process.exit(code)): void {
  const timeoutMs = deps.config.shutdownTimeoutMs;
  let stopping = false;
  const finish = (code: number) => void flushed().then(() => exit(code));
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal during shutdown: exiting now', { signal });
      finish(1);
      return;
    }
    stopping = true;
    if (deps.lifecycle) deps.lifecycle.draining = () => true;
    log.info('shutting down: draining in-flight requests', { signal, timeout_s: timeoutMs / 1000 });
    const began = Date.now();
    const force = setTimeout(() => {
      log.error('shutdown timed out with requests still in flight: exiting', { timeout_s: timeoutMs / 1000 });
      finish(1);
    }, timeoutMs);
    running.stop().then(
      () => {
        clearTimeout(force);
        log.info('stopped cleanly', { duration_ms: Date.now() - began });
        finish(0);
      },
      (err: unknown) => {
        clearTimeout(force);
        log.error('shutdown failed', { error: String(err) });
        finish(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
