import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { ACCESS_TOKEN_TTL_S, mintAccessToken, verifyAccessToken } from '../../src/features/grants/access-token.ts';
import { placeholder, prepared } from '../../src/db/prepared.ts';
import { testDeps } from '../helpers/deps.ts';

describe('remembered access tokens', () => {
  it('still expire on time, and are refused by a vault with other keys or another origin', async () => {
    const deps = await testDeps();
    const { token } = await mintAccessToken(deps, { brandId: 'brand_x', sub: 'sub-1', grantId: 'g1' });
    expect(await verifyAccessToken(deps, token)).toMatchObject({ client_id: 'brand_x', grant_id: 'g1' });
    expect(await verifyAccessToken(deps, token)).toMatchObject({ client_id: 'brand_x' }); // from memory

    const other = await testDeps({ masterKey: new Uint8Array(32).fill(9) });
    expect(await verifyAccessToken(other, token)).toBeNull();
    // The same keys serving another origin: the token's issuer and audience do not match.
    const elsewhere = { ...deps, config: { ...deps.config, origin: 'https://elsewhere.example' } };
    expect(await verifyAccessToken(elsewhere, token)).toBeNull();
    expect(await verifyAccessToken(deps, token)).not.toBeNull();

    deps.clock.advance(ACCESS_TOKEN_TTL_S * 1000 - 1000);
    expect(await verifyAccessToken(deps, token)).not.toBeNull();
    deps.clock.advance(1000);
    expect(await verifyAccessToken(deps, token)).toBeNull();
    expect(await verifyAccessToken(deps, token, { allowExpired: true })).toMatchObject({ client_id: 'brand_x' });
  });

  it('does not remember a token that failed, even when the same bytes come back', async () => {
    const deps = await testDeps();
    const { token } = await mintAccessToken(deps, { brandId: 'brand_x', sub: 'sub-1' });
    const tampered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect(await verifyAccessToken(deps, tampered)).toBeNull();
    expect(await verifyAccessToken(deps, tampered)).toBeNull();
  });
});

describe('prepared statements', () => {
  it("bind each call's values to the placeholders of a query built once", async () => {
    const deps = await testDeps();
    const byId = prepared((db, p: { id: string }) => db.selectFrom('brands').select('id').where('id', '=', p.id).where('status', '=', 'active'));
    const a = byId(deps.store.db, { id: 'one' }).compile();
    const b = byId(deps.store.db, { id: 'two' }).compile();
    expect(a.sql).toBe(b.sql);
    expect(a.parameters).toEqual(['one', 'active']);
    expect(b.parameters).toEqual(['two', 'active']);
  });

  it('refuse a template whose placeholder ended up in the SQL text instead of a parameter', async () => {
    const deps = await testDeps();
    const inlined = prepared((db) => db.selectNoFrom(sql.lit(placeholder('x')).as('x')));
    expect(() => inlined(deps.store.db, {}).compile()).toThrow(/inlined/);
  });
});

describe('expired access tokens', () => {
  // Counts real EdDSA verifications (the spy calls through to WebCrypto).
  const verifications = () => vi.spyOn(crypto.subtle, 'verify');

  it('are refused without a signature check, genuine or forged, while revocation still verifies them', async () => {
    const deps = await testDeps();
    const { token } = await mintAccessToken(deps, { brandId: 'brand_x', sub: 'sub-1' });
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64, 7).toString('base64url')}`;
    deps.clock.advance(ACCESS_TOKEN_TTL_S * 1000);
    const spy = verifications();
    try {
      expect(await verifyAccessToken(deps, token)).toBeNull();
      expect(await verifyAccessToken(deps, forged)).toBeNull();
      expect(spy).not.toHaveBeenCalled();
      // Revocation (RFC 7009) accepts expired tokens: their signature decides.
      expect(await verifyAccessToken(deps, token, { allowExpired: true })).toMatchObject({ client_id: 'brand_x' });
      expect(await verifyAccessToken(deps, forged, { allowExpired: true })).toBeNull();
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('are told apart from live ones to the second, as jose does (expired at exp)', async () => {
    const deps = await testDeps();
    const first = await mintAccessToken(deps, { brandId: 'brand_x', sub: 'sub-1' });
    const second = await mintAccessToken(deps, { brandId: 'brand_x', sub: 'sub-1' });
    deps.clock.advance(ACCESS_TOKEN_TTL_S * 1000 - 1);
    expect(await verifyAccessToken(deps, first.token)).not.toBeNull();
    deps.clock.advance(1); // the second token is seen for the first time at its exp
    expect(await verifyAccessToken(deps, second.token)).toBeNull();
  });

  it('with a key id nobody knows do not make the vault re-read its keys', async () => {
    const deps = await testDeps();
    const { token } = await mintAccessToken(deps, { brandId: 'brand_x', sub: 'sub-1' });
    const [header, payload, signature] = token.split('.');
    const stranger = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), kid: 'sig-nobody' })).toString('base64url');
    deps.clock.advance(ACCESS_TOKEN_TTL_S * 1000);
    const reload = vi.spyOn(deps.keys, 'reload');
    expect(await verifyAccessToken(deps, `${stranger}.${payload}.${signature}`)).toBeNull();
    expect(reload).not.toHaveBeenCalled();
  });
});
