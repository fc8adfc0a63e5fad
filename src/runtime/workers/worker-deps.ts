// Trove's deps on Workers, built once per isolate inside the first request, alarm or cron
// run (workerd forbids random bytes and WASM compilation at global scope), from D1 and the
// Worker's vars and secrets; the Worker entry and the webhook dispatcher (a Durable Object
// in the same script) share them. Features signal through deps.notify; the entry reads
// those signals after each response (see worker.ts).
import sodium from 'libsodium-wrappers';
import { createApp, type App } from '../../app.ts';
import { boot } from '../../boot.ts';
import { systemClock } from '../../clock.ts';
import { parseConfig } from '../../config.ts';
import { jsonLog, type Deps } from '../../deps.ts';
import { fromB64u } from '../../crypto/encoding.ts';
import { createD1Store, type D1Like } from '../store/d1/index.ts';
import { openLibsodiumGate } from './sodium-shim.ts';
import { createWorkerOutbound } from './outbound.ts';
import { workerPortalFiles, type AssetsBinding } from './portal.ts';
import type { DispatcherNamespace } from './dispatcher.ts';

export type WorkerEnv = { DB: D1Like; ASSETS?: AssetsBinding; DISPATCHER?: DispatcherNamespace } & Record<string, unknown>;

export type Built = { app: App; deps: Deps };

/** Set by features through deps.notify; the entry consumes them after a response. */
export const signals = { webhooksQueued: false, checkpointDue: true };

let built: Promise<Built> | undefined;

async function build(env: WorkerEnv): Promise<Built> {
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const config = parseConfig(vars);
  if (!config.masterKey) throw new Error('TROVE_MASTER_KEY secret is not set (wrangler secret put TROVE_MASTER_KEY)');
  const log = jsonLog((line) => console.log(line), systemClock);
  openLibsodiumGate();
  await sodium.ready;
  const store = createD1Store(env.DB, systemClock);
  const notify = {
    webhooksQueued: () => {
      signals.webhooksQueued = true;
    },
    checkpointDue: () => {
      signals.checkpointDue = true;
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

export function ready(env: WorkerEnv): Promise<Built> {
  built ??= build(env).catch((err) => {
    built = undefined; // let the next request try again
    throw err;
  });
  return built;
}
