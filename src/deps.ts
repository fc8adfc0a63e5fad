// The one dependency shape every feature receives. Runtimes build it; features never
// reach for env, drivers, bindings or the system clock on their own.
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Sodium } from './crypto/sodium.ts';
import type { Store } from './db/store.ts';
import type { KeyRing } from './features/keys/keyring.ts';
import type { RateLimiter } from './features/limits/rate-limiter.ts';
import type { Outbound } from './features/outbound/outbound.ts';
import type { WitnessFetch } from './features/audit/witness-push.ts';
import type { Term } from './features/terms/roster.ts';

export type Logger = {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug?(msg: string, fields?: Record<string, unknown>): void;
  /** One access-log line per request (http/observe.ts): absent, none is written (Workers has its own request logs). */
  access?(fields: AccessLine): void;
};

/** What an access-log line holds: a route template, never a path with ids, a query, a value or a credential. */
export type AccessLine = { request_id: string; method: string; route: string; status: number; duration_ms: number; actor_type: string };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Counter names (Prometheus adds _total). Labels are closed sets (route templates, classes, outcomes), never ids. */
export type CounterName = 'http_requests' | 'audited_reads' | 'rate_limit_refusals' | 'webhook_delivery_failures';
export type HistogramName = 'http_request_duration_seconds' | 'commit_batch_size' | 'commit_duration_seconds';
export type GaugeName = 'http_requests_in_flight';

/** Counters and histograms: Prometheus on Node (runtime/node/metrics.ts), nothing on Workers. */
export type Metrics = {
  count(name: CounterName, labels?: Record<string, string>, by?: number): void;
  observe(name: HistogramName, value: number, labels?: Record<string, string>): void;
  add(name: GaugeName, delta: number): void;
  /** A monotonic stopwatch for durations (seconds); the no-op's always reads 0. */
  timer(): () => number;
};

export const noMetrics: Metrics = { count() {}, observe() {}, add() {}, timer: () => () => 0 };

export type Deps = {
  config: Config;
  store: Store;
  clock: Clock;
  sodium: Sodium;
  keys: KeyRing;
  log: Logger;
  /** The audit log is checkpointed as soon as it has grown by this many events (besides every config.checkpointMs). */
  checkpointEvery: number;
  /** Signals from features to the runtime (wake the webhook dispatcher; the log has grown past a checkpoint boundary). */
  notify: { webhooksQueued(): void; checkpointDue?(): void };
  /** Per-IP and per-client request limits for sign-in and the OAuth endpoints. */
  limits: RateLimiter;
  /** Outbound HTTP behind the SSRF guard (webhooks, jwks_uri); absent: such requests fail closed. */
  outbound?: Outbound;
  /** Requests to addresses the operator configured (the witnesses), which may be private; absent: witnesses are not pushed to. */
  operatorFetch?: WitnessFetch;
  /** The roster of standard agreements consumers proffer and brands accept (terms/roster.ts). */
  roster: readonly Term[];
  /** Counters and histograms for /metrics (no-op unless the runtime provides them). */
  metrics: Metrics;
  /** What /readyz checks besides the database and the keys: the migrations this build
   *  expects (Node; absent on Workers) and whether the node is draining for shutdown. */
  lifecycle?: { expectedMigrations?: readonly string[]; draining(): boolean };
};

/** What exists before the key ring is loaded (start-up, key bootstrap, CLI verify). */
export type BaseDeps = Omit<Deps, 'keys' | 'notify' | 'limits' | 'roster' | 'metrics'> & Partial<Pick<Deps, 'notify' | 'limits' | 'roster' | 'metrics'>>;

export const quietNotify: Deps['notify'] = { webhooksQueued() {} };

export const silentLog: Logger = { info() {}, warn() {}, error() {} };

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * JSON-lines logger (stderr on Node). Callers pass ids and names only, never values or
 * secrets. Lines below `level` are dropped; access lines (at info) go to `access` when given.
 */
export function jsonLog(write: (line: string) => void, clock: Clock, opts: { level?: LogLevel; access?: (line: string) => void } = {}): Logger {
  const min = LEVELS.indexOf(opts.level ?? 'info');
  const line = (level: string, fields: Record<string, unknown>) => JSON.stringify({ t: new Date(clock.now()).toISOString(), level, ...fields });
  const emit = (level: LogLevel) =>
    LEVELS.indexOf(level) < min ? () => {} : (msg: string, fields?: Record<string, unknown>) => write(line(level, { msg, ...fields }));
  const log: Logger = { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
  const access = opts.access;
  if (access && min <= LEVELS.indexOf('info')) log.access = (fields) => access(line('info', { msg: 'request', ...fields }));
  return log;
}
