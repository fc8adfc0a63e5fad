// The attacker of the erasure tests: someone holding a copy of the database's bytes and
// the master key, hunting for a consumer's wrapped data key. It takes every base64url run
// in the bytes, tries each 64-character stretch followed by a 32-character one (how a
// SQLite record stores ciphertext and nonce side by side), a run's last 64 characters with
// the next run's first 32 when one or two bytes part them (a PostgreSQL tuple puts a
// length header between columns), and every pair of standalone 64- and 32-character runs,
// and opens them under the KEKs the master key derives.
import type { Sodium } from '../../src/crypto/sodium.ts';
import { deriveKek, unwrapDataKey } from '../../src/crypto/envelope.ts';

const CT = 64; // 48 bytes (32-byte key + 16-byte tag) in base64url
const NONCE = 32; // 24 bytes

type Run = { at: number; text: string };

function runs(bytes: Uint8Array): Run[] {
  const out: Run[] = [];
  let start = -1;
  const ok = (b: number) => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 45 || b === 95;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && ok(bytes[i]!)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= NONCE) out.push({ at: start, text: Buffer.from(bytes.subarray(start, i)).toString('latin1') });
      start = -1;
    }
  }
  return out;
}

/** Candidate (ciphertext, nonce) pairs of wrapped data keys in these bytes. */
export function candidates(bytes: Uint8Array): { ciphertext: string; nonce: string }[] {
  const found = new Map<string, { ciphertext: string; nonce: string }>();
  const add = (ciphertext: string, nonce: string) => found.set(`${ciphertext}.${nonce}`, { ciphertext, nonce });
  const found_ = runs(bytes);
  for (const [k, { at, text: r }] of found_.entries()) {
    // A one-character column header may sit between them and read as base64url.
    for (let i = 0; i + CT + NONCE <= r.length; i++) {
      for (let gap = 0; gap <= 1 && i + CT + gap + NONCE <= r.length; gap++) add(r.slice(i, i + CT), r.slice(i + CT + gap, i + CT + gap + NONCE));
    }
    const next = found_[k + 1];
    if (r.length >= CT && next && next.at - (at + r.length) <= 2) add(r.slice(-CT), next.text.slice(0, NONCE));
  }
  const all = found_.map((r) => r.text);
  const cts = all.filter((r) => r.length === CT);
  const nonces = all.filter((r) => r.length === NONCE);
  for (const c of cts) for (const n of nonces) add(c, n);
  return [...found.values()];
}

/** Which of these consumers' data keys open from the bytes with this master key. */
export function recoverableConsumers(sodium: Sodium, bytes: Uint8Array, master: Uint8Array, consumerIds: string[], kekVersions = [1, 2]): Set<string> {
  const keks = kekVersions.map((v) => ({ v, kek: deriveKek(sodium, master, v) }));
  const recovered = new Set<string>();
  for (const c of candidates(bytes)) {
    for (const id of consumerIds) {
      if (recovered.has(id)) continue;
      for (const { v, kek } of keks) {
        try {
          unwrapDataKey(sodium, kek, v, id, c);
          recovered.add(id);
          break;
        } catch {
          // not this one
        }
      }
    }
  }
  return recovered;
}
