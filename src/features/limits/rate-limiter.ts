// Fixed-window request counters per key (an IP or a client id, per endpoint class).
// Kept in memory per process or per Worker isolate: a limit slows guessing and
// flooding; it is not a quota, so losing counts on restart is acceptable. The map is
// bounded so a flood of distinct keys cannot grow it without end.
import type { Clock } from '../../clock.ts';

export type LimitClass = 'signin' | 'signin_failure' | 'par' | 'token' | 'introspect';
export type Limit = { perIp: number; perClient: number; windowMs: number };

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

export type RateLimiter = {
  /** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
  hit(cls: LimitClass, by: 'ip' | 'client', key: string): number;
  /** Without counting: 0 while under the limit, else the seconds until the window resets. */
  blocked(cls: LimitClass, by: 'ip' | 'client', key: string): number;
};

export function createRateLimiter(clock: Clock, scale: number, limits: Record<LimitClass, Limit> = DEFAULT_LIMITS): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(cls, by, key) {
      const limit = limits[cls];
      const max = Math.floor((by === 'ip' ? limit.perIp : limit.perClient) * scale);
      if (scale <= 0 || max <= 0) return 0;
      const now = clock.now();
      const id = `${cls}|${by}|${key}`;
      let w = windows.get(id);
      if (!w || now - w.start >= limit.windowMs) {
        if (w) windows.delete(id);
        w = { start: now, count: 0 };
        if (windows.size >= MAX_KEYS) prune(windows, now, limit.windowMs);
        windows.set(id, w);
      }
      w.count += 1;
      return w.count > max ? Math.max(1, Math.ceil((w.start + limit.windowMs - now) / 1000)) : 0;
    },
    blocked(cls, by, key) {
      const limit = limits[cls];
      const max = Math.floor((by === 'ip' ? limit.perIp : limit.perClient) * scale);
      if (scale <= 0 || max <= 0) return 0;
      const now = clock.now();
      const w = windows.get(`${cls}|${by}|${key}`);
      if (!w || now - w.start >= limit.windowMs || w.count < max) return 0;
      return Math.max(1, Math.ceil((w.start + limit.windowMs - now) / 1000));
    },
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
