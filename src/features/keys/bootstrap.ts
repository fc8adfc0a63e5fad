// First start: creates KEK v1, a signing key, the pairwise key and the audit log key,
// audited as one operator event. Later starts find them and change nothing. Several nodes may start
// at once on an empty database: one commit wins, and the others use what it created.
import type { BaseDeps } from '../../deps.ts';
import { deriveKek } from '../../crypto/envelope.ts';
import { kekRow, pairwiseKeyRow, signingKeyRow } from './key-rows.ts';
import { logKeyRow, logOrigin } from './log-key.ts';

const anyKey = (deps: BaseDeps) => deps.store.db.selectFrom('keys').select('id').limit(1).executeTakeFirst();

export async function bootstrapKeys(deps: BaseDeps, masterKey: Uint8Array): Promise<boolean> {
  if (await anyKey(deps)) return false;
  const ctx = { db: deps.store.db, sodium: deps.sodium, now: deps.clock.now() };
  const kek = deriveKek(deps.sodium, masterKey, 1);
  const signing = await signingKeyRow(ctx, kek, 1, 1);
  const log = await logKeyRow(ctx, logOrigin(deps.config.origin), kek, 1, 1);
  try {
    await deps.store.commit({
      writes: [kekRow(ctx, kek, 1), signing.insert, pairwiseKeyRow(ctx, kek, 1, 1), log.insert],
      audit: [
        {
          action: 'keys.created',
          outcome: 'success',
          actor_type: 'operator',
          detail: { kek_version: 1, signing_kid: signing.kid, pairwise_version: 1, log_key: log.vkey },
        },
      ],
    });
  } catch (err) {
    // Another node created the keys between our look and our commit (its insert of
    // kek-1 made ours collide, and our whole commit rolled back): use its keys.
    if (await anyKey(deps)) return false;
    throw err;
  } finally {
    kek.fill(0);
  }
  deps.log.info('created key-encryption key v1, a signing key, the pairwise key and the audit log key', { kid: signing.kid, log_key: log.vkey });
  return true;
}
