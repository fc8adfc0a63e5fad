// The operator API for the audit log: the export (JSON Lines with signed checkpoints and
// trailer, or CSV, streamed as `trove audit export` writes it; the operator sees every
// brand) and the server's self-check (`trove audit verify` without a pinned key). Both
// are audited (audit.exported, audit.verified) in the operator's name. A verification
// against a pinned log key is the auditor's own, offline: export, then verify the file.
import { verifyAuditLog } from '../../features/audit/verify.ts';
import { OPERATOR_REVIEWER } from '../../features/auditors/accounts.ts';
import { auditorQueried } from '../../features/auditors/audit-queries.ts';
import { startExport } from '../../features/auditors/audit-export.ts';
import { CONTENT_TYPES, exportQuery, streamOf } from '../auditor/audit-api.ts';
import { route, type Route } from '../route.ts';

export const adminAuditRoutes: Route[] = [
  route({
    method: 'get',
    path: '/admin/audit/export',
    tag: 'Operator API',
    auth: 'operator',
    query: exportQuery,
    okType: 'application/jsonl',
    summary: 'Stream the audit log (or the filtered part) as JSON Lines, verifiable offline, or CSV',
    handler: async ({ deps, query: { format, ...filter } }) => {
      const chunks = await startExport(deps, OPERATOR_REVIEWER, format, filter);
      return new Response(streamOf(chunks), { headers: { 'content-type': CONTENT_TYPES[format], 'cache-control': 'no-store' } });
    },
  }),
  route({
    method: 'get',
    path: '/admin/audit/verify',
    tag: 'Operator API',
    auth: 'operator',
    summary: 'The server’s self-check of the chain, tree and checkpoints (trusts the stored log key)',
    handler: async ({ deps, c }) => {
      c.header('cache-control', 'no-store');
      await auditorQueried(deps, OPERATOR_REVIEWER, 'audit.verified', {});
      return c.json(await verifyAuditLog(deps.store.db));
    },
  }),
];
