// The remote CLI's transport against the Worker inside workerd with D1: the operations
// `trove brand add|list|show --url` perform, sent through the Worker's own fetch entry
// with an operator token, register a brand on D1, audited under the token's id; a wrong
// token is refused with 401 and registers nothing.
import { env, exports } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { createOperatorToken } from '../../src/features/operators/tokens.ts';
import { RemoteError, remoteOperations } from '../../src/cli/remote.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';

async function d1Deps() {
  openLibsodiumGate();
  await sodium.ready;
  const store = createD1Store(env.DB as unknown as D1Like, systemClock);
  const config = parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY });
  return boot({ config, store, clock: systemClock, sodium, log: silentLog, checkpointEvery: 1000 }, fromB64u(env.TROVE_MASTER_KEY));
}

const worker = (request: Request) => exports.default.fetch(request);

describe('the remote CLI on workerd + D1', () => {
  it('registers a brand on the Worker, lists and shows it, audited under the operator token', async () => {
    const deps = await d1Deps();
    const op = await createOperatorToken(deps, { name: 'edge operator' });
    const ops = remoteOperations({ url: 'http://localhost:8787', token: op.token, fetch: worker });
    const created = await ops.registerBrand({
      name: 'Edge Shoes',
      redirect_uris: ['https://edge-shoes.example/cb'],
      auth: { method: 'client_secret_basic' },
      accepted_terms: ['sd-base'],
    });
    expect(created).toEqual({ client_id: expect.stringMatching(/^brand_/), client_secret: expect.stringMatching(/^trv_cs_/) });
    expect(await ops.listBrands()).toContainEqual(expect.objectContaining({ client_id: created.client_id, name: 'Edge Shoes', status: 'active' }));
    expect(await ops.showBrand(created.client_id)).toMatchObject({ client_id: created.client_id, accepted_terms: ['sd-base'] });
    const event = await deps.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'brand.registered')
      .where('brand_id', '=', created.client_id)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_type: 'operator', actor_id: op.id });
    expect(JSON.stringify(event)).not.toContain(op.token);
  });

  it('refuses a wrong token with 401 and registers nothing', async () => {
    const deps = await d1Deps();
    const before = await deps.store.db.selectFrom('brands').select('id').execute();
    const ops = remoteOperations({ url: 'http://localhost:8787', token: `trv_op_${'B'.repeat(43)}`, fetch: worker });
    const err = await ops.registerBrand({ name: 'Nope', redirect_uris: ['https://n.example/cb'], auth: { method: 'client_secret_basic' } }).catch((e) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(401);
    expect(await deps.store.db.selectFrom('brands').select('id').execute()).toHaveLength(before.length);
  });
});
