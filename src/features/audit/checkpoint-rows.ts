// Reading the stored checkpoints of the audit log (the signer, the witnessing and the
// proofs all start from the newest).
import type { Kysely } from 'kysely';
import type { Database, LogCheckpointRow } from '../../db/schema.ts';

export async function latestCheckpoint(db: Kysely<Database>): Promise<LogCheckpointRow | undefined> {
  const row = await db.selectFrom('log_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  return row && { ...row, size: Number(row.size), ts: Number(row.ts) };
}
