import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { testDeps } from '../helpers/deps.ts';
import { read, tokensFor } from '../helpers/raw-oauth.ts';

const LONG = process.env.TROVE_LONG_TESTS === '1';
const READERS = LONG ? 32 : 8;
const ROUNDS = LONG ? 20 : 3;

describe('revocation racing reads', () => {
  it('lets no read that started after the revocation was acknowledged succeed, and audits every read that did', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'race@example.com' } });
    await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 40, system: 'EU' } } });
    const brand = await secretBrand(deps);
    let total = 0,
      late = 0,
      successes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { access_token, grant_id } = await tokensFor(app, brand, me);
      // A logical clock: JavaScript runs one callback at a time, so "started after the
      // acknowledgement" is exact in program order, whatever the database interleaves.
      let tick = 0;
      let ackedAt = Infinity;
      let stop = false;
      const results: { start: number; status: number }[] = [];
      const reader = async () => {
        while (!stop) {
          const start = ++tick;
          const res = await read(app, access_token);
          results.push({ start, status: res.status });
          await res.arrayBuffer();
        }
      };
      const readers = Array.from({ length: READERS }, reader);
      // Let the readers get going, then revoke in the middle of the stream.
      while (results.length < READERS * 3) await new Promise((r) => setTimeout(r, 1));
      const revoked = await me.call(`/api/me/grants/${grant_id}/revoke`, { method: 'POST' });
      expect(revoked.status).toBe(200);
      ackedAt = ++tick;
      while (results.filter((r) => r.start > ackedAt).length < READERS * 3) await new Promise((r) => setTimeout(r, 1));
      stop = true;
      await Promise.all(readers);

      const after = results.filter((r) => r.start > ackedAt);
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((r) => r.status === 200)).toEqual([]);
      expect(after.every((r) => r.status === 403 || r.status === 401)).toBe(true);
      const ok = results.filter((r) => r.status === 200).length;
      const events = await deps.store.db
        .selectFrom('audit_events')
        .select('seq')
        .where('grant_id', '=', grant_id)
        .where('action', '=', 'grant.read')
        .where('outcome', '=', 'success')
        .execute();
      expect(events.length).toBe(ok);
      total += results.length;
      late += after.length;
      successes += ok;
    }
    console.log(
      `revocation race: ${ROUNDS} rounds, ${READERS} concurrent readers, ${total} reads, ${successes} succeeded (each audited), ${late} started after the revocation was acknowledged, 0 of those succeeded`,
    );
  }, 120_000);
});
