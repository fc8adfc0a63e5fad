// The auditor API under /v1/audit: filtered events, streamed exports, signed
// checkpoints and the verifier. Every call is an audit event of its own.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { startExport } from '../../features/auditors/audit-export.ts';
import { eventsQuery, listCheckpoints, listEvents, pageQuery, verifyForAuditor } from '../../features/auditors/audit-queries.ts';
import { eventFilter } from '../../features/auditors/event-filter.ts';
import { query } from '../validate.ts';
import { requireAuditor, type AuditorEnv } from './auditor-auth.ts';

export const exportQuery = eventFilter.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') });

const CONTENT_TYPES = { jsonl: 'application/jsonl; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

function streamOf(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
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

export function auditApiRoutes(deps: Deps) {
  return new Hono<AuditorEnv>()
    .use('/v1/audit/*', requireAuditor(deps))
    .get('/v1/audit/events', query(eventsQuery), async (c) => c.json(await listEvents(deps, c.get('auditor'), c.req.valid('query'))))
    .get('/v1/audit/export', query(exportQuery), async (c) => {
      const { format, ...filter } = c.req.valid('query');
      const chunks = await startExport(deps, c.get('auditor'), format, filter);
      const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
      return new Response(streamOf(chunks), {
        headers: {
          'content-type': CONTENT_TYPES[format],
          'content-disposition': `attachment; filename="trove-audit-${stamp}.${format}"`,
          'cache-control': 'no-store',
        },
      });
    })
    .get('/v1/audit/checkpoints', query(pageQuery), async (c) => c.json(await listCheckpoints(deps, c.get('auditor'), c.req.valid('query'))))
    .get('/v1/audit/verify', async (c) => c.json(await verifyForAuditor(deps, c.get('auditor'))));
}
