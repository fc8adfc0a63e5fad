// The witness's memory: per log origin, the last checkpoint it cosigned, in one JSON file that is
// replaced whole (temp file, fsync, rename, fsync of the folder) so a crash leaves old or new, never half.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromBase64, toBase64 } from '../features/audit/tlog/bytes.ts';
import { parseCheckpoint } from '../features/audit/tlog/checkpoint.ts';
import { hashEquals, type Hash } from '../features/audit/tlog/merkle.ts';
import { parseNote } from '../features/audit/tlog/signed-note.ts';

/** What a witness remembers of one log: the size and root it cosigned, and the cosigned note it serves. */
export type WitnessRecord = { readonly size: number; readonly rootHash: Hash; readonly checkpoint: string };
export type WitnessState = ReadonlyMap<string, WitnessRecord>;

export const STATE_FORMAT = 'trove-witness-state/v1';

/**
 * Reads the state; a missing file is a witness that has cosigned nothing yet. Anything unreadable
 * throws: starting from empty instead would let the witness cosign a fork of what it saw before.
 */
export async function loadState(file: string): Promise<Map<string, WitnessRecord>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const bad = (why: string) => new Error(`witness state ${file} is unreadable (${why}); refusing to start from an empty state`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const { format, logs } = (json ?? {}) as { format?: unknown; logs?: unknown };
  if (format !== STATE_FORMAT || typeof logs !== 'object' || logs === null) throw bad(`not ${STATE_FORMAT}`);
  const state = new Map<string, WitnessRecord>();
  for (const [origin, entry] of Object.entries(logs)) {
    const { size, root_hash, checkpoint } = (entry ?? {}) as { size?: unknown; root_hash?: unknown; checkpoint?: unknown };
    const rootHash = typeof root_hash === 'string' ? fromBase64(root_hash) : null;
    if (typeof size !== 'number' || !rootHash || typeof checkpoint !== 'string') throw bad(`log ${JSON.stringify(origin)}`);
    let body: ReturnType<typeof parseCheckpoint>;
    try {
      body = parseCheckpoint(parseNote(checkpoint).text);
    } catch {
      throw bad(`log ${JSON.stringify(origin)}: its checkpoint does not parse`);
    }
    if (body.origin !== origin || body.size !== size || !hashEquals(body.rootHash, rootHash)) {
      throw bad(`log ${JSON.stringify(origin)}: size or root differs from its checkpoint`);
    }
    state.set(origin, { size, rootHash, checkpoint });
  }
  return state;
}

export function formatState(state: WitnessState): string {
  const logs: Record<string, { size: number; root_hash: string; checkpoint: string }> = {};
  for (const [origin, r] of [...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    logs[origin] = { size: r.size, root_hash: toBase64(r.rootHash), checkpoint: r.checkpoint };
  }
  return `${JSON.stringify({ format: STATE_FORMAT, logs }, null, 2)}\n`;
}

/** Replaces the file with `state`; resolves only once the new content is durable. */
export async function saveState(file: string, state: WitnessState): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(formatState(state));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  // The rename itself is durable only once the folder is synced.
  const folder = await open(dirname(file), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
