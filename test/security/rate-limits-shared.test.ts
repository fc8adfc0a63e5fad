// The database-backed rate limiter (PostgreSQL nodes, D1 isolates): one budget however many
// limiters count on one database, each hit counted exactly once, only keyed hashes stored,
// old windows deleted. Runs on SQLite (the SQL D1 runs) and on PostgreSQL with two pools.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.ts';
import { createSharedLimiter } from '../../src/features/limits/shared-limiter.ts';
import { limiterFor } from '../../src/features/limits/limiter-for.ts';
import { DEFAULT_LIMITS } from '../../src/features/limits/rate-limiter.ts';
import { postgresStoreOn } from '../helpers/postgres.ts';
import { testDeps, testDialect, type TestDeps } from '../helpers/deps.ts';

let deps: TestDeps;
let other: Store;
const hashKey = () => new Uint8Array(32).fill(9);

beforeEach(async () => {
  deps = await testDeps();
  // A second node: its own pool on the same database on PostgreSQL; the same connection on SQLite.
  other = testDialect === 'postgres' ? postgresStoreOn(deps.schema!, deps.clock) : deps.store;
});

afterEach(async () => {
  if (other !== deps.store) await other.close();
});

const limiters = (scale = 1) => [
  createSharedLimiter({ db: deps.store.db, clock: deps.clock, hashKey }, scale),
  createSharedLimiter({ db: other.db, clock: deps.clock, hashKey }, scale),
];

describe('the shared rate limiter', () => {
  it('allows exactly the budget when two nodes count the same client at once', async () => {
    const [a, b] = limiters();
    const max = DEFAULT_LIMITS.par.perClient;
    const waits = await Promise.all(Array.from({ length: max * 2 }, (_, i) => (i % 2 ? a! : b!).hit('par', 'client', 'brand-1')));
    expect(waits.filter((w) => w === 0)).toHaveLength(max);
    const refused = waits.filter((w) => w > 0);
    expect(refused).toHaveLength(max);
    expect(Math.max(...refused)).toBeLessThanOrEqual(60);
    // Another client and another class have budgets of their own.
    expect(await a!.hit('par', 'client', 'brand-2')).toBe(0);
    expect(await a!.hit('token', 'client', 'brand-1')).toBe(0);
    expect(await b!.blocked('par', 'client', 'brand-1')).toBeGreaterThan(0);
  });

  it('starts a new budget in the next window and deletes windows that have ended', async () => {
    const [a] = limiters(0.05);
    const max = Math.floor(DEFAULT_LIMITS.par.perIp * 0.05);
    for (let i = 0; i < max; i++) expect(await a!.hit('par', 'ip', '192.0.2.1')).toBe(0);
    const wait = await a!.hit('par', 'ip', '192.0.2.1');
    expect(wait).toBeGreaterThan(0);
    deps.clock.advance(wait * 1000);
    expect(await a!.hit('par', 'ip', '192.0.2.1')).toBe(0);
    // The ended window is gone once the next prune runs (at most a minute later).
    deps.clock.advance(61_000);
    await a!.hit('par', 'ip', '192.0.2.9');
    const rows = await deps.store.db.selectFrom('rate_limits').selectAll().execute();
    expect(rows.every((r) => Number(r.expires_at) > deps.clock.now())).toBe(true);
  });

  it('counts failures without spending them on a check, and refuses once they reach the budget', async () => {
    const [a, b] = limiters();
    const max = DEFAULT_LIMITS.signin_failure.perClient;
    for (let i = 0; i < max - 1; i++) await (i % 2 ? a! : b!).hit('signin_failure', 'client', 'cred');
    for (let i = 0; i < 5; i++) expect(await a!.blocked('signin_failure', 'client', 'cred')).toBe(0);
    await b!.hit('signin_failure', 'client', 'cred');
    expect(await a!.blocked('signin_failure', 'client', 'cred')).toBeGreaterThan(60);
  });

  it('stores neither the address nor the credential id, only a keyed hash', async () => {
    const [a] = limiters();
    await a!.hit('signin', 'ip', '203.0.113.77');
    await a!.hit('signin_failure', 'client', 'credential-abc');
    const rows = await deps.store.db.selectFrom('rate_limits').selectAll().execute();
    expect(rows).toHaveLength(2);
    const text = JSON.stringify(rows);
    expect(text).not.toContain('203.0.113');
    expect(text).not.toContain('credential-abc');
    // Under another key the same address lands elsewhere: the hash cannot be looked up without the vault's key.
    await createSharedLimiter({ db: deps.store.db, clock: deps.clock, hashKey: () => new Uint8Array(32).fill(1) }, 1).hit('signin', 'ip', '203.0.113.77');
    expect(new Set((await deps.store.db.selectFrom('rate_limits').select('key_hash').execute()).map((r) => r.key_hash)).size).toBe(3);
  });

  it('is what a PostgreSQL or D1 vault gets, while embedded SQLite counts in memory', async () => {
    const limiter = limiterFor(deps.store, deps.clock, 1, hashKey);
    await limiter.hit('par', 'ip', '198.51.100.1');
    const rows = await deps.store.db.selectFrom('rate_limits').selectAll().execute();
    expect(rows.length).toBe(testDialect === 'postgres' ? 1 : 0);
  });
});
