// Master-key rotation moves the vault to a new master key: afterwards the old key opens
// nothing that is still in use, and an interrupted rotation leaves every key openable
// with the old or the new key until a second run finishes it.
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { parseConfig } from '../../src/config.ts';
import type { Deps } from '../../src/deps.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { newConsumer } from '../../src/features/identity/create-consumer.ts';
import { loadKeyRing, MasterKeyMismatch } from '../../src/features/keys/keyring.ts';
import { rotateMasterKey } from '../../src/features/keys/rotate-master.ts';
import { readAttributes, writeAttributes } from '../../src/features/profile/attribute-values.ts';
import { GuardFailed } from '../../src/errors.ts';
import { seedConsumer, testDeps, testLog, TEST_MASTER_KEY, type TestDeps } from '../helpers/deps.ts';
import { wrappedKeysOpenedBy } from '../helpers/wrapped-keys.ts';

const NEW_KEY = new Uint8Array(32).map((_, i) => (i * 13 + 101) & 0xff);
const ZEROS = new Uint8Array(32);
const b64 = (k: Uint8Array) => Buffer.from(k).toString('base64url');

/** The same database as `deps`, as a node configured with the new key and the old one as previous. */
async function nodeWithNewKey(deps: TestDeps, buffer = new Uint8Array(NEW_KEY)): Promise<Deps> {
  const config = parseConfig({
    NODE_ENV: 'test',
    TROVE_DATA_DIR: '/nonexistent',
    TROVE_RATE_LIMIT_SCALE: '0',
    TROVE_MASTER_KEY: b64(NEW_KEY),
    TROVE_PREVIOUS_MASTER_KEYS: b64(TEST_MASTER_KEY),
  });
  return boot({ config, store: deps.store, clock: deps.clock, sodium: deps.sodium, log: testLog, checkpointEvery: 1000 }, buffer, []);
}

async function vaultWithValues(n: number) {
  const deps = await testDeps();
  const consumers: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await seedConsumer(deps);
    await writeAttributes(deps, id, [{ name: 'email', value: `person${i}@example.com` }]);
    consumers.push(id);
  }
  return { deps, consumers };
}

async function expectReadable(deps: Deps, consumers: string[]) {
  for (const [i, id] of consumers.entries()) {
    expect((await readAttributes(deps, id)).map((v) => v.value)).toEqual([`person${i}@example.com`]);
  }
}

describe('master-key rotation', () => {
  it('re-wraps every data key and private key under a KEK of the new master key, after which the old key opens nothing', async () => {
    const { deps, consumers } = await vaultWithValues(3);
    const node = await nodeWithNewKey(deps);
    const result = await rotateMasterKey(node);
    expect(result).toMatchObject({ from: 1, to: 2, dataKeys: 3, keys: 3, resumed: false });

    const db = deps.store.db;
    expect(await wrappedKeysOpenedBy(db, deps.sodium, NEW_KEY)).toEqual({ total: 6, opened: 6 });
    expect((await wrappedKeysOpenedBy(db, deps.sodium, TEST_MASTER_KEY)).opened).toBe(0);
    expect((await wrappedKeysOpenedBy(db, deps.sodium, ZEROS)).opened).toBe(0);

    // The old key destroyed: a node given only the new key opens the vault and every value.
    const alone = { ...node, keys: await loadKeyRing(deps, NEW_KEY) };
    expect(alone.keys.kekVersion).toBe(2);
    await expectReadable(alone, consumers);
    const keks = await db.selectFrom('keys').select(['id', 'status']).where('kind', '=', 'kek').orderBy('version').execute();
    expect(keks).toEqual([
      { id: 'kek-1', status: 'retired' },
      { id: 'kek-2', status: 'active' },
    ]);
  });

  it('never derives from a wiped buffer: the caller may zero its copy of the key right after start-up', async () => {
    const { deps, consumers } = await vaultWithValues(2);
    const buffer = new Uint8Array(NEW_KEY);
    const node = await nodeWithNewKey(deps, buffer);
    buffer.fill(0); // what the Node runtime does once boot returns
    await rotateMasterKey(node);
    expect((await wrappedKeysOpenedBy(deps.store.db, deps.sodium, ZEROS)).opened).toBe(0);
    await expectReadable({ ...node, keys: await loadKeyRing(deps, NEW_KEY) }, consumers);
  });

  it('survives an interruption: every key opens with the old or the new key, and a second run finishes the job', async () => {
    const { deps, consumers } = await vaultWithValues(5);
    const node = await nodeWithNewKey(deps);
    await expect(
      rotateMasterKey(node, {
        batchSize: 2,
        onBatch: () => {
          throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');

    const db = deps.store.db;
    const byNew = await wrappedKeysOpenedBy(db, deps.sodium, NEW_KEY);
    const byOld = await wrappedKeysOpenedBy(db, deps.sodium, TEST_MASTER_KEY);
    expect(byNew.opened).toBe(2);
    expect(byNew.opened + byOld.opened).toBe(byNew.total);
    // Half-way, the old key is still needed, and start-up says so rather than failing later.
    await expect(loadKeyRing(deps, NEW_KEY)).rejects.toThrow(MasterKeyMismatch);
    const restarted = await nodeWithNewKey(deps);
    await expectReadable(restarted, consumers);

    const again = await rotateMasterKey(restarted);
    expect(again).toMatchObject({ to: 2, dataKeys: 3, keys: 3, resumed: true });
    expect(await wrappedKeysOpenedBy(db, deps.sodium, NEW_KEY)).toEqual({ total: 8, opened: 8 });
    await expectReadable({ ...node, keys: await loadKeyRing(deps, NEW_KEY) }, consumers);
  });

  it('refuses to run when TROVE_MASTER_KEY already is the master key and nothing is left to re-wrap', async () => {
    const { deps } = await vaultWithValues(1);
    await expect(rotateMasterKey(deps)).rejects.toThrow(/already is this vault's master key/);
    const node = await nodeWithNewKey(deps);
    await rotateMasterKey(node);
    await expect(rotateMasterKey(node)).rejects.toThrow(/already is this vault's master key/);
  });

  it('refuses a sign-up on a node that still wraps under the KEK the rotation retired', async () => {
    const { deps } = await vaultWithValues(1);
    await rotateMasterKey(await nodeWithNewKey(deps));
    // `deps` loaded its keys before the rotation and has not re-read them.
    expect(deps.keys.kekVersion).toBe(1);
    const c = newConsumer(deps);
    const err = await commit(deps, { guards: [c.guard], writes: [c.insert] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuardFailed);
    expect(await deps.store.db.selectFrom('consumers').select('id').where('id', '=', c.id).executeTakeFirst()).toBeUndefined();
  });

  it('audits the start and the end of the rotation, and the chain still verifies', async () => {
    const { deps } = await vaultWithValues(1);
    await rotateMasterKey(await nodeWithNewKey(deps));
    const rows = await deps.store.db.selectFrom('audit_events').select(['action', 'detail']).where('action', 'like', 'keys.%').orderBy('seq').execute();
    expect(rows.map((r) => r.action)).toEqual(['keys.created', 'keys.master_rotation_started', 'keys.master_rotated']);
    expect(JSON.parse(rows[2]!.detail!)).toMatchObject({ from_kek: 1, to_kek: 2, data_keys: 1, keys: 3 });
    expect((await verifyAuditLog(deps.store.db)).ok).toBe(true);
  });
});
