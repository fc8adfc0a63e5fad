// The operator API's demo seeding: POST /admin/demo registers a demo shop as `trove demo`
// does (its callback and webhook under the demo site's URL, the agreements it accepts),
// answers its credentials once and is audited as the operator; bad input is a 400.
import { describe, expect, it } from 'vitest';
import { verifySecret } from '../../src/crypto/hash.ts';
import { adminWorld } from './admin-helpers.ts';

describe('operator API: demo', () => {
  it('registers the Pace Running demo shop for a demo site URL, audited under the token id', async () => {
    // The demo site runs on loopback, so its webhook needs private addresses allowed (as npm run demo sets).
    const w = await adminWorld({ allowPrivateWebhooks: true });
    const res = await w.call('POST', '/admin/demo', { json: { shop: 'pace', public_url: 'http://localhost:9799/ignored' } });
    expect(res.status).toBe(201);
    const demo = await res.json();
    expect(demo).toEqual({
      shop: 'pace',
      client_id: expect.stringMatching(/^brand_/),
      client_secret: expect.stringMatching(/^trv_cs_/),
      public_url: 'http://localhost:9799',
      trove_origin: w.deps.config.origin,
    });
    const row = await w.deps.store.db.selectFrom('brands').selectAll().where('id', '=', demo.client_id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Pace Running',
      webhook_url: 'http://localhost:9799/webhook',
      redirect_uris: JSON.stringify(['http://localhost:9799/callback']),
    });
    expect(JSON.parse(row.accepted_terms!)).toEqual(['sd-base', 'sd-portability']);
    expect(verifySecret(demo.client_secret, row.secret_hash!)).toBe(true);
    expect(await w.events('brand.registered')).toEqual([expect.objectContaining({ actor_type: 'operator', actor_id: w.op.id })]);
  });

  it('refuses an unknown shop, a missing or non-http URL with 400', async () => {
    const w = await adminWorld();
    for (const json of [{ shop: 'nope', public_url: 'http://localhost:8788' }, {}, { public_url: 'ftp://x.example' }])
      expect((await w.call('POST', '/admin/demo', { json })).status, JSON.stringify(json)).toBe(400);
    expect(await w.events('brand.registered')).toEqual([]);
  });
});
