// GET /readyz beside /healthz: 200 once the database answers, every migration this build
// expects is applied and the keys are loaded; 503 problem+json naming what is not, and
// while the node drains for shutdown. On SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { readMigrationFiles } from '../../src/runtime/store/migration-files.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/clock.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/store.ts';
import { testDeps, testDialect } from '../helpers/deps.ts';

const expected = () => readMigrationFiles(testDialect === 'postgres' ? 'postgres' : 'sqlite').map((f) => f.name);

async function problem(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as { status: number; detail: string };
}

describe('GET /readyz', () => {
  it('is 200 when the database answers, every expected migration is applied and the keys are loaded', async () => {
    const deps = await testDeps();
    deps.lifecycle = { expectedMigrations: expected(), draining: () => false };
    const res = await createApp(deps).request('/readyz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ready', database: testDialect });
  });

  it('is 503 naming a migration this build expects that the database lacks (an older schema), while /healthz stays 200', async () => {
    const deps = await testDeps();
    deps.lifecycle = { expectedMigrations: [...expected(), '9999_from_a_newer_build.sql'], draining: () => false };
    const app = createApp(deps);
    const body = await problem(await app.request('/readyz'));
    expect(body.detail).toBe('Not ready: migrations not applied: 9999_from_a_newer_build.sql.');
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('is 503 while the node drains for shutdown', async () => {
    const deps = await testDeps();
    let draining = false;
    deps.lifecycle = { expectedMigrations: expected(), draining: () => draining };
    const app = createApp(deps);
    expect((await app.request('/readyz')).status).toBe(200);
    draining = true;
    expect((await problem(await app.request('/readyz'))).detail).toBe('Not ready: the node is shutting down.');
  });

  it('is 503 when the database does not answer, like /healthz', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    await deps.store.close();
    expect((await problem(await app.request('/readyz'))).detail).toBe('Not ready: the database does not answer.');
    expect((await app.request('/healthz')).status).toBe(503);
  });

  it('is 503 when no signing or audit log key is loaded', async () => {
    const deps = await testDeps();
    const app = createApp({ ...deps, keys: { ...deps.keys, fresh: () => undefined, logSigners: [] } as typeof deps.keys });
    expect((await problem(await app.request('/readyz'))).detail).toBe('Not ready: the keys are not loaded.');
  });

  it('is 503, like /healthz, once an SQLite flush to disk failed, without naming the I/O error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trove-readyz-'));
    try {
      const sqlite = openSqlite(join(dir, 'trove.db'));
      await migrateSqlite(sqlite);
      const eio = (_fd: number, done: (err: NodeJS.ErrnoException | null) => void) =>
        done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      const store = createSqliteStore(sqlite, fixedClock(), { writer: 'in-place', syncFile: eio });
      const deps = { ...(await testDeps()), store };
      deps.lifecycle = { expectedMigrations: expected(), draining: () => false };
      const app = createApp(deps);
      expect((await app.request('/readyz')).status).toBe(200);
      await expect(store.commit({ audit: [{ action: 'test.unflushed', outcome: 'success', actor_type: 'system' }] })).rejects.toThrow(/could not be flushed/);
      const ready = await problem(await app.request('/readyz'));
      expect(ready.detail).toBe('Not ready: writes are refused until the node restarts (a flush to disk failed).');
      const live = await problem(await app.request('/healthz'));
      expect(JSON.stringify(live)).not.toMatch(/EIO|fdatasync/);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
