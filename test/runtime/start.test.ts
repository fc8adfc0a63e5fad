import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/unused-port.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  // npm runs the server through a shell: kill the whole process group.
  for (const c of children.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function waitForHealth(url: string, ms: number): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function start(env: Record<string, string>) {
  const child = spawn('npm', ['start', '--silent'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, stderr: () => stderr };
}

describe('npm start', () => {
  it('serves /healthz within 5 s on the PORT and TROVE_DATA_DIR it is given, with a 0600 development key file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trove-start-'));
    try {
      const port = String(await unusedPort());
      const began = Date.now();
      const { stderr } = start({ PORT: port, TROVE_DATA_DIR: dir, NODE_ENV: 'development', TROVE_MASTER_KEY: '' });
      const res = await waitForHealth(`http://127.0.0.1:${port}/healthz`, 5000);
      expect(Date.now() - began).toBeLessThan(5000);
      expect(res.status).toBe(200);
      const jwks = await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json();
      expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(statSync(join(dir, 'trove.db')).isFile()).toBe(true);
      expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
      expect(stderr()).toMatch(/DEVELOPMENT MODE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start in production without a master key, naming the variable', async () => {
    const { child, stderr } = start({ NODE_ENV: 'production', TROVE_MASTER_KEY: '', TROVE_ORIGIN: 'https://v.example' });
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).not.toBe(0);
    expect(stderr()).toMatch(/TROVE_MASTER_KEY/);
  });

  it('stops with a message naming a bad variable', async () => {
    const { child, stderr } = start({ PORT: 'not-a-port' });
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).not.toBe(0);
    expect(stderr()).toMatch(/PORT/);
  });
});
