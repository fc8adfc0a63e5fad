// The store's commit guards inside workerd against D1, where a batch() cannot branch: a
// guard that a write must change a row is enforced with SQLite's changes() in the batch.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { GuardFailed } from '../../src/errors.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';

describe('commit guards on D1', () => {
  it('writes through a write-that-must-change-a-row guard when it matches, and rolls the whole change back when not', async () => {
    const store = createD1Store(env.DB as unknown as D1Like, systemClock);
    const db = store.db;
    await store.commit({ writes: [db.insertInto('consumers').values({ id: 'guarded', status: 'active', created_at: 0 })] });
    const erase = (id: string) => db.updateTable('consumers').set({ status: 'erased', erased_at: 1 }).where('id', '=', id).where('status', '=', 'active');
    await store.commit({
      guards: [{ name: 'erased', changes: erase('guarded') }],
      audit: [{ action: 'test.erased', outcome: 'success', actor_type: 'system' }],
    });
    expect(await db.selectFrom('consumers').select('status').where('id', '=', 'guarded').executeTakeFirst()).toEqual({ status: 'erased' });
    // Erasing again changes no row: the guard fails, and the change's other write and audit event are not applied.
    await expect(
      store.commit({
        guards: [{ name: 'erased', changes: erase('guarded') }],
        writes: [db.insertInto('consumers').values({ id: 'side-effect', status: 'active', created_at: 0 })],
        audit: [{ action: 'test.erased', outcome: 'success', actor_type: 'system' }],
      }),
    ).rejects.toBeInstanceOf(GuardFailed);
    expect(await db.selectFrom('consumers').select('id').where('id', '=', 'side-effect').execute()).toEqual([]);
    expect(await db.selectFrom('audit_events').select('seq').where('action', '=', 'test.erased').execute()).toHaveLength(1);
  });
});
