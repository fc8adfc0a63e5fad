// Rate-limit counters kept in the database, so every node on it spends one budget
// (PostgreSQL with several nodes; D1, whose isolates share no memory). Rules:
// - Windows are fixed and aligned to the epoch (start = now - now % windowMs), so nodes
//   agree on the window without talking to each other.
// - One hit is one atomic upsert (INSERT … ON CONFLICT … DO UPDATE SET n = n + 1
//   RETURNING n): concurrent hits on any node each see a distinct count, none is lost.
// - Least data: the key (an address or a credential id) is stored only as an HMAC under
//   the vault's pairwise key, so a database dump does not list who asked from where (a
//   plain hash of an IPv4 address is reversed by trying all 2^32).
// - A counter is not vault data and no audit event belongs to it, and commit() cannot hand
//   back the count, so the upsert runs on its own: one statement is atomic by itself.
// - Windows past their end are deleted at most once a minute per process.
// - The two statements are prepared (built and compiled once): a limited request pays a
//   round trip, not query building.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import { toB64u } from '../../crypto/encoding.ts';
import { hmacSha256 } from '../../crypto/hash.ts';
import { prepared, rows } from '../../db/prepared.ts';
import type { Database } from '../../db/schema.ts';
import { budget, DEFAULT_LIMITS, secondsUntil, type Limit, type LimitClass, type LimitScope, type RateLimiter } from './rate-limiter.ts';

const PRUNE_EVERY_MS = 60_000;

type Window = { cls: string; scope: string; keyHash: string; start: number };

const countHit = prepared((db, p: Window & { end: number }) =>
  db
    .insertInto('rate_limits')
    .values({ cls: p.cls, scope: p.scope, key_hash: p.keyHash, window_start: p.start, n: 1, expires_at: p.end })
    .onConflict((oc) => oc.columns(['cls', 'scope', 'key_hash', 'window_start']).doUpdateSet({ n: sql<number>`rate_limits.n + 1` }))
    .returning('n'),
);

const countOf = prepared((db, p: Window) =>
  db
    .selectFrom('rate_limits')
    .select('n')
    .where('cls', '=', p.cls)
    .where('scope', '=', p.scope)
    .where('key_hash', '=', p.keyHash)
    .where('window_start', '=', p.start),
);

export type SharedLimiterDeps = {
  db: Kysely<Database>;
  clock: Clock;
  /** The secret the keys are hashed under (read at each hit: the key ring may reload). */
  hashKey: () => Uint8Array;
};

export function createSharedLimiter(deps: SharedLimiterDeps, scale: number, limits: Record<LimitClass, Limit> = DEFAULT_LIMITS): RateLimiter {
  const { db, clock } = deps;
  let nextPrune = 0;
  const where = (cls: LimitClass, by: LimitScope, key: string) => {
    const now = clock.now();
    const { windowMs } = limits[cls];
    const start = now - (now % windowMs);
    // 128 bits of the HMAC: collisions are out of reach, and the column stays short.
    const keyHash = toB64u(hmacSha256(deps.hashKey(), `trove-rate-limit-v1|${cls}|${by}|${key}`).subarray(0, 16));
    return { now, start, end: start + windowMs, keyHash };
  };
  const prune = async (now: number) => {
    if (now < nextPrune) return;
    nextPrune = now + PRUNE_EVERY_MS;
    await db.deleteFrom('rate_limits').where('expires_at', '<=', now).execute();
  };
  return {
    async hit(cls, by, key) {
      const max = budget(limits, scale, cls, by);
      if (max <= 0) return 0;
      const w = where(cls, by, key);
      await prune(w.now);
      const [row] = await rows(db, countHit(db, { cls, scope: by, keyHash: w.keyHash, start: w.start, end: w.end }));
      return Number(row?.n ?? 1) > max ? secondsUntil(w.end, w.now) : 0;
    },
    async blocked(cls, by, key) {
      const max = budget(limits, scale, cls, by);
      if (max <= 0) return 0;
      const w = where(cls, by, key);
      const [row] = await rows(db, countOf(db, { cls, scope: by, keyHash: w.keyHash, start: w.start }));
      return row && Number(row.n) >= max ? secondsUntil(w.end, w.now) : 0;
    },
  };
}
