// Random bytes and identifiers from the platform CSPRNG (WebCrypto): libsodium's own
// randombytes_buf costs ~70 µs a call and cannot run at global scope on workerd.
import { Buffer } from 'node:buffer';

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** 128 random bits, base64url: unguessable and never sequential. */
export function newId(): string {
  return Buffer.from(randomBytes(16)).toString('base64url');
}

/** A high-entropy secret (256 bits) with a readable prefix, e.g. "trv_rt_…". */
export function newSecret(prefix: string): string {
  return `${prefix}_${Buffer.from(randomBytes(32)).toString('base64url')}`;
}
