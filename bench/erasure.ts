// The cost of an erasure with N other consumers in the database (10 attributes and a grant
// each): eraseConsumer, i.e. the crypto-shredding commit and then the scrub before it
// returns (SQLite: WAL checkpointed and truncated; PostgreSQL: VACUUM of the tables it
// touched), with ordinary writes between erasures so the WAL has something in it, as it
// would under load. Reports p50/p95/max ms, on SQLite and (with a URL) PostgreSQL.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../src/config.ts';
import { silentLog } from '../src/deps.ts';
import { eraseConsumer } from '../src/features/identity/erase.ts';
import { writeAttributes } from '../src/features/profile/attribute-values.ts';
import { createNodeDeps } from '../src/runtime/node/deps.ts';
import { seedTrove } from './seed-trove.ts';

const pct = (xs: number[], p: number) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! * 10) / 10;

export async function benchErasure(consumers: number, erasures: number, pgUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-erase-'));
  const env: Record<string, string> = { TROVE_DATA_DIR: dir, TROVE_MASTER_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', TROVE_RATE_LIMIT_SCALE: '0' };
  const pgDb = pgUrl ? `trove_bench_erase_${Date.now().toString(36)}` : undefined;
  if (pgUrl && pgDb) {
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pgDb}`);
    await admin.end();
    const u = new URL(pgUrl);
    u.pathname = `/${pgDb}`;
    env.DATABASE_URL = u.toString();
  }
  try {
    await seedTrove(env, consumers, 0);
    const deps = await createNodeDeps(parseConfig(env), { log: silentLog });
    try {
      const ids = (
        await deps.store.db
          .selectFrom('consumers')
          .select('id')
          .where('status', '=', 'active')
          .limit(erasures * 2)
          .execute()
      ).map((r) => r.id);
      const ms: number[] = [];
      const walBefore: number[] = [];
      for (let i = 0; i < erasures; i++) {
        // Other consumers' writes fill the WAL between erasures.
        for (let w = 0; w < 50; w++) await writeAttributes(deps, ids[erasures + (w % erasures)]!, [{ name: 'email', value: `w${i}-${w}@example.com` }]);
        walBefore.push(statSync(join(dir, 'trove.db-wal'), { throwIfNoEntry: false })?.size ?? 0);
        const t0 = performance.now();
        await eraseConsumer(deps, ids[i]!);
        ms.push(performance.now() - t0);
      }
      return {
        other_consumers: consumers,
        erasures,
        p50_ms: pct(ms, 50),
        p95_ms: pct(ms, 95),
        max_ms: pct(ms, 100),
        ...(pgUrl ? {} : { wal_bytes_before_p50: pct(walBefore, 50), database_mib: Math.round(statSync(join(dir, 'trove.db')).size / 2 ** 20) }),
      };
    } finally {
      await deps.store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (pgUrl && pgDb) {
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`);
      await admin.end();
    }
  }
}

// `node bench/erasure.ts [consumers] [erasures] [postgres-url]`
if (import.meta.main)
  console.log(JSON.stringify(await benchErasure(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 20), process.argv[4]), null, 2));
