// The key ring: loads key rows, derives KEKs from the master key, unwraps the active
// signing key and the pairwise key, and answers which public keys are published.
// The master key is checked against each KEK's check value, so a wrong key stops start-up.
import { sql } from 'kysely';
import type { BaseDeps } from '../../deps.ts';
import type { KeyRow } from '../../db/schema.ts';
import { open } from '../../crypto/aead.ts';
import { fromUtf8 } from '../../crypto/encoding.ts';
import { deriveKek, unwrapKeyMaterial } from '../../crypto/envelope.ts';
import { importSigningKey, type PublicJwk, type SigningKey } from '../../crypto/signing.ts';

export const KEK_CHECK_PLAINTEXT = 'trove-kek-check';
/** Retired signing keys stay in the JWKS this long, so earlier signatures keep verifying. */
export const SIGNING_OVERLAP_MS = 90 * 24 * 3600 * 1000;

export type KeyRing = {
  readonly kekVersion: number;
  kek(version: number): Uint8Array;
  readonly signer: SigningKey;
  readonly pairwiseKey: Uint8Array;
  /** Public keys currently published at /.well-known/jwks.json. */
  jwks(now: number): { keys: PublicJwk[] };
  /** Every signing public key ever created, for verifying old audit checkpoints. */
  allPublicKeys(): { keys: PublicJwk[] };
};

export class MasterKeyMismatch extends Error {
  override name = 'MasterKeyMismatch';
}

export async function loadKeyRing(deps: Pick<BaseDeps, 'store' | 'sodium'>, masterKey: Uint8Array): Promise<KeyRing> {
  const rows = await deps.store.db.selectFrom('keys').selectAll().orderBy('version').execute();
  const keks = new Map<number, Uint8Array>();
  const kek = (version: number) => {
    let k = keks.get(version);
    if (!k) {
      k = deriveKek(deps.sodium, masterKey, version);
      keks.set(version, k);
    }
    return k;
  };
  const active = (kind: KeyRow['kind']) => {
    const row = rows.find((r) => r.kind === kind && r.status === 'active');
    if (!row) throw new Error(`no active ${kind} key; run migrations and key bootstrap first`);
    return row;
  };
  const activeKek = active('kek');
  for (const row of rows.filter((r) => r.kind === 'kek')) checkKek(deps, kek(row.version), row);

  const unwrap = (row: KeyRow) =>
    unwrapKeyMaterial(deps.sodium, kek(row.kek_version!), row.kek_version!, row.id, {
      ciphertext: row.wrapped!,
      nonce: row.nonce!,
    });
  const signingRow = active('signing');
  const privateJwk = JSON.parse(fromUtf8.decode(unwrap(signingRow)));
  const signer = await importSigningKey(signingRow.id, privateJwk, JSON.parse(signingRow.public_jwk!));
  const pairwiseKey = unwrap(active('pairwise'));
  const signingRows = rows.filter((r) => r.kind === 'signing');
  // Parsed once: every brand read asks for the published key set.
  const published = new Map(signingRows.map((r) => [r, JSON.parse(r.public_jwk!) as PublicJwk]));
  const publicOf = (r: KeyRow) => published.get(r)!;

  return {
    kekVersion: activeKek.version,
    kek,
    signer,
    pairwiseKey,
    jwks: (now) => ({
      keys: signingRows
        .filter((r) => r.status === 'active' || (r.retired_at ?? 0) + SIGNING_OVERLAP_MS > now)
        .map(publicOf),
    }),
    allPublicKeys: () => ({ keys: signingRows.map(publicOf) }),
  };
}

function checkKek(deps: Pick<BaseDeps, 'sodium'>, kek: Uint8Array, row: KeyRow) {
  try {
    const plain = open(deps.sodium, kek, { ciphertext: row.check_value!, nonce: row.nonce! }, row.id);
    if (fromUtf8.decode(plain) === KEK_CHECK_PLAINTEXT) return;
  } catch {
    // fall through to the clear error below
  }
  throw new MasterKeyMismatch(
    `TROVE_MASTER_KEY does not match key-encryption key ${row.id} in this database; refusing to start`,
  );
}

/** All signing public keys from the database, without the master key (verifiers need only these). */
export async function publicSigningKeys(deps: Pick<BaseDeps, 'store'>): Promise<{ keys: PublicJwk[] }> {
  const rows = await deps.store.db
    .selectFrom('keys')
    .select('public_jwk')
    .where('kind', '=', 'signing')
    .where(sql<boolean>`public_jwk is not null`)
    .execute();
  return { keys: rows.map((r) => JSON.parse(r.public_jwk!) as PublicJwk) };
}
