// The auditor API under /v1/audit: filtered events, streamed exports, signed
// checkpoints and the verifier. Every call is an audit event of its own; no answer is cached.
import type { Context } from 'hono';
import { z } from 'zod';
import { startExport } from '../../features/auditors/audit-export.ts';
import { eventsQuery, listCheckpoints, listEvents, pageQuery, verifyForAuditor } from '../../features/auditors/audit-queries.ts';
import { eventFilter } from '../../features/auditors/event-filter.ts';
import { route, type Route } from '../route.ts';

export const exportQuery = eventFilter.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') });

export const CONTENT_TYPES = { jsonl: 'application/jsonl; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

export function streamOf(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

const noStore = (c: Context) => c.header('cache-control', 'no-store');

export const auditApiRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/audit/events',
    tag: 'Auditor API',
    auth: 'auditor',
    query: eventsQuery,
    summary: 'Audit events by filter, cursor paged (stable while events are appended)',
    handler: async ({ deps, c, auth, query }) => {
      noStore(c);
      return c.json(await listEvents(deps, auth.auditor, query));
    },
  }),
  route({
    method: 'get',
    path: '/v1/audit/export',
    tag: 'Auditor API',
    auth: 'auditor',
    query: exportQuery,
    okType: 'application/jsonl',
    summary: 'Streamed export as JSON Lines (with signed checkpoints and trailer) or CSV',
    handler: async ({ deps, auth, query: { format, ...filter } }) => {
      const chunks = await startExport(deps, auth.auditor, format, filter);
      const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
      return new Response(streamOf(chunks), {
        headers: {
          'content-type': CONTENT_TYPES[format],
          'content-disposition': `attachment; filename="trove-audit-${stamp}.${format}"`,
          'cache-control': 'no-store',
        },
      });
    },
  }),
  route({
    method: 'get',
    path: '/v1/audit/checkpoints',
    tag: 'Auditor API',
    auth: 'auditor',
    query: pageQuery,
    summary: 'Signed checkpoints of the audit log (C2SP signed notes), newest first',
    handler: async ({ deps, c, auth, query }) => {
      noStore(c);
      return c.json(await listCheckpoints(deps, auth.auditor, query));
    },
  }),
  route({
    method: 'get',
    path: '/v1/audit/verify',
    tag: 'Auditor API',
    auth: 'auditor',
    summary: 'The server’s self-check of the chain, tree and checkpoints (trusts its own keys; verify against a pinned log key for more)',
    handler: async ({ deps, c, auth }) => {
      noStore(c);
      return c.json(await verifyForAuditor(deps, auth.auditor));
    },
  }),
];
