// The operator API for brands: registration with the same options as `trove brand add`
// (a secret shown once, a JWKS, accepted terms), the list, one brand's registration and
// disabling, each audited as the operator token that called (a disable that changes
// nothing too); bad input is a 400 naming the field, an unknown brand a 404.
import { describe, expect, it } from 'vitest';
import { verifySecret } from '../../src/crypto/hash.ts';
import { adminWorld, detailOf } from './admin-helpers.ts';

const JWK = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'a' };
const secretBrand = { name: 'Shoe Shop', redirect_uris: ['https://shoes.example/cb'], auth: { method: 'client_secret_basic' } };

describe('operator API: brands', () => {
  it('registers a brand with a secret shown once, kept only as its hash, audited under the token id', async () => {
    const w = await adminWorld();
    const res = await w.call('POST', '/admin/brands', { json: { ...secretBrand, accepted_terms: ['sd-base'], webhook_url: 'https://shoes.example/hook' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = await res.json();
    expect(created).toEqual({ client_id: expect.stringMatching(/^brand_/), client_secret: expect.stringMatching(/^trv_cs_/) });
    const row = await w.deps.store.db.selectFrom('brands').selectAll().where('id', '=', created.client_id).executeTakeFirstOrThrow();
    expect(verifySecret(created.client_secret, row.secret_hash!)).toBe(true);
    const [e] = await w.events('brand.registered');
    expect(e).toMatchObject({ actor_type: 'operator', actor_id: w.op.id, brand_id: created.client_id });
    expect(detailOf(e!)).toMatchObject({ name: 'Shoe Shop', accepted_terms: 'sd-base' });
    expect(JSON.stringify(e)).not.toContain(created.client_secret);
  });

  it('registers a private_key_jwt brand from a JWKS and shows its registration without any secret', async () => {
    const w = await adminWorld();
    const created = await (
      await w.call('POST', '/admin/brands', {
        json: {
          name: 'Coats',
          redirect_uris: ['https://coats.example/cb'],
          auth: { method: 'private_key_jwt', jwks: { keys: [JWK] } },
          contact: 'hi@coats.example',
        },
      })
    ).json();
    expect(created).toEqual({ client_id: expect.stringMatching(/^brand_/) });
    const shown = await w.call('GET', `/admin/brands/${created.client_id}`);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({
      client_id: created.client_id,
      name: 'Coats',
      status: 'active',
      auth_method: 'private_key_jwt',
      redirect_uris: ['https://coats.example/cb'],
      jwks: { keys: [JWK] },
      contact: 'hi@coats.example',
      accepted_terms: [],
      disabled_at: null,
    });
    const [e] = await w.events('operator.queried');
    expect(e).toMatchObject({ actor_id: w.op.id });
    expect(detailOf(e!)).toEqual({ what: 'brand', brand: created.client_id });
  });

  it('lists brands as trove brand list does and disables one, audited as the operator', async () => {
    const w = await adminWorld();
    const { client_id } = await (await w.call('POST', '/admin/brands', { json: secretBrand })).json();
    const list = await (await w.call('GET', '/admin/brands')).json();
    expect(list).toEqual([expect.objectContaining({ client_id, name: 'Shoe Shop', status: 'active', auth_method: 'client_secret_basic' })]);
    expect(JSON.stringify(list)).not.toMatch(/secret_hash|trv_cs_/);
    const off = await w.call('POST', `/admin/brands/${client_id}/disable`);
    expect(await off.json()).toEqual({ client_id, status: 'disabled' });
    expect((await (await w.call('GET', '/admin/brands')).json())[0].status).toBe('disabled');
    expect(await w.events('brand.disabled')).toEqual([expect.objectContaining({ actor_type: 'operator', actor_id: w.op.id, brand_id: client_id })]);
    // Disabling it again changes nothing, and is still audited: as a call that changed nothing.
    expect((await w.call('POST', `/admin/brands/${client_id}/disable`)).status).toBe(200);
    expect(await w.events('brand.disabled')).toHaveLength(1);
    const noop = (await w.events('operator.queried')).at(-1)!;
    expect(noop).toMatchObject({ actor_type: 'operator', actor_id: w.op.id });
    expect(detailOf(noop)).toEqual({ what: 'POST /admin/brands/{id}/disable' });
  });

  it.each([
    [{ ...secretBrand, name: undefined }, /name/],
    [{ ...secretBrand, redirect_uris: [] }, /redirect_uris/],
    [{ ...secretBrand, redirect_uris: ['http://shoes.example/cb'] }, /must be https/],
    [{ ...secretBrand, auth: { method: 'private_key_jwt' } }, /exactly one of a JWKS or a JWKS URI/],
    [{ ...secretBrand, accepted_terms: ['no-such-term'] }, /not in the roster/],
    [{ ...secretBrand, webhook_url: 'https://127.0.0.1/h' }, /webhook_url/],
  ])('refuses a registration with bad input with a 400 naming the problem (%#)', async (json, problem) => {
    const w = await adminWorld();
    const res = await w.call('POST', '/admin/brands', { json });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).detail).toMatch(problem);
    expect(await w.events('brand.registered')).toEqual([]);
  });

  it('answers an unknown brand with 404 and a body that is not JSON with 400', async () => {
    const w = await adminWorld();
    expect((await w.call('GET', '/admin/brands/brand_nope')).status).toBe(404);
    expect((await w.call('POST', '/admin/brands/brand_nope/disable')).status).toBe(404);
    const res = await w.app.request('/admin/brands', {
      method: 'POST',
      headers: { authorization: `Bearer ${w.op.token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
  });
});
