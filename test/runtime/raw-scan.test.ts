import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toB64u } from '../../src/crypto/encoding.ts';
import { dataKeyFor } from '../../src/features/profile/data-key.ts';
import { writeAttributes } from '../../src/features/profile/attribute-values.ts';
import { createIntent } from '../../src/features/profile/intents.ts';
import { seedConsumer, sqliteTestDeps, TEST_MASTER_KEY } from '../helpers/deps.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function filesOf(db: string) {
  return [db, `${db}-wal`, `${db}-shm`].filter(existsSync).map((f) => readFileSync(f));
}

function contains(haystacks: Buffer[], needle: Uint8Array | string) {
  const n = typeof needle === 'string' ? Buffer.from(needle) : Buffer.from(needle);
  return haystacks.some((h) => h.includes(n));
}

describe('nothing readable at rest', () => {
  it('keeps attribute values, the master key and data keys out of the database file and its WAL', async () => {
    const file = join(dir, 'trove.db');
    const deps = await sqliteTestDeps({ file });
    const secrets: string[] = ['ZEBRA-7731@example.com', 'Kestrel Lane 42, 1011 Amsterdam', '+31 6 5551 2345'];
    const consumer = await seedConsumer(deps);
    await writeAttributes(deps, consumer, [
      { name: 'email', value: secrets[0]! },
      { name: 'postal_address', value: secrets[1]! },
      { name: 'phone', value: secrets[2]!, persona: 'business' },
    ]);
    await createIntent(deps, consumer, { text: 'Heron-green rain jacket 5519', size: 'M', budget: { amount: 120, currency: 'EUR' } });
    secrets.push('Heron-green rain jacket 5519');
    const dataKey = await dataKeyFor(deps, consumer);

    const check = () => {
      const bytes = filesOf(file);
      expect(bytes.length).toBeGreaterThan(0);
      for (const s of secrets) {
        expect(contains(bytes, s), `plaintext ${s}`).toBe(false);
        expect(contains(bytes, Buffer.from(s).toString('base64')), 'base64 of a value').toBe(false);
      }
      for (const key of [TEST_MASTER_KEY, dataKey]) {
        expect(contains(bytes, key), 'raw key bytes').toBe(false);
        expect(contains(bytes, toB64u(key)), 'base64url key').toBe(false);
        expect(contains(bytes, Buffer.from(key).toString('hex')), 'hex key').toBe(false);
      }
      // The scan itself can see: the attribute names are there, by design.
      expect(contains(bytes, 'postal_address')).toBe(true);
    };
    check(); // with the writes still in the WAL
    deps.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    check(); // and after they reached the main file
    await deps.store.close();
    check();
  });
});
