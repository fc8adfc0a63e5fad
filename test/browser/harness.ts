// What the portal's browser tests run against: a real Trove process on a temp SQLite file
// (origin http://localhost:<port>, a secure context for WebAuthn), the demo brand site
// registered through the CLI, the CLI itself, and Chromium. stop() ends all of it, and a
// failing start-up (Chromium not launching included) ends what it had started before throwing.
import { spawnSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { registerDemoBrand } from '../../demo/register.ts';
import { startDemoBrand } from '../../demo/start-demo-brand.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { launch } from './browser.ts';
import { unusedPort } from '../helpers/unused-port.ts';

export type Harness = {
  live: LiveServer;
  browser: Browser;
  origin: string;
  /** Runs the trove CLI against the server's database; returns its parsed --json output. */
  cli<T>(...args: string[]): T;
  /** Starts a demo shop (Stride & Co unless named) on a free port, registered through `trove demo`. */
  startDemo(shop?: 'stride' | 'pace'): Promise<Awaited<ReturnType<typeof startDemoBrand>> & { clientId: string }>;
  /** Signs an audit checkpoint of the whole log now (the operator's `trove audit checkpoint`); the latest one. */
  signCheckpoint(): { size: number; root: string; ts: number; note: string };
  stop(): Promise<void>;
};

/** `env`: more environment for the Trove process (e.g. TROVE_CHECKPOINT_SECONDS). */
export async function startHarness(opts: { env?: Record<string, string> } = {}): Promise<Harness> {
  let live: LiveServer | undefined;
  let browser: Browser | undefined;
  const demos: { close(): Promise<void> }[] = [];
  async function stop() {
    await browser?.close().catch(() => undefined);
    for (const d of demos.splice(0)) await d.close().catch(() => undefined);
    await live?.cleanup();
  }
  try {
    live = await liveServer({ TROVE_WEBHOOK_ALLOW_PRIVATE: 'true', ...opts.env });
    await live.start();
    browser = await launch();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  const server = live;
  return {
    live: server,
    browser,
    origin: server.origin,
    cli<T>(...args: string[]): T {
      const r = spawnSync(process.execPath, ['src/cli/trove.ts', ...args, '--json'], { encoding: 'utf8', env: { ...process.env, ...server.cliEnv() } });
      if (r.status !== 0) throw new Error(`trove ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
      return JSON.parse(r.stdout) as T;
    },
    signCheckpoint() {
      const r = spawnSync(process.execPath, ['src/cli/trove.ts', 'audit', 'checkpoint', '--json'], {
        encoding: 'utf8',
        env: { ...process.env, ...server.cliEnv() },
      });
      if (r.status !== 0) throw new Error(`signing a checkpoint failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as { size: number; root: string; ts: number; note: string };
    },
    async startDemo(shop = 'stride') {
      const port = await unusedPort();
      const brand = registerDemoBrand(server.cliEnv(), `http://localhost:${port}`, shop);
      const demo = await startDemoBrand({ troveOrigin: server.origin, port, clientId: brand.client_id, clientSecret: brand.client_secret, shop });
      demos.push(demo);
      return { ...demo, clientId: brand.client_id };
    },
    stop,
  };
}
