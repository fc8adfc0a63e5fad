// PostgreSQL only: after DELETE /api/me, nothing readable through SQL — every row of every
// table in the vault's schema, and every page of those tables read raw (pageinspect), where
// the erasure's VACUUM has pruned the dead versions — holds the erased consumer's wrapped
// data key, found with the master key the way an operator-attacker would look; the same
// search still finds the key of a consumer who stayed. WAL segments and backups are beyond
// this (the README says for how long they may keep it, and how key rotation ends that).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { secretBrand } from '../helpers/brands.ts';
import { testDeps, TEST_MASTER_KEY, type TestDeps } from '../helpers/deps.ts';
import { read, tokensFor } from '../helpers/raw-oauth.ts';
import { recoverableConsumers } from '../helpers/remnant-scan.ts';

async function everyRowAsText(deps: TestDeps): Promise<Uint8Array> {
  const tables = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${deps.schema!}`.execute(
    deps.store.db,
  );
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(name)} t`.execute(deps.store.db);
    parts.push(...rows.rows.map((r) => r.row));
  }
  return Buffer.from(parts.join('\n'), 'latin1');
}

/** Every page of every table in the schema, as bytes (pageinspect, superuser only). */
async function everyPageRaw(deps: TestDeps): Promise<Uint8Array> {
  await sql`CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public`.execute(deps.store.db);
  const tables = await sql<{ name: string; blocks: number }>`
    SELECT c.relname AS name, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS blocks
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${deps.schema!} AND c.relkind = 'r'`.execute(deps.store.db);
  const pages: Buffer[] = [];
  for (const t of tables.rows) {
    for (let i = 0; i < t.blocks; i++) {
      const page = await sql<{ p: Buffer }>`SELECT public.get_raw_page(${`${deps.schema}.${t.name}`}, ${i}::int) AS p`.execute(deps.store.db);
      pages.push(page.rows[0]!.p);
    }
  }
  return Buffer.concat(pages);
}

describe('erasure on PostgreSQL', () => {
  it("leaves no row, in any table, from which the erased consumer's data key can be recovered with the master key", async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const brand = await secretBrand(deps);
    const fill = async (me: Caller, tag: string) => {
      await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: `${tag}@example.com` } });
      await me.call('/api/me/personas', { method: 'POST', json: { name: 'travel', label: `Label-Marker-${tag}` } });
      const t = await tokensFor(app, brand, me);
      expect((await read(app, t.access_token)).status).toBe(200);
      const value = await app.request(`/v1/grants/${t.grant_id}/value`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'gift', description: `Value-Marker-${tag}` }),
      });
      expect(value.status).toBe(201);
    };
    const erased = await signedInConsumer(deps, app);
    const stayed = await signedInConsumer(deps, app);
    await fill(erased, 'erased');
    await fill(stayed, 'stayed');
    const ids = [erased.consumerId, stayed.consumerId];
    expect(recoverableConsumers(deps.sodium, await everyRowAsText(deps), TEST_MASTER_KEY, ids)).toEqual(new Set(ids));
    expect(recoverableConsumers(deps.sodium, await everyPageRaw(deps), TEST_MASTER_KEY, ids)).toEqual(new Set(ids));

    expect((await erased.call('/api/me', { method: 'DELETE' })).status).toBe(204);
    const rows = await everyRowAsText(deps);
    expect(recoverableConsumers(deps.sodium, rows, TEST_MASTER_KEY, ids)).toEqual(new Set([stayed.consumerId]));
    expect(Buffer.from(rows).toString('latin1')).not.toMatch(/(Label|Value)-Marker/);
    const pages = await everyPageRaw(deps);
    expect(recoverableConsumers(deps.sodium, pages, TEST_MASTER_KEY, ids)).toEqual(new Set([stayed.consumerId]));
    expect(Buffer.from(pages).toString('latin1')).not.toMatch(/(Label|Value)-Marker/);
  }, 60_000);
});
