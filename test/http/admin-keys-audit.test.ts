// The operator API for keys and the audit log: a signing-key rotation (published in the
// JWKS at once, the old key kept for the overlap), the streamed export (verifiable
// offline, naming the operator's own export event) and the self-check, each audited as
// the calling operator token; a bad export filter is a 400.
import { describe, expect, it } from 'vitest';
import { verifyExport } from '../../src/features/audit/verify-export.ts';
import { adminWorld } from './admin-helpers.ts';

describe('operator API: keys and the audit log', () => {
  it('rotates the signing key: the new key is published beside the retired one, audited as the operator', async () => {
    const w = await adminWorld();
    const before = (await (await w.app.request('/.well-known/jwks.json')).json()).keys.map((k: { kid: string }) => k.kid);
    const res = await w.call('POST', '/admin/keys/signing/rotate');
    expect(res.status).toBe(200);
    const r = await res.json();
    expect(r).toEqual({ kid: expect.any(String), retired: before });
    const after = (await (await w.app.request('/.well-known/jwks.json')).json()).keys.map((k: { kid: string }) => k.kid);
    expect(after).toEqual(expect.arrayContaining([r.kid, ...before]));
    expect(await w.events('keys.signing_rotated')).toEqual([expect.objectContaining({ actor_type: 'operator', actor_id: w.op.id })]);
  });

  it('streams the whole log as JSON Lines that verify offline, its own export event included', async () => {
    const w = await adminWorld();
    const res = await w.call('GET', '/admin/audit/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/jsonl');
    const lines = (await res.text()).trim().split('\n');
    const jwks = await (await w.app.request('/.well-known/jwks.json')).json();
    expect(await verifyExport(lines, jwks)).toMatchObject({ ok: true, complete: true });
    const exported = lines.map((l) => JSON.parse(l)).filter((e) => e.action === 'audit.exported');
    expect(exported).toEqual([expect.objectContaining({ actor_type: 'operator', actor_id: w.op.id })]);
    expect(lines.join('\n')).not.toContain(w.op.token);
  });

  it('exports a filtered part as CSV and refuses a bad filter or format with 400', async () => {
    const w = await adminWorld();
    const csv = await w.call('GET', '/admin/audit/export?format=csv&action=operator.token_created');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\n').filter(Boolean)).toHaveLength(2);
    expect((await w.call('GET', '/admin/audit/export?format=xml')).status).toBe(400);
    expect((await w.call('GET', '/admin/audit/export?outcome=maybe')).status).toBe(400);
  });

  it('answers the self-check with the verdict trove audit verify prints, audited as the operator', async () => {
    const w = await adminWorld();
    const res = await w.call('GET', '/admin/audit/verify');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, trust: 'self-check', first_bad_seq: null, problem: null, checked: expect.any(Number) });
    expect(await w.events('audit.verified')).toEqual([expect.objectContaining({ actor_type: 'operator', actor_id: w.op.id })]);
  });
});
