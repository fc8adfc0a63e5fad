// Picks the rate limiter for a store. Embedded SQLite is one node: counters in memory
// cost nothing and lose nothing that matters on restart. PostgreSQL may have several
// nodes and D1 runs in isolates that share no memory, so there the counters live in the
// database and every node spends one budget (shared-limiter.ts).
import type { Clock } from '../../clock.ts';
import type { Store } from '../../db/store.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createSharedLimiter } from './shared-limiter.ts';

export function limiterFor(store: Store, clock: Clock, scale: number, hashKey: () => Uint8Array): RateLimiter {
  if (store.dialect === 'sqlite') return createRateLimiter(clock, scale);
  return createSharedLimiter({ db: store.db, clock, hashKey }, scale);
}
