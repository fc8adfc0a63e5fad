// trove migrate-data from a real, seeded SQLite installation (a Trove process: a consumer
// with profile values, a brand with a grant and a refresh token, audit events, a signed
// checkpoint) into a fresh PostgreSQL database: every table's count matches, trove audit
// verify passes there, and a Trove started on PostgreSQL honours the brand's refresh
// token. A failed copy commits nothing and can be run again; a filled target is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTable, targetColumns } from '../../src/cli/copy-tables.ts';
import { createPool, migratePostgres } from '../../src/runtime/store/postgres/index.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { caller } from '../helpers/consumer.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';
import { testDatabaseUrl } from '../helpers/postgres.ts';
import { form, read, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

const ORIGIN = 'http://localhost:8899'; // both servers: tokens name their issuer
const sqliteDir = mkdtempSync(join(tmpdir(), 'trove-md-sqlite-'));
const pgDir = mkdtempSync(join(tmpdir(), 'trove-md-pg-'));
const databases: string[] = [];
let source: LiveServer;
let brand: SecretClient;
let refreshToken: string;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: testDatabaseUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh, empty database of its own; its URL. */
async function freshDatabase(): Promise<string> {
  const name = `trove_md_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  databases.push(name);
  const u = new URL(testDatabaseUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

const trove = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: source.cliEnv() });

async function countsIn(url: string, tables: string[]): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = Number((await c.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
    return out;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  // The embedded installation, seeded through a real Trove process.
  source = await liveServer({}, { sameDataAs: { dir: sqliteDir, origin: ORIGIN } });
  await source.start();
  const { res } = await signUp(source.asApp as never, ORIGIN);
  const body = await res.json();
  const me = caller(source.asApp as never, sessionCookie(res)!, body.csrf_token, body.consumer.id);
  expect((await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'moved@example.com' } })).status).toBe(200);
  expect((await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 42, system: 'EU' } } })).status).toBe(200);
  const added = trove('brand', 'add', '--name', 'Moving Shoes', '--redirect-uri', REDIRECT, '--secret', '--json');
  if (added.status !== 0) throw new Error(added.stderr);
  const b = JSON.parse(added.stdout);
  brand = { clientId: b.client_id, secret: b.client_secret };
  const tokens = await tokensFor(source.asApp as never, brand, me);
  refreshToken = tokens.refresh_token!;
  expect(refreshToken).toBeTruthy();
  expect((await read(source.asApp as never, tokens.access_token)).status).toBe(200);
  expect(trove('audit', 'checkpoint').status).toBe(0);
  await source.stop();
}, 120_000);

afterAll(async () => {
  await source?.cleanup();
  rmSync(sqliteDir, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
  for (const d of databases) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`));
});

describe('trove migrate-data', () => {
  it('copies every row into an empty PostgreSQL database, where the log verifies and the brand refresh token still works', async () => {
    const url = await freshDatabase();
    const run = trove('migrate-data', '--to', url, '--batch', '2', '--json');
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);

    // Every table, counted in the SQLite file itself.
    const sqlite = new BetterSqlite(join(sqliteDir, 'trove.db'), { readonly: true });
    // The compact log's own tables number contexts and brands per database: the log goes
    // over through its audit_events view, and its stored rows are compared below.
    const compact = ['audit_log', 'audit_contexts', 'audit_brands', 'audit_by_context'];
    const tables = (
      sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'd1_migrations'").all() as { name: string }[]
    )
      .map((r) => r.name)
      .filter((t) => !compact.includes(t))
      .concat('audit_events');
    const count = (t: string) => (sqlite.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    const expected = Object.fromEntries(tables.map((t) => [t, count(t)]));
    const stored = Object.fromEntries(compact.map((t) => [t, count(t)]));
    sqlite.close();
    expect(result.tables).toEqual(expected);
    for (const t of ['consumers', 'attributes', 'brands', 'grants', 'refresh_tokens', 'keys', 'audit_events', 'log_checkpoints'])
      expect(expected[t], t).toBeGreaterThan(0);
    // There: the same, plus the migration's own event.
    expect(await countsIn(url, tables)).toEqual({ ...expected, audit_events: expected.audit_events! + 1 });
    expect(result.audit).toMatchObject({ ok: true, events: expected.audit_events });
    // There: one more event (the migration's, with a context of its own).
    const there = await countsIn(url, compact);
    // (PostgreSQL indexes by context as it writes: its index table stays empty.)
    expect(there).toMatchObject({ audit_log: stored.audit_log! + 1, audit_brands: stored.audit_brands, audit_by_context: 0 });
    expect(there.audit_contexts! - stored.audit_contexts!).toBeLessThanOrEqual(1);

    const verify = trove('audit', 'verify', '--database', url, '--json');
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, checked: expected.audit_events! + 1 });

    // A Trove on PostgreSQL, same master key and origin: the brand's refresh token works.
    const target = await liveServer({}, { sameDataAs: { dir: pgDir, databaseUrl: url, origin: ORIGIN } });
    try {
      await target.start();
      const refreshed = await form(target.asApp as never, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: refreshToken });
      expect(refreshed.status, await refreshed.clone().text()).toBe(200);
      const { access_token } = await refreshed.json();
      const values = await read(target.asApp as never, access_token);
      expect(values.status).toBe(200);
      expect(JSON.stringify(await values.json())).toContain('moved@example.com');
    } finally {
      await target.kill();
    }

    // A second run finds rows there and refuses, naming them.
    const again = trove('migrate-data', '--to', url);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/the target already holds data \(.*audit_events.*\): migrate-data copies into an empty database only/);
  }, 180_000);

  it('commits nothing when the copy fails part-way, so running it again after the fix completes it', async () => {
    const url = await freshDatabase();
    const pool = createPool(url, { max: 1 });
    await migratePostgres(pool);
    // A constraint that fails the brands table, which comes after consumers and audit events.
    await pool.query('ALTER TABLE brands ADD CONSTRAINT md_test_refuses CHECK (false) NOT VALID');
    const failed = trove('migrate-data', '--to', url);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/md_test_refuses/);
    expect(await countsIn(url, ['audit_events', 'consumers', 'attributes', 'keys', 'brands'])).toEqual({
      audit_events: 0,
      consumers: 0,
      attributes: 0,
      keys: 0,
      brands: 0,
    });
    await pool.query('ALTER TABLE brands DROP CONSTRAINT md_test_refuses');
    await pool.end();
    const again = trove('migrate-data', '--to', url);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/every table's count matches/);
  }, 120_000);

  it('fails clearly for bad arguments', () => {
    expect(trove('migrate-data').stderr).toMatch(/--to postgres:\/\/… \(the empty target database\) is required/);
    expect(trove('migrate-data', '--to', 'mysql://x').status).toBe(2);
    expect(trove('migrate-data', '--to', 'postgres://x/y', '--batch', '0').stderr).toMatch(/--batch must be/);
    expect(trove('migrate-data', '--to', 'postgres://x/y', '--from', join(pgDir, 'none.db')).stderr).toMatch(/no database at/);
  }, 60_000);
});

describe('copyTable', () => {
  it('converts SQLite values to the PostgreSQL column types that differ: boolean, bytea, jsonb, bigint beyond 2^53, double', async () => {
    const url = await freshDatabase();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const sqlite = new BetterSqlite(':memory:');
    try {
      await c.query('CREATE TABLE mixed (id bigint PRIMARY KEY, flag boolean, raw bytea, doc jsonb, amount double precision, label text)');
      sqlite.exec('CREATE TABLE mixed (id INTEGER PRIMARY KEY, flag INTEGER, raw BLOB, doc TEXT, amount REAL, label TEXT)');
      const insert = sqlite.prepare('INSERT INTO mixed VALUES (?, ?, ?, ?, ?, ?)');
      insert.run(9007199254740993n, 1, Buffer.from([0, 1, 254, 255]), '{"a":[1,2]}', 2.5, 'one');
      insert.run(2, 0, null, null, null, null);
      const types = (await targetColumns(c)).get('mixed')!;
      await c.query('BEGIN');
      expect(await copyTable(sqlite, c, 'mixed', types, { batch: 500, onRows() {} })).toBe(2);
      await c.query('COMMIT');
      const rows = (await c.query('SELECT id::text, flag, raw, doc, amount, label FROM mixed ORDER BY id DESC')).rows;
      expect(rows).toEqual([
        { id: '9007199254740993', flag: true, raw: Buffer.from([0, 1, 254, 255]), doc: { a: [1, 2] }, amount: 2.5, label: 'one' },
        { id: '2', flag: false, raw: null, doc: null, amount: null, label: null },
      ]);
      // A value that does not fit is named by its column, never shown.
      sqlite.prepare('INSERT INTO mixed VALUES (3, 0, NULL, ?, NULL, NULL)').run('not json {secret}');
      await c.query('BEGIN');
      await expect(copyTable(sqlite, c, 'mixed', types, { batch: 500, onRows() {} })).rejects.toThrow(
        /^mixed\.doc: text that is not JSON cannot go into a jsonb column$/,
      );
      await c.query('ROLLBACK');
    } finally {
      sqlite.close();
      await c.end();
    }
  }, 60_000);
});
