// The Workers deployment as an operator runs it: local D1 migrations, `wrangler dev`
// answering on loopback, and `wrangler deploy --dry-run` building the bundle.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/unused-port.ts';

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' };
const state = mkdtempSync(join(tmpdir(), 'trove-wrangler-'));
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

const wrangler = (...args: string[]) => spawnSync('npx', ['wrangler', ...args], { env, encoding: 'utf8', timeout: 120_000 });

describe('wrangler', () => {
  it('applies the migrations to a local D1 and serves /healthz and the JWKS with `wrangler dev` on loopback', async () => {
    const migrate = wrangler('d1', 'migrations', 'apply', 'trove', '--local', '--persist-to', state);
    expect(migrate.status, migrate.stderr + migrate.stdout).toBe(0);
    const port = await unusedPort();
    dev = spawn(
      'npx',
      [
        'wrangler',
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--persist-to',
        state,
        '--var',
        `TROVE_MASTER_KEY:${Buffer.alloc(32, 3).toString('base64url')}`,
        '--var',
        `TROVE_ORIGIN:http://localhost:${port}`,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let log = '';
    dev.stdout!.on('data', (d) => (log += d));
    dev.stderr!.on('data', (d) => (log += d));
    const deadline = Date.now() + 60_000;
    let health: Response | undefined;
    while (!health) {
      try {
        health = await fetch(`http://127.0.0.1:${port}/healthz`);
      } catch {
        if (Date.now() > deadline) throw new Error(`wrangler dev did not answer:\n${log}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    expect(health.status, log).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'd1' });
    const jwks = await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json();
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Trove');
    // The Worker runs first, so the portal carries the security headers; deep links get the app.
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const deep = await fetch(`http://127.0.0.1:${port}/grants/abc123`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<title>Trove');
    expect((await fetch(`http://127.0.0.1:${port}/no-such-page`)).status).toBe(404);
    expect(log).not.toMatch(/Disallowed operation/);
  }, 120_000);

  it('builds the Worker bundle with `wrangler deploy --dry-run`', () => {
    const out = join(state, 'dist');
    const build = wrangler('deploy', '--dry-run', '--outdir', out);
    expect(build.status, build.stderr + build.stdout).toBe(0);
    const files = readdirSync(out).filter((f) => !f.endsWith('.map'));
    const total = files.reduce((n, f) => n + statSync(join(out, f)).size, 0);
    const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(out, f))).length, 0);
    console.log(`worker bundle: ${files.join(', ')}: ${(total / 1024).toFixed(1)} KiB, gzip ${(gzip / 1024).toFixed(1)} KiB`);
    expect(files.some((f) => f.endsWith('.wasm'))).toBe(true);
    expect(gzip).toBeLessThan(3 * 1024 * 1024); // Workers' compressed size limit (paid plan: 10 MB; free: 3 MB)
  }, 120_000);
});
