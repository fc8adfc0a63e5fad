// Test runner configuration: Node-side suites (SQLite always, PostgreSQL when
// TROVE_TEST_DATABASE_URL is set). Tests run in forks so native drivers are isolated.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
