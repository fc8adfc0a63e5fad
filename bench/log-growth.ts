// Issue 26's "grown log": pre-fills a seeded Trove database's audit log with N earlier
// grant.read events spread over its consumers and grants (as months of reads would leave
// it), extends the Merkle tree over them as the checkpointer does, and measures what the
// log costs on disk per event. Everything goes through the real store, so the events chain,
// hash and index exactly as served reads' do.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { parseConfig } from '../src/config.ts';
import { silentLog } from '../src/deps.ts';
import { indexAuditLog } from '../src/features/audit/audit-index.ts';
import { extendTree } from '../src/features/audit/log-tree.ts';
import { consumerActivity } from '../src/features/activity/consumer-activity.ts';
import { OPERATOR_REVIEWER } from '../src/features/auditors/accounts.ts';
import { listEvents } from '../src/features/auditors/audit-queries.ts';
import { createNodeDeps } from '../src/runtime/node/deps.ts';

const BATCH = 5000;
/** Left un-indexed at the end, as a node sees it just before its indexer's next run (15 s at ~6,000 reads/s). */
export const UNINDEXED_TAIL = 90_000;

/** Appends `events` grant.read events over the database's grants; returns how long it took. */
export async function growLog(
  env: Record<string, string>,
  events: number,
): Promise<{ seconds: number; queries: Record<string, { p50_ms: number; p99_ms: number }> }> {
  const deps = await createNodeDeps(parseConfig(env), { log: silentLog });
  try {
    const db = deps.store.db;
    const grants = await db.selectFrom('grants').select(['id', 'brand_id', 'consumer_id', 'attributes', 'purpose']).execute();
    if (!grants.length) throw new Error('seed the database first');
    const t0 = performance.now();
    const indexedPart = Math.max(0, events - UNINDEXED_TAIL);
    for (let done = 0; done < events; done += BATCH) {
      if (done === indexedPart) while ((await indexAuditLog(deps)) > 0);
      const n = Math.min(BATCH, events - done);
      await deps.store.commit({
        audit: Array.from({ length: n }, (_, i) => {
          // A multiplicative spread, so neighbouring events name far-apart consumers and grants.
          const g = grants[((done + i) * 7919) % grants.length]!;
          return {
            action: 'grant.read',
            outcome: 'success' as const,
            actor_type: 'brand' as const,
            actor_id: g.brand_id,
            consumer_id: g.consumer_id,
            brand_id: g.brand_id,
            grant_id: g.id,
            attributes: JSON.parse(g.attributes) as string[],
            purpose: g.purpose,
          };
        }),
      });
      if (done % 500_000 === 0 && done) console.error(`log growth: ${done} events`);
    }
    await extendTree({ store: deps.store, log: silentLog });
    // A log filled in minutes has not been analysed yet; one that grew over months has (autovacuum).
    if (env.DATABASE_URL) await sql`ANALYZE`.execute(deps.store.db);
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    return { seconds, queries: await timeQueries(deps, grants) };
  } finally {
    await deps.store.close();
  }
}

/** Every relation the log's events, index and tree take on PostgreSQL (with their indexes and TOAST). */
const LOG_RELATIONS = ['audit_log', 'audit_contexts', 'audit_brands', 'audit_by_context', 'audit_tree_nodes'];

/** Bytes the audit log takes: the SQLite file (after a WAL checkpoint, which the store's close does) or PostgreSQL's relations. */
export async function logBytes(env: Record<string, string>): Promise<{ total_bytes: number; events: number }> {
  if (env.DATABASE_URL) {
    const c = new pg.Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    try {
      const r = await c.query(
        `SELECT ${LOG_RELATIONS.map((r) => `pg_total_relation_size('${r}')`).join(' + ')} AS bytes, (SELECT count(*) FROM audit_log) AS events`,
      );
      return { total_bytes: Number(r.rows[0].bytes), events: Number(r.rows[0].events) };
    } finally {
      await c.end();
    }
  }
  const file = join(env.TROVE_DATA_DIR!, 'trove.db');
  const deps = await createNodeDeps(parseConfig(env), { log: silentLog });
  let events = 0;
  try {
    const row = await deps.store.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    events = Number(row?.n ?? 0);
  } finally {
    await deps.store.close();
  }
  return { total_bytes: statSync(file).size, events };
}

type Deps = Awaited<ReturnType<typeof createNodeDeps>>;

/** A page of 50 events, newest first, by consumer (the consumer's activity and the auditor's filter), grant, brand and time: p50 and p99 over 200 random picks each. */
async function timeQueries(deps: Deps, grants: { id: string; brand_id: string; consumer_id: string }[]) {
  const pick = () => grants[Math.floor(Math.random() * grants.length)]!;
  const head = await deps.store.db.selectFrom('audit_events').select(['ts']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  const kinds: Record<string, () => Promise<unknown>> = {
    consumer_activity: () => consumerActivity(deps, pick().consumer_id, { limit: 50 } as never),
    auditor_by_consumer: () => listEvents(deps, OPERATOR_REVIEWER, { consumer: pick().consumer_id, order: 'desc', limit: 50 }),
    auditor_by_grant: () => listEvents(deps, OPERATOR_REVIEWER, { grant: pick().id, order: 'desc', limit: 50 }),
    auditor_by_brand: () => listEvents(deps, OPERATOR_REVIEWER, { brand: pick().brand_id, order: 'desc', limit: 50 }),
    auditor_by_time: () => listEvents(deps, OPERATOR_REVIEWER, { from: Math.floor(Number(head.ts) - 3_600_000 * Math.random()), order: 'asc', limit: 50 }),
  };
  const out: Record<string, { p50_ms: number; p99_ms: number }> = {};
  for (const [name, run] of Object.entries(kinds)) {
    const ms: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await run();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    out[name] = { p50_ms: Math.round(ms[100]! * 10) / 10, p99_ms: Math.round(ms[197]! * 10) / 10 };
  }
  return out;
}
