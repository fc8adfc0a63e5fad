// Verification against pinned trust: checkpoints count only when a pinned log key signed
// them (and, when asked, k pinned witnesses cosigned them); the database's events must
// rebuild, leaf by leaf, the tree every trusted checkpoint names and the tree of the
// checkpoint this verifier saw last (its state). Nothing read from the database is
// trusted: not its keys, not its stored tree nodes, not its checkpoint columns.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ChainHead } from '../../db/audit-chain.ts';
import type { ChainFinding } from './chain-ranges.ts';
import { requireCosignatures } from './require-cosignatures.ts';
import { fromBase64, toBase64 } from './tlog/bytes.ts';
import { openCheckpoint } from './tlog/checkpoint.ts';
import { noteVerifier, parseVerifierKey } from './tlog/note-keys.ts';
import { hashEquals, type Hash } from './tlog/merkle.ts';
import { MerkleAppender } from './tlog/merkle-appender.ts';
import { rangeNodes } from './tlog/node-store.ts';
import { pagedChainWalk, type ChainWalk } from './paged-walk.ts';

/** What a verifier remembers of the last checkpoint it accepted (its state file, or the portal's storage). */
export type LogState = { size: number; root: string; frontier: string[]; note: string };

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
};

export type VerifyLogOptions = {
  /** Log verifier keys trusted to sign checkpoints (the pinned one first). */
  logKeys: readonly string[];
  state?: LogState | null;
  witnesses?: readonly string[];
  minWitnesses?: number;
  walk?: ChainWalk;
  trust?: LogVerdict['trust'];
};

type Trusted = { size: number; root: Hash; note: string; cosignatures: number };

export async function verifyLog(db: Kysely<Database>, opts: VerifyLogOptions): Promise<LogVerdict> {
  const findings: ChainFinding[] = [];
  const { trusted, bad: cpBad } = await trustedCheckpoints(db, opts);
  findings.push(...cpBad);
  const state = opts.state ?? null;
  const sizes = new Set([...trusted.map((t) => t.size), ...(state ? [state.size] : [])]);
  const walk = await (opts.walk ?? pagedChainWalk(db))(new Set(), { leaves: true });
  if (walk.bad) findings.push(walk.bad);
  const built = buildTree(walk.leaves, sizes, new Set([state?.size ?? 0, trusted.at(-1)?.size ?? 0]));
  const good = built.size;

  if (state) {
    if (state.size > good) {
      if (!walk.bad)
        findings.push({
          seq: good + 1,
          problem: `the log has ${good} entries but this verifier has seen a checkpoint of size ${state.size}: entries ${good + 1}–${state.size} are missing (truncated, or an older copy restored)`,
        });
    } else if (!hashEquals(built.roots.get(state.size)!, fromBase64(state.root)!)) {
      findings.push(changedSince(state, built.frontiers.get(state.size)!));
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
  findings.sort((a, b) => a.seq - b.seq);
  const first = findings[0] ?? null;
  const latest = trusted.at(-1) ?? null;
  const stateOut: LogState | null =
    first === null && latest
      ? { size: latest.size, root: toBase64(latest.root), frontier: built.frontiers.get(latest.size)!.map(toBase64), note: latest.note }
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
  };
}

/** The stored checkpoints a pinned key signed (and k witnesses cosigned, when asked), ascending; and every row that fails. */
async function trustedCheckpoints(db: Kysely<Database>, opts: VerifyLogOptions): Promise<{ trusted: Trusted[]; bad: ChainFinding[] }> {
  const keys = opts.logKeys.map((k) => parseVerifierKey(k));
  const verifiers = keys.map(noteVerifier);
  const rows = await db.selectFrom('log_checkpoints').selectAll().orderBy('size').execute();
  const trusted: Trusted[] = [];
  const bad: ChainFinding[] = [];
  for (const row of rows) {
    const size = Number(row.size);
    try {
      const { checkpoint } = await openCheckpoint(row.note, verifiers, keys[0]!.name);
      if (checkpoint.size !== size || toBase64(checkpoint.rootHash) !== row.root) throw new Error('its row differs from what was signed');
      let cosignatures = 0;
      if (opts.witnesses?.length) {
        const check = await requireCosignatures(row.note, opts.witnesses, Math.min(opts.minWitnesses ?? 1, new Set(opts.witnesses).size));
        cosignatures = check.cosigned.length;
        if (!check.ok) continue; // log-signed but not witnessed enough: not an anchor for this verifier
      }
      trusted.push({ size, root: checkpoint.rootHash, note: row.note, cosignatures });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      // What it claimed to cover, from the last checkpoint that did verify, is unanchored.
      bad.push({ seq: (trusted.at(-1)?.size ?? 0) + 1, problem: `the checkpoint of size ${size} does not verify with the log key (${why})` });
    }
  }
  return { trusted, bad };
}

/** Rebuilds the tree over the walked leaves, remembering the root at each wanted size and the frontier at a few. */
function buildTree(chunks: readonly Uint8Array[], sizes: ReadonlySet<number>, frontierAt: ReadonlySet<number>) {
  const tree = new MerkleAppender();
  const roots = new Map<number, Hash>();
  const frontiers = new Map<number, Hash[]>();
  const note = () => {
    if (sizes.has(tree.size)) roots.set(tree.size, tree.root());
    if (frontierAt.has(tree.size)) frontiers.set(tree.size, tree.frontier());
  };
  note();
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += 32) {
      tree.append(chunk.subarray(at, at + 32));
      note();
    }
  }
  return { size: tree.size, roots, frontiers };
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
