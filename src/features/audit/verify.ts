// Walking the audit log: the chain in sequence order (every hash and link recomputed) and,
// when asked, the Merkle leaf of every good event. verifyAuditLog is the self-check: it
// trusts the log keys it finds in the database, so it catches accidents and careless
// edits, never an operator who re-signs; verification against pinned trust is
// verify-log.ts. Needs only the database, never the master key.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { pagedChainWalk, type ChainWalk } from './paged-walk.ts';
import { verifyLog, type LogVerdict } from './verify-log.ts';
import { vkeyOf } from '../keys/log-key.ts';

export { pagedChainWalk, type ChainWalk };

/** Every log verifier key the database names (what the self-check trusts). */
export async function storedLogKeys(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('keys').select('public_jwk').where('kind', '=', 'log').orderBy('version').execute();
  return rows.map(vkeyOf);
}

/** The self-check: the chain, the tree and every stored checkpoint, against the log keys in the database. */
export async function verifyAuditLog(db: Kysely<Database>, walk: ChainWalk = pagedChainWalk(db)): Promise<LogVerdict> {
  return verifyLog(db, { logKeys: await storedLogKeys(db), walk, trust: 'self-check' });
}
