// The Cloudflare Workers entry: builds deps once per isolate inside the first request
// (workerd forbids random bytes and WASM compilation at global scope), from D1 and the
// Worker's vars and secrets. Migrations are applied by wrangler, not here. Outbound
// requests (webhooks, jwks_uri) go through outbound.ts, which says what the
// platform's fetch already prevents. The audit log is checkpointed after a response
// (waitUntil) once config.checkpointMs has passed or the log crossed a 1,000-event
// boundary, and on every cron run.
import sodium from 'libsodium-wrappers';
import { createApp, type App } from '../../app.ts';
import { boot } from '../../boot.ts';
import { systemClock } from '../../clock.ts';
import { parseConfig } from '../../config.ts';
import { jsonLog, type Deps } from '../../deps.ts';
import { expireDueGrants } from '../../features/grants/expire-grants.ts';
import { deliverDue } from '../../features/webhooks/dispatch.ts';
import { advanceLog } from '../../features/audit/log-checkpoint.ts';
import { fromB64u } from '../../crypto/encoding.ts';
import { createD1Store, type D1Like } from '../store/d1/index.ts';
import { openLibsodiumGate } from './sodium-shim.ts';
import { createWorkerOutbound } from './outbound.ts';
import { workerPortalFiles, type AssetsBinding } from './portal.ts';

export type WorkerEnv = { DB: D1Like; ASSETS?: AssetsBinding } & Record<string, unknown>;

type Built = { app: App; deps: Deps };
let built: Promise<Built> | undefined;
let queued = false;
let checkpointDue = true;
let lastCheckpoint = 0;

function checkpoint(deps: Deps): Promise<unknown> {
  checkpointDue = false;
  lastCheckpoint = deps.clock.now();
  return advanceLog(deps).catch((err) => deps.log.error('audit log checkpoint failed; the next one tries again', { error: String(err) }));
}

async function build(env: WorkerEnv): Promise<Built> {
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const config = parseConfig(vars);
  if (!config.masterKey) throw new Error('TROVE_MASTER_KEY secret is not set (wrangler secret put TROVE_MASTER_KEY)');
  const log = jsonLog((line) => console.log(line), systemClock);
  openLibsodiumGate();
  await sodium.ready;
  const store = createD1Store(env.DB, systemClock);
  // Queued webhooks go out right after the response (waitUntil) and on the cron.
  const notify = {
    webhooksQueued: () => {
      queued = true;
    },
    checkpointDue: () => {
      checkpointDue = true;
    },
  };
  const outbound = createWorkerOutbound({ allowPrivate: config.webhookAllowPrivate });
  // Witnesses are the operator's own configuration; workerd's fetch reaches only public addresses anyway.
  const operatorFetch: Deps['operatorFetch'] = (url, init) => fetch(url, init);
  const deps = await boot(
    { config, store, clock: systemClock, sodium, log, checkpointEvery: 1000, notify, outbound, operatorFetch },
    fromB64u(config.masterKey),
  );
  // Cloudflare's edge sets CF-Connecting-IP to the visitor's address.
  const staticFiles = env.ASSETS ? workerPortalFiles(env.ASSETS) : undefined;
  return { app: createApp(deps, { staticFiles, clientIp: (c) => c.req.header('cf-connecting-ip') }), deps };
}

function ready(env: WorkerEnv): Promise<Built> {
  built ??= build(env).catch((err) => {
    built = undefined; // let the next request try again
    throw err;
  });
  return built;
}

type Ctx = { waitUntil(p: Promise<unknown>): void };

export default {
  async fetch(request: Request, env: WorkerEnv, ctx?: Ctx): Promise<Response> {
    try {
      const { app, deps } = await ready(env);
      const res = await app.fetch(request);
      if (queued && ctx) {
        queued = false;
        ctx.waitUntil(deliverDue(deps).catch((err) => deps.log.error('webhook delivery failed', { error: String(err) })));
      }
      if (ctx && (checkpointDue || deps.clock.now() - lastCheckpoint >= deps.config.checkpointMs)) ctx.waitUntil(checkpoint(deps));
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

  /** Cron Trigger: expire grants past their date, then deliver what is due and checkpoint the log. */
  async scheduled(_event: unknown, env: WorkerEnv, ctx: Ctx): Promise<void> {
    const { deps } = await ready(env);
    ctx.waitUntil(expireDueGrants(deps).then(() => Promise.all([deliverDue(deps), checkpoint(deps)])));
  },
};
