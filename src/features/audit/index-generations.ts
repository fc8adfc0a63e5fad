// The by-context index's generations (migration 0022): entries are keyed (gen, context, seq),
// gen = (seq − 1) >> 18, so the background indexer writes into the newest generation's pages
// only and a query visits each generation the index reaches. 2^18 events a generation keeps
// both sides small: a run's writes to about 800 pages, a query to one lookup per generation
// and context (a dozen at 3,000,000 events).
const SIZE = 2 ** 18;

/** The generation of event `seq` (seq ≥ 1), as the migration computes it. */
export const generationOf = (seq: number): number => Math.floor((seq - 1) / SIZE);

/** The first event of generation `gen`. */
export const firstSeqOf = (gen: number): number => gen * SIZE + 1;

/** Every generation holding an event from 1 to `upto` (none when upto < 1). */
export function generationsUpTo(upto: number): number[] {
  return upto < 1 ? [] : Array.from({ length: generationOf(upto) + 1 }, (_, g) => g);
}
