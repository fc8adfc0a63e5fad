import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { allEvents, asAuditor, auditWorld, type World } from '../helpers/audit-world.ts';
import { read } from '../helpers/raw-oauth.ts';

let w: World;
let get: ReturnType<typeof asAuditor>;

beforeAll(async () => {
  w = await auditWorld();
  get = asAuditor(w.app, w.auditors.all.token);
});

type View = {
  seq: number;
  brand_id: string | null;
  consumer_id: string | null;
  grant_id: string | null;
  action: string;
  outcome: string;
  ts: number;
  attributes: string[] | null;
};

async function everything(query: string): Promise<View[]> {
  const out: View[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/v1/audit/events?${query}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: View[]; next_cursor: string | null };
    out.push(...body.events);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

/** The stored events a filter should select, up to the newest seq the listing saw. */
function expected(rows: AuditEventRow[], pred: (r: AuditEventRow) => boolean, upTo: number) {
  return rows.filter((r) => r.seq <= upTo && pred(r)).map((r) => r.seq);
}

describe('GET /v1/audit/events filters', () => {
  const cases: [string, () => string, (r: AuditEventRow) => boolean][] = [
    ['brand', () => `brand=${w.x.clientId}`, (r) => r.brand_id === w.x.clientId],
    ['consumer pseudonym', () => `consumer=${w.b.consumerId}`, (r) => r.consumer_id === w.b.consumerId],
    ['grant', () => `grant=${w.grants.ay.grant_id}`, (r) => r.grant_id === w.grants.ay.grant_id],
    ['action', () => 'action=grant.read', (r) => r.action === 'grant.read'],
    ['outcome', () => 'outcome=denied', (r) => r.outcome === 'denied'],
    ['attribute name', () => 'attribute=shoe_size', (r) => (r.attributes ? (JSON.parse(r.attributes) as string[]).includes('shoe_size') : false)],
    [
      'time window',
      () => `from=${new Date(Date.UTC(2026, 0, 1, 0, 2)).toISOString()}&to=${Date.UTC(2026, 0, 1, 0, 3)}`,
      (r) => r.ts >= Date.UTC(2026, 0, 1, 0, 2) && r.ts < Date.UTC(2026, 0, 1, 0, 3),
    ],
    ['brand and action together', () => `brand=${w.y.clientId}&action=grant.read`, (r) => r.brand_id === w.y.clientId && r.action === 'grant.read'],
  ];
  for (const [name, query, pred] of cases) {
    it(`narrows by ${name} to exactly the matching events`, async () => {
      const got = await everything(query());
      const rows = await allEvents(w.deps);
      const want = expected(rows, pred, rows.at(-1)!.seq);
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(rows.length);
      expect(got.map((e) => e.seq)).toEqual(want);
    });
  }

  it('returns a denied read with its reason and the attribute names, never a value', async () => {
    const got = await everything(`grant=${w.grants.ay.grant_id}&outcome=denied`);
    expect(got.length).toBeGreaterThan(0);
    const text = JSON.stringify(got);
    expect(text).not.toContain('someone@example.com');
    expect(got[0]).toMatchObject({ action: 'grant.read', reason: expect.any(String) });
  });

  it('treats "_" in an attribute name literally rather than as a wildcard', async () => {
    expect(await everything('attribute=shoexsize')).toEqual([]);
  });

  it('refuses unknown outcomes, malformed times and foreign cursors with a 400 problem', async () => {
    for (const q of ['outcome=maybe', 'from=yesterday', 'limit=0', 'limit=501', 'cursor=bm9wZQ', 'action=DROP%20TABLE']) {
      const res = await get(`/v1/audit/events?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const page = await (await get('/v1/audit/events?limit=1&order=desc')).json();
    expect((await get(`/v1/audit/events?cursor=${page.next_cursor}`)).status).toBe(400);
  });
});

describe('brand names', () => {
  it('names each brand on the page beside its client id, and no brand the page does not show', async () => {
    const body = (await (await get(`/v1/audit/events?action=grant.read&limit=500`)).json()) as { events: View[]; brands: Record<string, string> };
    expect(body.brands).toEqual({ [w.x.clientId]: 'Brand X, "the shoe people"', [w.y.clientId]: 'Brand Y' });
    const onlyX = (await (await get(`/v1/audit/events?brand=${w.x.clientId}`)).json()) as { brands: Record<string, string> };
    expect(onlyX.brands).toEqual({ [w.x.clientId]: 'Brand X, "the shoe people"' });
    const scoped = (await (await asAuditor(w.app, w.auditors.scoped.token)('/v1/audit/events?limit=500')).json()) as { brands: Record<string, string> };
    expect(Object.keys(scoped.brands)).toEqual([w.x.clientId]);
    const none = (await (await get(`/v1/audit/events?action=profile.attributes_changed`)).json()) as { events: View[]; brands: Record<string, string> };
    expect(none.brands).toEqual({});
  });
});

describe('cursor pagination', () => {
  it('returns every event exactly once while events are appended between pages', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/v1/audit/events?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      const body = (await res.json()) as { events: View[]; next_cursor: string | null };
      seen.push(...body.events.map((e) => e.seq));
      cursor = body.next_cursor;
      pages += 1;
      if (pages < 6) {
        // Concurrent activity: brand reads and a profile change land between pages.
        await read(w.app, w.grants.ax.access_token);
        await w.b.call('/api/me/attributes/email', { method: 'PUT', json: { value: `p${pages}@example.com` } });
      }
    } while (cursor);
    const rows = await allEvents(w.deps);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(rows.filter((r) => r.seq <= seen.at(-1)!).map((r) => r.seq));
    expect(pages).toBeGreaterThan(5);
  });

  it('pages newest first with order=desc without repeating or skipping', async () => {
    const first = await (await get('/v1/audit/events?order=desc&limit=4')).json();
    const top = first.events[0].seq as number;
    const seen: number[] = first.events.map((e: View) => e.seq);
    let cursor = first.next_cursor as string | null;
    while (cursor) {
      const body = await (await get(`/v1/audit/events?order=desc&limit=4&cursor=${cursor}`)).json();
      seen.push(...body.events.map((e: View) => e.seq));
      cursor = body.next_cursor;
    }
    expect(seen).toEqual(Array.from({ length: top }, (_, i) => top - i));
  });
});

describe('auditors are audited', () => {
  it('records each query as an event naming the auditor and the filter', async () => {
    await get(`/v1/audit/events?brand=${w.x.clientId}&action=grant.read`);
    const last = (await allEvents(w.deps)).filter((r) => r.action === 'audit.queried').at(-1)!;
    expect(last).toMatchObject({ actor_type: 'auditor', actor_id: w.auditors.all.id, outcome: 'success' });
    expect(JSON.parse(last.detail!)).toMatchObject({ filter: `brand=${w.x.clientId} action=grant.read` });
  });

  it('answers GET /v1/audit/verify with the self-check: ok, checked, first_bad_seq, head, the log key to compare with the pinned one, and audits it', async () => {
    const body = await (await get('/v1/audit/verify')).json();
    const rows = await allEvents(w.deps);
    expect(body).toMatchObject({
      ok: true,
      trust: 'self-check',
      first_bad_seq: null,
      checked: rows.length,
      head: { seq: rows.at(-1)!.seq, hash: rows.at(-1)!.hash },
    });
    expect(body.log_key).toEqual((await storedLogKeys(w.deps.store.db))[0]);
    expect(body.latest_checkpoint).toMatchObject({ size: expect.any(Number), note: expect.stringContaining('\n\n') });
    expect(rows.at(-1)).toMatchObject({ action: 'audit.verified', actor_id: w.auditors.all.id });
  });

  it('lists signed checkpoints newest first', async () => {
    const body = await (await get('/v1/audit/checkpoints?limit=2')).json();
    expect(body.checkpoints).toHaveLength(2);
    expect(body.checkpoints[0].size).toBeGreaterThan(body.checkpoints[1].size);
    expect(body.checkpoints[0].note).toContain(`\n${body.checkpoints[0].size}\n${body.checkpoints[0].root}\n\n— `);
    expect(body.next_cursor).toEqual(expect.any(String));
  });

  it('reports the first bad sequence number once an event is edited', async () => {
    const target = (await allEvents(w.deps)).find((r) => r.action === 'grant.read')!;
    await w.deps.store.commit({ writes: [w.deps.store.db.updateTable('audit_events').set({ outcome: 'denied' }).where('seq', '=', target.seq)] });
    const body = await (await get('/v1/audit/verify')).json();
    expect(body).toMatchObject({ ok: false, first_bad_seq: target.seq });
  });
});
