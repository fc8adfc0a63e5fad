// Rate limits on workerd + D1: isolates share no memory, so the counters are D1's. Two
// limiters on one D1 (as two isolates would have) spend one budget, only keyed hashes are
// stored, and the Worker refuses a client's PAR once its budget is spent.
import { env, exports } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { DEFAULT_LIMITS } from '../../src/features/limits/rate-limiter.ts';
import { createSharedLimiter } from '../../src/features/limits/shared-limiter.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';
import { awayFromWindowEdge } from '../helpers/limit-window.ts';

const ORIGIN = 'http://localhost:8787';
const fetchWorker = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));

async function d1Deps() {
  openLibsodiumGate();
  await sodium.ready;
  return boot(
    {
      config: parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY }),
      store: createD1Store(env.DB as unknown as D1Like, systemClock),
      clock: systemClock,
      sodium,
      log: silentLog,
      checkpointEvery: 1000,
    },
    fromB64u(env.TROVE_MASTER_KEY),
  );
}

describe('rate limits on workerd + D1', () => {
  it('spend one budget from two isolates at once and store only keyed hashes', async () => {
    const deps = await d1Deps();
    const hashKey = () => deps.keys.pairwiseKey;
    const [a, b] = [0, 1].map(() => createSharedLimiter({ db: deps.store.db, clock: systemClock, hashKey }, 0.1));
    const max = Math.floor(DEFAULT_LIMITS.par.perIp * 0.1);
    await awayFromWindowEdge(5_000);
    const waits = await Promise.all(Array.from({ length: max * 2 }, (_, i) => (i % 2 ? a! : b!).hit('par', 'ip', '203.0.113.50')));
    expect(waits.filter((w) => w === 0)).toHaveLength(max);
    expect(waits.filter((w) => w > 0)).toHaveLength(max);
    const rows = await env.DB.prepare('SELECT * FROM rate_limits').all();
    expect(JSON.stringify(rows.results)).not.toContain('203.0.113');
  });

  it("refuse a client's PAR through the Worker once its budget is spent", async () => {
    const deps = await d1Deps();
    const brand = await registerBrand(deps, {
      name: 'Counted Shoes',
      redirect_uris: ['https://brand.example/callback'],
      auth: { method: 'client_secret_basic' },
    });
    const basic = `Basic ${btoa(`${brand.client_id}:${brand.client_secret}`)}`;
    const push = () =>
      fetchWorker('/oauth/par', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic, 'cf-connecting-ip': '198.51.100.60' },
        body: new URLSearchParams({ response_type: 'code' }).toString(),
      });
    await awayFromWindowEdge();
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_LIMITS.par.perClient; i++) statuses.push((await push()).status);
    // Each request is counted once the client is authenticated, whatever else is wrong with it.
    expect(statuses.includes(429)).toBe(false);
    const refused = await push();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
