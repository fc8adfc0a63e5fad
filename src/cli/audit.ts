// `trove audit verify|export|checkpoint`: verify walks the hash chain and checks the signed
// checkpoints (exit 0 when intact, 1 with the first bad sequence number); with --export
// it checks a handed-over JSON Lines export offline against a JWKS file, naming the
// first bad line. export streams the log (as the operator, itself audited) to a file;
// checkpoint signs one at the current head on demand.
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Config } from '../config.ts';
import type { PublicJwk } from '../crypto/signing.ts';
import { checkpointNow } from '../features/audit/checkpoint.ts';
import { verifyAuditLog } from '../features/audit/verify.ts';
import { verifyExport } from '../features/audit/verify-export.ts';
import { OPERATOR_REVIEWER } from '../features/auditors/accounts.ts';
import { startExport } from '../features/auditors/audit-export.ts';
import { eventFilter } from '../features/auditors/event-filter.ts';
import { publicSigningKeys } from '../features/keys/keyring.ts';
import { openExisting } from '../runtime/node/deps.ts';
import { fastChainWalk } from '../runtime/store/sqlite/index.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';
import { withDeps } from './with-deps.ts';

export const AUDIT_HELP = `Usage:
  trove audit verify [--database FILE|URL] [--json]
  trove audit verify --export FILE --jwks FILE [--json]
  trove audit checkpoint [--json]
  trove audit export [--format jsonl|csv] [--out FILE] [--brand ID] [--consumer ID] [--grant ID]
                     [--action NAME] [--outcome success|denied|failure] [--attribute NAME] [--from T] [--to T]

verify recomputes every audit event's hash and link and checks the signed checkpoints.
Exits 0 when the log is intact, 1 naming the first bad sequence number otherwise.
Needs no master key. --database defaults to the configured database.
With --export it checks an exported JSON Lines file (from GET /v1/audit/export or
trove audit export) without any database: every line's hash, the links, the signed
checkpoints and the signed trailer, against the public keys in the --jwks file
(e.g. a saved copy of /.well-known/jwks.json). Exit 1 names the first bad line.
checkpoint signs a checkpoint at the current head now (they are otherwise signed every
1,000 events), so a verifier can pin the log as it stands.
export writes the log (or the filtered part) to --out or standard output.`;

const FILTERS = ['brand', 'consumer', 'grant', 'action', 'outcome', 'attribute', 'from', 'to'] as const;

export async function auditCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      database: { type: 'string' },
      export: { type: 'string' },
      jwks: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      ...Object.fromEntries(FILTERS.map((f) => [f, { type: 'string' as const }])),
    },
    1,
  );
  if (values.help) return help(AUDIT_HELP);
  if (positionals[0] === 'export') return exportCommand(values, config);
  if (positionals[0] === 'checkpoint') {
    return withDeps(config, async (deps) => {
      const head = await checkpointNow(deps);
      output(values.json, head, head ? `signed checkpoint at seq ${head.seq} (head ${head.hash})` : 'the log is empty: nothing to sign');
      return 0;
    });
  }
  if (positionals[0] !== 'verify') throw new UsageError(`unknown audit subcommand: ${positionals[0] ?? '(none)'}; try: trove audit verify|export|checkpoint`);
  if (values.export !== undefined || values.jwks !== undefined) return verifyExportFile(values.export, values.jwks, values.json);
  const store = await openExisting(config, values.database);
  try {
    const result = await verifyAuditLog(store.db, await publicSigningKeys({ store }), fastChainWalk(store));
    const human = result.ok
      ? `audit log intact: ${result.checked} events, ${result.checkpoints} signed checkpoints, head ${result.head?.seq ?? 0}`
      : `audit log TAMPERED: first bad sequence number ${result.first_bad_seq} (${result.problem})`;
    output(values.json, result, human);
    return result.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${what} from ${file}: ${err instanceof Error ? err.message : err}`);
  }
}

async function verifyExportFile(file: string | undefined, jwksFile: string | undefined, json?: boolean): Promise<number> {
  if (!file || !jwksFile) throw new UsageError('verify --export needs both --export FILE and --jwks FILE');
  const jwks = readJson(jwksFile, 'a JSON key set') as { keys?: PublicJwk[] };
  if (!Array.isArray(jwks?.keys)) throw new UsageError(`${jwksFile} is not a JWKS (no "keys" array)`);
  const input = createReadStream(file, 'utf8');
  const opened = once(input, 'open').catch((err: Error) => {
    throw new UsageError(`cannot read ${file}: ${err.message}`);
  });
  await opened;
  const result = await verifyExport(createInterface({ input, crlfDelay: Infinity }), { keys: jwks.keys });
  const human = result.ok
    ? `export intact: ${result.events} events, ${result.checkpoints} signed checkpoints, ${result.complete ? 'complete log' : 'filtered part of the log'}, head ${result.head?.seq ?? 0}`
    : `export TAMPERED: first bad line ${result.first_bad_line}${result.first_bad_seq ? ` (seq ${result.first_bad_seq})` : ''}: ${result.problem}`;
  output(json, result, human);
  return result.ok ? 0 : 1;
}

async function exportCommand(values: Record<string, string | boolean | undefined>, config: Config): Promise<number> {
  const format = (values.format as string | undefined) ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format must be jsonl or csv');
  const parsed = eventFilter.safeParse(Object.fromEntries(FILTERS.filter((f) => values[f] !== undefined).map((f) => [f, values[f]])));
  if (!parsed.success) throw new UsageError(`bad filter: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return withDeps(config, async (deps) => {
    const chunks = await startExport(deps, OPERATOR_REVIEWER, format, parsed.data);
    const out = typeof values.out === 'string' ? createWriteStream(values.out, { mode: 0o600 }) : process.stdout;
    for await (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
    if (out !== process.stdout)
      await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
    return 0;
  });
}
