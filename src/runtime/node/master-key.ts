// Obtains the master key on Node: TROVE_MASTER_KEY when set; otherwise, in development
// only, a key file beside the database (created with mode 0600, announced loudly).
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.ts';
import type { Logger } from '../../deps.ts';
import { fromB64u, toB64u } from '../../crypto/encoding.ts';
import { randomBytes } from '../../crypto/random.ts';

export const DEV_KEY_FILE = 'master.key';

export function loadMasterKey(config: Config, log: Logger): Uint8Array {
  if (config.masterKey) return fromB64u(config.masterKey);
  if (config.production) throw new Error('TROVE_MASTER_KEY is required in production');
  const file = join(config.dataDir, DEV_KEY_FILE);
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const key = fromB64u(readFileSync(file, 'utf8').trim());
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64url key`);
    warn(log, file, 'using');
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, `${toB64u(key)}\n`, { mode: 0o600, flag: 'wx' });
  warn(log, file, 'created');
  return key;
}

function warn(log: Logger, file: string, verb: string) {
  log.warn(
    `DEVELOPMENT MODE: ${verb} a master key file at ${file}. Anyone who can read it can decrypt the vault. ` +
      'Set TROVE_MASTER_KEY (32 bytes, base64url) and NODE_ENV=production for real use.',
  );
}
