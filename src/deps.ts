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
};

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
};

/** What exists before the key ring is loaded (start-up, key bootstrap, CLI verify). */
export type BaseDeps = Omit<Deps, 'keys' | 'notify' | 'limits' | 'roster'> & Partial<Pick<Deps, 'notify' | 'limits' | 'roster'>>;

export const quietNotify: Deps['notify'] = { webhooksQueued() {} };

export const silentLog: Logger = { info() {}, warn() {}, error() {} };

/** JSON-lines logger on stderr. Callers pass ids and names only, never values or secrets. */
export function jsonLog(write: (line: string) => void, clock: Clock): Logger {
  const emit = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ t: new Date(clock.now()).toISOString(), level, msg, ...fields }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}
