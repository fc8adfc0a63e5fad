// Test projects: the Node suites on SQLite always; the shared suites again on PostgreSQL
// when TROVE_TEST_DATABASE_URL is set (SQLite-file, CLI and start-up tests stay SQLite).
import { defineConfig } from 'vitest/config';

const shared = {
  setupFiles: ['test/helpers/setup.ts'],
  pool: 'forks' as const,
  testTimeout: 20_000,
  hookTimeout: 30_000,
};

const sqliteOnly = ['test/runtime/**', 'test/cli/**'];

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/workers/**'] } },
      ...(process.env.TROVE_TEST_DATABASE_URL
        ? [{
            test: {
              ...shared,
              name: 'postgres',
              include: ['test/**/*.test.ts'],
              exclude: ['test/workers/**', ...sqliteOnly],
              env: { TROVE_TEST_STORE: 'postgres' },
            },
          }]
        : []),
    ],
  },
});
