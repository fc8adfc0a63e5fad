import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import sodium from 'libsodium-wrappers';
import { deriveSubkey } from '../../src/crypto/kdf.ts';
import { randomBytes } from '../../src/crypto/random.ts';
import { rawSodium } from '../../src/crypto/sodium-heap.ts';

beforeAll(async () => {
  await sodium.ready;
});

const heap = () => Buffer.from(rawSodium(sodium).HEAPU8.buffer);

describe('subkey derivation on the libsodium heap', () => {
  it('derives exactly what libsodium-wrappers derives, for ids beyond 32 bits and every length', () => {
    const key = randomBytes(32);
    for (const id of [0, 1, 2, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 2 ** 53 - 1]) {
      for (const length of [16, 32, 64]) {
        expect(deriveSubkey(sodium, key, id, 'troveKEK', length)).toEqual(sodium.crypto_kdf_derive_from_key(length, BigInt(id), 'troveKEK', key));
      }
    }
  });

  it('leaves neither the master key nor the subkey on the heap', () => {
    const key = randomBytes(32);
    const sub = deriveSubkey(sodium, key, 3, 'troveKEK');
    expect(heap().indexOf(Buffer.from(key))).toBe(-1);
    expect(heap().indexOf(Buffer.from(sub))).toBe(-1);
  });

  it.each([
    ['a short key', () => deriveSubkey(sodium, randomBytes(31), 1, 'troveKEK')],
    ['a string key', () => deriveSubkey(sodium, 'k'.repeat(32) as unknown as Uint8Array, 1, 'troveKEK')],
    ['a 7-character context', () => deriveSubkey(sodium, randomBytes(32), 1, 'troveKE')],
    ['a non-ASCII context', () => deriveSubkey(sodium, randomBytes(32), 1, 'trövKEK!')],
    ['a negative id', () => deriveSubkey(sodium, randomBytes(32), -1, 'troveKEK')],
    ['a fractional id', () => deriveSubkey(sodium, randomBytes(32), 1.5, 'troveKEK')],
    ['a 15-byte subkey', () => deriveSubkey(sodium, randomBytes(32), 1, 'troveKEK', 15)],
  ])('refuses %s', (_label, call) => {
    expect(call).toThrow(TypeError);
  });
});
