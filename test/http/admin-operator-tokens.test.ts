// Operator tokens through the operator API: an operator (on Workers, the configured
// secret) issues a named token shown once, lists tokens without them, and revokes one,
// which is refused from the next call on. Each step is audited by token id, never token.
import { describe, expect, it } from 'vitest';
import { adminWorld, detailOf } from './admin-helpers.ts';

describe('operator API: operator tokens', () => {
  it('creates a token that works, lists it without the token, and revokes it', async () => {
    const w = await adminWorld();
    const res = await w.call('POST', '/admin/operator-tokens', { json: { name: 'ci' } });
    expect(res.status).toBe(201);
    const t = await res.json();
    expect(t).toEqual({
      id: expect.stringMatching(/^op_/),
      name: 'ci',
      token: expect.stringMatching(/^trv_op_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
    });
    expect((await w.call('GET', '/admin/brands', { token: t.token })).status).toBe(200);
    const list = await (await w.call('GET', '/admin/operator-tokens')).json();
    // The clock is fixed, so both were made at the same instant: compare regardless of order.
    expect(list.map((x: { name: string; status: string }) => `${x.name}:${x.status}`).sort()).toEqual(['ci:active', 'ops laptop:active']);
    expect(JSON.stringify(list)).not.toMatch(/trv_op_|token_hash/);
    expect(await (await w.call('POST', `/admin/operator-tokens/${t.id}/revoke`)).json()).toEqual({ id: t.id, status: 'revoked' });
    expect((await w.call('GET', '/admin/brands', { token: t.token })).status).toBe(401);
    const created = (await w.events('operator.token_created')).at(-1)!;
    expect(created).toMatchObject({ actor_id: w.op.id });
    expect(detailOf(created)).toEqual({ token_id: t.id, name: 'ci' });
    expect(await w.events('operator.token_revoked')).toEqual([expect.objectContaining({ actor_id: w.op.id })]);
    expect(JSON.stringify(await w.deps.store.db.selectFrom('audit_events').selectAll().execute())).not.toContain(t.token);
  });

  it('refuses bad input with 400 and an unknown token id with 404', async () => {
    const w = await adminWorld();
    expect((await w.call('POST', '/admin/operator-tokens', { json: { name: '' } })).status).toBe(400);
    expect((await w.call('POST', '/admin/operator-tokens', { json: { token: 'chosen' } })).status).toBe(400);
    expect((await w.call('POST', '/admin/operator-tokens/op_nope/revoke')).status).toBe(404);
  });
});
