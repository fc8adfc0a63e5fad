// Runs inside workerd before each Workers test file: applies migrations/sqlite to the
// test D1 database, recorded in d1_migrations as wrangler does.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
