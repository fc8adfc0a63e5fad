import { beforeAll, describe, expect, it } from 'vitest';
import { allEvents, auditWorld, type World } from '../helpers/audit-world.ts';
import type { Caller } from '../helpers/consumer.ts';

let w: World;

beforeAll(async () => {
  w = await auditWorld();
});

type Item = {
  seq: number;
  action: string;
  outcome: string;
  brand: { client_id: string; name: string } | null;
  attributes: string[] | null;
  reason: string | null;
};

async function activity(c: Caller, query = ''): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  do {
    const res = await c.call(`/api/me/activity?limit=4${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: Item[]; next_cursor: string | null };
    out.push(...body.events);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

describe('GET /api/me/activity', () => {
  it('shows every read of my data by brands, with their names, and the denied attempt after I revoked', async () => {
    const mine = await activity(w.a);
    const reads = mine.filter((e) => e.action === 'grant.read');
    expect(
      reads
        .filter((e) => e.outcome === 'success')
        .map((e) => e.brand!.name)
        .sort(),
    ).toEqual(['Brand X, "the shoe people"', 'Brand X, "the shoe people"', 'Brand Y']);
    const denied = reads.find((e) => e.outcome === 'denied')!;
    expect(denied).toMatchObject({ brand: { client_id: w.y.clientId, name: 'Brand Y' }, reason: expect.any(String) });
    expect(mine.some((e) => e.action === 'grant.revoked')).toBe(true);
    expect(JSON.stringify(mine)).not.toContain('someone@example.com');
  });

  it('is newest first and holds exactly my events, none of another consumer', async () => {
    const mine = await activity(w.a);
    const rows = await allEvents(w.deps);
    expect(mine.map((e) => e.seq)).toEqual(
      rows
        .filter((r) => r.consumer_id === w.a.consumerId)
        .map((r) => r.seq)
        .reverse(),
    );
    const theirs = await activity(w.b);
    const mineSeqs = new Set(mine.map((e) => e.seq));
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.some((e) => mineSeqs.has(e.seq))).toBe(false);
  });

  it('filters by brand and by action', async () => {
    const x = await activity(w.a, `&brand=${w.x.clientId}`);
    expect(x.length).toBeGreaterThan(0);
    expect(x.every((e) => e.brand?.client_id === w.x.clientId)).toBe(true);
    const reads = await activity(w.a, '&action=grant.read');
    expect(reads.every((e) => e.action === 'grant.read')).toBe(true);
    expect(reads).toHaveLength(4);
  });

  it('needs a consumer session and rejects bad filters with 400', async () => {
    expect((await w.app.request('/api/me/activity')).status).toBe(401);
    expect((await w.a.call('/api/me/activity?limit=1000')).status).toBe(400);
    expect((await w.a.call('/api/me/activity?cursor=%%%')).status).toBe(400);
  });
});
