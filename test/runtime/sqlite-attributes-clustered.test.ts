// Migration 0023: on SQLite a consumer's sealed values live in their primary key's own
// B-tree (WITHOUT ROWID), so the brand read's fetch by consumer is one search and no
// lookup by rowid; the migration carries every value of a database made before it across
// unchanged, still opening under the consumer's key, and the table keeps its rules.
import { describe, expect, it } from 'vitest';
import { listProfile, setAttribute } from '../../src/features/profile/attributes.ts';
import { createPersona } from '../../src/features/profile/personas.ts';
import type { SqliteStore } from '../../src/runtime/store/sqlite/store.ts';
import { type TestDeps, seedConsumer, sqliteTestDeps } from '../helpers/deps.ts';
import { migrationStatements } from '../helpers/migration-statements.ts';

// The table as migrations 0001–0022 left it (0001's own statement): a rowid table, its key in a separate index.
const rowidAttributes = () =>
  migrationStatements('0001_core.sql')
    .find((st) => st.includes('CREATE TABLE attributes '))!
    .replace('CREATE TABLE attributes ', 'CREATE TABLE attributes_rowid ');

const sqliteOf = (deps: TestDeps) => (deps.store as SqliteStore).sqlite;

const plan = (deps: TestDeps) =>
  (
    sqliteOf(deps).prepare('EXPLAIN QUERY PLAN SELECT name, persona, ciphertext, nonce, version FROM attributes WHERE consumer_id = ?').all('c') as {
      detail: string;
    }[]
  ).map((r) => r.detail);

const rowsOf = (deps: TestDeps) => sqliteOf(deps).prepare('SELECT * FROM attributes ORDER BY consumer_id, name, persona').all();

async function profileOf(deps: TestDeps) {
  const consumer = await seedConsumer(deps);
  await setAttribute(deps, consumer, 'email', { value: 'ada@example.com' });
  await setAttribute(deps, consumer, 'given_name', { value: 'Ada' });
  await createPersona(deps, consumer, { name: 'work', label: 'Work' });
  await setAttribute(deps, consumer, 'given_name', { value: 'Augusta', persona: 'work' });
  await setAttribute(deps, consumer, 'interests', { value: ['hiking', 'jazz'] });
  return consumer;
}

describe('the attributes table on SQLite (migration 0023)', () => {
  it('finds a consumer’s values by searching the primary key alone, with no lookup by rowid', async () => {
    const deps = await sqliteTestDeps();
    const sql = (sqliteOf(deps).prepare("SELECT sql FROM sqlite_master WHERE name = 'attributes'").get() as { sql: string }).sql;
    expect(sql).toMatch(/WITHOUT ROWID\s*$/);
    expect(plan(deps)).toEqual([expect.stringMatching(/^SEARCH attributes USING PRIMARY KEY \(consumer_id=\?\)$/)]);
  });

  it('carries every value of a database made before it across unchanged, still opening under the consumer’s key', async () => {
    const deps = await sqliteTestDeps();
    const consumer = await profileOf(deps);
    const before = rowsOf(deps);
    const profile = await listProfile(deps, consumer);
    // Back to the table as it stood before 0023, then the migration itself.
    const sqlite = sqliteOf(deps);
    sqlite.exec(
      `${rowidAttributes()}; INSERT INTO attributes_rowid SELECT * FROM attributes; DROP TABLE attributes; ALTER TABLE attributes_rowid RENAME TO attributes`,
    );
    expect(plan(deps)[0]).toContain('USING INDEX sqlite_autoindex_attributes');
    for (const st of migrationStatements('0023_attributes_clustered.sql')) sqlite.exec(st);

    expect(plan(deps)[0]).toContain('USING PRIMARY KEY');
    expect(rowsOf(deps)).toEqual(before);
    expect(await listProfile(deps, consumer)).toEqual(profile);
  });

  it('keeps its key, its default persona and its reference to the consumer', async () => {
    const deps = await sqliteTestDeps();
    const consumer = await profileOf(deps);
    const sqlite = sqliteOf(deps);
    const insert = sqlite.prepare('INSERT INTO attributes (consumer_id, name, ciphertext, nonce, version, updated_at) VALUES (?, ?, ?, ?, 1, 0)');
    expect(() => insert.run(consumer, 'email', 'x', 'y')).toThrow(/UNIQUE constraint failed/);
    expect(() => insert.run('no-such-consumer', 'phone', 'x', 'y')).toThrow(/FOREIGN KEY constraint failed/);
    insert.run(consumer, 'phone', 'x', 'y');
    expect(sqlite.prepare("SELECT persona FROM attributes WHERE consumer_id = ? AND name = 'phone'").get(consumer)).toEqual({ persona: '' });
  });
});
