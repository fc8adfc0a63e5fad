// deps.metrics on Node, with prom-client: the counters and histograms features and the
// HTTP layer feed, and gauges sampled when /metrics is scraped (webhook queue depth,
// checkpoint lag, the PostgreSQL pool). Labels are route templates, classes and
// outcomes only — never an id, a value or a credential — so their number stays bounded.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterName, Deps, GaugeName, HistogramName, Metrics } from '../../deps.ts';
import { latestCheckpoint } from '../../features/audit/checkpoint-rows.ts';

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export type NodeMetrics = Metrics & {
  readonly registry: Registry;
  /** Samples these deps' database on every scrape (call once the deps exist). */
  watch(deps: Deps): void;
  /** The store's hook: one committed batch, its size and how long its transaction (and fsync) took. */
  onBatch(size: number, seconds: number): void;
};

export function createNodeMetrics(): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'trove_' });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name: `trove_${name}_total`, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, buckets: number[], labelNames: string[] = []) =>
    new Histogram({ name: `trove_${name}`, help, buckets, labelNames, registers: [registry] });
  const counters: Record<CounterName, Counter> = {
    http_requests: counter('http_requests', 'Requests answered, by method, route template and status.', ['method', 'route', 'status']),
    audited_reads: counter('audited_reads', 'Audited attribute reads committed, by outcome (success or denied).', ['outcome']),
    rate_limit_refusals: counter('rate_limit_refusals', 'Requests refused with 429, by rate-limit class.', ['class']),
    webhook_delivery_failures: counter('webhook_delivery_failures', 'Webhook delivery attempts that failed (each retry counts).'),
  };
  const histograms: Record<HistogramName, Histogram> = {
    http_request_duration_seconds: histogram('http_request_duration_seconds', 'Time to answer a request, by method and route template.', SECONDS, [
      'method',
      'route',
    ]),
    commit_batch_size: histogram('commit_batch_size', 'Changes committed together in one transaction (group commit).', [1, 2, 4, 8, 16, 32, 64, 128, 256]),
    commit_duration_seconds: histogram('commit_duration_seconds', "One group commit's transaction, COMMIT and fsync included.", SECONDS),
  };
  const gauges: Record<GaugeName, Gauge> = {
    http_requests_in_flight: new Gauge({ name: 'trove_http_requests_in_flight', help: 'Requests being answered now.', registers: [registry] }),
  };
  let watched: Deps | undefined;
  const sample = (name: string, help: string, read: (deps: Deps, g: Gauge) => Promise<void>, labelNames: string[] = []) =>
    new Gauge({
      name: `trove_${name}`,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        if (watched) await read(watched, this).catch(() => this.reset());
      },
    });
  sample('webhook_queue_depth', 'Webhook deliveries pending (due now or waiting for a retry).', async (deps, g) => {
    const row = await deps.store.db.selectFrom('webhook_deliveries').select(sql<number>`count(*)`.as('n')).where('status', '=', 'pending').executeTakeFirst();
    g.set(Number(row?.n ?? 0));
  });
  sample('audit_checkpoint_lag_events', 'Audit events appended since the last signed checkpoint.', async (deps, g) => {
    const head = await deps.store.db.selectFrom('audit_events').select(sql<number>`max(seq)`.as('seq')).executeTakeFirst();
    const cp = await latestCheckpoint(deps.store.db);
    g.set(Math.max(0, Number(head?.seq ?? 0) - (cp?.size ?? 0)));
  });
  sample(
    'db_pool_connections',
    'PostgreSQL pool connections: total, idle, and callers waiting for one (absent on SQLite).',
    async (deps, g) => {
      const pool = (deps.store as { pool?: { totalCount: number; idleCount: number; waitingCount: number } }).pool;
      if (!pool) return;
      g.set({ state: 'total' }, pool.totalCount);
      g.set({ state: 'idle' }, pool.idleCount);
      g.set({ state: 'waiting' }, pool.waitingCount);
    },
    ['state'],
  );
  return {
    registry,
    count: (name, labels = {}, by = 1) => counters[name].inc(labels, by),
    observe: (name, value, labels = {}) => histograms[name].observe(labels, value),
    add: (name, delta) => gauges[name].inc(delta),
    timer() {
      const start = performance.now();
      return () => (performance.now() - start) / 1000;
    },
    watch(deps) {
      watched = deps;
    },
    onBatch(size, seconds) {
      histograms.commit_batch_size.observe(size);
      histograms.commit_duration_seconds.observe(seconds);
    },
  };
}
