// Random bytes and identifiers from the platform CSPRNG (WebCrypto): libsodium's own
// randombytes_buf is slow per call (README, performance) and cannot run at global scope on workerd.
// Identifiers draw from a small pool filled by one getRandomValues call per 256 ids (a
// call per id cost more than the rest of the id on the hot path); pooled bytes are handed
// out once and wiped. Keys, nonces and secrets never come from the pool.
import { Buffer } from 'node:buffer';

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let used = 0;

function pooledBytes(n: number): Uint8Array {
  if (used + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES)); // filled lazily: never at global scope
    used = 0;
  }
  const out = pool.slice(used, used + n);
  pool.fill(0, used, used + n);
  used += n;
  return out;
}

/**
 * 128 random bits, base64url: unguessable and never sequential. Never starts with '-', so
 * an id can be given to the CLI as an argument (`trove auditor disable <id>`) without being
 * read as an option; redrawing the 1 in 64 such ids keeps the rest uniform.
 */
export function newId(): string {
  for (;;) {
    const id = Buffer.from(pooledBytes(16)).toString('base64url');
    if (id[0] !== '-') return id;
  }
}

/**
 * An audit event's id: a UUIDv7 (RFC 9562: 48-bit commit time in ms, version, 74 random
 * bits). Ids of later events sort after earlier ones, so the unique index on them grows at
 * its end instead of taking a random page of writes per event. (The time is in the event
 * anyway.)
 */
export function newEventId(ts: number): string {
  const t = Math.max(0, Math.trunc(ts)).toString(16).padStart(12, '0').slice(-12);
  const r = pooledBytes(10);
  r[0] = (r[0]! & 0x0f) | 0x70; // version 7
  r[2] = (r[2]! & 0x3f) | 0x80; // variant 10
  const h = Buffer.from(r).toString('hex');
  return `${t.slice(0, 8)}-${t.slice(8)}-${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8)}`;
}

/** A high-entropy secret (256 bits) with a readable prefix, e.g. "trv_rt_…". */
export function newSecret(prefix: string): string {
  return `${prefix}_${Buffer.from(randomBytes(32)).toString('base64url')}`;
}
