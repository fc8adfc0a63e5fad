// The operator API for auditors: add (token and enrolment link in that answer only),
// list, revoke (the auditor's token is refused at once) and a fresh enrolment link, each
// audited as the calling operator token; bad input is a 4xx.
import { describe, expect, it } from 'vitest';
import { adminWorld } from './admin-helpers.ts';

describe('operator API: auditors', () => {
  it('adds an auditor whose token works, lists it without the token, revokes it and its token stops working', async () => {
    const w = await adminWorld();
    const res = await w.call('POST', '/admin/auditors', { json: { name: 'Ada Audit' } });
    expect(res.status).toBe(201);
    const a = await res.json();
    expect(a).toMatchObject({
      id: expect.any(String),
      name: 'Ada Audit',
      brands: null,
      token: expect.stringMatching(/^trv_au_/),
      enrol_url: expect.stringContaining('/auditor/enrol#trv_ae_'),
    });
    const asAuditor = () => w.app.request('/v1/audit/verify', { headers: { authorization: `Bearer ${a.token}` } });
    expect((await asAuditor()).status).toBe(200);
    const list = await (await w.call('GET', '/admin/auditors')).json();
    expect(list).toEqual([expect.objectContaining({ id: a.id, name: 'Ada Audit', status: 'active', passkeys: 0 })]);
    expect(JSON.stringify(list)).not.toContain(a.token);
    const revoked = await w.call('POST', `/admin/auditors/${a.id}/revoke`);
    expect(await revoked.json()).toEqual({ id: a.id, status: 'disabled' });
    expect((await asAuditor()).status).toBe(401);
    for (const action of ['auditor.created', 'auditor.disabled'])
      expect(await w.events(action), action).toEqual([expect.objectContaining({ actor_type: 'operator', actor_id: w.op.id })]);
  });

  it('scopes an auditor to named brands and issues a fresh enrolment link', async () => {
    const w = await adminWorld();
    const { client_id } = await (
      await w.call('POST', '/admin/brands', { json: { name: 'S', redirect_uris: ['https://s.example/cb'], auth: { method: 'client_secret_basic' } } })
    ).json();
    const a = await (await w.call('POST', '/admin/auditors', { json: { name: 'Scoped', brands: [client_id] } })).json();
    expect(a.brands).toEqual([client_id]);
    const link = await w.call('POST', `/admin/auditors/${a.id}/enrol-link`);
    expect(link.status).toBe(200);
    expect(await link.json()).toMatchObject({ id: a.id, enrol_url: expect.stringContaining('#trv_ae_') });
    expect(await w.events('auditor.enrol_link_issued')).toEqual([expect.objectContaining({ actor_id: w.op.id })]);
  });

  it('refuses bad input with a 4xx and an unknown auditor with 404', async () => {
    const w = await adminWorld();
    expect((await w.call('POST', '/admin/auditors', { json: {} })).status).toBe(400);
    expect((await w.call('POST', '/admin/auditors', { json: { name: 'x', extra: 1 } })).status).toBe(400);
    expect((await w.call('POST', '/admin/auditors', { json: { name: 'x', brands: ['brand_unknown'] } })).status).toBe(400);
    expect((await w.call('POST', '/admin/auditors/nobody/revoke')).status).toBe(404);
    expect((await w.call('POST', '/admin/auditors/nobody/enrol-link')).status).toBe(404);
  });
});
