import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(parseConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      trustedProxies: [],
      dataDir: './data',
      databaseUrl: undefined,
      masterKey: undefined,
      previousMasterKeys: [],
      keyCacheMs: 30_000,
      origin: 'http://localhost:8787',
      production: false,
      webhookAllowPrivate: false,
      rateLimitScale: 1,
      checkpointMs: 10_000,
      witnesses: [],
      termsFile: undefined,
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads the metrics listener, the log level and the shutdown timeout, refusing a level it does not know', () => {
    const c = parseConfig({ TROVE_METRICS_PORT: '9464', TROVE_METRICS_HOST: '0.0.0.0', TROVE_LOG_LEVEL: 'warn', TROVE_SHUTDOWN_TIMEOUT: '2.5' });
    expect(c).toMatchObject({ metricsPort: 9464, metricsHost: '0.0.0.0', logLevel: 'warn', shutdownTimeoutMs: 2500 });
    expect(() => parseConfig({ TROVE_LOG_LEVEL: 'verbose' })).toThrow(/TROVE_LOG_LEVEL/);
    expect(() => parseConfig({ TROVE_METRICS_PORT: 'x' })).toThrow(/TROVE_METRICS_PORT/);
    expect(() => parseConfig({ PORT: '8787', TROVE_METRICS_PORT: '8787' })).toThrow(/TROVE_METRICS_PORT: must differ from PORT/);
  });

  it('takes earlier master keys for a rotation only beside a new one, never repeating it', () => {
    const a = Buffer.alloc(32, 1).toString('base64url');
    const b = Buffer.alloc(32, 2).toString('base64url');
    expect(parseConfig({ TROVE_MASTER_KEY: a, TROVE_PREVIOUS_MASTER_KEYS: `${b},${b.replace('C', 'D')}` }).previousMasterKeys).toHaveLength(2);
    expect(() => parseConfig({ TROVE_PREVIOUS_MASTER_KEYS: b })).toThrow(/TROVE_PREVIOUS_MASTER_KEYS: needs TROVE_MASTER_KEY/);
    expect(() => parseConfig({ TROVE_MASTER_KEY: a, TROVE_PREVIOUS_MASTER_KEYS: a })).toThrow(/must not repeat/);
    expect(() => parseConfig({ TROVE_MASTER_KEY: a, TROVE_PREVIOUS_MASTER_KEYS: 'short' })).toThrow(/TROVE_PREVIOUS_MASTER_KEYS/);
    expect(parseConfig({ TROVE_KEY_CACHE_SECONDS: '1.5' }).keyCacheMs).toBe(1500);
  });

  it('reads the checkpoint interval and the witnesses (URL=VKEY, comma separated)', () => {
    const vkey = 'witness.example+470e0ef7+BDdT+M0PnS9E4kQCQlPw35CUI2iPjrYRORqAV3i1k6xo';
    const c = parseConfig({ TROVE_CHECKPOINT_SECONDS: '2.5', TROVE_WITNESSES: `http://127.0.0.1:9000=${vkey}, https://w2.example/w=${vkey}` });
    expect(c.checkpointMs).toBe(2500);
    expect(c.witnesses).toEqual([
      { url: 'http://127.0.0.1:9000', vkey },
      { url: 'https://w2.example/w', vkey },
    ]);
  });

  it('derives the origin from PORT unless TROVE_ORIGIN is set', () => {
    expect(parseConfig({ PORT: '9000' }).origin).toBe('http://localhost:9000');
    expect(parseConfig({ TROVE_ORIGIN: 'https://vault.example.com/' }).origin).toBe('https://vault.example.com');
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['TROVE_MASTER_KEY', { TROVE_MASTER_KEY: 'too-short' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['TROVE_ORIGIN', { TROVE_ORIGIN: 'ftp://x' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['TROVE_WEBHOOK_ALLOW_PRIVATE', { TROVE_WEBHOOK_ALLOW_PRIVATE: 'maybe' }],
    ['TROVE_RATE_LIMIT_SCALE', { TROVE_RATE_LIMIT_SCALE: '-1' }],
    ['TROVE_CHECKPOINT_SECONDS', { TROVE_CHECKPOINT_SECONDS: '0' }],
    ['TROVE_WITNESSES', { TROVE_WITNESSES: 'http://w.example=not-a-key' }],
    ['TROVE_WITNESSES', { TROVE_WITNESSES: 'no-equals-sign' }],
  ])('stops with a message naming %s when it is bad', (name, env) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(name);
  });

  it('requires a master key and an https origin in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', TROVE_ORIGIN: 'https://v.example' })).toThrow(/TROVE_MASTER_KEY/);
    const key = Buffer.alloc(32, 1).toString('base64url');
    expect(() => parseConfig({ NODE_ENV: 'production', TROVE_MASTER_KEY: key })).toThrow(/TROVE_ORIGIN/);
    expect(parseConfig({ NODE_ENV: 'production', TROVE_MASTER_KEY: key, TROVE_ORIGIN: 'https://v.example' }).production).toBe(true);
  });
});
