import { beforeAll, describe, expect, it } from 'vitest';
import { disableAuditor } from '../../src/features/auditors/accounts.ts';
import { allEvents, asAuditor, auditWorld, type World } from '../helpers/audit-world.ts';

let w: World;

beforeAll(async () => {
  w = await auditWorld();
});

type View = { seq: number; brand_id: string | null };

async function pageAll(get: ReturnType<typeof asAuditor>, query = '') {
  const out: View[] = [];
  let cursor: string | null = null;
  do {
    const body = (await (await get(`/v1/audit/events?limit=50${query}${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
      events: View[];
      next_cursor: string | null;
    };
    out.push(...body.events);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

describe('a scoped auditor', () => {
  it('sees every event of its brand and nothing of another brand or of brand-less events', async () => {
    const got = await pageAll(asAuditor(w.app, w.auditors.scoped.token));
    const rows = await allEvents(w.deps);
    expect(got.map((e) => e.seq)).toEqual(rows.filter((r) => r.brand_id === w.x.clientId).map((r) => r.seq));
    expect(got.length).toBeGreaterThan(3);
    expect(JSON.stringify(got)).not.toContain(w.y.clientId);
  });

  it('gets an empty answer, not a hint, when filtering on a brand outside its scope', async () => {
    const get = asAuditor(w.app, w.auditors.scoped.token);
    const other = await (await get(`/v1/audit/events?brand=${w.y.clientId}`)).json();
    const unknown = await (await get('/v1/audit/events?brand=brand_doesnotexist')).json();
    expect(other).toEqual({ events: [], next_cursor: null, brands: {} });
    expect(unknown).toEqual(other);
    // A consumer who used both brands: only brand X's events about them.
    const mixed = await pageAll(get, `&consumer=${w.a.consumerId}`);
    expect(mixed.length).toBeGreaterThan(0);
    expect(mixed.every((e) => e.brand_id === w.x.clientId)).toBe(true);
  });

  it('exports only its brand in JSON Lines and CSV', async () => {
    const get = asAuditor(w.app, w.auditors.scoped.token);
    const jsonl = await (await get('/v1/audit/export?format=jsonl')).text();
    const lines = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = lines.filter((l) => l.type === undefined);
    expect(events.length).toBeGreaterThan(3);
    expect(events.every((e) => e.brand_id === w.x.clientId)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'export', complete: false, events: events.length });
    const csv = await (await get('/v1/audit/export?format=csv')).text();
    expect(csv).not.toContain(w.y.clientId);
    expect(csv).toContain(w.x.clientId);
  });

  it('is told whether the chain verifies, with counts over its own brand only', async () => {
    const body = await (await asAuditor(w.app, w.auditors.scoped.token)('/v1/audit/verify')).json();
    const rows = await allEvents(w.deps);
    const mine = rows.filter((r) => r.brand_id === w.x.clientId);
    expect(body).toMatchObject({ ok: true, checked: mine.length, head: { seq: mine.at(-1)!.seq }, first_bad_seq: null });
  });
});

describe('auditor authentication', () => {
  it('refuses a missing, malformed or unknown token with 401', async () => {
    expect((await w.app.request('/v1/audit/events')).status).toBe(401);
    expect((await asAuditor(w.app, 'nonsense')('/v1/audit/events')).status).toBe(401);
    expect((await asAuditor(w.app, `trv_au_${'A'.repeat(43)}`)('/v1/audit/events')).status).toBe(401);
  });

  it('refuses a brand access token and a consumer session', async () => {
    expect((await asAuditor(w.app, w.grants.ax.access_token)('/v1/audit/events')).status).toBe(401);
    expect((await w.a.call('/v1/audit/events')).status).toBe(401);
    expect((await w.a.call('/api/auditor/me')).status).toBe(401);
  });

  it('refuses the token of a disabled unscoped auditor at once', async () => {
    const get = asAuditor(w.app, w.auditors.all.token);
    expect((await get('/v1/audit/verify')).status).toBe(200);
    await disableAuditor(w.deps, w.auditors.all.id);
    for (const path of ['/v1/audit/events', '/v1/audit/export', '/v1/audit/checkpoints', '/v1/audit/verify']) {
      expect((await get(path)).status, path).toBe(401);
    }
    expect((await allEvents(w.deps)).at(-1)).toMatchObject({ action: 'auditor.disabled', actor_type: 'operator' });
  });

  it('does not accept writes on the audit API', async () => {
    const res = await w.app.request('/v1/audit/events', { method: 'POST', headers: { authorization: `Bearer ${w.auditors.scoped.token}` } });
    expect(res.status).toBe(405);
  });
});
