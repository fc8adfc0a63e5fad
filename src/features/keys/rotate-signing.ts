// Signing-key rotation: a new Ed25519 key becomes the signer; the old one retires but
// stays published for the overlap window, so tokens, receipts and checkpoints it
// signed keep verifying through the JWKS. Other nodes pick the new key up from the
// database within their key cache TTL; until then they sign with the old one, which
// every node still publishes and accepts.
import type { Deps } from '../../deps.ts';
import { commit } from '../audit/commit.ts';
import { signingKeyRow } from './key-rows.ts';

export async function rotateSigningKey(deps: Deps): Promise<{ kid: string; retired: string[] }> {
  const db = deps.store.db;
  const now = deps.clock.now();
  await deps.keys.reload(now, { force: true });
  const current = await db.selectFrom('keys').select(['id', 'version']).where('kind', '=', 'signing').execute();
  const nextVersion = Math.max(0, ...current.map((r) => r.version)) + 1;
  const active = await db.selectFrom('keys').select('id').where('kind', '=', 'signing').where('status', '=', 'active').execute();
  const ctx = { db, sodium: deps.sodium, now };
  const created = await signingKeyRow(ctx, deps.keys.kek(deps.keys.kekVersion), deps.keys.kekVersion, nextVersion);
  const retired = active.map((r) => r.id);
  await commit(deps, {
    guards: [{ name: 'kek_active', exists: db.selectFrom('keys').select('id').where('id', '=', `kek-${deps.keys.kekVersion}`).where('status', '=', 'active') }],
    writes: [db.updateTable('keys').set({ status: 'retired', retired_at: now }).where('kind', '=', 'signing').where('status', '=', 'active'), created.insert],
    audit: [
      {
        action: 'keys.signing_rotated',
        outcome: 'success',
        actor_type: 'operator',
        detail: { kid: created.kid, retired: retired.join(',') },
      },
    ],
  });
  await deps.keys.reload(now, { force: true });
  return { kid: created.kid, retired };
}
