// The audit log's tree, as auditors and anyone else read it: the latest checkpoint and the
// log key (public: a checkpoint reveals only the log's size and root; the key is what
// consumers' portals pin on first use), and inclusion and consistency proofs
// for auditors (each call audited, like every auditor call).
import { z } from 'zod';
import { consistencyProofOf, eventFor, inclusionProofOf } from '../../features/audit/log-proofs.ts';
import { latestCheckpoint } from '../../features/audit/log-checkpoint.ts';
import { auditorQueried } from '../../features/auditors/audit-queries.ts';
import { NotFound } from '../../errors.ts';
import { route, type Route } from '../route.ts';

const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const inclusionQuery = z.object({ seq: size.min(1), tree_size: size.min(1).optional() });
const consistencyQuery = z.object({ from: size, to: size.min(1).optional() });

const proofShape = z.object({ proof: z.array(z.string()), checkpoint: z.string() });
export const inclusionResponse = proofShape.extend({
  seq: z.number(),
  leaf_index: z.number(),
  tree_size: z.number(),
  leaf_hash: z.string(),
  canonical: z.string().nullable(),
});
const consistencyResponse = proofShape.extend({ from: z.number(), to: z.number() });

export const logApiRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/audit/checkpoint',
    tag: 'Auditor API',
    auth: 'none',
    okType: 'text/plain',
    summary: 'The latest signed checkpoint of the audit log (C2SP tlog-checkpoint signed note, with witness cosignatures)',
    handler: async ({ deps }) => {
      const cp = await latestCheckpoint(deps.store.db);
      if (!cp) throw new NotFound('No checkpoint has been signed yet; try again in a few seconds.');
      return new Response(cp.note, { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' } });
    },
  }),
  route({
    method: 'get',
    path: '/v1/audit/log-key',
    tag: 'Auditor API',
    auth: 'none',
    okType: 'text/plain',
    summary: 'The verifier keys (C2SP vkeys) that sign checkpoints, one a line, newest last: auditors compare them with the key they recorded out of band',
    handler: async ({ deps }) => {
      await deps.keys.fresh(deps.clock.now());
      return new Response(deps.keys.logSigners.map((s) => `${s.vkey}\n`).join(''), {
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' },
      });
    },
  }),
  route({
    method: 'get',
    path: '/v1/audit/proof/inclusion',
    tag: 'Auditor API',
    auth: 'auditor',
    query: inclusionQuery,
    response: inclusionResponse,
    summary: 'Inclusion proof of entry seq in the tree of a signed checkpoint (the latest by default)',
    handler: async ({ deps, c, auth, query }) => {
      c.header('cache-control', 'no-store');
      const event = await eventFor(deps.store.db, { seq: query.seq });
      // A scoped auditor proves only its own brands' events (the others are not its to see).
      if (auth.auditor.brands && !auth.auditor.brands.includes(event.brand_id ?? '')) throw new NotFound('No such audit event.');
      await auditorQueried(deps, auth.auditor, 'audit.proof_served', { kind: 'inclusion', seq: query.seq, tree_size: query.tree_size ?? null });
      return c.json(await inclusionProofOf(deps, event, { treeSize: query.tree_size, showCanonical: true }));
    },
  }),
  route({
    method: 'get',
    path: '/v1/audit/proof/consistency',
    tag: 'Auditor API',
    auth: 'auditor',
    query: consistencyQuery,
    response: consistencyResponse,
    summary: 'Consistency proof from tree size `from` to the signed checkpoint of size `to` (the latest by default)',
    handler: async ({ deps, c, auth, query }) => {
      c.header('cache-control', 'no-store');
      await auditorQueried(deps, auth.auditor, 'audit.proof_served', { kind: 'consistency', from: query.from, to: query.to ?? null });
      return c.json(await consistencyProofOf(deps, query.from, query.to));
    },
  }),
];
