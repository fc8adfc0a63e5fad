// Streaming export of the filtered log as JSON Lines or CSV, page by page so a million
// events never sit in memory. JSON Lines carries the log checkpoints (C2SP signed notes)
// whose size ends on an exported event and ends with a signed trailer over the digest of every line before
// it, so a handed-over file can be verified offline (trove audit verify --export).
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { signJws } from '../../crypto/signing.ts';
import type { Auditor } from './accounts.ts';
import { auditorQueried, pickFilter } from './audit-queries.ts';
import { describeFilter, eventCondition, type EventFilter } from './event-filter.ts';
import { CSV_COLUMNS, csvLine, eventView } from './event-view.ts';
import { timeBounds } from '../audit/time-blocks.ts';
import { indexedUpto } from '../audit/indexed-events.ts';

export const EXPORT_TYP = 'trove-export+jws';
const PAGE = 200;

export type ExportFormat = 'jsonl' | 'csv';

export type ExportTrailer = {
  type: 'export';
  iss: string;
  ts: number;
  head_seq: number;
  events: number;
  complete: boolean;
  filter: string;
  sha256: string;
};

/** Commits the export's audit event, then yields the file in chunks. */
export async function startExport(deps: Deps, auditor: Auditor, format: ExportFormat, filter: EventFilter): Promise<AsyncGenerator<string>> {
  const f = pickFilter(filter);
  const described = describeFilter(f);
  await auditorQueried(deps, auditor, 'audit.exported', { format, filter: described });
  // The export covers the log up to (and including) its own audit event.
  const head = await deps.store.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  const complete = auditor.brands === null && described === 'none';
  return format === 'csv' ? csvChunks(deps, auditor, f, head.seq) : jsonlChunks(deps, auditor, f, head.seq, complete, described);
}

async function* pages(deps: Deps, auditor: Auditor, f: EventFilter, headSeq: number) {
  let after = 0;
  const upto = await indexedUpto(deps.store.db);
  const bounds = await timeBounds(deps.store.db, f.from, f.to);
  for (;;) {
    const rows = await deps.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where((eb) => eventCondition(eb, f, auditor.brands, upto, bounds))
      .where('seq', '>', after)
      .where('seq', '<=', headSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    if (!rows.length) return;
    yield rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.seq;
  }
}

async function* csvChunks(deps: Deps, auditor: Auditor, f: EventFilter, headSeq: number): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for await (const rows of pages(deps, auditor, f, headSeq)) yield rows.map(csvLine).join('');
}

async function* jsonlChunks(deps: Deps, auditor: Auditor, f: EventFilter, headSeq: number, complete: boolean, described: string): AsyncGenerator<string> {
  const digest = createHash('sha256');
  // The header says up front whether gaps are allowed, so a verifier can name the line
  // where an event went missing; the signed trailer vouches for it with the rest.
  const header = `${JSON.stringify({ type: 'export_header', version: 1, iss: deps.config.origin, head_seq: headSeq, complete, filter: described })}\n`;
  digest.update(header);
  yield header;
  let events = 0;
  for await (const rows of pages(deps, auditor, f, headSeq)) {
    const first = rows[0]!.seq;
    const last = rows[rows.length - 1]!.seq;
    const cps = await deps.store.db.selectFrom('log_checkpoints').selectAll().where('size', '>=', first).where('size', '<=', last).execute();
    const bySeq = new Map(cps.map((c) => [Number(c.size), c]));
    let chunk = '';
    for (const r of rows) {
      chunk += `${JSON.stringify(eventView(r))}\n`;
      const cp = bySeq.get(r.seq);
      if (cp) chunk += `${JSON.stringify({ type: 'checkpoint', size: Number(cp.size), root: cp.root, note: cp.note })}\n`;
    }
    events += rows.length;
    digest.update(chunk);
    yield chunk;
  }
  const trailer: ExportTrailer = {
    type: 'export',
    iss: deps.config.origin,
    ts: deps.clock.now(),
    head_seq: headSeq,
    events,
    complete,
    filter: described,
    sha256: digest.digest('hex'),
  };
  const jws = await signJws(deps.keys.signer, trailer, EXPORT_TYP);
  yield `${JSON.stringify({ ...trailer, kid: deps.keys.signer.kid, jws })}\n`;
}
