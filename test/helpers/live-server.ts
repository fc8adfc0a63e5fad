// A real Trove process on loopback for reliability tests: started as `npm start` starts
// it (its Node flags, then src/runtime/node/main.ts) on a temp SQLite directory or a
// fresh PostgreSQL database, killed with SIGKILL, restarted on the same data. `asApp`
// lets the in-process test helpers (which call app.request) drive it over real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startFlags } from '../../src/runtime/node/start-flags.ts';
import { testDatabaseUrl } from './postgres.ts';
import { testDialect } from './deps.ts';
import { unusedPort } from './unused-port.ts';

export const MASTER_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

export type LiveServer = Awaited<ReturnType<typeof liveServer>>;

/** A Trove process; with `sameDataAs`, a second node on the first one's database (and data
 *  directory), which only the first one's cleanup removes. */
export async function liveServer(extraEnv: Record<string, string> = {}, opts: { sameDataAs?: { dir: string; databaseUrl?: string; origin: string } } = {}) {
  const shared = opts.sameDataAs;
  const dir = shared?.dir ?? mkdtempSync(join(tmpdir(), 'trove-live-'));
  const port = await unusedPort();
  let databaseUrl: string | undefined = shared?.databaseUrl;
  let dbName: string | undefined;
  if (testDialect === 'postgres' && !shared) {
    dbName = `trove_live_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(testDatabaseUrl());
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const origin = shared?.origin ?? `http://localhost:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    TROVE_DATA_DIR: dir,
    TROVE_MASTER_KEY: MASTER_KEY,
    TROVE_ORIGIN: origin,
    NODE_ENV: 'development',
    TROVE_RATE_LIMIT_SCALE: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extraEnv,
  };
  let child: ChildProcess | null = null;
  const base = `http://127.0.0.1:${port}`;
  /** What the process wrote (stdout: the access log), across restarts. */
  const output = { stdout: '', stderr: '' };

  /** Starts the process; `envOverrides` change its environment from now on (e.g. a new master key). */
  async function start(envOverrides: Record<string, string | undefined> = {}) {
    for (const [k, v] of Object.entries(envOverrides)) {
      if (v === undefined) delete (env as Record<string, string>)[k];
      else (env as Record<string, string>)[k] = v;
    }
    child = spawn(process.execPath, [...startFlags(), 'src/runtime/node/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
      output.stderr += d;
    });
    // Always read: a full pipe would block the server's (synchronous) access-log writes.
    child.stdout!.on('data', (d) => {
      if (output.stdout.length < 16 * 1024 * 1024) output.stdout += d;
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const res = await fetch(`${base}/healthz`);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      if (child?.exitCode !== null || Date.now() > deadline) throw new Error(`Trove did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function kill(): Promise<void> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  /** A clean shutdown (SIGTERM): in-flight work finishes and the database is closed. Resolves to the exit code. */
  function stop(): Promise<number | null> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return Promise.resolve(c?.exitCode ?? null);
    return new Promise((resolve) => {
      c.once('exit', (code) => resolve(code));
      c.kill('SIGTERM');
    });
  }

  async function cleanup() {
    await kill();
    if (shared) return;
    rmSync(dir, { recursive: true, force: true });
    if (dbName) {
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }

  /** The CLI against the same database. */
  function cliEnv() {
    return env;
  }

  const asApp = {
    request: (path: string, init?: RequestInit) => fetch(`${base}${path}`, init),
  };

  /** The running process's id (undefined when stopped). */
  const pid = () => (child?.exitCode === null ? child.pid : undefined);
  return { start, kill, stop, cleanup, cliEnv, asApp, origin, base, dir, databaseUrl, output, port, pid };
}
