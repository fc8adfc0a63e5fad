// Fixed-window request counters per key (an IP or a client id, per endpoint class): the
// limits, the interface every limiter offers, and the in-memory one. In memory is the
// right place on one node (embedded SQLite): a limit slows guessing and flooding; it is
// not a quota, so losing counts on restart is acceptable. Several nodes share one budget
// through the database instead (shared-limiter.ts; limiter-for.ts picks). The map is
// bounded so a flood of distinct keys cannot grow it without end.
import type { Clock } from '../../clock.ts';

export type LimitClass = 'signin' | 'signin_failure' | 'par' | 'token' | 'introspect';
export type Limit = { perIp: number; perClient: number; windowMs: number };
export type LimitScope = 'ip' | 'client';

/**
 * At TROVE_RATE_LIMIT_SCALE = 1. Sign-in's per-address budget only bounds floods, and is
 * wide enough for many people behind one address (each sign-in is two calls); what stops
 * one credential being tried over and over is the failure count per credential (the
 * "client" of signin_failure), whatever address the attempts come from, so one client
 * behind a shared address cannot lock everyone else behind it out.
 */
export const DEFAULT_LIMITS: Record<LimitClass, Limit> = {
  signin: { perIp: 300, perClient: 0, windowMs: 60_000 },
  signin_failure: { perIp: 0, perClient: 10, windowMs: 15 * 60_000 },
  par: { perIp: 120, perClient: 60, windowMs: 60_000 },
  token: { perIp: 300, perClient: 120, windowMs: 60_000 },
  introspect: { perIp: 600, perClient: 300, windowMs: 60_000 },
};

const MAX_KEYS = 50_000;

/** Async because a shared limiter asks the database; the in-memory one answers at once. */
export type RateLimiter = {
  /** Counts one request; resolves to 0 when allowed, else the seconds until the window resets. */
  hit(cls: LimitClass, by: LimitScope, key: string): Promise<number>;
  /** Without counting: 0 while under the limit, else the seconds until the window resets. */
  blocked(cls: LimitClass, by: LimitScope, key: string): Promise<number>;
};

/** The scaled budget for one class and scope; 0 means unlimited. */
export function budget(limits: Record<LimitClass, Limit>, scale: number, cls: LimitClass, by: LimitScope): number {
  if (scale <= 0) return 0;
  const limit = limits[cls];
  return Math.max(0, Math.floor((by === 'ip' ? limit.perIp : limit.perClient) * scale));
}

/** Whole seconds until a window ending at `end` is over, at least 1 (a Retry-After value). */
export function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}

export function createRateLimiter(clock: Clock, scale: number, limits: Record<LimitClass, Limit> = DEFAULT_LIMITS): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const hit = (cls: LimitClass, by: LimitScope, key: string): number => {
    const max = budget(limits, scale, cls, by);
    if (max <= 0) return 0;
    const { windowMs } = limits[cls];
    const now = clock.now();
    const id = `${cls}|${by}|${key}`;
    let w = windows.get(id);
    if (!w || now - w.start >= windowMs) {
      if (w) windows.delete(id);
      w = { start: now, count: 0 };
      if (windows.size >= MAX_KEYS) prune(windows, now, windowMs);
      windows.set(id, w);
    }
    w.count += 1;
    return w.count > max ? secondsUntil(w.start + windowMs, now) : 0;
  };
  const blocked = (cls: LimitClass, by: LimitScope, key: string): number => {
    const max = budget(limits, scale, cls, by);
    if (max <= 0) return 0;
    const { windowMs } = limits[cls];
    const now = clock.now();
    const w = windows.get(`${cls}|${by}|${key}`);
    if (!w || now - w.start >= windowMs || w.count < max) return 0;
    return secondsUntil(w.start + windowMs, now);
  };
  return {
    hit: async (cls, by, key) => hit(cls, by, key),
    blocked: async (cls, by, key) => blocked(cls, by, key),
  };
}

function prune(windows: Map<string, { start: number }>, now: number, windowMs: number) {
  for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
  // Still full: drop the oldest entries (Map iterates in insertion order).
  for (const k of windows.keys()) {
    if (windows.size < MAX_KEYS) break;
    windows.delete(k);
  }
}
