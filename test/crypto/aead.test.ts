import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import sodium from 'libsodium-wrappers';
import { DecryptionError, open, openMany, openManyText, openManyUnder, seal } from '../../src/crypto/aead.ts';
import { fromB64u, toB64u } from '../../src/crypto/encoding.ts';
import { randomBytes } from '../../src/crypto/random.ts';
import { rawSodium, withScratch } from '../../src/crypto/sodium-heap.ts';
import { deriveKek, newDataKey, unwrapDataKey, wrapDataKey } from '../../src/crypto/envelope.ts';

beforeAll(async () => {
  await sodium.ready;
});

const text = new TextEncoder();
const heap = () => Buffer.from(rawSodium(sodium).HEAPU8.buffer);

/** libsodium-wrappers' own functions, the reference the direct heap calls must agree with. */
const reference = {
  seal: (key: Uint8Array, plain: Uint8Array, aad: string) => {
    const nonce = randomBytes(24);
    return { ciphertext: toB64u(sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, aad, null, nonce, key)), nonce: toB64u(nonce) };
  },
  open: (key: Uint8Array, sealed: { ciphertext: string; nonce: string }, aad: string) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, fromB64u(sealed.ciphertext), aad, fromB64u(sealed.nonce), key),
};

describe('XChaCha20-Poly1305 on the libsodium heap', () => {
  it('seals what libsodium-wrappers opens, and opens what it sealed (values written before this change still open)', () => {
    const key = randomBytes(32);
    for (const plain of ['', 'ada@example.com', 'Zoë — 東京 🐈', 'x'.repeat(5000)]) {
      const mine = seal(sodium, key, text.encode(plain), 'trove:aad|é');
      expect(new TextDecoder().decode(reference.open(key, mine, 'trove:aad|é'))).toBe(plain);
      const theirs = reference.seal(key, text.encode(plain), 'trove:aad|é');
      expect(openManyText(sodium, key, [{ sealed: theirs, aad: 'trove:aad|é' }])).toEqual([plain]);
    }
  });

  it('opens several values under one key in order, each with its own associated data', () => {
    const key = randomBytes(32);
    const items = ['a', 'bb', '', '{"size":42}'].map((v, i) => ({ sealed: seal(sodium, key, text.encode(v), `slot ${i}`), aad: `slot ${i}` }));
    expect(openManyText(sodium, key, items)).toEqual(['a', 'bb', '', '{"size":42}']);
    expect(openManyText(sodium, key, [])).toEqual([]);
  });

  it('refuses the whole batch when one value was moved to another slot', () => {
    const key = randomBytes(32);
    const a = seal(sodium, key, text.encode('a'), 'slot a');
    const b = seal(sodium, key, text.encode('b'), 'slot b');
    expect(() =>
      openManyText(sodium, key, [
        { sealed: a, aad: 'slot a' },
        { sealed: b, aad: 'slot a' },
      ]),
    ).toThrow(DecryptionError);
  });

  it.each([
    ['a truncated ciphertext', (s: { ciphertext: string; nonce: string }) => ({ ...s, ciphertext: s.ciphertext.slice(0, 10) })],
    ['an empty ciphertext', (s: { ciphertext: string; nonce: string }) => ({ ...s, ciphertext: '' })],
    ['a short nonce', (s: { ciphertext: string; nonce: string }) => ({ ...s, nonce: s.nonce.slice(0, 20) })],
    ['a long nonce', (s: { ciphertext: string; nonce: string }) => ({ ...s, nonce: `${s.nonce}AAAA` })],
    ['a nonce that is not base64url', (s: { ciphertext: string; nonce: string }) => ({ ...s, nonce: '!'.repeat(32) })],
    ['a ciphertext that is not base64url', (s: { ciphertext: string; nonce: string }) => ({ ...s, ciphertext: '*'.repeat(40) })],
    [
      'a flipped bit',
      (s: { ciphertext: string; nonce: string }) => {
        const bytes = fromB64u(s.ciphertext);
        bytes[3]! ^= 0x10;
        return { ...s, ciphertext: toB64u(bytes) };
      },
    ],
  ])('answers %s with a DecryptionError, nothing else', (_label, mangle) => {
    const key = randomBytes(32);
    const sealed = seal(sodium, key, text.encode('secret value'), 'aad');
    expect(() => open(sodium, key, mangle(sealed), 'aad')).toThrow(DecryptionError);
  });

  it('refuses a key of the wrong length before touching the heap', () => {
    expect(() => seal(sodium, randomBytes(16), text.encode('x'), 'aad')).toThrow(/key length/);
    expect(() => open(sodium, randomBytes(31), { ciphertext: '', nonce: '' }, 'aad')).toThrow(/key length/);
  });

  it('returns a copy from open, not a view of memory that is wiped afterwards', () => {
    const key = randomBytes(32);
    const plain = open(sodium, key, seal(sodium, key, text.encode('kept'), 'aad'), 'aad');
    expect(plain.buffer).not.toBe(rawSodium(sodium).HEAPU8.buffer);
    expect(new TextDecoder().decode(plain)).toBe('kept');
  });

  it('leaves no copy of the key or the plaintext on the WASM heap after sealing, opening or failing to open', () => {
    // The scan itself: a key copied to the heap and freed without wiping is found.
    const raw = rawSodium(sodium);
    const probe = randomBytes(32);
    const at = raw._malloc(64);
    raw.HEAPU8.set(probe, at);
    raw._free(at);
    expect(heap().indexOf(Buffer.from(probe))).toBeGreaterThanOrEqual(0);
    heap().fill(0, at, at + 64);

    const key = randomBytes(32);
    const secret = `very secret ${toB64u(randomBytes(87))}`;
    expect(secret.length).toBe(128);
    const sealed = seal(sodium, key, text.encode(secret), 'aad');
    expect(openMany(sodium, key, [{ sealed, aad: 'aad' }], (p) => new TextDecoder().decode(p))).toEqual([secret]);
    expect(heap().indexOf(Buffer.from(key))).toBe(-1);
    expect(heap().indexOf(Buffer.from(secret))).toBe(-1);
    // A failed open wipes too.
    expect(() => open(sodium, key, sealed, 'other aad')).toThrow(DecryptionError);
    expect(heap().indexOf(Buffer.from(key))).toBe(-1);
  });

  it('leaves no short value or unwrapped data key on the heap, though libsodium copies such a partial block to its stack', () => {
    // Under 64 bytes a value is one partial ChaCha20 block, which libsodium decrypts
    // through a stack buffer it does not clear: the stack scrub must overwrite it.
    const key = randomBytes(32);
    for (const len of [1, 20, 32, 63]) {
      const value = randomBytes(len);
      const sealed = seal(sodium, key, value, 'aad');
      expect(open(sodium, key, sealed, 'aad')).toEqual(value);
      if (len >= 20) expect(heap().indexOf(Buffer.from(value))).toBe(-1);
    }
    const kek = deriveKek(sodium, randomBytes(32), 1);
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(sodium, kek, 1, 'c1', dataKey);
    expect(unwrapDataKey(sodium, kek, 1, 'c1', wrapped)).toEqual(dataKey);
    expect(heap().indexOf(Buffer.from(dataKey))).toBe(-1);
    expect(heap().indexOf(Buffer.from(kek))).toBe(-1);
  });

  it('opens values under a wrapped key with the key unwrapped only on the heap, and wipes it there', () => {
    const kek = randomBytes(32);
    const dataKey = randomBytes(32);
    const wrapped = { sealed: seal(sodium, kek, dataKey, 'key aad'), aad: 'key aad' };
    const secret = `secret ${toB64u(randomBytes(40))}`;
    const items = [secret, '', '{"size":42}'].map((v, i) => ({ sealed: seal(sodium, dataKey, text.encode(v), `slot ${i}`), aad: `slot ${i}` }));
    const decode = (p: Uint8Array) => new TextDecoder().decode(p);
    expect(openManyUnder(sodium, kek, wrapped, items, decode)).toEqual([secret, '', '{"size":42}']);
    expect(openManyUnder(sodium, kek, wrapped, [], decode)).toEqual([]);
    // The same answer as unwrapping first; and neither key nor value is left behind.
    expect(openMany(sodium, open(sodium, kek, wrapped.sealed, 'key aad'), items, decode)).toEqual([secret, '', '{"size":42}']);
    for (const left of [dataKey, kek, text.encode(secret)]) expect(heap().indexOf(Buffer.from(left))).toBe(-1);
  });

  it('refuses the whole call, wiping what it wrote, when the wrapped key or any value does not open', () => {
    const kek = randomBytes(32);
    const dataKey = randomBytes(32);
    const wrapped = { sealed: seal(sodium, kek, dataKey, 'key aad'), aad: 'key aad' };
    const item = { sealed: seal(sodium, dataKey, text.encode('value'), 'slot'), aad: 'slot' };
    const decode = (p: Uint8Array) => new TextDecoder().decode(p);
    expect(() => openManyUnder(sodium, randomBytes(32), wrapped, [item], decode)).toThrow(DecryptionError);
    expect(() => openManyUnder(sodium, kek, { ...wrapped, aad: 'another consumer' }, [item], decode)).toThrow(DecryptionError);
    expect(() => openManyUnder(sodium, kek, wrapped, [item, { ...item, aad: 'moved' }], decode)).toThrow(DecryptionError);
    expect(() => openManyUnder(sodium, kek, { sealed: null, aad: 'key aad' } as never, [item], decode)).toThrow(DecryptionError);
    // Something sealed under the KEK that is not a 32-byte key is no wrapped key.
    const short = { sealed: seal(sodium, kek, dataKey.subarray(0, 16), 'key aad'), aad: 'key aad' };
    expect(() => openManyUnder(sodium, kek, short, [item], decode)).toThrow(/not a wrapped key/);
    expect(() => openManyUnder(sodium, randomBytes(16), wrapped, [item], decode)).toThrow(/key length/);
    expect(heap().indexOf(Buffer.from(dataKey))).toBe(-1);
    expect(heap().indexOf(Buffer.from(kek))).toBe(-1);
  });

  it('refuses a scratch size _malloc would wrap around, before allocating or wiping anything', () => {
    const raw = rawSodium(sodium);
    const canary = raw._malloc(64);
    raw.HEAPU8.fill(0xa5, canary, canary + 64);
    try {
      expect(() => withScratch(raw, 2 ** 32 + 100, 'chacha', () => 'never')).toThrow(RangeError);
      expect(() => withScratch(raw, 2 ** 31, 'chacha', () => 'never')).toThrow(RangeError);
      expect(raw.HEAPU8.subarray(canary, canary + 64).every((b) => b === 0xa5)).toBe(true);
    } finally {
      raw._free(canary);
    }
  });

  it('takes only bytes for keys and plaintexts, and calls anything that is not a sealed value undecryptable', () => {
    expect(() => seal(sodium, 'K'.repeat(32) as unknown as Uint8Array, text.encode('x'), 'aad')).toThrow(TypeError);
    expect(() => seal(sodium, randomBytes(32), 'hello' as unknown as Uint8Array, 'aad')).toThrow(TypeError);
    const key = randomBytes(32);
    for (const bad of [null, { ciphertext: null, nonce: 'x' }, { ciphertext: 'x', nonce: 7 }]) {
      expect(() => open(sodium, key, bad as never, 'aad')).toThrow(DecryptionError);
    }
  });

  it('keeps working when a large value makes the heap grow mid-call', () => {
    const key = randomBytes(32);
    const big = 'v'.repeat(20 * 1024 * 1024);
    const sealed = seal(sodium, key, text.encode(big), 'aad');
    expect(openManyText(sodium, key, [{ sealed, aad: 'aad' }])[0]!.length).toBe(big.length);
  });
});
