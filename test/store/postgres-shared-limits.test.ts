// One rate-limit budget across nodes: two real Trove processes on one PostgreSQL database.
// PAR from one client, split across both nodes, is refused on both once the single
// budget is spent (each node alone would still have allowed more), and a restarted node
// still refuses: the counters are in the database, not in either process.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/features/limits/rate-limiter.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { awayFromWindowEdge } from '../helpers/limit-window.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { par, type SecretClient } from '../helpers/raw-oauth.ts';

const SCALE = 0.1;
const servers: LiveServer[] = [];
afterAll(async () => {
  for (const s of servers.reverse()) await s.cleanup();
});

describe('rate limits on two nodes sharing one PostgreSQL database', () => {
  it('refuse PAR from one client on both nodes once the one budget is spent, even after a node restarts', async () => {
    const a = await liveServer({ TROVE_RATE_LIMIT_SCALE: String(SCALE) });
    servers.push(a);
    await a.start();
    const b = await liveServer({ TROVE_RATE_LIMIT_SCALE: String(SCALE) }, { sameDataAs: a });
    servers.push(b);
    await b.start();
    const added = spawnSync(process.execPath, ['src/cli/trove.ts', 'brand', 'add', '--name', 'Split Shoes', '--redirect-uri', REDIRECT, '--secret', '--json'], {
      env: a.cliEnv(),
      encoding: 'utf8',
    });
    expect(added.status, added.stderr).toBe(0);
    const out = JSON.parse(added.stdout) as { client_id: string; client_secret: string };
    const client: SecretClient = { clientId: out.client_id, secret: out.client_secret };

    const perClient = Math.floor(DEFAULT_LIMITS.par.perClient * SCALE);
    expect(perClient).toBeLessThan(Math.floor(DEFAULT_LIMITS.par.perIp * SCALE));
    await awayFromWindowEdge();
    // Half the budget on each node: neither has seen more than its own half.
    for (let i = 0; i < perClient; i++) {
      const { res } = await par((i % 2 ? b : a).asApp, client);
      expect(res.status, `request ${i + 1} on node ${i % 2 ? 'b' : 'a'}`).toBe(201);
    }
    for (const node of [a, b]) {
      const { res } = await par(node.asApp, client);
      expect(res.status).toBe(429);
      expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable' });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // A node that starts again has forgotten nothing: the count was never its own.
    await b.kill();
    await b.start();
    expect((await par(b.asApp, client)).res.status).toBe(429);
  });
});
