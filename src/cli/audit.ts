// `trove audit verify|log-key|checkpoint|export`: verify (audit-verify.ts) checks the log
// against a pinned log key, or with --export a handed-over JSON Lines export offline;
// log-key prints the verifier key auditors pin; checkpoint signs one now; export streams
// the log (as the operator, itself audited) to a file. With --url, export and the
// self-check act on a remote Trove through its operator API.
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Config } from '../config.ts';
import type { PublicJwk } from '../crypto/signing.ts';
import { advanceLog } from '../features/audit/log-checkpoint.ts';
import { storedLogKeys } from '../features/audit/verify.ts';
import { verifyExport } from '../features/audit/verify-export.ts';
import { eventFilter } from '../features/auditors/event-filter.ts';
import { openExisting } from '../runtime/node/deps.ts';
import { report, verifyCommand } from './audit-verify.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';
import { isRemote, withOperations } from './operations.ts';
import { withDeps } from './with-deps.ts';

export const AUDIT_HELP = `Usage:
  trove audit log-key [--database FILE|URL] [--json]
  trove audit verify --log-key VKEY [--state FILE] [--witness VKEY ... [--min-witnesses K]] [--max-unsigned N]
                     [--database FILE|URL] [--json]
  trove audit verify [--database FILE|URL] [--json]
  trove audit verify --export FILE --jwks FILE [--log-key VKEY ...] [--json]
  trove audit checkpoint [--json]
  trove audit export [--format jsonl|csv] [--out FILE] [--brand ID] [--consumer ID] [--grant ID]
                     [--action NAME] [--outcome success|denied|failure] [--attribute NAME] [--from T] [--to T]
  trove audit verify|export --url URL [...]     (or TROVE_URL; with TROVE_OPERATOR_TOKEN)

log-key prints the log's verifier key (C2SP vkey). Record it out of band, once: it is
what verify trusts, never the keys in the database.
verify --log-key rebuilds the Merkle tree from every event and requires it to match every
checkpoint the pinned key signed and the checkpoint this verifier saw last (kept in
--state FILE, by default ~/.local/state/trove/audit-state-<key>.json, updated when the
log verifies). --witness (repeatable) requires --min-witnesses K (default: all) of those
witnesses to have cosigned the checkpoints it trusts. --max-unsigned N fails when more than
N events follow the newest trusted checkpoint (a verifier with no state file catches, this
way, a rewritten tail whose cosigned checkpoints were deleted). Exit 0 when intact, 1 naming the
first bad position. Needs no master key. --database defaults to the configured database.
Without --log-key, verify is the self-check: it trusts the log key stored in the database.
With --export it checks an exported JSON Lines file without any database: every line's
hash, the links, each checkpoint against the tree of the events before it (and, with
--log-key, its signature) and the signed trailer against the --jwks file (a saved copy
of /.well-known/jwks.json). Exit 1 names the first bad line.
checkpoint brings the tree up to date and signs a checkpoint now (the server otherwise
signs one every TROVE_CHECKPOINT_SECONDS and every 1,000 events) and prints it.
export writes the log (or the filtered part) to --out or standard output.
With --url, export streams a remote Trove's log and verify runs its self-check there; to
verify a remote log against your pinned key, export it and verify the file (--export).`;

const FILTERS = ['brand', 'consumer', 'grant', 'action', 'outcome', 'attribute', 'from', 'to'] as const;

export async function auditCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      database: { type: 'string' },
      export: { type: 'string' },
      jwks: { type: 'string' },
      'log-key': { type: 'string', multiple: true },
      state: { type: 'string' },
      witness: { type: 'string', multiple: true },
      'min-witnesses': { type: 'string' },
      'max-unsigned': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      url: { type: 'string' },
      ...Object.fromEntries(FILTERS.map((f) => [f, { type: 'string' as const }])),
    },
    1,
  );
  if (values.help) return help(AUDIT_HELP);
  if (positionals[0] === 'export') return exportCommand(values, config);
  const remote = isRemote(values.url);
  if (remote && positionals[0] !== 'verify') throw new UsageError(`audit ${positionals[0] ?? ''} runs only on a node with the database, not with --url`);
  if (positionals[0] === 'checkpoint') {
    return withDeps(config, async (deps) => {
      const cp = await advanceLog(deps);
      output(values.json, cp ?? null, cp ? cp.note.trimEnd() : 'the log is empty: nothing to sign');
      return 0;
    });
  }
  if (positionals[0] === 'log-key') {
    const store = await openExisting(config, values.database);
    try {
      const keys = await storedLogKeys(store.db);
      if (!keys.length) throw new UsageError('this database has no log key yet: start Trove once to create it');
      output(values.json, { log_keys: keys }, keys.join('\n'));
      return 0;
    } finally {
      await store.close();
    }
  }
  if (positionals[0] !== 'verify')
    throw new UsageError(`unknown audit subcommand: ${positionals[0] ?? '(none)'}; try: trove audit verify|log-key|checkpoint|export`);
  const logKeys = values['log-key'] ?? [];
  if (remote) return remoteSelfCheck(values, config);
  if (values.export !== undefined || values.jwks !== undefined) return verifyExportFile(values.export, values.jwks, values.json, logKeys);
  return verifyCommand(
    {
      database: values.database,
      logKeys,
      state: values.state,
      witnesses: values.witness ?? [],
      minWitnesses: values['min-witnesses'],
      maxUnsigned: values['max-unsigned'],
      json: values.json,
    },
    config,
  );
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${what} from ${file}: ${err instanceof Error ? err.message : err}`);
  }
}

async function verifyExportFile(file: string | undefined, jwksFile: string | undefined, json?: boolean, logKeys: string[] = []): Promise<number> {
  if (!file || !jwksFile) throw new UsageError('verify --export needs both --export FILE and --jwks FILE');
  const jwks = readJson(jwksFile, 'a JSON key set') as { keys?: PublicJwk[] };
  if (!Array.isArray(jwks?.keys)) throw new UsageError(`${jwksFile} is not a JWKS (no "keys" array)`);
  const input = createReadStream(file, 'utf8');
  const opened = once(input, 'open').catch((err: Error) => {
    throw new UsageError(`cannot read ${file}: ${err.message}`);
  });
  await opened;
  const result = await verifyExport(createInterface({ input, crlfDelay: Infinity }), { keys: jwks.keys }, { logKeys });
  const human = result.ok
    ? `export intact: ${result.events} events, ${result.checkpoints} checkpoints${logKeys.length ? ' signed by the pinned log key' : ' (signatures not checked: pass --log-key)'}, ${result.complete ? 'complete log' : 'filtered part of the log'}, head ${result.head?.seq ?? 0}`
    : `export TAMPERED: first bad line ${result.first_bad_line}${result.first_bad_seq ? ` (seq ${result.first_bad_seq})` : ''}: ${result.problem}`;
  output(json, result, human);
  return result.ok ? 0 : 1;
}

async function exportCommand(values: Record<string, string | string[] | boolean | undefined>, config: Config): Promise<number> {
  const format = (values.format as string | undefined) ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format must be jsonl or csv');
  const parsed = eventFilter.safeParse(Object.fromEntries(FILTERS.filter((f) => values[f] !== undefined).map((f) => [f, values[f]])));
  if (!parsed.success) throw new UsageError(`bad filter: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return withOperations(config, values.url as string | undefined, async (ops) => {
    const chunks = await ops.exportAudit(format, parsed.data);
    const out = typeof values.out === 'string' ? createWriteStream(values.out, { mode: 0o600 }) : process.stdout;
    for await (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
    if (out !== process.stdout)
      await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
    return 0;
  });
}

/** verify --url: the remote's self-check, printed as the local self-check prints it. */
async function remoteSelfCheck(values: Record<string, string | string[] | boolean | undefined>, config: Config): Promise<number> {
  const pinned = ['log-key', 'state', 'witness', 'min-witnesses', 'max-unsigned', 'export', 'jwks', 'database'].filter((f) => values[f] !== undefined);
  if (pinned.length)
    throw new UsageError(
      `--${pinned[0]} verifies on this machine, not with --url: export the remote log (trove audit export --url … --out FILE) and verify the file (--export FILE --jwks FILE --log-key …)`,
    );
  return withOperations(config, values.url as string | undefined, async (ops) => {
    const result = await ops.verifyAudit();
    report(
      values.json as boolean | undefined,
      result,
      `self-check of ${ops.origin} (trusts the log key stored there; export and verify the file against the key you pinned for more)`,
    );
    return result.ok ? 0 : 1;
  });
}
