// Assembles a witness from its files and flags: the signer key, the logs it witnesses (origin and
// log vkeys), the state file; then serves it. Bad flags or key throw WitnessSetupError before listening.
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../deps.ts';
import { cosigner } from '../features/audit/tlog/cosignature.ts';
import { noteVerifier } from '../features/audit/tlog/note-keys.ts';
import type { NoteVerifier } from '../features/audit/tlog/signed-note.ts';
import { loadState, saveState } from './state-file.ts';
import { startWitnessServer } from './witness-http.ts';
import { witnessService } from './witness-service.ts';

export class WitnessSetupError extends Error {
  override name = 'WitnessSetupError';
}

export type WitnessOptions = {
  host: string;
  port: number;
  keyFile: string;
  stateFile: string;
  /** "ORIGIN=VKEY" each; one origin may be given several keys (a log key rotation). */
  logs: readonly string[];
  log: Logger;
  /** POSIX seconds written into each cosignature. */
  now?: () => number;
};

/** Splits "ORIGIN=VKEY" at the first "=" (a vkey's base64 may end in "=", an origin may not hold one). */
export function parseLogFlags(flags: readonly string[]): Map<string, NoteVerifier[]> {
  const logs = new Map<string, NoteVerifier[]>();
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const origin = flag.slice(0, Math.max(at, 0));
    if (at <= 0) throw new WitnessSetupError(`--log wants ORIGIN=VKEY (got ${JSON.stringify(flag)})`);
    let verifier: NoteVerifier;
    try {
      verifier = noteVerifier(flag.slice(at + 1));
    } catch (err) {
      throw new WitnessSetupError(`--log ${origin}: not an Ed25519 log vkey (${err instanceof Error ? err.message : err})`);
    }
    logs.set(origin, [...(logs.get(origin) ?? []), verifier]);
  }
  if (logs.size === 0) throw new WitnessSetupError('give at least one --log ORIGIN=VKEY: a witness cosigns only logs it knows');
  return logs;
}

export async function runWitness(opts: WitnessOptions) {
  const logs = parseLogFlags(opts.logs);
  let skey: string;
  try {
    skey = (await readFile(opts.keyFile, 'utf8')).trim();
    if (((await stat(opts.keyFile)).mode & 0o077) !== 0) {
      opts.log.warn(`key file ${opts.keyFile} is readable by others: chmod 600 it`);
    }
  } catch (err) {
    throw new WitnessSetupError(`cannot read the key file ${opts.keyFile}: ${err instanceof Error ? err.message : err}`);
  }
  const now = opts.now ?? (() => Date.now() / 1000);
  let signer: Awaited<ReturnType<typeof cosigner>>;
  try {
    signer = await cosigner(skey, now);
  } catch (err) {
    throw new WitnessSetupError(`${opts.keyFile} holds no witness signer key (${err instanceof Error ? err.message : err})`);
  }
  // An unreadable state file is a failure (exit 1), never an empty witness.
  const state = await loadState(opts.stateFile);
  const service = witnessService({ logs, cosigner: signer, state, save: (s) => saveState(opts.stateFile, s), log: opts.log });
  const server = await startWitnessServer(service, { host: opts.host, port: opts.port, log: opts.log });
  return { url: server.url, vkey: signer.vkey, name: signer.name, origins: [...logs.keys()], close: server.close };
}
