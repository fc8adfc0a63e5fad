// `trove audit verify [--database …]`: walks the hash chain and checks the signed
// checkpoints; exit 0 when intact, 1 with the first bad sequence number otherwise.
import type { Config } from '../config.ts';
import { verifyAuditLog } from '../features/audit/verify.ts';
import { publicSigningKeys } from '../features/keys/keyring.ts';
import { openExisting } from '../runtime/node.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';

export const AUDIT_HELP = `Usage: trove audit verify [--database FILE|URL] [--json]

Recomputes every audit event's hash and link and checks the signed checkpoints.
Exits 0 when the log is intact, 1 naming the first bad sequence number otherwise.
Needs no master key. --database defaults to the configured database.`;

export async function auditCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(argv, { database: { type: 'string' } }, 1);
  if (values.help) return help(AUDIT_HELP);
  if (positionals[0] !== 'verify') throw new UsageError(`unknown audit subcommand: ${positionals[0] ?? '(none)'}; try: trove audit verify`);
  const store = await openExisting(config, values.database);
  try {
    const result = await verifyAuditLog(store.db, await publicSigningKeys({ store }));
    const human = result.ok
      ? `audit log intact: ${result.checked} events, ${result.checkpoints} signed checkpoints, head ${result.head?.seq ?? 0}`
      : `audit log TAMPERED: first bad sequence number ${result.first_bad_seq} (${result.problem})`;
    output(values.json, result, human);
    return result.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
