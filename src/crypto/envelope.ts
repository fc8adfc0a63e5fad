// Envelope encryption: master key → versioned KEKs (libsodium KDF) → per-consumer data
// keys (wrapped, AAD = consumer + KEK version) → attribute values (AAD = consumer +
// name + persona + version), so no ciphertext can be moved to another row and opened.
import { fromUtf8, utf8 } from './encoding.ts';
import { open, openManyText, openManyUnder, seal, type Sealed } from './aead.ts';
import { deriveSubkey } from './kdf.ts';
import { randomBytes } from './random.ts';
import type { Sodium } from './sodium.ts';

const KDF_CONTEXT = 'troveKEK'; // exactly crypto_kdf_CONTEXTBYTES (8)

export function deriveKek(sodium: Sodium, masterKey: Uint8Array, version: number): Uint8Array {
  if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
  return deriveSubkey(sodium, masterKey, version, KDF_CONTEXT);
}

export function newDataKey(): Uint8Array {
  return randomBytes(32);
}

const dataKeyAad = (consumerId: string, kekVersion: number) => `trove:data-key:v1|${consumerId}|${kekVersion}`;

export function wrapDataKey(sodium: Sodium, kek: Uint8Array, kekVersion: number, consumerId: string, dataKey: Uint8Array): Sealed {
  return seal(sodium, kek, dataKey, dataKeyAad(consumerId, kekVersion));
}

export function unwrapDataKey(sodium: Sodium, kek: Uint8Array, kekVersion: number, consumerId: string, wrapped: Sealed): Uint8Array {
  return open(sodium, kek, wrapped, dataKeyAad(consumerId, kekVersion));
}

export type AttributeSlot = { consumerId: string; name: string; persona: string; version: number };

const attributeAad = (s: AttributeSlot) => `trove:attribute:v1|${s.consumerId}|${s.name}|${s.persona}|${s.version}`;

export function sealAttribute(sodium: Sodium, dataKey: Uint8Array, slot: AttributeSlot, value: string): Sealed {
  return seal(sodium, dataKey, utf8.encode(value), attributeAad(slot));
}

export function openAttribute(sodium: Sodium, dataKey: Uint8Array, slot: AttributeSlot, sealed: Sealed): string {
  return openAttributes(sodium, dataKey, [{ slot, sealed }])[0]!;
}

/** Opens several of one consumer's values in one pass (the brand read opens up to a grant's worth). */
export function openAttributes(sodium: Sodium, dataKey: Uint8Array, values: readonly { slot: AttributeSlot; sealed: Sealed }[]): string[] {
  return openManyText(
    sodium,
    dataKey,
    values.map((v) => ({ sealed: v.sealed, aad: attributeAad(v.slot) })),
  );
}

/**
 * Opens several of one consumer's values with their data key still wrapped: the key is
 * unwrapped on libsodium's heap and used there (aead.ts openManyUnder), never copied out.
 */
export function openAttributesUnder(
  sodium: Sodium,
  kek: Uint8Array,
  kekVersion: number,
  consumerId: string,
  wrapped: Sealed,
  values: readonly { slot: AttributeSlot; sealed: Sealed }[],
): string[] {
  return openManyUnder(
    sodium,
    kek,
    { sealed: wrapped, aad: dataKeyAad(consumerId, kekVersion) },
    values.map((v) => ({ sealed: v.sealed, aad: attributeAad(v.slot) })),
    (plain) => fromUtf8.decode(plain),
  );
}

/** Wraps any secret key material (signing keys, the pairwise key) under a KEK. */
export function wrapKeyMaterial(sodium: Sodium, kek: Uint8Array, kekVersion: number, keyId: string, material: Uint8Array): Sealed {
  return seal(sodium, kek, material, `trove:key:v1|${keyId}|${kekVersion}`);
}

export function unwrapKeyMaterial(sodium: Sodium, kek: Uint8Array, kekVersion: number, keyId: string, wrapped: Sealed): Uint8Array {
  return open(sodium, kek, wrapped, `trove:key:v1|${keyId}|${kekVersion}`);
}
