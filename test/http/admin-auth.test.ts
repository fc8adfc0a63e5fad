// Who may use the operator API: a stored operator token or the configured
// TROVE_OPERATOR_TOKEN, sent as a bearer token. Without one, with a wrong one or a revoked
// one the answer is 401 with the admin realm's challenge; every refusal is audited
// without the token, and an address that keeps failing is refused with 429.
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash.ts';
import { CONFIGURED_OPERATOR, revokeOperatorToken } from '../../src/features/operators/tokens.ts';
import { adminWorld, detailOf } from './admin-helpers.ts';

const WRONG = `trv_op_${'A'.repeat(43)}`;

describe('operator API authentication', () => {
  it('serves a call with a stored operator token and audits it under the token id', async () => {
    const w = await adminWorld();
    const res = await w.call('GET', '/admin/brands');
    expect(res.status).toBe(200);
    const [e] = await w.events('operator.queried');
    expect(e).toMatchObject({ actor_type: 'operator', actor_id: w.op.id, outcome: 'success' });
    expect(detailOf(e!)).toEqual({ what: 'brands' });
  });

  it('refuses a call without a token, with a wrong token and with a revoked token with 401', async () => {
    const w = await adminWorld();
    const none = await w.call('GET', '/admin/brands', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="trove-admin"');
    const wrong = await w.call('GET', '/admin/brands', { token: WRONG });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer realm="trove-admin", error="invalid_token"/);
    expect((await w.call('GET', '/admin/brands', { token: 'Basic x' })).status).toBe(401);
    await revokeOperatorToken(w.deps, w.op.id);
    expect((await w.call('GET', '/admin/brands')).status).toBe(401);
    expect((await w.call('POST', '/admin/brands', { json: { name: 'X' } })).status).toBe(401);
  });

  it('audits each refused attempt with the route and reason, never the token', async () => {
    const w = await adminWorld();
    await w.call('GET', '/admin/brands', { token: null });
    await w.call('POST', '/admin/brands/brand_x/disable', { token: WRONG });
    const denied = await w.events('operator.authenticated');
    expect(denied.map((e) => [e.outcome, e.reason, detailOf(e).route])).toEqual([
      ['denied', 'no_token', '/admin/brands'],
      ['denied', 'invalid_token', '/admin/brands/{id}/disable'],
    ]);
    const all = JSON.stringify(await w.deps.store.db.selectFrom('audit_events').selectAll().execute());
    expect(all).not.toContain(WRONG);
    expect(all).not.toContain(w.op.token);
  });

  it('accepts the configured TROVE_OPERATOR_TOKEN by its hash and names it in the audit event', async () => {
    const secret = 'a-worker-secret-of-at-least-32-characters';
    const w = await adminWorld({ configure: (deps) => void (deps.config = { ...deps.config, operatorTokenHash: hashSecret(secret) }) });
    expect((await w.call('GET', '/admin/auditors', { token: secret })).status).toBe(200);
    expect((await w.call('GET', '/admin/auditors', { token: `${secret}x` })).status).toBe(401);
    const [e] = await w.events('operator.queried');
    expect(e).toMatchObject({ actor_type: 'operator', actor_id: CONFIGURED_OPERATOR });
  });

  it('refuses an address with 429 once it has failed ten times, without auditing the rest', async () => {
    const w = await adminWorld({ rateLimitScale: 1 });
    for (let i = 0; i < 10; i++) expect((await w.call('GET', '/admin/brands', { token: WRONG })).status).toBe(401);
    const blocked = await w.call('GET', '/admin/brands', { token: WRONG });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await w.events('operator.authenticated')).toHaveLength(10);
  });
});
