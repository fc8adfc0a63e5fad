// The audit tree's leaves: leaf i is event seq i + 1, and its leaf hash is RFC 9162's
// SHA-256(0x00 ‖ canonical event), over the same canonical bytes the hash chain covers
// (which include prev_hash, so the tree also commits to the chain).
import { Buffer } from 'node:buffer';
import { canonicalEvent, sha256Hex } from '../../db/audit-chain.ts';
import type { AuditEventRow } from '../../db/schema.ts';
import type { Hash } from './tlog/merkle.ts';

// Hex digests (audit-chain.ts's one-shot hashing): about four times quicker than asking for
// a Buffer, which matters to a verifier hashing a million leaves. The 0x00 prefix is a NUL
// character, one byte in UTF-8.
const hexDigest = sha256Hex;

/** The leaf hash as 64 hex digits (what a walk packs with Buffer#write). */
export function eventLeafHashHex(e: Omit<AuditEventRow, 'hash'>): string {
  return leafHashOfCanonical(canonicalEvent(e));
}

export const leafHashOfCanonical = (canonical: string): string => hexDigest(`\u0000${canonical}`);

export function eventLeafHash(e: Omit<AuditEventRow, 'hash'>): Hash {
  return Buffer.from(eventLeafHashHex(e), 'hex');
}
