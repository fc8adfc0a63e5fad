import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hashSecret, verifySecret } from '../../src/crypto/hash.ts';
import { newEventId, newId, newSecret } from '../../src/crypto/random.ts';

describe('secrets and identifiers', () => {
  it('stores a secret as a hash that verifies the secret and nothing else', () => {
    const secret = newSecret('trv_test');
    const stored = hashSecret(secret);
    expect(stored).not.toContain(secret.slice(9));
    expect(verifySecret(secret, stored)).toBe(true);
    expect(verifySecret(`${secret}x`, stored)).toBe(false);
  });

  it('compares strings of different lengths without throwing', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });

  it('makes 128-bit random identifiers that do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, newId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never starts an identifier with a dash, which a command line would read as an option', () => {
    const firsts = new Set(Array.from({ length: 20_000 }, () => newId()[0]));
    expect(firsts.has('-')).toBe(false);
    expect(firsts.size).toBe(63); // every other base64url character still leads
  });

  it('makes audit event ids as UUIDv7s that sort in commit-time order and still differ within one millisecond', () => {
    const times = [0, 1, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000, 253_402_300_799_999];
    const ids = times.map((t) => newEventId(t));
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 1000 }, () => newEventId(1_700_000_000_000)));
    expect(same.size).toBe(1000);
    for (const id of same) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newEventId(0x0123456789ab).startsWith('01234567-89ab-7')).toBe(true);
  });
});
