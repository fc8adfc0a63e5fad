// Erasure as an operator-attacker would test it: a byte copy of the data directory
// (trove.db, -wal, -shm) taken right after DELETE /api/me is acknowledged, and again after
// a clean shutdown, is searched with the master key for the erased consumer's wrapped data
// key. Nothing may turn up, while the same search finds the key of a consumer who stayed
// (so the search works). Persona labels and value-ledger text are never in the files in
// plain text, for anyone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { caller, type Caller } from '../helpers/consumer.ts';
import { liveServer, MASTER_KEY, type LiveServer } from '../helpers/live-server.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';
import { tokensFor, read, type SecretClient } from '../helpers/raw-oauth.ts';
import { recoverableConsumers } from '../helpers/remnant-scan.ts';

let live: LiveServer;
let brand: SecretClient;

function dataDirBytes(): Uint8Array {
  const parts = ['trove.db', 'trove.db-wal', 'trove.db-shm']
    .map((f) => join(live.dir, f))
    .filter(existsSync)
    .map((f) => readFileSync(f));
  return Buffer.concat(parts);
}

async function consumer(tag: string): Promise<Caller> {
  const { res } = await signUp(live.asApp as never, live.origin);
  const body = await res.json();
  const me = caller(live.asApp as never, sessionCookie(res)!, body.csrf_token, body.consumer.id);
  const ok = async (r: Promise<Response>, status = 200) => expect((await r).status).toBe(status);
  await ok(me.call('/api/me/attributes/email', { method: 'PUT', json: { value: `${tag}@example.com` } }));
  await ok(me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 42, system: 'EU' } } }));
  await ok(me.call('/api/me/personas', { method: 'POST', json: { name: 'travel', label: `Label-Marker-${tag}` } }), 201);
  const tokens = await tokensFor(live.asApp as never, brand, me);
  expect((await read(live.asApp as never, tokens.access_token)).status).toBe(200);
  await ok(
    live.asApp.request(`/v1/grants/${tokens.grant_id}/value`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'gift', description: `Value-Marker-${tag}`, reference: `Reference-Marker-${tag}` }),
    }),
    201,
  );
  return me;
}

beforeAll(async () => {
  await sodium.ready;
  live = await liveServer();
  await live.start();
  const added = spawnSync(
    process.execPath,
    ['src/cli/trove.ts', 'brand', 'add', '--name', 'Remnant Shoes', '--redirect-uri', 'https://brand.example/callback', '--secret', '--json'],
    { encoding: 'utf8', env: live.cliEnv() },
  );
  if (added.status !== 0) throw new Error(added.stderr);
  const b = JSON.parse(added.stdout);
  brand = { clientId: b.client_id, secret: b.client_secret };
}, 60_000);

afterAll(async () => {
  await live?.cleanup();
});

describe('erasure on SQLite, against a copy of the files', () => {
  it('leaves no wrapped data key of the erased consumer in trove.db, its WAL or shm, right after the answer and after a clean shutdown', async () => {
    const erased = await consumer('erased');
    const stayed = await consumer('stayed');
    const ids = [erased.consumerId, stayed.consumerId];
    const master = fromB64u(MASTER_KEY);

    const before = recoverableConsumers(sodium, dataDirBytes(), master, ids);
    expect(before).toEqual(new Set(ids)); // the search finds live keys: it would find a remnant

    expect((await erased.call('/api/me', { method: 'DELETE' })).status).toBe(204);
    const afterAnswer = dataDirBytes();
    expect(recoverableConsumers(sodium, afterAnswer, master, ids)).toEqual(new Set([stayed.consumerId]));

    await live.stop();
    const afterShutdown = dataDirBytes();
    expect(recoverableConsumers(sodium, afterShutdown, master, ids)).toEqual(new Set([stayed.consumerId]));

    for (const bytes of [afterAnswer, afterShutdown]) {
      const text = Buffer.from(bytes).toString('latin1');
      for (const tag of ['erased', 'stayed']) {
        for (const marker of ['Label-Marker', 'Value-Marker', 'Reference-Marker']) expect(text).not.toContain(`${marker}-${tag}`);
      }
    }
  }, 120_000);
});
