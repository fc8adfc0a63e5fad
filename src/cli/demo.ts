// `trove demo [--shop stride|pace] [--public-url URL] [--json]`: seeds a demo shop ("Stride
// & Co" or "Pace Running": a client with a secret, the agreements it accepts, its callback
// and webhook on the demo site) once, keeps its credentials in the data directory (0600,
// like the development master key), and prints how to try the whole flow. Running it again
// reuses the registration. With --url it seeds a remote Trove (a Worker too) and keeps the
// credentials here, for the demo site to use against it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOPS, shopOf } from '../features/operators/demo-shops.ts';
import type { Config } from '../config.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';
import { withOperations } from './operations.ts';

export const DEMO_HELP = `Usage: trove demo [--shop stride|pace] [--public-url URL] [--url TROVE_URL] [--json]

Registers a demo shop (once; later runs reuse it) with its callback and webhook under
--public-url: "Stride & Co" (--shop stride, the default; http://localhost:8788, where npm
run demo serves it; accepts sd-base) or "Pace Running" (--shop pace; http://localhost:8789;
accepts sd-base and sd-portability). Both answer market intents under terms they accept
with an offer. Prints how to try the whole flow; --json prints the client credentials.
--url (or TROVE_URL, with TROVE_OPERATOR_TOKEN) seeds a remote Trove instead.`;

export type DemoBrand = { shop: string; client_id: string; client_secret: string; public_url: string; trove_origin: string };

const DEFAULT_PORTS: Record<string, number> = { stride: 8788, pace: 8789 };

export function demoBrandFile(config: Config, shop = 'stride'): string {
  return join(config.dataDir, shop === 'stride' ? 'demo-brand.json' : `demo-brand-${shop}.json`);
}

export async function demoCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(argv, { 'public-url': { type: 'string' }, shop: { type: 'string' }, url: { type: 'string' } }, 0);
  if (values.help) return help(DEMO_HELP);
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (values.shop && !(values.shop in SHOPS)) throw new UsageError(`--shop: choose ${Object.keys(SHOPS).join(' or ')}`);
  const shop = shopOf(values.shop);
  let publicUrl: string;
  try {
    publicUrl = new URL(values['public-url'] ?? `http://localhost:${DEFAULT_PORTS[shop.key]}`).origin;
  } catch {
    throw new UsageError('--public-url must be an absolute http(s) URL');
  }
  return withOperations(config, values.url, async (ops) => {
    const file = demoBrandFile(config, shop.key);
    let demo: DemoBrand | null = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoBrand) : null;
    // A kept registration is reused only on the Trove it was made on (the local one, or the --url one).
    const live = demo && demo.trove_origin === ops.origin ? await ops.showBrand(demo.client_id).catch(() => null) : null;
    if (!demo || live?.status !== 'active' || demo.public_url !== publicUrl || demo.shop !== shop.key) {
      demo = await ops.seedDemo({ shop: shop.key, public_url: publicUrl });
      writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
    }
    output(
      values.json,
      demo,
      [
        `Demo shop "${shop.name}": ${demo.client_id} (accepts ${shop.accepts.join(', ')})`,
        '',
        'Try the whole flow (npm run demo starts both for you):',
        `  1. Open ${ops.origin}, sign up with a passkey and fill in your shoe and clothing sizes.`,
        `  2. Open ${publicUrl} and choose "${shop.ask.heading}".`,
        '  3. Trove shows who is asking, what for and for how long; tick the optional items you want to share and approve.',
        '  4. The shop shows exactly what it received; every read appears in your activity.',
        '  5. Revoke the grant in Trove: the shop gets a signed revocation event, deletes your data and says so; its next read is refused.',
        '  6. In Trove, choose your terms (My terms), then publish an intent to the market: the shops that accept your terms answer with offers.',
      ].join('\n'),
    );
    return 0;
  });
}
