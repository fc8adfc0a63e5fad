// Consumers and brands ask for an event's proof by its id. The compact log has no index on
// ids: a UUIDv7 is found through the time it carries (the event's ts), an older form of id
// among the owner's own events; never another owner's event.
import { describe, expect, it } from 'vitest';
import { commit } from '../../src/features/audit/commit.ts';
import { eventById, uuidV7Time } from '../../src/features/audit/event-by-id.ts';
import { exec } from '../helpers/log-attacks.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

async function reads(deps: TestDeps, n: number) {
  for (let i = 0; i < n; i++) {
    deps.clock.advance(1);
    await commit(deps, {
      audit: [
        {
          action: 'grant.read',
          outcome: 'success',
          actor_type: 'brand',
          actor_id: `b${i % 2}`,
          brand_id: `b${i % 2}`,
          consumer_id: `c${i % 3}`,
          grant_id: `g${i % 3}`,
          attributes: ['email'],
        },
      ],
    });
  }
  return deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
}

describe('an audit event found by its id', () => {
  it('reads the commit time out of a UUIDv7 id, the event’s own ts', async () => {
    const deps = await testDeps();
    const rows = await reads(deps, 6);
    for (const r of rows) expect(uuidV7Time(r.id)).toBe(r.ts);
    expect(uuidV7Time('not-a-uuid')).toBeNull();
    expect(uuidV7Time('0190b6c4-1d2e-4f00-8000-000000000000')).toBeNull(); // version 4
  });

  it('finds an event within its owner’s scope, and not within another’s', async () => {
    const deps = await testDeps();
    const rows = await reads(deps, 9);
    const e = rows[4]!;
    expect((await eventById(deps.store.db, e.id, { consumerId: e.consumer_id! }))?.seq).toBe(e.seq);
    expect((await eventById(deps.store.db, e.id, { brandId: e.brand_id! }))?.seq).toBe(e.seq);
    expect(await eventById(deps.store.db, e.id, { consumerId: 'c-other' })).toBeUndefined();
    expect(await eventById(deps.store.db, e.id, { brandId: 'b-other' })).toBeUndefined();
    expect(await eventById(deps.store.db, e.id, {})).toEqual(e);
  });

  it('finds an older form of id among the owner’s own events only', async () => {
    const deps = await testDeps();
    const rows = await reads(deps, 9);
    const e = rows[5]!;
    await exec(deps, `UPDATE audit_events SET id = 'evt-legacy-5' WHERE seq = ${e.seq}`);
    expect((await eventById(deps.store.db, 'evt-legacy-5', { consumerId: e.consumer_id! }))?.seq).toBe(e.seq);
    expect((await eventById(deps.store.db, 'evt-legacy-5', { brandId: e.brand_id! }))?.seq).toBe(e.seq);
    expect(await eventById(deps.store.db, 'evt-legacy-5', { consumerId: 'c-other' })).toBeUndefined();
    expect(await eventById(deps.store.db, 'evt-legacy-5', {})).toBeUndefined();
  });
});
