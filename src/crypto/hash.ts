// Hashing of high-entropy secrets (codes, tokens, session ids, client secrets) and
// constant-time comparison. Secrets are 256-bit random, so a plain SHA-256 is a safe
// at-rest form; low-entropy inputs never come here.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hashSecret(secret: string): string {
  return sha256Hex(`trove-secret-v1:${secret}`);
}

export function hmacSha256(key: Uint8Array, data: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = createHash('sha256').update(a).digest();
  const bb = createHash('sha256').update(b).digest();
  // Hashing first makes lengths equal, so the comparison itself leaks nothing.
  return timingSafeEqual(ab, bb) && a.length === b.length;
}

export function verifySecret(secret: string, storedHash: string): boolean {
  return constantTimeEqual(hashSecret(secret), storedHash);
}
