// What an operator with the database (and the master key) can do to the audit log, as plain
// SQL through the store's own connection: the attacks the pinned verifier must catch.
import { sql } from 'kysely';
import type { AuditAction } from '../../src/db/audit-actions.ts';
import { GENESIS_HASH, hashEvent } from '../../src/db/audit-chain.ts';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { verifyLog, type LogState } from '../../src/features/audit/verify-log.ts';
import { testDeps, type TestDeps } from './deps.ts';
import { installLegacyLogWrites } from './legacy-log-writes.ts';

export const exec = (deps: TestDeps, q: string) => sql.raw(q).execute(deps.store.db);

/** A log of `n` events, checkpointed every 10 (as the runtime would, here at once) and at the end. */
export async function loggedDeps(n: number): Promise<TestDeps> {
  const deps = await testDeps({ checkpointEvery: 10 });
  let due = false;
  deps.notify = { ...deps.notify, checkpointDue: () => void (due = true) };
  const have = (await deps.store.db.selectFrom('audit_events').select('seq').execute()).length;
  for (let i = have; i < n; i++) {
    deps.clock.advance(1000);
    await commit(deps, {
      audit: [
        {
          action: 'grant.read' as AuditAction,
          outcome: 'success',
          actor_type: 'brand',
          actor_id: `b${i % 3}`,
          brand_id: `b${i % 3}`,
          attributes: ['email'],
          detail: { i },
        },
      ],
    });
    if (due) await advanceLog(deps);
    due = false;
  }
  await advanceLog(deps);
  return deps;
}

/** The auditor's first visit: the log key recorded out of band, and the state its first verification leaves. */
export async function pinnedVerifier(deps: TestDeps): Promise<{ logKey: string; state: LogState }> {
  const [logKey] = await storedLogKeys(deps.store.db);
  const first = await verifyLog(deps.store.db, { logKeys: [logKey!], keepLeaves: true });
  if (!first.ok || !first.state) throw new Error(`the untouched log should verify: ${first.problem}`);
  return { logKey: logKey!, state: first.state };
}

async function rows(deps: TestDeps, from: number): Promise<AuditEventRow[]> {
  return deps.store.db.selectFrom('audit_events').selectAll().where('seq', '>=', from).orderBy('seq').execute();
}

/** Recomputes prev_hash and hash from `from` on, so the chain is whole again. */
export async function rehashFrom(deps: TestDeps, from: number): Promise<void> {
  const prev = await deps.store.db
    .selectFrom('audit_events')
    .select('hash')
    .where('seq', '=', from - 1)
    .executeTakeFirst();
  let prevHash = prev?.hash ?? GENESIS_HASH;
  for (const r of await rows(deps, from)) {
    const fixed = { ...r, prev_hash: prevHash };
    const hash = hashEvent(fixed);
    await deps.store.db.updateTable('audit_events').set({ prev_hash: prevHash, hash }).where('id', '=', r.id).execute();
    prevHash = hash;
  }
}

/** Throws the tree and checkpoints away and signs new ones over the rewritten log with the real log key. */
export async function resign(deps: TestDeps): Promise<void> {
  await exec(deps, 'DELETE FROM audit_tree_nodes');
  await exec(deps, 'DELETE FROM log_checkpoints');
  await exec(deps, 'UPDATE audit_tree SET size = 0');
  await advanceLog(deps);
}

/** Moves events from `seq` on up by `by` (two steps, so the primary key never collides). */
export async function shiftSeq(deps: TestDeps, seq: number, by: number): Promise<void> {
  await exec(deps, `UPDATE audit_events SET seq = seq + 1000000 WHERE seq >= ${seq}`);
  await exec(deps, `UPDATE audit_events SET seq = seq - 1000000 + ${by} WHERE seq >= 1000000`);
}

/** A forged event at `seq`, linked to the event before it. */
export async function insertForged(deps: TestDeps, seq: number): Promise<void> {
  const prev = await deps.store.db
    .selectFrom('audit_events')
    .select('hash')
    .where('seq', '=', seq - 1)
    .executeTakeFirstOrThrow();
  const forged = {
    seq,
    id: `forged-${seq}`,
    ts: 1,
    actor_type: 'system',
    actor_id: null,
    action: 'grant.read',
    outcome: 'success',
    consumer_id: null,
    brand_id: null,
    grant_id: null,
    attributes: null,
    purpose: null,
    reason: null,
    detail: null,
    prev_hash: prev.hash,
  };
  await deps.store.db
    .insertInto('audit_events')
    .values({ ...forged, hash: hashEvent(forged) })
    .execute();
}

/**
 * The operator drops audit_log's primary key, to make room for a second event with a seq
 * already taken: on PostgreSQL one statement; on SQLite the table is rebuilt without it
 * (its view and triggers set aside and put back, as a careful attacker would).
 */
export async function dropLogPrimaryKey(deps: TestDeps): Promise<void> {
  if (deps.store.dialect === 'postgres') return void (await exec(deps, 'ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey'));
  const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'audit_events'`.execute(deps.store.db);
  await exec(deps, 'DROP VIEW audit_events');
  await exec(deps, 'CREATE TABLE audit_log_copy AS SELECT * FROM audit_log');
  await exec(deps, 'DROP TABLE audit_log');
  await exec(deps, 'ALTER TABLE audit_log_copy RENAME TO audit_log');
  await exec(deps, rows[0]!.sql);
  await installLegacyLogWrites(deps);
}
