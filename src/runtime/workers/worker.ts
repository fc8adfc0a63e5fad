// The Cloudflare Workers entry: serves requests with the deps built once per isolate
// (worker-deps.ts, from D1 and the Worker's vars and secrets). Migrations are applied by
// wrangler, not here. Outbound requests (webhooks, jwks_uri) go through outbound.ts, which
// says what the platform's fetch already prevents. Queued webhooks are sent by the
// dispatcher Durable Object (dispatcher.ts), woken after the response that queued them;
// its alarm keeps the retries on their backoff schedule. The audit log is checkpointed
// after a response (waitUntil) once config.checkpointMs has passed or the log crossed a
// 1,000-event boundary. The cron (every minute) is the safety net: it expires grants,
// delivers what is due itself, re-arms the dispatcher and checkpoints.
import type { Deps } from '../../deps.ts';
import { expireDueGrants } from '../../features/grants/expire-grants.ts';
import { deliverDue } from '../../features/webhooks/dispatch.ts';
import { nextDueAt } from '../../features/webhooks/next-due.ts';
import { advanceLog } from '../../features/audit/log-checkpoint.ts';
import { indexAuditLog } from '../../features/audit/audit-index.ts';
import { wakeDispatcher } from './dispatcher.ts';
import { ready, signals, type WorkerEnv } from './worker-deps.ts';

export { WebhookDispatcher } from './dispatcher.ts';
export type { WorkerEnv } from './worker-deps.ts';

let lastCheckpoint = 0;

function checkpoint(deps: Deps): Promise<unknown> {
  signals.checkpointDue = false;
  lastCheckpoint = deps.clock.now();
  // The consumer and grant indexes first (issue 26: kept off the request path; queries scan the tail after them).
  return indexAuditLog(deps)
    .then(() => advanceLog(deps))
    .catch((err) => deps.log.error('audit log checkpoint failed; the next one tries again', { error: String(err) }));
}

// Without the binding (an older wrangler.toml) or when the wake fails, this request sends them itself.
function dispatch(env: WorkerEnv, deps: Deps): Promise<unknown> {
  const direct = () => deliverDue(deps).catch((err) => deps.log.error('webhook delivery failed', { error: String(err) }));
  if (!env.DISPATCHER) return direct();
  return wakeDispatcher(env.DISPATCHER).catch((err) => {
    deps.log.error('webhook dispatcher not reached; delivering from the request', { error: String(err) });
    return direct();
  });
}

// The cron re-arms the dispatcher at the earliest due time, in case an alarm was ever lost.
async function rearm(env: WorkerEnv, deps: Deps): Promise<void> {
  if (!env.DISPATCHER) return;
  const at = await nextDueAt(deps);
  if (at !== null) await wakeDispatcher(env.DISPATCHER, at);
}

type Ctx = { waitUntil(p: Promise<unknown>): void };

export default {
  async fetch(request: Request, env: WorkerEnv, ctx?: Ctx): Promise<Response> {
    try {
      const { app, deps } = await ready(env);
      const res = await app.fetch(request);
      if (signals.webhooksQueued && ctx) {
        signals.webhooksQueued = false;
        ctx.waitUntil(dispatch(env, deps));
      }
      if (ctx && (signals.checkpointDue || deps.clock.now() - lastCheckpoint >= deps.config.checkpointMs)) ctx.waitUntil(checkpoint(deps));
      return res;
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'worker start-up failed', error: String(err) }));
      return new Response(
        JSON.stringify({
          type: 'https://trove.dev/problems/unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'Trove is not configured correctly.',
        }),
        { status: 503, headers: { 'content-type': 'application/problem+json' } },
      );
    }
  },

  /** Cron Trigger: expire grants past their date, then deliver what is due, re-arm the dispatcher and checkpoint the log. */
  async scheduled(_event: unknown, env: WorkerEnv, ctx: Ctx): Promise<void> {
    const { deps } = await ready(env);
    signals.webhooksQueued = false; // the run below covers them
    const deliver = () =>
      deliverDue(deps)
        .then(() => rearm(env, deps))
        .catch((err) => deps.log.error('webhook delivery failed', { error: String(err) }));
    ctx.waitUntil(expireDueGrants(deps).then(() => Promise.all([deliver(), checkpoint(deps)])));
  },
};
