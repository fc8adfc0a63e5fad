// The rule of a usable grant is written twice, as SQL (usableGrant: guards, the read's
// counting update, the intents query) and as JavaScript (grantProblem: why a read is
// refused). Over every combination of status, expiry, access mode and read count, in the
// real database, both must give the same answer.
import { describe, expect, it } from 'vitest';
import type { GrantRow } from '../../src/db/schema.ts';
import { grantProblem, usableGrant } from '../../src/features/grants/grant-state.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { seedConsumer, testDeps } from '../helpers/deps.ts';

describe('the usable-grant rule', () => {
  it('gives the same answer in SQL and in JavaScript for every kind of grant', async () => {
    const deps = await testDeps();
    const now = deps.clock.now();
    const consumer = await seedConsumer(deps);
    const { client_id: brand } = await registerBrand(deps, {
      name: 'Rule',
      redirect_uris: ['https://rule.example/cb'],
      auth: { method: 'client_secret_basic' },
    });
    const rows: GrantRow[] = [];
    let n = 0;
    for (const status of ['active', 'revoked', 'expired', 'exhausted'] as const) {
      for (const expires_at of [now - 1, now, now + 1]) {
        for (const access of ['once', 'ongoing'] as const) {
          for (const read_count of [0, 1, 5]) {
            rows.push({
              id: `g${n++}`,
              brand_id: brand,
              consumer_id: consumer,
              subject: 's',
              attributes: '["email"]',
              requested: '{}',
              persona: null,
              purpose: 'p',
              purpose_description: 'd',
              value_offer: null,
              access,
              retention: null,
              status,
              created_at: now,
              updated_at: now,
              expires_at,
              revoked_at: null,
              revoked_by: null,
              revoked_reason: null,
              read_count,
              last_read_at: null,
              agreement: null,
            });
          }
        }
      }
    }
    await deps.store.commit({ writes: rows.map((r) => deps.store.db.insertInto('grants').values(r)) });
    const usable = await deps.store.db
      .selectFrom('grants')
      .select('id')
      .where((eb) => usableGrant(eb, now))
      .execute();
    const bySql = new Set(usable.map((r) => r.id));
    const byJs = new Set(rows.filter((r) => grantProblem(r, now) === null).map((r) => r.id));
    expect(bySql).toEqual(byJs);
    expect(byJs.size).toBe(4); // active, unexpired: ongoing at any count, once only unread
  });
});
