// Trove and a real witness process (`trove witness serve`, its own key and state file, over
// HTTP on 127.0.0.1): each checkpoint is pushed with a consistency proof and comes back
// cosigned; when the operator rewrites history and signs the new tree with the real log key,
// the witness refuses it (an error logged), and a verifier that requires the witness's
// cosignature detects the rewrite even without a remembered checkpoint of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction } from '../../src/db/audit-actions.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { advanceLog, latestCheckpoint } from '../../src/features/audit/log-checkpoint.ts';
import { requireCosignatures } from '../../src/features/audit/require-cosignatures.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { verifyLog } from '../../src/features/audit/verify-log.ts';
import { loggedErrors, testDeps, type TestDeps } from '../helpers/deps.ts';
import { exec, rehashFrom, resign } from '../helpers/log-attacks.ts';
import { startWitness, trove, type WitnessProcess } from '../witness/witness-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-witnessing-'));
let witness: WitnessProcess;
let deps: TestDeps;
let logKey: string;

/** A fresh vault and a witness that has seen nothing of it (the same key and witness process, a new log origin is not needed: its state is reset by restarting with a new file). */
async function resetWitnessedLog() {
  await witness.kill();
  witness = await startWitness({ keyFile: join(dir, 'w1.key'), stateFile: join(dir, `state-${Date.now()}.json`), logs: [`${logKey.split('+')[0]}=${logKey}`] });
  deps.config = { ...deps.config, witnesses: [{ url: witness.url, vkey: witness.vkey }] };
  await exec(deps, 'DELETE FROM log_checkpoints');
}

async function grow(n: number) {
  for (let i = 0; i < n; i++) await commit(deps, { audit: [{ action: 'grant.read' as AuditAction, outcome: 'success', actor_type: 'system', detail: { i } }] });
  return advanceLog(deps);
}

beforeAll(async () => {
  deps = await testDeps();
  [logKey] = (await storedLogKeys(deps.store.db)) as [string];
  expect(trove('witness', 'keygen', '--name', 'witness.test/w1', '--out', join(dir, 'w1.key')).status).toBe(0);
  witness = await startWitness({ keyFile: join(dir, 'w1.key'), stateFile: join(dir, 'state.json'), logs: [`${logKey.split('+')[0]}=${logKey}`] });
  // The operator configures the witness; its address is private, which only operator requests may reach.
  deps.config = { ...deps.config, witnesses: [{ url: witness.url, vkey: witness.vkey }] };
  deps.operatorFetch = (url, init) => fetch(url, init);
});
afterAll(async () => {
  await witness?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('witnessed checkpoints', () => {
  it('pushes each checkpoint and keeps the witness cosignature on it, growth after growth', async () => {
    for (const n of [5, 12, 3]) {
      const cp = (await grow(n))!;
      const check = await requireCosignatures(cp.note, [witness.vkey], 1);
      expect(check, `checkpoint ${cp.size}`).toMatchObject({ ok: true, cosigned: [witness.vkey] });
    }
    const served = await (
      await fetch(`${witness.url}/${(await import('../../src/features/audit/tlog/witness.ts')).originHash(logKey.split('+')[0]!)}/checkpoint`)
    ).text();
    expect(served).toContain(`\n${(await latestCheckpoint(deps.store.db))!.size}\n`);
    expect(await verifyLog(deps.store.db, { logKeys: [logKey], witnesses: [witness.vkey], minWitnesses: 1 })).toMatchObject({
      ok: true,
      latest_checkpoint: { cosignatures: 1 },
    });
  });

  it('refuses a rewritten history signed with the real log key, and a verifier requiring the witness detects it', async () => {
    const before = (await latestCheckpoint(deps.store.db))!;
    await exec(deps, `UPDATE audit_events SET outcome = 'denied' WHERE seq = 7`);
    await rehashFrom(deps, 7);
    loggedErrors.length = 0;
    await resign(deps); // the new tree of the same size, signed by the real key, pushed to the witness
    const after = (await latestCheckpoint(deps.store.db))!;
    expect(after.size).toBe(before.size);
    expect(after.root).not.toBe(before.root);
    expect((await requireCosignatures(after.note, [witness.vkey], 1)).ok).toBe(false);
    expect(loggedErrors.map((e) => e.msg)).toContain('a witness refused the audit log checkpoint: it has seen another history');
    expect(witness.stderr()).toMatch(/inconsistent|fork|refus/i);
    loggedErrors.length = 0;
    // A newcomer with no state of its own: the witness requirement alone catches it.
    const newcomer = await verifyLog(deps.store.db, { logKeys: [logKey], witnesses: [witness.vkey], minWitnesses: 1 });
    expect(newcomer.ok).toBe(false);
    expect(newcomer.problem).toMatch(/witness cosignatures/);
    // Holding the cosigned checkpoint it saw before, a verifier names the rewritten entry.
    const held = { size: before.size, root: before.root, frontier: [], note: before.note };
    const holder = await verifyLog(deps.store.db, { logKeys: [logKey], state: held });
    expect(holder).toMatchObject({ ok: false, first_bad_seq: 1 });
    expect(holder.problem).toContain(`checkpoint of size ${before.size}`);
  });

  it('catches, with a bound on the unsigned tail, a rewrite whose cosigned checkpoints were deleted', async () => {
    // Start again from a log the witness has cosigned.
    await resetWitnessedLog();
    await grow(10);
    const cosigned = (await grow(10))!;
    expect((await requireCosignatures(cosigned.note, [witness.vkey], 1)).ok).toBe(true);
    const tip = cosigned.size;
    await exec(deps, `UPDATE audit_events SET outcome = 'denied' WHERE seq = ${tip - 2}`);
    await rehashFrom(deps, tip - 2);
    await exec(deps, `DELETE FROM log_checkpoints WHERE size > ${tip - 10}`);
    await exec(deps, 'DELETE FROM audit_tree_nodes');
    await exec(deps, 'UPDATE audit_tree SET size = 0');
    loggedErrors.length = 0;
    await advanceLog(deps); // re-signed with the real key; the witness refuses it
    loggedErrors.length = 0;
    const lenient = await verifyLog(deps.store.db, { logKeys: [logKey], witnesses: [witness.vkey], minWitnesses: 1 });
    expect(lenient, lenient.problem ?? '').toMatchObject({ ok: true, unsigned: 10 }); // only "unsigned": what a bound is for
    const bounded = await verifyLog(deps.store.db, { logKeys: [logKey], witnesses: [witness.vkey], minWitnesses: 1, maxUnsigned: 0 });
    expect(bounded).toMatchObject({ ok: false, first_bad_seq: tip - 9 });
    expect(bounded.problem).toContain('not covered by one');
  });
});
