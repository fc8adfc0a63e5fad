// Two real Trove processes on one database (PostgreSQL in the postgres project, one SQLite
// file in the sqlite project), both checkpointing every 200 ms and both pushing to one real
// witness, while events are committed as fast as a third writer can: the two checkpointers
// extend one tree (no node written twice, none missing), every checkpoint verifies with the
// pinned key and extends the last, and the witness cosigns without ever seeing a fork.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { Store } from '../../src/db/store.ts';
import { requireCosignatures } from '../../src/features/audit/require-cosignatures.ts';
import { storedNodeRows } from '../../src/features/audit/tree-nodes.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { verifyLog, type LogState } from '../../src/features/audit/verify-log.ts';
import { createPool, createPostgresStore } from '../../src/runtime/store/postgres/index.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/index.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { startWitness, type WitnessProcess } from '../witness/witness-process.ts';

const servers: LiveServer[] = [];
let witness: WitnessProcess | undefined;
afterAll(async () => {
  await witness?.kill();
  for (const s of servers.reverse()) await s.cleanup();
});

function storeOn(a: LiveServer): Store {
  return a.databaseUrl
    ? createPostgresStore(createPool(a.databaseUrl, { max: 2 }), systemClock)
    : createSqliteStore(openSqlite(join(a.dir, 'trove.db')), systemClock);
}

describe('two nodes keeping one audit log', () => {
  it('extend one tree, sign consistent checkpoints and get them witnessed, under concurrent writes', async () => {
    const a = await liveServer({ TROVE_CHECKPOINT_SECONDS: '0.2' });
    servers.push(a);
    await a.start();
    const store = storeOn(a);
    const [logKey] = (await storedLogKeys(store.db)) as [string];
    expect(spawnSync(process.execPath, ['src/cli/trove.ts', 'witness', 'keygen', '--name', 'witness.test/two', '--out', join(a.dir, 'w.key')]).status).toBe(0);
    witness = await startWitness({ keyFile: join(a.dir, 'w.key'), stateFile: join(a.dir, 'w.json'), logs: [`${logKey.split('+')[0]}=${logKey}`] });
    const witnesses = `${witness.url}=${witness.vkey}`;
    await a.kill();
    await a.start({ TROVE_WITNESSES: witnesses });
    const b = await liveServer({ TROVE_CHECKPOINT_SECONDS: '0.2', TROVE_WITNESSES: witnesses }, { sameDataAs: a });
    servers.push(b);
    await b.start();

    // A third writer commits events while both nodes checkpoint; a verifier checks as it goes.
    let state: LogState | null = null;
    const seen: number[] = [];
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 10; i++) {
        await store.commit({
          audit: Array.from({ length: 25 }, (_, j) => ({
            action: 'grant.read',
            outcome: 'success' as const,
            actor_type: 'system' as const,
            detail: { round, i, j },
          })),
        });
      }
      const v = await verifyLog(store.db, { logKeys: [logKey], state });
      expect(v.ok, v.problem ?? '').toBe(true);
      state = v.state;
      if (state) seen.push(state.size);
      await new Promise((r) => setTimeout(r, 100));
    }
    const total = Number(
      (
        await store.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    // Both nodes catch up within a few intervals.
    const deadline = Date.now() + 10_000;
    let size = 0;
    while (Date.now() < deadline) {
      const cp = await store.db.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size', 'desc').limit(1).executeTakeFirst();
      size = Number(cp?.size ?? 0);
      if (size === total && cp && (await requireCosignatures(cp.note, [witness.vkey], 1)).ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(size).toBe(total);
    const nodes = Number(
      (
        await store.db
          .selectFrom('audit_tree_nodes')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(nodes).toBe(storedNodeRows(Number((await store.db.selectFrom('audit_tree').select('size').executeTakeFirstOrThrow()).size)));
    const final = await verifyLog(store.db, { logKeys: [logKey], state, witnesses: [witness.vkey], minWitnesses: 1 });
    expect(final, final.problem ?? '').toMatchObject({ ok: true, latest_checkpoint: { size: total, cosignatures: 1 } });
    expect(seen.length).toBeGreaterThan(5); // the verifier saw the log grow, checkpoint after checkpoint
    // No fork ever: the witness's loud lines are errors (a node pushing late is only a warning).
    expect(witness.stderr()).not.toMatch(/"level":"error"/);
    await store.close();
    await b.stop();
    await a.stop();
  }, 120_000);
});
