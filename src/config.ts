// Parses and validates Trove's configuration from an environment map. This is the
// only place that knows variable names; a bad value stops start-up with a message
// naming the variable and what it expects.
import { z } from 'zod';
import { parseVerifierKey } from './features/audit/tlog/note-keys.ts';
import { parseRange, rangeText } from './features/limits/ip-ranges.ts';
import { hashSecret } from './crypto/hash.ts';

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  masterKey: string | undefined;
  /** Earlier master keys, needed only until `trove keys rotate --master` has re-wrapped everything. */
  previousMasterKeys: string[];
  /** How long a node serves its copy of the key rows before re-reading them (signing and KEK rotation). */
  keyCacheMs: number;
  origin: string;
  /** CIDRs of reverse proxies whose X-Forwarded-For / Forwarded name the client (empty: those headers are ignored). */
  trustedProxies: string[];
  production: boolean;
  webhookAllowPrivate: boolean;
  /** Multiplies every rate limit; 0 turns rate limiting off. */
  rateLimitScale: number;
  /** The audit log is checkpointed at least this often while it has new events. */
  checkpointMs: number;
  /** Witnesses each checkpoint is pushed to (C2SP tlog-witness), with their cosigning keys. */
  witnesses: { url: string; vkey: string }[];
  /** A JSON file replacing the built-in roster of standard agreements (terms/roster.ts). */
  termsFile: string | undefined;
  /** GET /metrics on its own listener (Node), off when undefined; never on the public port. */
  metricsPort: number | undefined;
  metricsHost: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How long a SIGTERM'd node may drain before it is forced to exit (non-zero). */
  shutdownTimeoutMs: number;
  /** The hash of TROVE_OPERATOR_TOKEN (a Worker secret, or any node's): an operator credential besides stored tokens. The token itself is not kept. */
  operatorTokenHash: string | undefined;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const base64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected 32 bytes encoded as base64url (43 characters, no padding)');

const bool = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  TROVE_TRUSTED_PROXIES: z
    .string()
    .transform((text, ctx) => {
      const out: string[] = [];
      for (const item of text.split(',')) {
        const range = parseRange(item);
        if (!range) {
          ctx.addIssue({
            code: 'custom',
            message: `expected comma-separated CIDRs or addresses of your reverse proxies (e.g. 10.0.0.0/8,2001:db8::/32); ${JSON.stringify(item.trim().slice(0, 60))} is not one`,
          });
          return z.NEVER;
        }
        out.push(rangeText(range));
      }
      return out;
    })
    .optional(),
  TROVE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL (unset means embedded SQLite)')
    .optional(),
  TROVE_MASTER_KEY: base64url32.optional(),
  TROVE_PREVIOUS_MASTER_KEYS: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}(,[A-Za-z0-9_-]{43})*$/, 'expected comma-separated master keys (each 32 bytes, base64url)')
    .optional(),
  TROVE_KEY_CACHE_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  TROVE_ORIGIN: z.url({ protocol: /^https?$/, error: 'expected an http(s) origin such as https://vault.example.com' }).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  TROVE_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  TROVE_RATE_LIMIT_SCALE: z.coerce.number().min(0).max(1000).default(1),
  TROVE_TERMS_FILE: z.string().min(1).optional(),
  TROVE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  TROVE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  TROVE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  TROVE_SHUTDOWN_TIMEOUT: z.coerce.number().min(0.1).max(3600).default(10),
  TROVE_OPERATOR_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_.~+/=-]{32,256}$/, 'expected a random token of at least 32 characters (trove operator token create, or openssl rand -base64 32)')
    .optional(),
  TROVE_CHECKPOINT_SECONDS: z.coerce.number().min(0.1).max(3600).default(10),
  TROVE_WITNESSES: z
    .string()
    .transform((text, ctx) => {
      const out: { url: string; vkey: string }[] = [];
      for (const item of text.split(',')) {
        const at = item.indexOf('=');
        const url = item.slice(0, at).trim();
        const vkey = item.slice(at + 1).trim();
        try {
          if (at < 0 || !/^https?:$/.test(new URL(url).protocol)) throw new Error();
          parseVerifierKey(vkey);
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: `expected URL=VKEY pairs separated by commas (a witness's http(s) URL and its verifier key); ${JSON.stringify(item.slice(0, 60))} is not one`,
          });
          return z.NEVER;
        }
        out.push({ url, vkey });
      }
      return out;
    })
    .optional(),
});

/** Reads the variables Trove knows; unknown variables are ignored, empty ones count as unset. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const known = Object.keys(schema.shape);
  const input = Object.fromEntries(known.map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const v = parsed.data;
  const origin = new URL(v.TROVE_ORIGIN ?? `http://localhost:${v.PORT}`).origin;
  const production = v.NODE_ENV === 'production';
  if (production && !v.TROVE_MASTER_KEY) {
    throw new ConfigError('Invalid configuration:\n  TROVE_MASTER_KEY: required when NODE_ENV=production (32 bytes, base64url)');
  }
  if (v.TROVE_PREVIOUS_MASTER_KEYS && !v.TROVE_MASTER_KEY) {
    throw new ConfigError('Invalid configuration:\n  TROVE_PREVIOUS_MASTER_KEYS: needs TROVE_MASTER_KEY (the new master key) as well');
  }
  if (v.TROVE_PREVIOUS_MASTER_KEYS?.split(',').includes(v.TROVE_MASTER_KEY ?? '')) {
    throw new ConfigError('Invalid configuration:\n  TROVE_PREVIOUS_MASTER_KEYS: must not repeat TROVE_MASTER_KEY');
  }
  if (production && !origin.startsWith('https://')) {
    throw new ConfigError('Invalid configuration:\n  TROVE_ORIGIN: must be https:// when NODE_ENV=production');
  }
  if (v.TROVE_METRICS_PORT && v.TROVE_METRICS_PORT === v.PORT) {
    // The metrics listener has no credential: it must never be the public one.
    throw new ConfigError('Invalid configuration:\n  TROVE_METRICS_PORT: must differ from PORT (metrics are never served on the public listener)');
  }
  return {
    port: v.PORT,
    host: v.HOST,
    trustedProxies: v.TROVE_TRUSTED_PROXIES ?? [],
    dataDir: v.TROVE_DATA_DIR,
    databaseUrl: v.DATABASE_URL,
    masterKey: v.TROVE_MASTER_KEY,
    previousMasterKeys: v.TROVE_PREVIOUS_MASTER_KEYS ? v.TROVE_PREVIOUS_MASTER_KEYS.split(',') : [],
    keyCacheMs: Math.round(v.TROVE_KEY_CACHE_SECONDS * 1000),
    origin,
    production,
    webhookAllowPrivate: v.TROVE_WEBHOOK_ALLOW_PRIVATE,
    rateLimitScale: v.TROVE_RATE_LIMIT_SCALE,
    checkpointMs: Math.round(v.TROVE_CHECKPOINT_SECONDS * 1000),
    witnesses: v.TROVE_WITNESSES ?? [],
    termsFile: v.TROVE_TERMS_FILE,
    metricsPort: v.TROVE_METRICS_PORT,
    metricsHost: v.TROVE_METRICS_HOST,
    logLevel: v.TROVE_LOG_LEVEL,
    shutdownTimeoutMs: Math.round(v.TROVE_SHUTDOWN_TIMEOUT * 1000),
    operatorTokenHash: v.TROVE_OPERATOR_TOKEN ? hashSecret(v.TROVE_OPERATOR_TOKEN) : undefined,
  };
}
