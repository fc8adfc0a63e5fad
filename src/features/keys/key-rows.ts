// Builds the insert statements for new key rows. Private material is sealed under a
// KEK before it reaches a statement; KEK rows carry only a sealed check value.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { seal } from '../../crypto/aead.ts';
import { utf8 } from '../../crypto/encoding.ts';
import { wrapKeyMaterial } from '../../crypto/envelope.ts';
import { newId, randomBytes } from '../../crypto/random.ts';
import { generateSigningKey } from '../../crypto/signing.ts';
import type { Sodium } from '../../crypto/sodium.ts';
import { KEK_CHECK_PLAINTEXT } from './keyring.ts';

type Ctx = { db: Kysely<Database>; sodium: Sodium; now: number };

export function kekRow(ctx: Ctx, kek: Uint8Array, version: number) {
  const id = `kek-${version}`;
  const check = seal(ctx.sodium, kek, utf8.encode(KEK_CHECK_PLAINTEXT), id);
  return ctx.db.insertInto('keys').values({
    id,
    kind: 'kek',
    version,
    status: 'active',
    public_jwk: null,
    wrapped: null,
    nonce: check.nonce,
    kek_version: null,
    check_value: check.ciphertext,
    created_at: ctx.now,
    retired_at: null,
  });
}

export async function signingKeyRow(ctx: Ctx, kek: Uint8Array, kekVersion: number, version: number) {
  const kid = `sig-${newId()}`;
  const { key, privateJwk } = await generateSigningKey(kid);
  const wrapped = wrapKeyMaterial(ctx.sodium, kek, kekVersion, kid, utf8.encode(JSON.stringify(privateJwk)));
  return {
    kid,
    insert: ctx.db.insertInto('keys').values({
      id: kid,
      kind: 'signing',
      version,
      status: 'active',
      public_jwk: JSON.stringify(key.publicJwk),
      wrapped: wrapped.ciphertext,
      nonce: wrapped.nonce,
      kek_version: kekVersion,
      check_value: null,
      created_at: ctx.now,
      retired_at: null,
    }),
  };
}

export function pairwiseKeyRow(ctx: Ctx, kek: Uint8Array, kekVersion: number, version: number) {
  const id = `pairwise-${version}`;
  const wrapped = wrapKeyMaterial(ctx.sodium, kek, kekVersion, id, randomBytes(32));
  return ctx.db.insertInto('keys').values({
    id,
    kind: 'pairwise',
    version,
    status: 'active',
    public_jwk: null,
    wrapped: wrapped.ciphertext,
    nonce: wrapped.nonce,
    kek_version: kekVersion,
    check_value: null,
    created_at: ctx.now,
    retired_at: null,
  });
}
