// `trove keys rotate [--signing|--master|--log]`: a new signing key (default), a new audit
// log key handed over in the log itself, or the move of the whole vault to a new master key (TROVE_MASTER_KEY = the new key, TROVE_PREVIOUS_MASTER_KEYS
// = the old one), re-wrapping every data key and private key in resumable batches.
// A remote Trove (--url) rotates only its signing key: the master and log keys are
// rotated where the configuration is (see the help text).
import type { Config } from '../config.ts';
import { jsonLog } from '../deps.ts';
import { systemClock } from '../clock.ts';
import { TroveError } from '../errors.ts';
import { rotateMasterKey } from '../features/keys/rotate-master.ts';
import { rotateLogKey } from '../features/keys/rotate-log.ts';
import { createNodeDeps } from '../runtime/node/deps.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';
import { isRemote, withOperations } from './operations.ts';
import { progress } from './progress.ts';

export const KEYS_HELP = `Usage: trove keys rotate [--signing | --log | --master] [--url URL] [--json]

  --signing   create a new Ed25519 signing key; the old one stays in the JWKS for the overlap (default).
              Every node picks it up within TROVE_KEY_CACHE_SECONDS (30 s), no restart needed.
  --log       replace the audit log key. The new key is announced in the log (keys.log_key_rotated)
              and a checkpoint covering it is signed by the old and the new key, so auditors who
              pinned the old key follow the hand-over; the old key then retires. Tell auditors the
              new key (trove audit log-key) all the same. Interrupted, run it again to finish.
  --master    move the vault to a new master key. Set TROVE_MASTER_KEY to the NEW key and
              TROVE_PREVIOUS_MASTER_KEYS to the current one (here and on every running node,
              restarting them), then run this: it makes a key-encryption key from the new
              key and re-wraps every data key and private key under it in batches. If it is
              interrupted, run it again to finish. When it reports done, remove
              TROVE_PREVIOUS_MASTER_KEYS everywhere and destroy the old key.
  --url URL   rotate the signing key of a remote Trove (or TROVE_URL; with TROVE_OPERATOR_TOKEN).
              --master and --log run only where the database and configuration are: a master
              key is never sent over the network, and a log-key hand-over waits out every
              node's key cache inside the command.`;

export async function keysCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { signing: { type: 'boolean' }, master: { type: 'boolean' }, log: { type: 'boolean' }, url: { type: 'string' } },
    1,
  );
  if (values.help) return help(KEYS_HELP);
  if (positionals[0] !== 'rotate') throw new UsageError(`unknown keys subcommand: ${positionals[0] ?? '(none)'}; try: trove keys rotate`);
  if ([values.signing, values.master, values.log].filter(Boolean).length > 1) throw new UsageError('choose one of --signing, --log or --master');
  if (!values.master && !values.log) {
    return withOperations(config, values.url, async (ops) => {
      const r = await ops.rotateSigningKey();
      output(values.json, r, `new signing key ${r.kid}; retired ${r.retired.join(', ') || 'none'} (still published during the overlap)`);
      return 0;
    });
  }
  if (isRemote(values.url))
    throw new UsageError(`--${values.master ? 'master' : 'log'} rotates only on a node with the database and configuration, not with --url (see --help)`);
  if (values.master && !config.previousMasterKeys.length) {
    throw new UsageError('--master needs the new key in TROVE_MASTER_KEY and the current one in TROVE_PREVIOUS_MASTER_KEYS (see --help)');
  }
  const log = jsonLog((line) => process.stderr.write(`${line}\n`), systemClock);
  const deps = await createNodeDeps(config, { log });
  try {
    if (values.master) {
      const bar = progress('re-wrapping keys', { json: values.json });
      const r = await rotateMasterKey(deps, { onBatch: (p) => bar.update(p.dataKeys + p.keys, p.dataKeys + p.keys + p.remaining) });
      bar.end();
      output(
        values.json,
        r,
        `key-encryption key v${r.from} → v${r.to} (from the new master key)${r.resumed ? ', resumed' : ''}; re-wrapped ${r.dataKeys} data keys and ${r.keys} private keys.\n` +
          'Done: remove TROVE_PREVIOUS_MASTER_KEYS on every node and destroy the old master key.',
      );
    } else {
      const r = await rotateLogKey(deps);
      output(
        values.json,
        r,
        `new audit log key ${r.vkey}${r.resumed ? ' (resumed)' : ''}\nhanded over in the checkpoint of size ${r.checkpoint}, signed by the old and the new key; retired ${r.old.join(', ')}`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof TroveError && err.status < 500) throw new UsageError(err.message);
    throw err;
  } finally {
    await deps.store.close();
  }
}
