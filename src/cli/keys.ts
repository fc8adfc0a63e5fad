// `trove keys rotate [--signing|--master]`: rotates the signing key (default) or the
// key-encryption key (re-wrapping every data key and private key).
import type { Config } from '../config.ts';
import { jsonLog } from '../deps.ts';
import { systemClock } from '../clock.ts';
import { rotateMasterKey } from '../features/keys/rotate-master.ts';
import { rotateSigningKey } from '../features/keys/rotate-signing.ts';
import { createNodeDeps } from '../runtime/node.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';

export const KEYS_HELP = `Usage: trove keys rotate [--signing | --master] [--json]

  --signing   create a new Ed25519 signing key; the old one stays in the JWKS for the overlap (default)
  --master    derive a new key-encryption key version and re-wrap every data key and private key`;

export async function keysCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(argv, { signing: { type: 'boolean' }, master: { type: 'boolean' } }, 1);
  if (values.help) return help(KEYS_HELP);
  if (positionals[0] !== 'rotate') throw new UsageError(`unknown keys subcommand: ${positionals[0] ?? '(none)'}; try: trove keys rotate`);
  if (values.signing && values.master) throw new UsageError('choose one of --signing or --master');
  const log = jsonLog((line) => process.stderr.write(`${line}\n`), systemClock);
  const deps = await createNodeDeps(config, { log });
  try {
    if (values.master) {
      const r = await rotateMasterKey(deps);
      output(values.json, r, `key-encryption key v${r.from} → v${r.to}; re-wrapped ${r.dataKeys} data keys and ${r.keys} private keys`);
    } else {
      const r = await rotateSigningKey(deps);
      output(values.json, r, `new signing key ${r.kid}; retired ${r.retired.join(', ') || 'none'} (still published during the overlap)`);
    }
    return 0;
  } finally {
    await deps.store.close();
  }
}
