// The Cloudflare Workers entry: builds deps once per isolate inside the first request
// (workerd forbids random bytes and WASM compilation at global scope), from D1 and the
// Worker's vars and secrets. Migrations are applied by wrangler, not here.
import sodium from 'libsodium-wrappers';
import { createApp, type App } from '../app.ts';
import { boot } from '../boot.ts';
import { systemClock } from '../clock.ts';
import { parseConfig } from '../config.ts';
import { jsonLog } from '../deps.ts';
import { fromB64u } from '../crypto/encoding.ts';
import { createD1Store, type D1Like } from './d1-store.ts';
import { openLibsodiumGate } from './sodium-shim.ts';

export type WorkerEnv = { DB: D1Like } & Record<string, unknown>;

let app: Promise<App> | undefined;

async function build(env: WorkerEnv): Promise<App> {
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const config = parseConfig(vars);
  if (!config.masterKey) throw new Error('TROVE_MASTER_KEY secret is not set (wrangler secret put TROVE_MASTER_KEY)');
  const log = jsonLog((line) => console.log(line), systemClock);
  openLibsodiumGate();
  await sodium.ready;
  const store = createD1Store(env.DB, systemClock);
  const deps = await boot({ config, store, clock: systemClock, sodium, log, checkpointEvery: 1000 }, fromB64u(config.masterKey));
  return createApp(deps);
}

export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    app ??= build(env).catch((err) => {
      app = undefined; // let the next request try again
      throw err;
    });
    try {
      return (await app).fetch(request);
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'worker start-up failed', error: String(err) }));
      return new Response(
        JSON.stringify({ type: 'https://trove.dev/problems/unavailable', title: 'Service unavailable', status: 503, detail: 'Trove is not configured correctly.' }),
        { status: 503, headers: { 'content-type': 'application/problem+json' } },
      );
    }
  },
};
