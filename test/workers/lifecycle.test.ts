// Receipt signing and Security Event Token creation inside workerd (jose + WebCrypto
// Ed25519 on the Workers runtime), verified against the Worker's own JWKS.
import { env, exports } from 'cloudflare:workers';
import * as jose from 'jose';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { verifyJws } from '../../src/crypto/signing.ts';
import type { GrantRow } from '../../src/db/schema.ts';
import { RECEIPT_TYP, signReceipt } from '../../src/features/grants/receipts.ts';
import { signSecurityEvent } from '../../src/features/webhooks/security-event.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';

const grant: GrantRow = {
  id: 'g1',
  brand_id: 'brand_1',
  consumer_id: 'c1',
  subject: 'pairwise-sub',
  attributes: '["email"]',
  requested: '{"attributes":["email"],"optional_attributes":[]}',
  persona: null,
  purpose: 'https://w3id.org/dpv#CustomerCare',
  purpose_description: 'Answer you',
  value_offer: '{"kind":"gift","description":"A tote bag"}',
  access: 'ongoing',
  retention: 'P30D',
  status: 'active',
  created_at: 1_700_000_000_000,
  updated_at: 1_700_000_000_000,
  expires_at: 1_800_000_000_000,
  revoked_at: null,
  revoked_by: null,
  revoked_reason: null,
  read_count: 0,
  last_read_at: null,
  agreement: null,
};

describe('lifecycle signatures on workerd', () => {
  it('signs a consent receipt and a SET that verify with the published JWKS', async () => {
    openLibsodiumGate();
    await sodium.ready;
    const deps = await boot(
      {
        config: parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY }),
        store: createD1Store(env.DB as unknown as D1Like, systemClock),
        clock: systemClock,
        sodium,
        log: silentLog,
        checkpointEvery: 1000,
      },
      fromB64u(env.TROVE_MASTER_KEY),
    );
    const jwks = await (await exports.default.fetch(new Request('http://localhost:8787/.well-known/jwks.json'))).json<{ keys: jose.JWK[] }>();

    const receipt = await signReceipt(
      deps,
      grant,
      { id: 'brand_1', name: 'Edge Shoes', contact: null, homepage: null, policy_uri: 'https://edge.example/privacy' },
      'granted',
    );
    expect(await verifyJws(receipt.jws, jwks as never, RECEIPT_TYP)).toMatchObject({ event: 'granted', grant_id: 'g1', piiPrincipalId: 'pairwise-sub' });

    const set = await signSecurityEvent(deps, 'brand_1', 'grant.revoked', 'pairwise-sub', { grant_id: 'g1' });
    const { payload } = await jose.jwtVerify(set.jws, jose.createLocalJWKSet(jwks as jose.JSONWebKeySet), { audience: 'brand_1', typ: 'secevent+jwt' });
    expect(payload.events).toEqual({ 'https://trove.dev/events/grant.revoked': { grant_id: 'g1' } });
  });
});
