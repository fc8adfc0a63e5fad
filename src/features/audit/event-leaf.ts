// The audit tree's leaves: leaf i is event seq i + 1, and its leaf hash is RFC 9162's
// SHA-256(0x00 ‖ canonical event), over the same canonical bytes the hash chain covers
// (which include prev_hash, so the tree also commits to the chain).
import * as nodeCrypto from 'node:crypto';
import { canonicalEvent } from '../../db/audit-chain.ts';
import type { AuditEventRow } from '../../db/schema.ts';
import type { Hash } from './tlog/merkle.ts';

// One-shot hashing straight to bytes where the runtime has it (the verifier hashes a million
// leaves a second); the 0x00 prefix is a NUL character, one byte in UTF-8.
const digest: (data: string) => Hash =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'buffer') as unknown as Uint8Array
    : (data) => new Uint8Array(nodeCrypto.createHash('sha256').update(data).digest());

export function eventLeafHash(e: Omit<AuditEventRow, 'hash'>): Hash {
  return digest(`\u0000${canonicalEvent(e)}`);
}

/** The leaf index of an event (seq starts at 1, leaves at 0). */
export const leafIndexOf = (seq: number): number => seq - 1;
