import { beforeAll, describe, expect, it } from 'vitest';
import sodium from 'libsodium-wrappers';
import { DecryptionError } from '../../src/crypto/aead.ts';
import { deriveKek, newDataKey, openAttribute, openAttributesUnder, sealAttribute, unwrapDataKey, wrapDataKey } from '../../src/crypto/envelope.ts';
import { TEST_MASTER_KEY } from '../helpers/deps.ts';

beforeAll(async () => {
  await sodium.ready;
});

const slot = { consumerId: 'c1', name: 'email', persona: '', version: 1 };

describe('envelope encryption', () => {
  it('opens what it sealed', () => {
    const key = newDataKey();
    const sealed = sealAttribute(sodium, key, slot, 'ada@example.com');
    expect(sealed.ciphertext).not.toContain('ada');
    expect(openAttribute(sodium, key, slot, sealed)).toBe('ada@example.com');
  });

  it('uses a fresh nonce for every seal, so equal values give different ciphertexts', () => {
    const key = newDataKey();
    const a = sealAttribute(sodium, key, slot, 'same');
    const b = sealAttribute(sodium, key, slot, 'same');
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it.each([
    ['another consumer', { ...slot, consumerId: 'c2' }],
    ['another attribute', { ...slot, name: 'phone' }],
    ['another version', { ...slot, version: 2 }],
    ['another persona', { ...slot, persona: 'business' }],
  ])('refuses to open a ciphertext moved to %s', (_label, moved) => {
    const key = newDataKey();
    const sealed = sealAttribute(sodium, key, slot, 'ada@example.com');
    expect(() => openAttribute(sodium, key, moved, sealed)).toThrow(DecryptionError);
  });

  it('refuses a ciphertext with one flipped bit', () => {
    const key = newDataKey();
    const sealed = sealAttribute(sodium, key, slot, 'ada@example.com');
    const bytes = Buffer.from(sealed.ciphertext, 'base64url');
    bytes[0]! ^= 1;
    expect(() => openAttribute(sodium, key, slot, { ...sealed, ciphertext: bytes.toString('base64url') })).toThrow(DecryptionError);
  });

  it('derives distinct key-encryption keys per version, deterministically from the master key', () => {
    const v1 = deriveKek(sodium, TEST_MASTER_KEY, 1);
    expect(deriveKek(sodium, TEST_MASTER_KEY, 1)).toEqual(v1);
    expect(deriveKek(sodium, TEST_MASTER_KEY, 2)).not.toEqual(v1);
  });

  it('binds a wrapped data key to its consumer and KEK version', () => {
    const kek = deriveKek(sodium, TEST_MASTER_KEY, 1);
    const dk = newDataKey();
    const wrapped = wrapDataKey(sodium, kek, 1, 'c1', dk);
    expect(unwrapDataKey(sodium, kek, 1, 'c1', wrapped)).toEqual(dk);
    expect(() => unwrapDataKey(sodium, kek, 1, 'c2', wrapped)).toThrow(DecryptionError);
    expect(() => unwrapDataKey(sodium, kek, 2, 'c1', wrapped)).toThrow(DecryptionError);
  });

  it('opens values under their wrapped key only for the consumer and KEK version it was wrapped for', () => {
    const kek = deriveKek(sodium, TEST_MASTER_KEY, 1);
    const dk = newDataKey();
    const wrapped = wrapDataKey(sodium, kek, 1, 'c1', dk);
    const values = [
      { slot, sealed: sealAttribute(sodium, dk, slot, 'ada@example.com') },
      { slot: { ...slot, name: 'city' }, sealed: sealAttribute(sodium, dk, { ...slot, name: 'city' }, 'London') },
    ];
    expect(openAttributesUnder(sodium, kek, 1, 'c1', wrapped, values)).toEqual(['ada@example.com', 'London']);
    expect(() => openAttributesUnder(sodium, kek, 1, 'c2', wrapped, values)).toThrow(DecryptionError);
    expect(() => openAttributesUnder(sodium, kek, 2, 'c1', wrapped, values)).toThrow(DecryptionError);
    // A value moved to another attribute's slot does not open.
    expect(() => openAttributesUnder(sodium, kek, 1, 'c1', wrapped, [{ slot: values[1]!.slot, sealed: values[0]!.sealed }])).toThrow(DecryptionError);
  });
});
