import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../src/boot.ts';
import { parseConfig } from '../src/config.ts';
import { testDeps, testLog, TEST_MASTER_KEY } from './helpers/deps.ts';

const actions = async (deps: Awaited<ReturnType<typeof testDeps>>) =>
  (await deps.store.db.selectFrom('audit_events').select('action').orderBy('seq').execute()).map((r) => r.action);

describe('start-up', () => {
  it('audits key creation and the migrations applied on first start', async () => {
    const deps = await testDeps();
    expect(await actions(deps)).toEqual(['keys.created', 'operator.migrations_applied']);
  });

  it('creates keys once: a second start finds them and adds no key event', async () => {
    const deps = await testDeps();
    const again = await boot(deps, new Uint8Array(TEST_MASTER_KEY), []);
    expect(again.keys.signer.kid).toBe(deps.keys.signer.kid);
    expect(await actions(deps)).toEqual(['keys.created', 'operator.migrations_applied']);
  });

  it('audits a start in production mode', async () => {
    const deps = await testDeps();
    const config = parseConfig({
      NODE_ENV: 'production',
      TROVE_MASTER_KEY: Buffer.from(TEST_MASTER_KEY).toString('base64url'),
      TROVE_ORIGIN: 'https://vault.example',
    });
    await boot({ ...deps, config, sodium, log: testLog }, new Uint8Array(TEST_MASTER_KEY), []);
    expect((await actions(deps)).at(-1)).toBe('operator.started');
  });
});
