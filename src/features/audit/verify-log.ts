// Verification against pinned trust: checkpoints count only when a pinned log key signed
// them (and, when asked, k pinned witnesses cosigned them); the database's events must
// rebuild, leaf by leaf, the tree every trusted checkpoint names and the tree of the
// checkpoint this verifier saw last (its state). Nothing read from the database is
// trusted: not its keys, not its stored tree nodes, not its checkpoint columns.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ChainHead } from '../../db/audit-chain.ts';
import type { ChainFinding } from './chain-ranges.ts';
import { trustedCheckpoints } from './trusted-checkpoints.ts';
import { fromBase64, toBase64 } from './tlog/bytes.ts';
import { hashEquals, type Hash } from './tlog/merkle.ts';
import { rootOfFrontier, type JoinedTree } from './range-fold.ts';
import { rangeNodes } from './tlog/node-store.ts';
import { pagedChainWalk, type ChainWalk } from './paged-walk.ts';

/**
 * What a verifier remembers of the last checkpoint it accepted (its state file, or the
 * portal's storage): size, root, the frontier's subtree hashes (which locate a change to a
 * subtree) and, where the verifier keeps them, every leaf hash (which locate it exactly).
 */
export type LogState = { size: number; root: string; frontier: string[]; note: string; leaves?: Uint8Array };

export type LogVerdict = {
  ok: boolean;
  /** pinned: signatures checked with keys the verifier brought; self-check: with keys read from the database. */
  trust: 'pinned' | 'self-check';
  checked: number;
  first_bad_seq: number | null;
  problem: string | null;
  head: ChainHead | null;
  /** The newest trusted checkpoint. */
  latest_checkpoint: { size: number; root: string; cosignatures: number; note: string } | null;
  /** Events after the newest trusted checkpoint: chain-checked, not yet anchored by a signature. */
  unsigned: number;
  /** What to remember for next time (only when ok). */
  state: LogState | null;
  /** The log keys trusted by the end: the pinned ones and any they handed over to (trove keys rotate --log). */
  log_keys: string[];
};

export type VerifyLogOptions = {
  /** Log verifier keys trusted to sign checkpoints (the pinned one first). */
  logKeys: readonly string[];
  state?: LogState | null;
  witnesses?: readonly string[];
  minWitnesses?: number;
  walk?: ChainWalk;
  trust?: LogVerdict['trust'];
  /** Return the leaf hashes in the new state (for a verifier that stores them). */
  keepLeaves?: boolean;
  /**
   * Fail when more events than this follow the newest trusted checkpoint. Without a state,
   * deleting the newest (cosigned) checkpoints leaves a rewritten tail merely "unsigned";
   * a bound on that tail is what catches it.
   */
  maxUnsigned?: number;
};

export async function verifyLog(db: Kysely<Database>, opts: VerifyLogOptions): Promise<LogVerdict> {
  // Findings about events come first; a checkpoint that fails to verify is named only when
  // no event is (it says what is unanchored, not what changed).
  const findings: ChainFinding[] = [];
  const { trusted, bad: cpBad, keys } = await trustedCheckpoints(db, opts);
  const state = opts.state ?? null;
  const sizes = new Set([...trusted.map((t) => t.size), ...(state ? [state.size] : [])]);
  // The walk folds the tree as it goes (in parallel where it can); leaf hashes come back only
  // when a state keeps them or holds them to compare.
  const wantLeaves = Boolean(opts.keepLeaves || state?.leaves);
  const walk = await (opts.walk ?? pagedChainWalk(db))(new Set(), { leaves: wantLeaves, sizes: new Set([0, ...sizes, trusted.at(-1)?.size ?? 0]) });
  if (walk.bad) findings.push(walk.bad);
  const built = treeOf(walk.tree);
  const good = built.size;

  if (state) {
    if (state.size > good) {
      if (!walk.bad)
        findings.push({
          seq: good + 1,
          problem: `the log has ${good} entries but this verifier has seen a checkpoint of size ${state.size}: entries ${good + 1}–${state.size} are missing (truncated, or an older copy restored)`,
        });
    } else if (!hashEquals(built.roots.get(state.size)!, fromBase64(state.root)!)) {
      findings.push(firstChangedLeaf(state, walk.leaves) ?? changedSince(state, built.frontiers.get(state.size)!));
    }
  }
  let lastGood = 0;
  for (const t of trusted) {
    if (t.size > good) {
      if (!walk.bad) findings.push({ seq: good + 1, problem: `entries ${good + 1}–${t.size} are missing: a signed checkpoint covers ${t.size} entries` });
      break;
    }
    if (!hashEquals(built.roots.get(t.size)!, t.root)) {
      findings.push({ seq: lastGood + 1, problem: `entries ${lastGood + 1}–${t.size} differ from the signed checkpoint of size ${t.size}` });
      break;
    }
    lastGood = t.size;
  }
  if (opts.minWitnesses && trusted.length === 0 && good > 0) {
    findings.push({ seq: 1, problem: `no checkpoint carries ${opts.minWitnesses} witness cosignatures` });
  }
  const anchored = trusted.at(-1)?.size ?? 0;
  const tail = Math.max(0, (walk.head?.seq ?? 0) - anchored);
  if (opts.maxUnsigned !== undefined && tail > opts.maxUnsigned) {
    findings.push({
      seq: anchored + 1,
      problem: `${tail} entries after the last trusted checkpoint (size ${anchored}) are not covered by one; at most ${opts.maxUnsigned} may be`,
    });
  }
  findings.sort((a, b) => a.seq - b.seq);
  cpBad.sort((a, b) => a.seq - b.seq);
  const first = findings[0] ?? cpBad[0] ?? null;
  const latest = trusted.at(-1) ?? null;
  const stateOut: LogState | null =
    first === null && latest
      ? {
          size: latest.size,
          root: toBase64(latest.root),
          frontier: built.frontiers.get(latest.size)!.map(toBase64),
          note: latest.note,
          ...(opts.keepLeaves ? { leaves: packLeaves(walk.leaves, latest.size) } : {}),
        }
      : first === null && state
        ? state
        : null;
  return {
    ok: first === null,
    trust: opts.trust ?? 'pinned',
    checked: walk.checked,
    first_bad_seq: first?.seq ?? null,
    problem: first?.problem ?? null,
    head: walk.head,
    latest_checkpoint: latest && { size: latest.size, root: toBase64(latest.root), cosignatures: latest.cosignatures, note: latest.note },
    unsigned: Math.max(0, (walk.head?.seq ?? 0) - (latest?.size ?? 0)),
    state: stateOut,
    log_keys: keys,
  };
}

/** Roots (and frontiers) at the sizes the walk folded the tree to. */
function treeOf(tree: JoinedTree | undefined) {
  if (!tree) throw new Error('this walk does not fold the tree');
  const roots = new Map([...tree.frontiers].map(([size, f]) => [size, rootOfFrontier(f)]));
  return { size: tree.size, roots, frontiers: tree.frontiers };
}

function packLeaves(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(32 * size);
  let at = 0;
  for (const c of chunks) {
    if (at >= out.length) break;
    const part = c.subarray(0, Math.min(c.length, out.length - at));
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** With every remembered leaf hash: the first entry whose leaf differs now. */
function firstChangedLeaf(state: LogState, chunks: readonly Uint8Array[]): ChainFinding | null {
  const old = state.leaves;
  if (!old || old.length !== 32 * state.size) return null;
  let i = 0;
  for (const c of chunks) {
    for (let at = 0; at < c.length && i < state.size; at += 32, i++) {
      for (let b = 0; b < 32; b++) {
        if (c[at + b] !== old[32 * i + b]) {
          return { seq: i + 1, problem: `entry ${i + 1} changed since the checkpoint of size ${state.size} this verifier saw` };
        }
      }
    }
  }
  return null;
}

/** The first remembered subtree whose hash changed names the earliest entries that may have been altered. */
function changedSince(state: LogState, frontier: readonly Hash[]): ChainFinding {
  const ranges = state.size === 0 ? [] : rangeNodes(0, state.size);
  for (const [i, node] of ranges.entries()) {
    const remembered = fromBase64(state.frontier[i] ?? '');
    if (!remembered || !hashEquals(remembered, frontier[i]!)) {
      const from = node.index * 2 ** node.level + 1;
      const to = (node.index + 1) * 2 ** node.level;
      return { seq: from, problem: `entries ${from}–${to} changed since the checkpoint of size ${state.size} this verifier saw` };
    }
  }
  return { seq: 1, problem: `the tree of size ${state.size} differs from the checkpoint this verifier saw` };
}
