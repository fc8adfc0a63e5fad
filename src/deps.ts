// The one dependency shape every feature receives. Runtimes build it; features never
// reach for env, drivers, bindings or the system clock on their own.
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Sodium } from './crypto/sodium.ts';
import type { Store } from './db/store.ts';
import type { KeyRing } from './features/keys/keyring.ts';
import type { RateLimiter } from './features/limits/rate-limiter.ts';
import type { Outbound } from './features/outbound/outbound.ts';

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
  /** A signed checkpoint is written every this many audit events. */
  checkpointEvery: number;
  /** Signals from features to the runtime (e.g. wake the webhook dispatcher). */
  notify: { webhooksQueued(): void };
  /** Per-IP and per-client request limits for sign-in and the OAuth endpoints. */
  limits: RateLimiter;
  /** Outbound HTTP behind the SSRF guard (webhooks, jwks_uri); absent: such requests fail closed. */
  outbound?: Outbound;
};

/** What exists before the key ring is loaded (start-up, key bootstrap, CLI verify). */
export type BaseDeps = Omit<Deps, 'keys' | 'notify' | 'limits'> & Partial<Pick<Deps, 'notify' | 'limits'>>;

export const quietNotify: Deps['notify'] = { webhooksQueued() {} };

export const silentLog: Logger = { info() {}, warn() {}, error() {} };

/** JSON-lines logger on stderr. Callers pass ids and names only, never values or secrets. */
export function jsonLog(write: (line: string) => void, clock: Clock): Logger {
  const emit = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ t: new Date(clock.now()).toISOString(), level, msg, ...fields }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}
