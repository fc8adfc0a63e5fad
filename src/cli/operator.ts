// `trove operator token create|list|revoke`: the operator API's credentials. create
// prints a new token exactly once (Trove keeps only its hash); list shows ids, names and
// status, never tokens; revoke refuses a token from the next call on. Here, or with --url
// on a remote Trove (where a Worker's first operator is its TROVE_OPERATOR_TOKEN secret).
import type { Config } from '../config.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';
import { withOperations } from './operations.ts';

export const OPERATOR_HELP = `Usage:
  trove operator token create [--name NAME] [--json]
  trove operator token list [--json]
  trove operator token revoke TOKEN_ID [--json]

create prints a new operator token once (only its hash is kept). Give it to the remote CLI
as TROVE_OPERATOR_TOKEN with TROVE_URL (or --url), or send it as Authorization: Bearer
to the operator API (/admin/…). Every call made with it is audited under its id.
On Workers, set the secret TROVE_OPERATOR_TOKEN (wrangler secret put) instead; with it,
these commands also create and revoke tokens on the Worker (--url).`;

export async function operatorCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(argv, { name: { type: 'string' }, url: { type: 'string' } }, 3);
  if (values.help) return help(OPERATOR_HELP);
  const [what, sub, arg] = positionals;
  if (what !== 'token') throw new UsageError(`unknown operator subcommand: ${what ?? '(none)'}; try: trove operator token create|list|revoke`);
  if (sub === 'create') {
    if (arg) throw new UsageError(`unexpected argument: ${arg}`);
    return withOperations(config, values.url, async (ops) => {
      const t = await ops.createOperatorToken({ name: values.name });
      output(
        values.json,
        t,
        [`token_id: ${t.id}`, `name: ${t.name}`, `token: ${t.token}`, '(the token is shown only now; Trove keeps only its hash)'].join('\n'),
      );
      return 0;
    });
  }
  if (sub === 'list') {
    return withOperations(config, values.url, async (ops) => {
      const all = await ops.listOperatorTokens();
      output(values.json, all, all.map((t) => `${t.id}\t${t.status}\t${t.created_at}\t${t.name}`).join('\n') || '(no operator tokens)');
      return 0;
    });
  }
  if (sub === 'revoke') {
    if (!arg) throw new UsageError('operator token revoke needs a TOKEN_ID');
    return withOperations(config, values.url, async (ops) => {
      await ops.revokeOperatorToken(arg);
      output(values.json, { id: arg, status: 'revoked' }, `revoked ${arg}`);
      return 0;
    });
  }
  throw new UsageError(`unknown operator token subcommand: ${sub ?? '(none)'}; try: trove operator token create|list|revoke`);
}
