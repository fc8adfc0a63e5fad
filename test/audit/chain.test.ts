import type { AuditAction } from '../../src/db/audit-actions.ts';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { commit } from '../../src/features/audit/commit.ts';
import { hashEvent } from '../../src/db/audit-chain.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { openCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { noteVerifier } from '../../src/features/audit/tlog/note-keys.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { GuardFailed } from '../../src/errors.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { insertForged } from '../helpers/log-attacks.ts';

async function logWith(n: number, checkpointEvery = 5): Promise<TestDeps> {
  const deps = await testDeps({ checkpointEvery });
  // The runtime signs a checkpoint when a commit crosses a boundary; here, at once.
  let due = false;
  deps.notify = { ...deps.notify, checkpointDue: () => void (due = true) };
  const have = (await deps.store.db.selectFrom('audit_events').select('seq').execute()).length;
  for (let i = have; i < n; i++) {
    deps.clock.advance(1000);
    await commit(deps, {
      audit: [{ action: 'test.event' as AuditAction, outcome: 'success', actor_type: 'system', detail: { i }, attributes: ['email'] }],
    });
    if (due) await advanceLog(deps);
    due = false;
  }
  return deps;
}

const verify = (deps: TestDeps) => verifyAuditLog(deps.store.db);
const exec = (deps: TestDeps, q: string) => sql.raw(q).execute(deps.store.db);

describe('audit chain', () => {
  it('appends a gapless sequence with each event linked to the previous hash', async () => {
    const deps = await logWith(12);
    const rows = await deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    for (const r of rows) expect(hashEvent(r)).toBe(r.hash);
  });

  it('asks for a checkpoint every N events and signs C2SP checkpoints with the log key', async () => {
    const deps = await logWith(12);
    const cps = await deps.store.db.selectFrom('log_checkpoints').select('size').orderBy('size').execute();
    expect(cps.map((c) => c.size)).toEqual([5, 10]);
    await advanceLog(deps);
    const after = await deps.store.db.selectFrom('log_checkpoints').selectAll().orderBy('size').execute();
    expect(after.map((c) => c.size)).toEqual([5, 10, 12]);
    const [vkey] = await storedLogKeys(deps.store.db);
    const { checkpoint } = await openCheckpoint(after[2]!.note, [noteVerifier(vkey!)], vkey!.split('+')[0]!);
    expect(checkpoint).toMatchObject({ origin: 'localhost:8787/audit', size: 12 });
    // Nothing new: no second checkpoint of the same tree.
    await advanceLog(deps);
    expect(await deps.store.db.selectFrom('log_checkpoints').select('size').execute()).toHaveLength(3);
  });

  it('verifies an intact log', async () => {
    const deps = await logWith(23);
    expect(await verify(deps)).toMatchObject({ ok: true, checked: 23, first_bad_seq: null, head: { seq: 23 }, latest_checkpoint: { size: 20 }, unsigned: 3 });
  });

  it('catches an edited event and names its sequence number', async () => {
    const deps = await logWith(23);
    await exec(deps, `UPDATE audit_events SET action = 'test.innocent' WHERE seq = 14`);
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 14 });
  });

  it('catches an edited event whose hash was recomputed, through the broken link after it', async () => {
    const deps = await logWith(23);
    const row = await deps.store.db.selectFrom('audit_events').selectAll().where('seq', '=', 14).executeTakeFirstOrThrow();
    const forged = { ...row, outcome: 'denied' };
    await exec(deps, `UPDATE audit_events SET outcome = 'denied', hash = '${hashEvent(forged)}' WHERE seq = 14`);
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 15 });
  });

  it('catches a deleted event', async () => {
    const deps = await logWith(23);
    await exec(deps, 'DELETE FROM audit_events WHERE seq = 9');
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 9 });
  });

  it('catches an inserted event', async () => {
    const deps = await logWith(23);
    // Make room at 8 by shifting later events up, then insert a forged row there.
    await exec(deps, 'UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 8');
    await exec(deps, 'UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1000');
    await insertForged(deps, 8);
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 9 });
  });

  it('catches two reordered events', async () => {
    const deps = await logWith(23);
    await exec(deps, 'UPDATE audit_events SET seq = -1 WHERE seq = 17');
    await exec(deps, 'UPDATE audit_events SET seq = 17 WHERE seq = 18');
    await exec(deps, 'UPDATE audit_events SET seq = 18 WHERE seq = -1');
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 17 });
  });

  it('catches a chain truncated and then extended with self-consistent events, through the signed checkpoints', async () => {
    const deps = await logWith(23);
    await exec(deps, 'DELETE FROM audit_events WHERE seq >= 16');
    // The application keeps appending on top of the truncated chain: every link is valid.
    for (let i = 0; i < 8; i++) {
      await deps.store.commit({ audit: [{ action: 'test.rewritten' as AuditAction, outcome: 'success', actor_type: 'system' }] });
    }
    const result = await verify(deps);
    expect(result.checked).toBe(23);
    expect(result).toMatchObject({ ok: false, first_bad_seq: 16 });
  });

  it('catches a truncated tail past a signed checkpoint', async () => {
    const deps = await logWith(23);
    await exec(deps, 'DELETE FROM audit_events WHERE seq >= 19');
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 19 });
  });

  it('catches a checkpoint whose signature was tampered with', async () => {
    const deps = await logWith(12);
    const cp = await deps.store.db.selectFrom('log_checkpoints').selectAll().where('size', '=', 10).executeTakeFirstOrThrow();
    const [body, sigLine] = cp.note.split('\n\n') as [string, string];
    const flipped = sigLine[sigLine.length - 4] === 'A' ? 'B' : 'A';
    const forged = `${body}\n\n${sigLine.slice(0, -4)}${flipped}${sigLine.slice(-3)}`;
    await deps.store.db.updateTable('log_checkpoints').set({ note: forged }).where('size', '=', 10).execute();
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 6 });
  });

  it('catches a checkpoint row that claims another size than it signed', async () => {
    const deps = await logWith(12);
    await exec(deps, 'UPDATE log_checkpoints SET note = (SELECT note FROM log_checkpoints WHERE size = 5) WHERE size = 10');
    expect(await verify(deps)).toMatchObject({ ok: false, first_bad_seq: 6 });
  });
});

describe('store commit', () => {
  it('applies writes and audit events together, or nothing when a guard fails', async () => {
    const deps = await logWith(3);
    const db = deps.store.db;
    const guard = { name: 'never', exists: db.selectFrom('keys').select('id').where('id', '=', 'no-such-key') };
    await expect(
      deps.store.commit({
        guards: [guard],
        writes: [db.updateTable('keys').set({ status: 'retired' })],
        audit: [{ action: 'test.guarded' as AuditAction, outcome: 'success', actor_type: 'system' }],
      }),
    ).rejects.toThrow(GuardFailed);
    expect(await db.selectFrom('keys').select('status').where('status', '=', 'retired').execute()).toEqual([]);
    expect(await db.selectFrom('audit_events').select('seq').execute()).toHaveLength(3);
  });

  it('rolls back the audit event when a write fails', async () => {
    const deps = await logWith(3);
    const db = deps.store.db;
    await expect(
      deps.store.commit({
        writes: [db.insertInto('keys').values({ id: 'kek-1', kind: 'kek', version: 99, status: 'active', created_at: 0 } as never)],
        audit: [{ action: 'test.failed' as AuditAction, outcome: 'success', actor_type: 'system' }],
      }),
    ).rejects.toThrow();
    expect(await db.selectFrom('audit_events').select('seq').execute()).toHaveLength(3);
  });
});
