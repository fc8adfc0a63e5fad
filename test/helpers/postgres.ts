// PostgreSQL for tests: every store gets its own schema in TROVE_TEST_DATABASE_URL,
// migrated fresh and dropped when the test file ends.
import { afterAll } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import { newId } from '../../src/crypto/random.ts';
import { createPool, createPostgresStore, migratePostgres } from '../../src/runtime/store/postgres/store.ts';

const schemas: string[] = [];

export function testDatabaseUrl(): string {
  const url = process.env.TROVE_TEST_DATABASE_URL;
  if (!url) throw new Error('TROVE_TEST_DATABASE_URL is not set');
  return url;
}

export async function openPostgresTestStore(clock: Clock) {
  const url = testDatabaseUrl();
  const schema = `t_${newId()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}`;
  const admin = createPool(url, { max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  schemas.push(schema);
  const pool = createPool(url, { schema, max: 10 });
  const applied = await migratePostgres(pool);
  return { store: createPostgresStore(pool, clock), applied, schema };
}

/** Another independent pool on the same schema, as a second server process would have. */
export function postgresStoreOn(schema: string, clock: Clock) {
  return createPostgresStore(createPool(testDatabaseUrl(), { schema, max: 2 }), clock);
}

afterAll(async () => {
  if (!schemas.length) return;
  const admin = createPool(testDatabaseUrl(), { max: 1 });
  for (const s of schemas.splice(0)) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});
