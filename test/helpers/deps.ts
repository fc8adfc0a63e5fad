// Test deps: real SQLite (in memory unless a file is given), real libsodium and jose,
// a fixed clock and a fixed master key. No mocks.
import sodium from 'libsodium-wrappers';
import { boot } from '../../src/boot.ts';
import { fixedClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import type { Deps, Logger } from '../../src/deps.ts';
import type { Clock } from '../../src/clock.ts';
import type { Store } from '../../src/db/store.ts';
import { createSqliteStore, openSqlite, type SqliteStore } from '../../src/runtime/store/sqlite/store.ts';
import { openPostgresTestStore } from './postgres.ts';
import { installLegacyLogWrites } from './legacy-log-writes.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { createNodeOutbound } from '../../src/runtime/node/outbound.ts';
import { newConsumer } from '../../src/features/identity/create-consumer.ts';
import { commit } from '../../src/features/audit/commit.ts';

/** Errors logged by any test deps; the setup file fails a test that leaves one behind (a 500). */
export const loggedErrors: { msg: string; fields?: Record<string, unknown> }[] = [];
export const testLog: Logger = {
  info() {},
  warn: (m, f) => {
    if (process.env.TROVE_TEST_VERBOSE) console.warn(m, f);
  },
  error: (msg, fields) => loggedErrors.push({ msg, fields }),
};

export const TEST_MASTER_KEY = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);

export type TestDeps = Deps & { clock: ReturnType<typeof fixedClock>; schema?: string };

/** Which database this test run uses: the postgres vitest project sets TROVE_TEST_STORE. */
export const testDialect: 'sqlite' | 'postgres' = process.env.TROVE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

async function openTestStore(clock: Clock, file?: string): Promise<{ store: Store; applied: string[]; schema?: string }> {
  if (testDialect === 'postgres' && !file) return openPostgresTestStore(clock);
  const sqlite = openSqlite(file ?? ':memory:');
  const applied = await migrateSqlite(sqlite);
  return { store: createSqliteStore(sqlite, clock), applied };
}

/** Like testDeps, but always SQLite (for tests that look at the SQLite file itself). */
export async function sqliteTestDeps(opts: { file?: string; checkpointEvery?: number; allowPrivateWebhooks?: boolean } = {}) {
  const deps = await testDeps({ ...opts, file: opts.file ?? ':memory:' });
  return deps as TestDeps & { store: SqliteStore };
}

export async function testDeps(
  opts: { file?: string; checkpointEvery?: number; masterKey?: Uint8Array; origin?: string; allowPrivateWebhooks?: boolean; rateLimitScale?: number } = {},
): Promise<TestDeps> {
  await sodium.ready;
  const clock = fixedClock();
  const { store, applied, schema } = await openTestStore(clock, opts.file);
  // Tampering tests edit audit_events in its old shape (legacy-log-writes.ts).
  await installLegacyLogWrites({ store });
  const config = parseConfig({
    NODE_ENV: 'test',
    TROVE_DATA_DIR: '/nonexistent',
    TROVE_ORIGIN: opts.origin,
    TROVE_WEBHOOK_ALLOW_PRIVATE: opts.allowPrivateWebhooks ? 'true' : undefined,
    // Every app.request comes from one unknown address on a frozen clock: limits are off unless a test turns them on.
    TROVE_RATE_LIMIT_SCALE: String(opts.rateLimitScale ?? 0),
  });
  // The real outbound guard, as the Node runtime builds it (tests swap in a resolver when they need one).
  const outbound = createNodeOutbound({ allowPrivate: config.webhookAllowPrivate });
  const base = { config, store, clock, sodium, log: testLog, checkpointEvery: opts.checkpointEvery ?? 1000, outbound };
  const deps = await boot(base, new Uint8Array(opts.masterKey ?? TEST_MASTER_KEY), applied);
  return Object.assign(deps, { clock, schema }) as TestDeps;
}

/** A consumer with a data key, committed with an audit event as sign-up will. */
export async function seedConsumer(deps: Deps): Promise<string> {
  const c = newConsumer(deps);
  await commit(deps, {
    writes: [c.insert],
    audit: [{ action: 'consumer.created', outcome: 'success', actor_type: 'consumer', actor_id: c.id, consumer_id: c.id }],
  });
  return c.id;
}
