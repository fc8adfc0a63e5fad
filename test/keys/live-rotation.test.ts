// Key rotation as an operator does it, on real Trove processes: the CLI rotates, the
// server restarts (or keeps running beside another node), and a consumer's values are
// still there; the database then holds nothing that opens under a key derived from zeros
// or under the master key that was retired.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { openExisting } from '../../src/runtime/node/deps.ts';
import { caller } from '../helpers/consumer.ts';
import { liveServer, MASTER_KEY, type LiveServer } from '../helpers/live-server.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';
import { wrappedKeysOpenedBy } from '../helpers/wrapped-keys.ts';

const NEW_MASTER_KEY = Buffer.alloc(32, 0x5a).toString('base64url');
const started: LiveServer[] = [];

afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.cleanup();
});

async function server(env: Record<string, string> = {}, sameDataAs?: LiveServer) {
  const s = await liveServer(env, { sameDataAs });
  started.push(s);
  return s;
}

function trove(live: LiveServer, env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { ...live.cliEnv(), ...env } });
  if (r.status !== 0) throw new Error(`trove ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function jwksKids(live: LiveServer): Promise<string[]> {
  const body = (await (await fetch(`${live.base}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  return body.keys.map((k) => k.kid).sort();
}

async function openedBy(live: LiveServer, key: string) {
  await sodium.ready;
  const config = parseConfig({ TROVE_DATA_DIR: live.dir, DATABASE_URL: live.databaseUrl });
  const store = await openExisting(config, live.databaseUrl ?? join(live.dir, 'trove.db'));
  try {
    return await wrappedKeysOpenedBy(store.db, sodium, fromB64u(key));
  } finally {
    await store.close();
  }
}

describe('key rotation on a real server', () => {
  it("reads a consumer's values after a restart following each kind of rotation, and the old master key then opens nothing", async () => {
    const live = await server();
    await live.start();
    const { res } = await signUp(live.asApp as never, live.origin);
    const body = await res.json();
    const me = caller(live.asApp as never, sessionCookie(res)!, body.csrf_token, body.consumer.id);
    expect((await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'kept@example.com' } })).status).toBe(200);
    const email = async () => {
      const r = await me.call('/api/me/attributes');
      expect(r.status).toBe(200);
      return ((await r.json()) as { attributes: { name: string; value: unknown }[] }).attributes.find((a) => a.name === 'email')?.value;
    };

    const { kid } = trove(live, {}, 'keys', 'rotate', '--signing', '--json') as { kid: string };
    await live.kill();
    await live.start();
    expect(await email()).toBe('kept@example.com');
    expect(await jwksKids(live)).toContain(kid);

    await live.kill();
    const rotated = trove(live, { TROVE_MASTER_KEY: NEW_MASTER_KEY, TROVE_PREVIOUS_MASTER_KEYS: MASTER_KEY }, 'keys', 'rotate', '--master', '--json');
    expect(rotated).toMatchObject({ from: 1, to: 2, dataKeys: 1, keys: 4 });
    // The old key is gone: the server starts with the new one alone.
    await live.start({ TROVE_MASTER_KEY: NEW_MASTER_KEY });
    expect(await email()).toBe('kept@example.com');
    expect(await jwksKids(live)).toContain(kid);

    const byNew = await openedBy(live, NEW_MASTER_KEY);
    expect(byNew).toEqual({ total: 5, opened: 5 });
    expect((await openedBy(live, MASTER_KEY)).opened).toBe(0);
    expect((await openedBy(live, Buffer.alloc(32).toString('base64url'))).opened).toBe(0);
  }, 60_000);

  it('brings up two nodes that start at the same moment on an empty database (five times)', async () => {
    for (let i = 0; i < 5; i++) {
      const a = await server();
      const b = await server({}, a);
      await Promise.all([a.start(), b.start()]);
      expect(await jwksKids(a)).toEqual(await jwksKids(b));
      await b.cleanup();
      await a.cleanup();
      started.length = 0;
    }
  }, 90_000);

  it('reaches a running node within its key cache TTL after the signing key rotates elsewhere', async () => {
    const a = await server({ TROVE_KEY_CACHE_SECONDS: '1' });
    await a.start();
    const b = await server({ TROVE_KEY_CACHE_SECONDS: '1' }, a);
    await b.start();
    const before = await jwksKids(b);
    const { kid } = trove(a, {}, 'keys', 'rotate', '--signing', '--json') as { kid: string };
    const rotatedAt = Date.now();
    for (const node of [a, b]) {
      while (!(await jwksKids(node)).includes(kid)) {
        expect(Date.now() - rotatedAt).toBeLessThan(5000);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(await jwksKids(a)).toEqual(await jwksKids(b));
    expect(await jwksKids(b)).toEqual([...before, kid].sort());
  }, 60_000);
});
