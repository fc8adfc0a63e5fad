// Test projects: the Node suites on SQLite always; the shared suites again on PostgreSQL
// when TROVE_TEST_DATABASE_URL is set (SQLite-file, CLI, start-up and type-check tests run once,
// test/store/postgres-*.test.ts only there);
// the Workers suite inside workerd against D1; and the portal in Chromium. The portal is
// built once first (global setup), since the servers under test serve web/dist.
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The suites run offline: wrangler and the Workers pool must not phone home.
process.env.WRANGLER_SEND_METRICS ??= 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';

const node = {
  setupFiles: ['test/helpers/setup.ts'],
  pool: 'forks' as const,
  testTimeout: 20_000,
  hookTimeout: 30_000,
};

const sqliteOnly = ['test/runtime/**', 'test/cli/**', 'test/typecheck.test.ts', 'test/lint.test.ts', 'test/readme.test.ts'];
const postgresOnly = ['test/store/postgres-*.test.ts'];
const browser = 'test/browser/**';
// A fixed development key for the Workers tests only (as `wrangler dev --var` would give).
const WORKERS_TEST_KEY = Buffer.alloc(32, 7).toString('base64url');

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/build-portal.ts'],
    projects: [
      { test: { ...node, name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/workers/**', browser, ...postgresOnly] } },
      ...(process.env.TROVE_TEST_DATABASE_URL
        ? [
            {
              test: {
                ...node,
                name: 'postgres',
                include: ['test/**/*.test.ts'],
                exclude: ['test/workers/**', browser, ...sqliteOnly],
                env: { TROVE_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
      // One Chromium at a time: the files run one after another.
      { test: { ...node, name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false } },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(here('./migrations/sqlite')),
                TROVE_MASTER_KEY: WORKERS_TEST_KEY,
                // The webhook tests' receiver listens on loopback (test/workers/receiver-setup.ts).
                TROVE_WEBHOOK_ALLOW_PRIVATE: 'true',
              },
            },
          })),
        ],
        resolve: { alias: [{ find: /^libsodium$/, replacement: here('./src/runtime/workers/sodium-shim.ts') }] },
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          setupFiles: ['test/workers/apply-migrations.ts'],
          globalSetup: ['test/workers/receiver-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
