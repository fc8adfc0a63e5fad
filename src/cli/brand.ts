// `trove brand add|list|show|disable`: registers brands (printing a generated secret once),
// lists them, shows one, and disables one, here or (--url) on a remote Trove.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { withOperations } from './operations.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';

export const BRAND_HELP = `Usage:
  trove brand add --name NAME --redirect-uri URI [--redirect-uri URI …]
                  (--jwks-file FILE | --jwks-uri URL | --secret)
                  [--homepage URL] [--logo-uri URL] [--policy-uri URL] [--contact TEXT] [--webhook-url URL]
                  [--accepts TERM[,TERM…]] [--json]
  trove brand list [--json]
  trove brand show CLIENT_ID [--json]
  trove brand disable CLIENT_ID [--json]
Each acts on a remote Trove with --url URL (or TROVE_URL) and TROVE_OPERATOR_TOKEN.

add prints the client id, and with --secret a client secret exactly once (only its hash is kept).
--jwks-file holds the brand's public keys for private_key_jwt (preferred).
--accepts names the agreements (roster ids, GET /v1/terms) the brand accepts; its requests may
be made only under one of them, and the directory (GET /v1/brands/{client_id}) lists them.`;

export async function brandCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'jwks-file': { type: 'string' },
      'jwks-uri': { type: 'string' },
      secret: { type: 'boolean' },
      homepage: { type: 'string' },
      'logo-uri': { type: 'string' },
      'policy-uri': { type: 'string' },
      contact: { type: 'string' },
      'webhook-url': { type: 'string' },
      accepts: { type: 'string', multiple: true },
      url: { type: 'string' },
    },
    2,
  );
  if (values.help) return help(BRAND_HELP);
  const [sub, arg] = positionals;
  if (sub === 'add') {
    if (!values.name) throw new UsageError('--name is required');
    if (!values['redirect-uri']?.length) throw new UsageError('at least one --redirect-uri is required');
    const methods = [values['jwks-file'], values['jwks-uri'], values.secret].filter(Boolean).length;
    if (methods !== 1) throw new UsageError('choose exactly one of --jwks-file, --jwks-uri or --secret');
    let jwks: unknown;
    if (values['jwks-file']) {
      try {
        jwks = JSON.parse(readFileSync(values['jwks-file'], 'utf8'));
      } catch (err) {
        throw new UsageError(`cannot read a JSON key set from ${values['jwks-file']}: ${err instanceof Error ? err.message : err}`);
      }
    }
    return withOperations(config, values.url, async (ops) => {
      const result = await ops.registerBrand({
        name: values.name,
        redirect_uris: values['redirect-uri'],
        homepage: values.homepage,
        logo_uri: values['logo-uri'],
        policy_uri: values['policy-uri'],
        contact: values.contact,
        webhook_url: values['webhook-url'],
        accepted_terms: values.accepts?.flatMap((a) =>
          a
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        ),
        auth: values.secret ? { method: 'client_secret_basic' } : { method: 'private_key_jwt', ...(jwks ? { jwks } : { jwks_uri: values['jwks-uri'] }) },
      });
      output(
        values.json,
        result,
        result.client_secret
          ? `client_id: ${result.client_id}\nclient_secret: ${result.client_secret}\n(the secret is shown only now; Trove keeps only its hash)`
          : `client_id: ${result.client_id}`,
      );
      return 0;
    });
  }
  if (sub === 'list') {
    return withOperations(config, values.url, async (ops) => {
      const brands = await ops.listBrands();
      output(values.json, brands, brands.map((b) => `${b.client_id}\t${b.status}\t${b.auth_method}\t${b.name}`).join('\n') || '(no brands)');
      return 0;
    });
  }
  if (sub === 'show') {
    if (!arg) throw new UsageError('brand show needs a CLIENT_ID');
    return withOperations(config, values.url, async (ops) => {
      const b = await ops.showBrand(arg);
      const human = [
        `client_id: ${b.client_id}`,
        `name: ${b.name}`,
        `status: ${b.status}`,
        `auth_method: ${b.auth_method}${b.jwks_uri ? ` (${b.jwks_uri})` : ''}`,
        `redirect_uris: ${b.redirect_uris.join(' ')}`,
        `accepts: ${b.accepted_terms.join(', ') || '(none)'}`,
        b.webhook_url ? `webhook_url: ${b.webhook_url}` : null,
        `registered: ${new Date(b.created_at).toISOString()}`,
      ];
      output(values.json, b, human.filter(Boolean).join('\n'));
      return 0;
    });
  }
  if (sub === 'disable') {
    if (!arg) throw new UsageError('brand disable needs a CLIENT_ID');
    return withOperations(config, values.url, async (ops) => {
      await ops.disableBrand(arg);
      output(values.json, { client_id: arg, status: 'disabled' }, `disabled ${arg}`);
      return 0;
    });
  }
  throw new UsageError(`unknown brand subcommand: ${sub ?? '(none)'}; try: trove brand add|list|show|disable`);
}
