// `trove audit verify`: against pinned trust (--log-key, the verifier key recorded out of
// band; --state, the checkpoint this verifier saw last; --witness/--min-witnesses) or, with
// none of those, the server's self-check, which trusts the keys in the database and says so.
// Exit 0 when intact, 1 naming the first bad position.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config.ts';
import { verifyLog, type LogState, type LogVerdict } from '../features/audit/verify-log.ts';
import { parseVerifierKey } from '../features/audit/tlog/note-keys.ts';
import { verifyAuditLog } from '../features/audit/verify.ts';
import { openExisting } from '../runtime/node/deps.ts';
import { fastChainWalk } from '../runtime/store/sqlite/index.ts';
import { output, UsageError } from './args.ts';

export type VerifyFlags = {
  database?: string;
  logKeys: string[];
  state?: string;
  witnesses: string[];
  minWitnesses?: string;
  maxUnsigned?: string;
  json?: boolean;
};

/** Where the state is kept when --state is not given: per log key, in the user's state directory. */
export function defaultStateFile(logKey: string): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  const tag = createHash('sha256').update(logKey).digest('hex').slice(0, 16);
  return join(base, 'trove', `audit-state-${tag}.json`);
}

function readState(file: string): LogState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read the state file ${file}: ${(err as Error).message}`);
  }
  const s = JSON.parse(text) as LogState;
  if (!Number.isSafeInteger(s?.size) || typeof s.root !== 'string' || !Array.isArray(s.frontier))
    throw new UsageError(`${file} is not a Trove audit state file`);
  // The leaf hashes beside it, when they are there and whole, locate a change exactly.
  try {
    const leaves = new Uint8Array(readFileSync(`${file}.leaves`));
    if (leaves.length === 32 * s.size) s.leaves = leaves;
  } catch {
    // without them, a change is located to a subtree
  }
  return s;
}

function replaceFile(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file); // a crash leaves the old file or the new, never half of one
}

function writeState(file: string, { leaves, ...state }: LogState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Leaves first: a state whose leaves file does not match its size ignores them.
  if (leaves) replaceFile(`${file}.leaves`, leaves);
  replaceFile(file, `${JSON.stringify(state)}\n`);
}

export async function verifyCommand(flags: VerifyFlags, config: Config): Promise<number> {
  for (const k of [...flags.logKeys, ...flags.witnesses]) {
    try {
      parseVerifierKey(k);
    } catch (err) {
      throw new UsageError(`not a verifier key: ${k.slice(0, 40)} (${(err as Error).message}); print the log's with trove audit log-key`);
    }
  }
  const min = flags.minWitnesses === undefined ? flags.witnesses.length : Number(flags.minWitnesses);
  if (!Number.isSafeInteger(min) || min < 0 || min > flags.witnesses.length)
    throw new UsageError(`--min-witnesses must be between 0 and the ${flags.witnesses.length} witnesses given`);
  if (flags.logKeys.length === 0 && (flags.state || flags.witnesses.length || flags.maxUnsigned !== undefined))
    throw new UsageError('--state, --witness and --max-unsigned need --log-key (the log key you pinned)');
  const maxUnsigned = flags.maxUnsigned === undefined ? undefined : Number(flags.maxUnsigned);
  if (maxUnsigned !== undefined && !(/^\d+$/.test(flags.maxUnsigned!) && Number.isSafeInteger(maxUnsigned)))
    throw new UsageError('--max-unsigned must be a whole number of events');
  const store = await openExisting(config, flags.database);
  try {
    if (flags.logKeys.length === 0) {
      const result = await verifyAuditLog(store.db, fastChainWalk(store));
      report(flags.json, result, 'self-check (trusts the log key stored in this database; pass --log-key to verify against the key you pinned)');
      return result.ok ? 0 : 1;
    }
    const stateFile = flags.state ?? defaultStateFile(flags.logKeys[0]!);
    const state = readState(stateFile);
    const result = await verifyLog(store.db, {
      logKeys: flags.logKeys,
      state,
      witnesses: flags.witnesses,
      minWitnesses: min,
      maxUnsigned,
      walk: fastChainWalk(store),
      keepLeaves: true,
    });
    if (result.ok && result.state) writeState(stateFile, result.state);
    report(
      flags.json,
      // The leaf hashes stay in the state's own file, out of the printed answer.
      { ...result, state: result.state && { ...result.state, leaves: undefined }, state_file: stateFile },
      state ? `consistent with the checkpoint of size ${state.size} seen before` : `no earlier checkpoint in ${stateFile}: this run is the first anchor`,
      flags.logKeys,
    );
    return result.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

export function report(json: boolean | undefined, r: LogVerdict & { state_file?: string }, trust: string, pinned: readonly string[] = []) {
  const followed = r.trust === 'pinned' ? r.log_keys.filter((k) => !pinned.includes(k)) : [];
  const cp = r.latest_checkpoint;
  const human = r.ok
    ? [
        `audit log intact: ${r.checked} events, head ${r.head?.seq ?? 0}`,
        cp
          ? `latest checkpoint: size ${cp.size}, signed by the log key${cp.cosignatures ? `, cosigned by ${cp.cosignatures} witness(es)` : ''}`
          : 'no checkpoint yet',
        r.unsigned ? `${r.unsigned} event(s) after it are chain-checked but not yet signed` : null,
        followed.length
          ? `the log key was handed over (announced in the log, signed by both keys) to ${followed.join(', ')}: add it to your pins, after the ones you have (the earlier checkpoints need them)`
          : null,
        trust,
      ]
        .filter(Boolean)
        .join('\n')
    : `audit log TAMPERED: first bad sequence number ${r.first_bad_seq} (${r.problem})`;
  output(json, r, human);
}
