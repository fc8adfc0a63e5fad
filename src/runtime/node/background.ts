// Background work on Node: the webhook dispatcher (woken at once when a feature queues
// a delivery, and every second for retries) and the grant-expiry sweeper (every minute).
// Both stop cleanly; nothing here holds the process open. Deliveries go out through
// deps.outbound (outbound.ts, the SSRF guard).
import type { Deps } from '../../deps.ts';
import { expireDueGrants } from '../../features/grants/expire-grants.ts';
import { deliverDue } from '../../features/webhooks/dispatch.ts';

export function startBackground(deps: Deps, opts: { tickMs?: number; sweepMs?: number } = {}) {
  let running = false;
  let again = false;
  let stopped = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        while (!stopped && (await deliverDue(deps)) > 0);
      } while (again && !stopped);
    } catch (err) {
      deps.log.error('webhook dispatcher failed; will retry', { error: String(err) });
    } finally {
      running = false;
    }
  };
  const sweep = () => expireDueGrants(deps).catch((err) => deps.log.error('expiry sweep failed', { error: String(err) }));
  const tick = setInterval(() => void run(), opts.tickMs ?? 1000);
  const sweeper = setInterval(() => void sweep(), opts.sweepMs ?? 60_000);
  tick.unref();
  sweeper.unref();
  deps.notify = { webhooksQueued: () => void run() };
  void sweep().then(run);
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(tick);
      clearInterval(sweeper);
      while (running) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
