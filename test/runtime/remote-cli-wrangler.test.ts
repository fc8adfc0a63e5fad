// The remote CLI operating a Worker: `wrangler dev` serves Trove on a local D1 with the
// TROVE_OPERATOR_TOKEN secret (as --var), and the real `trove` command, given only --url
// and the token, registers a brand there, lists it and verifies the Worker's log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/unused-port.ts';

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' };
const state = mkdtempSync(join(tmpdir(), 'trove-wrangler-cli-'));
const TOKEN = 'worker-operator-secret-for-the-remote-cli-test';
let dev: ChildProcess | undefined;

afterAll(() => {
  if (dev?.pid) {
    try {
      process.kill(-dev.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  rmSync(state, { recursive: true, force: true });
});

const trove = (url: string, args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args, '--url', url], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TROVE_DATA_DIR: state, TROVE_OPERATOR_TOKEN: TOKEN },
    timeout: 60_000,
  });

describe('the remote CLI on a Worker under wrangler dev', () => {
  it('registers a brand on the Worker, lists it and runs the self-check there', async () => {
    const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'trove', '--local', '--persist-to', state], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(migrate.status, migrate.stderr + migrate.stdout).toBe(0);
    const port = await unusedPort();
    const url = `http://127.0.0.1:${port}`;
    const vars = [`TROVE_MASTER_KEY:${Buffer.alloc(32, 5).toString('base64url')}`, `TROVE_ORIGIN:http://localhost:${port}`, `TROVE_OPERATOR_TOKEN:${TOKEN}`];
    dev = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, ...vars.flatMap((v) => ['--var', v])], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let log = '';
    dev.stdout!.on('data', (d) => (log += d));
    dev.stderr!.on('data', (d) => (log += d));
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer:\n${log}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const add = trove(url, ['brand', 'add', '--name', 'Worker Shoes', '--redirect-uri', 'https://worker-shoes.example/cb', '--secret', '--json']);
    expect(add.status, add.stderr + log).toBe(0);
    const created = JSON.parse(add.stdout);
    expect(created).toEqual({ client_id: expect.stringMatching(/^brand_/), client_secret: expect.stringMatching(/^trv_cs_/) });
    const list = trove(url, ['brand', 'list']);
    expect(list.stdout).toContain(`${created.client_id}\tactive\tclient_secret_basic\tWorker Shoes`);
    // The brand is live on the Worker: its public directory entry answers.
    expect((await fetch(`${url}/v1/brands/${created.client_id}`)).status).toBe(200);
    const verified = trove(url, ['audit', 'verify', '--json']);
    expect(verified.status, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, trust: 'self-check' });
    const refused = spawnSync(process.execPath, ['src/cli/trove.ts', 'brand', 'list', '--url', url], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TROVE_DATA_DIR: state, TROVE_OPERATOR_TOKEN: `${TOKEN}-wrong` },
    });
    expect(refused.status).toBe(2);
    expect(log).not.toContain(TOKEN);
  }, 240_000);
});
