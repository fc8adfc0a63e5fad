// Signs C2SP checkpoints of the audit tree with the log key(s): whenever the log has new
// events, which the runtime asks for at least every config.checkpointMs and as soon as the
// log crosses a multiple of deps.checkpointEvery, so the unsigned tail stays small.
// A checkpoint is a row keyed by its size: two nodes signing the same size keep one.
import type { Deps } from '../../deps.ts';
import type { LogCheckpointRow } from '../../db/schema.ts';
import { latestCheckpoint } from './checkpoint-rows.ts';
import { extendTree } from './log-tree.ts';

export { latestCheckpoint };
import { witnessCheckpoint } from './log-witnessing.ts';
import { toBase64 } from './tlog/bytes.ts';
import { formatCheckpoint } from './tlog/checkpoint.ts';
import { signNote } from './tlog/signed-note.ts';

/**
 * Brings the tree up to the committed log and signs a checkpoint of it when it has grown
 * since the last one; then pushes the checkpoint to the configured witnesses. Returns the
 * latest checkpoint (new or not), or undefined while the log is empty.
 */
export async function advanceLog(deps: Deps): Promise<LogCheckpointRow | undefined> {
  const db = deps.store.db;
  const tree = await extendTree(deps);
  let latest = await latestCheckpoint(db);
  if (tree.size > 0 && (!latest || latest.size < tree.size)) {
    await deps.keys.fresh(deps.clock.now());
    const signers = deps.keys.logSigners;
    if (signers.length === 0) throw new Error('no audit log key; start Trove once to create it');
    // Every log key signs with the same name: the checkpoint origin, fixed when the first was made.
    const text = formatCheckpoint({ origin: signers[0]!.signer.name, size: tree.size, rootHash: tree.root, extensions: [] });
    const row = {
      size: tree.size,
      root: toBase64(tree.root),
      ts: deps.clock.now(),
      note: await signNote(
        text,
        signers.map((s) => s.signer),
      ),
    };
    await deps.store.commit({
      writes: [
        db
          .insertInto('log_checkpoints')
          .values(row)
          .onConflict((oc) => oc.column('size').doNothing()),
      ],
    });
    latest = await latestCheckpoint(db);
  }
  if (latest && deps.config.witnesses.length > 0) {
    await witnessCheckpoint(deps, latest);
    latest = await latestCheckpoint(db); // with the cosignatures gathered
  }
  return latest;
}
