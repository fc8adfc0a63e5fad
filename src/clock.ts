// Time as a dependency: features ask deps.clock, so tests can fix and advance it.

export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests control: starts at `start` (epoch ms) and moves only when told. */
export function fixedClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
