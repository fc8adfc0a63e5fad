// `trove witness keygen|serve`: a C2SP tlog-witness for Trove's audit log (or any log), run by an
// auditor on another port or machine. Needs none of Trove's configuration, only its own files.
import { writeFile } from 'node:fs/promises';
import { systemClock } from '../clock.ts';
import { jsonLog } from '../deps.ts';
import { KEY_TYPE_COSIGNATURE_V1, generateNoteKey } from '../features/audit/tlog/note-keys.ts';
import { isValidKeyName } from '../features/audit/tlog/signed-note.ts';
import { runWitness, WitnessSetupError } from '../witness/run-witness.ts';
import { output, parse, UsageError } from './args.ts';

export const DEFAULT_WITNESS_PORT = 8790;

export const WITNESS_HELP = `Usage: trove witness keygen --name NAME --out FILE [--json]
       trove witness serve --key-file FILE --state FILE --log ORIGIN=VKEY [--log …]
                           [--host 127.0.0.1] [--port ${DEFAULT_WITNESS_PORT}] [--json]

keygen  writes a new witness signer key to FILE (mode 0600; an existing file is never
        overwritten) and prints its cosignature vkey, which verifiers pin. NAME is how the
        witness is known, e.g. witness.example.org/ada.
serve   cosigns (c2sp.org/tlog-witness) checkpoints of the logs given by --log (origin and
        log vkey, as "trove audit log-key" prints it), only when consistent with the last
        one it cosigned for that log, which --state FILE remembers across restarts. A fork
        or rollback is refused and logged on stderr as an error line. Serves
        POST /add-checkpoint and GET /<sha256 hex of origin>/checkpoint. --port 0 picks a
        free port; --json prints {"url":…,"vkey":…} once listening. Stops on SIGINT/SIGTERM.`;

export async function witnessCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'keygen') return keygen(rest);
  if (sub === 'serve') return serve(rest);
  throw new UsageError('usage: trove witness keygen|serve … (trove witness --help)');
}

async function keygen(argv: string[]): Promise<number> {
  const { values } = parse(argv, { name: { type: 'string' }, out: { type: 'string' } });
  if (!values.name || !values.out) throw new UsageError('witness keygen needs --name NAME and --out FILE');
  if (!isValidKeyName(values.name)) throw new UsageError('a witness name has no spaces and no "+"');
  const { skey, vkey } = await generateNoteKey(values.name, KEY_TYPE_COSIGNATURE_V1);
  try {
    await writeFile(values.out, `${skey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    throw new UsageError(`cannot create ${values.out}: ${err instanceof Error ? err.message : err}`);
  }
  output(values.json, { vkey, key_file: values.out }, `witness key written to ${values.out} (mode 0600)\nvkey: ${vkey}`);
  return 0;
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    'key-file': { type: 'string' },
    state: { type: 'string' },
    log: { type: 'string', multiple: true },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: String(DEFAULT_WITNESS_PORT) },
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be 0 … 65535 (got ${values.port})`);
  if (!values['key-file'] || !values.state) throw new UsageError('witness serve needs --key-file FILE and --state FILE');
  const log = jsonLog((line) => process.stderr.write(`${line}\n`), systemClock);
  let running: Awaited<ReturnType<typeof runWitness>>;
  try {
    running = await runWitness({ host: values.host, port, keyFile: values['key-file'], stateFile: values.state, logs: values.log ?? [], log });
  } catch (err) {
    if (err instanceof WitnessSetupError) throw new UsageError(err.message);
    throw err;
  }
  output(
    values.json,
    { url: running.url, vkey: running.vkey },
    `Trove witness ${running.name} listening on ${running.url}\nvkey: ${running.vkey}\nwitnessing: ${running.origins.join(', ')}`,
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1; // keep serving
}
