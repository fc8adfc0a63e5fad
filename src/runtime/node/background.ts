// Background work on Node: the webhook dispatcher (woken at once when a feature queues
// a delivery, and every second for retries), the grant-expiry sweeper (every minute) and
// the audit log's checkpointer (every config.checkpointMs, and at once when the log
// crosses a multiple of deps.checkpointEvery; a last one on stop) and its indexer (every
// second: the consumer and grant indexes, kept off the request path).
// With several nodes on one database each job runs on one node at a time: a delivery is
// claimed by one node (dispatch.ts), the sweeper and the checkpointer take a job lease
// (features/jobs/job-lease.ts); the last checkpoint on stop needs none (a checkpoint is
// keyed by its size, and the tree grows by compare-and-set, so a race costs only work).
// Both stop cleanly; nothing here holds the process open. Deliveries go out through
// deps.outbound (outbound.ts, the SSRF guard).
import type { Deps } from '../../deps.ts';
import { expireDueGrants } from '../../features/grants/expire-grants.ts';
import { deliverDue } from '../../features/webhooks/dispatch.ts';
import { advanceLog } from '../../features/audit/log-checkpoint.ts';
import { indexAuditLog } from '../../features/audit/audit-index.ts';
import { runLeased } from '../../features/jobs/job-lease.ts';
import { serialised } from './serialised.ts';

export const CHECKPOINT_JOB = 'audit-checkpoint';
// Short: a node killed while it holds the lease leaves the log's tail unsigned for at most
// this long. A run that outlives it (a large backlog) may overlap another node's, which
// costs only work: the tree grows by compare-and-set and a checkpoint is keyed by its size.
const CHECKPOINT_LEASE_MS = 10_000;
export const INDEX_JOB = 'audit-index';
// The audit log's consumer and grant indexes are brought up to date every 15 s (issue 26),
// off the request path: a run writes each index page about once, where indexing at every
// read wrote one at a random place per read (measured at 3M events: 0.78x the fresh log's
// reads/s indexing per read, 0.90x every 10 s, 0.96x every 20 s). Queries scan the events
// after the index by sequence, so the tail they scan is at most this long.
const INDEX_EVERY_MS = 15_000;
// A run that outlives it may overlap another node's: that only repeats work (idempotent rows).
const INDEX_LEASE_MS = 30_000;

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
  const checkpointFailed = (err: unknown) => deps.log.error('audit log checkpoint failed; the next one tries again', { error: String(err) });
  // Another node holding the lease is checkpointing: this tick has nothing to add.
  const checkpoint = serialised(() => runLeased(deps, CHECKPOINT_JOB, CHECKPOINT_LEASE_MS, () => advanceLog(deps)).catch(checkpointFailed));
  const index = serialised(() =>
    runLeased(deps, INDEX_JOB, INDEX_LEASE_MS, () => indexAuditLog(deps)).catch((err) =>
      deps.log.error('audit log indexing failed; the next run tries again', { error: String(err) }),
    ),
  );
  const tick = setInterval(() => void run(), opts.tickMs ?? 1000);
  const indexer = setInterval(() => void index(), INDEX_EVERY_MS);
  indexer.unref();
  const sweeper = setInterval(() => void sweep(), opts.sweepMs ?? 60_000);
  const checkpointer = setInterval(() => void checkpoint(), deps.config.checkpointMs);
  tick.unref();
  sweeper.unref();
  checkpointer.unref();
  deps.notify = { webhooksQueued: () => void run(), checkpointDue: () => void checkpoint() };
  void sweep().then(run);
  void checkpoint();
  void index();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(tick);
      clearInterval(sweeper);
      clearInterval(checkpointer);
      clearInterval(indexer);
      while (running) await new Promise((r) => setTimeout(r, 10));
      await advanceLog(deps).catch(checkpointFailed);
    },
  };
}
