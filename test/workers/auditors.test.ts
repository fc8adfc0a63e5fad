// The auditor API inside workerd against D1: a token from the auditor feature, a
// filtered listing, a streamed JSON Lines export verified offline, and the verifier.
import { env, exports } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { verifyExport } from '../../src/features/audit/verify-export.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';

const get = (path: string, token: string) =>
  exports.default.fetch(new Request(`http://localhost:8787${path}`, { headers: { authorization: `Bearer ${token}` } }));

describe('auditor API on workerd with D1', () => {
  it('lists, exports and verifies the audit log for an auditor token', async () => {
    openLibsodiumGate();
    await sodium.ready;
    const deps = await boot(
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
    const auditor = await addAuditor(deps, { name: 'Edge Auditor' });

    const listed = await get('/v1/audit/events?action=auditor.created', auditor.token);
    expect(listed.status).toBe(200);
    const body = await listed.json<{ events: { action: string; detail: { auditor: string } }[] }>();
    expect(body.events.at(-1)).toMatchObject({ action: 'auditor.created', detail: { auditor: auditor.id } });

    const exported = await get('/v1/audit/export?format=jsonl', auditor.token);
    expect(exported.headers.get('content-type')).toContain('application/jsonl');
    const lines = (await exported.text()).trim().split('\n');
    const jwks = await (await exports.default.fetch(new Request('http://localhost:8787/.well-known/jwks.json'))).json<{ keys: never[] }>();
    expect(await verifyExport(lines, jwks)).toMatchObject({ ok: true, complete: true });

    const verified = await (await get('/v1/audit/verify', auditor.token)).json();
    expect(verified).toMatchObject({ ok: true, first_bad_seq: null });
    expect((await get('/v1/audit/verify', `trv_au_${'A'.repeat(43)}`)).status).toBe(401);
  });
});
