// Which master key opens which key-encryption key. A KEK version is derived from the
// master key that was current when it was made; each KEK row carries a check value
// sealed under it, so the set tries every master key it holds (current first) and keeps
// the one that opens it. The set keeps its own copies of the master keys: a caller may
// wipe its buffers once the set exists, and no derivation ever reads a wiped buffer.
import { open } from '../../crypto/aead.ts';
import { fromUtf8 } from '../../crypto/encoding.ts';
import { deriveKek } from '../../crypto/envelope.ts';
import type { KeyRow } from '../../db/schema.ts';
import type { Sodium } from '../../crypto/sodium.ts';

export const KEK_CHECK_PLAINTEXT = 'trove-kek-check';

export type MasterKeys = { current: Uint8Array; previous: readonly Uint8Array[] };

export type KekSet = {
  /** The KEK of this row, or null when none of the master keys held opens its check value. */
  open(row: Pick<KeyRow, 'id' | 'version' | 'nonce' | 'check_value'>): { kek: Uint8Array; fromCurrent: boolean } | null;
  /** A new KEK version under the current master key. */
  deriveCurrent(version: number): Uint8Array;
};

export function kekSet(sodium: Sodium, masters: MasterKeys): KekSet {
  const keys = [masters.current, ...masters.previous].map((k) => {
    if (!(k instanceof Uint8Array) || k.length !== 32) throw new TypeError('a master key is 32 bytes');
    if (k.every((b) => b === 0)) throw new TypeError('a master key of zeros is refused (a wiped buffer?)');
    return Uint8Array.from(k);
  });
  // Keyed by row id and check value, so a row replaced under the same id is tried afresh.
  const opened = new Map<string, { kek: Uint8Array; fromCurrent: boolean } | null>();
  return {
    open(row) {
      const key = `${row.id}|${row.check_value}`;
      if (opened.has(key)) return opened.get(key)!;
      let found: { kek: Uint8Array; fromCurrent: boolean } | null = null;
      for (const [i, master] of keys.entries()) {
        const kek = deriveKek(sodium, master, row.version);
        if (checks(sodium, kek, row)) {
          found = { kek, fromCurrent: i === 0 };
          break;
        }
        kek.fill(0);
      }
      opened.set(key, found);
      return found;
    },
    deriveCurrent(version) {
      return deriveKek(sodium, keys[0]!, version);
    },
  };
}

function checks(sodium: Sodium, kek: Uint8Array, row: Pick<KeyRow, 'id' | 'nonce' | 'check_value'>): boolean {
  if (!row.check_value || !row.nonce) return false;
  try {
    return fromUtf8.decode(open(sodium, kek, { ciphertext: row.check_value, nonce: row.nonce }, row.id)) === KEK_CHECK_PLAINTEXT;
  } catch {
    return false;
  }
}
