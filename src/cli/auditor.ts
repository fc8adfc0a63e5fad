// `trove auditor add|list|disable|enrol-link`: auditor accounts, here or (--url) on a
// remote Trove. add prints the API token and a one-time portal enrolment link exactly
// once (only hashes are kept); revoke is another name for disable.
import type { Config } from '../config.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';
import { withOperations } from './operations.ts';

export const AUDITOR_HELP = `Usage:
  trove auditor add --name NAME [--brand CLIENT_ID …] [--json]
  trove auditor list [--json]
  trove auditor disable|revoke AUDITOR_ID [--json]
  trove auditor enrol-link AUDITOR_ID [--json]

add creates an auditor scoped to the given brands (every brand when none is given) and
prints its API token and a portal enrolment link (valid 24 h) exactly once.
disable refuses the token and ends the auditor's sessions at once.
enrol-link issues a fresh one-time link for enrolling another passkey.
Each acts on a remote Trove with --url URL (or TROVE_URL) and TROVE_OPERATOR_TOKEN.`;

export async function auditorCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(argv, { name: { type: 'string' }, brand: { type: 'string', multiple: true }, url: { type: 'string' } }, 2);
  if (values.help) return help(AUDITOR_HELP);
  const [sub, arg] = positionals;
  if (sub === 'add') {
    if (!values.name) throw new UsageError('--name is required');
    if (arg) throw new UsageError(`unexpected argument: ${arg}`);
    return withOperations(config, values.url, async (ops) => {
      const a = await ops.addAuditor({ name: values.name!, brands: values.brand });
      output(
        values.json,
        a,
        [
          `auditor_id: ${a.id}`,
          `scope: ${a.brands ? a.brands.join(', ') : 'all brands'}`,
          `token: ${a.token}`,
          `enrol_url: ${a.enrol_url} (one use, until ${a.enrol_expires_at})`,
          '(the token and link are shown only now; Trove keeps only their hashes)',
        ].join('\n'),
      );
      return 0;
    });
  }
  if (sub === 'list') {
    return withOperations(config, values.url, async (ops) => {
      const all = await ops.listAuditors();
      output(
        values.json,
        all,
        all.map((a) => `${a.id}\t${a.status}\t${a.brands ? a.brands.join(',') : 'all'}\t${a.passkeys} passkey(s)\t${a.name}`).join('\n') || '(no auditors)',
      );
      return 0;
    });
  }
  if (sub === 'disable' || sub === 'revoke' || sub === 'enrol-link') {
    if (!arg) throw new UsageError(`auditor ${sub} needs an AUDITOR_ID`);
    return withOperations(config, values.url, async (ops) => {
      if (sub !== 'enrol-link') {
        await ops.revokeAuditor(arg);
        output(values.json, { id: arg, status: 'disabled' }, `disabled ${arg}`);
      } else {
        const link = await ops.enrolLink(arg);
        output(values.json, { id: arg, ...link }, `enrol_url: ${link.enrol_url} (one use, until ${link.enrol_expires_at})`);
      }
      return 0;
    });
  }
  throw new UsageError(`unknown auditor subcommand: ${sub ?? '(none)'}; try: trove auditor add|list|disable|revoke|enrol-link`);
}
