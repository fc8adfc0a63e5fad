import { beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../src/features/audit/verify-export.ts';
import { csvCell } from '../../src/features/auditors/event-view.ts';
import { allEvents, asAuditor, auditWorld, type World } from '../helpers/audit-world.ts';

let w: World;
let jwks: { keys: never[] };
let get: ReturnType<typeof asAuditor>;

beforeAll(async () => {
  w = await auditWorld();
  jwks = await (await w.app.request('/.well-known/jwks.json')).json();
  get = asAuditor(w.app, w.auditors.all.token);
});

const lines = (text: string) => text.replace(/\n$/, '').split('\n');

/** A minimal RFC 4180 reader, to prove the CSV round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [],
    cell = '',
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('JSON Lines export', () => {
  it('holds every event, the checkpoints it covers and a signed trailer, and verifies offline', async () => {
    const res = await get('/v1/audit/export?format=jsonl');
    expect(res.headers.get('content-type')).toContain('application/jsonl');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="trove-audit-.*\.jsonl"$/);
    const text = await res.text();
    const parsed = lines(text).map((l) => JSON.parse(l));
    const rows = await allEvents(w.deps);
    const events = parsed.filter((l) => !l.type);
    expect(events.map((e) => e.seq)).toEqual(rows.map((r) => r.seq));
    expect(events.at(-1)).toMatchObject({ action: 'audit.exported', actor_id: w.auditors.all.id });
    expect(parsed.filter((l) => l.type === 'checkpoint').length).toBeGreaterThan(0);
    expect(parsed.at(-1)).toMatchObject({ type: 'export', complete: true, events: rows.length, head_seq: rows.at(-1)!.seq });
    const result = await verifyExport(lines(text), jwks);
    expect(result).toMatchObject({ ok: true, complete: true, events: rows.length, first_bad_line: null });
  });

  it('fails verification naming the first changed line', async () => {
    const text = await (await get('/v1/audit/export')).text();
    const all = lines(text);
    const i = all.findIndex((l) => l.includes('"grant.read"'));
    all[i] = all[i]!.replace('"outcome":"success"', '"outcome":"denied"');
    expect(await verifyExport(all, jwks)).toMatchObject({ ok: false, first_bad_line: i + 1, first_bad_seq: JSON.parse(all[i]!).seq });
  });

  it('fails verification when a line is removed, a line re-hashed, or the file cut short', async () => {
    const all = lines(await (await get('/v1/audit/export')).text());
    const removed = all.filter((_, i) => i !== 5);
    expect(await verifyExport(removed, jwks)).toMatchObject({ ok: false, first_bad_line: 6, problem: expect.stringContaining('missing') });
    expect(await verifyExport(all.slice(0, -1), jwks)).toMatchObject({ ok: false, problem: expect.stringContaining('truncated') });
    const otherKeys = { keys: [] };
    expect(await verifyExport(all, otherKeys)).toMatchObject({ ok: false });
  });

  it('verifies a filtered export as a part of the log', async () => {
    const text = await (await get(`/v1/audit/export?brand=${w.y.clientId}`)).text();
    const result = await verifyExport(lines(text), jwks);
    expect(result).toMatchObject({ ok: true, complete: false });
    expect(lines(text)[0]).toContain('"type":"export_header"');
    expect(result.events).toBe((await allEvents(w.deps)).filter((r) => r.brand_id === w.y.clientId).length);
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and newlines so every row round-trips', async () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('=HYPERLINK("x")', true)).toBe('"\'=HYPERLINK(""x"")"');
    const res = await get('/v1/audit/export?format=csv');
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv(await res.text());
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['seq', 'time', 'ts']);
    expect(rows.slice(1).every((r) => r.length === header.length)).toBe(true);
    const registered = rows.find((r) => r[header.indexOf('action')] === 'brand.registered' && r[header.indexOf('brand_id')] === w.x.clientId)!;
    expect(JSON.parse(registered[header.indexOf('detail')]!)).toMatchObject({ name: 'Brand X, "the shoe people"' });
    expect(rows.length - 1).toBe((await allEvents(w.deps)).length);
  });
});
