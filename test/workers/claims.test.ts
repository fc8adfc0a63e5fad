// Exactly-once claims on D1: two dispatchers (two deps, two stores on the one D1 database,
// as the dispatcher Durable Object and the cron, or two isolates, would be) racing over the
// same due deliveries send each one once and audit it once; two sweeps at once take the
// sweep's job lease once.
import { env } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, inject, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { releaseLease, takeLease } from '../../src/features/jobs/job-lease.ts';
import { deliverDue } from '../../src/features/webhooks/dispatch.ts';
import { queueEvent } from '../../src/features/webhooks/security-event.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { createWorkerOutbound } from '../../src/runtime/workers/outbound.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';

const receiver = inject('webhookReceiver');

async function node() {
  openLibsodiumGate();
  await sodium.ready;
  const config = parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY, TROVE_WEBHOOK_ALLOW_PRIVATE: 'true' });
  const store = createD1Store(env.DB as unknown as D1Like, systemClock);
  const outbound = createWorkerOutbound({ allowPrivate: true });
  return boot({ config, store, clock: systemClock, sodium, log: silentLog, checkpointEvery: 1000, outbound }, fromB64u(env.TROVE_MASTER_KEY));
}

describe('claims on D1', () => {
  it('two dispatchers racing over the same due deliveries send each one once and audit it once', async () => {
    const a = await node();
    const b = await node();
    const hook = `${receiver}/hooks/claims-race`;
    const brand = await registerBrand(a, {
      name: 'Raced',
      redirect_uris: ['https://brand.example/callback'],
      auth: { method: 'client_secret_basic' },
      webhook_url: hook,
    });
    const N = 12;
    for (let i = 0; i < N; i++)
      await commit(a, { writes: await queueEvent(a, { id: brand.client_id, webhook_url: hook }, null, 'intent.created', `sub-${i}`, { n: i }) });
    const drain = async (deps: typeof a) => {
      let sent = 0;
      for (let n = await deliverDue(deps, 3); n > 0; n = await deliverDue(deps, 3)) sent += n;
      return sent;
    };
    const sent = await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(sent.reduce((x, y) => x + y, 0)).toBe(N);
    const attempts = await (await fetch(`${receiver}/attempts/claims-race`)).json<{ jti: string | null }[]>();
    expect(attempts).toHaveLength(N);
    expect(new Set(attempts.map((x) => x.jti)).size).toBe(N);
    const audited = await env.DB.prepare("SELECT detail FROM audit_events WHERE action = 'webhook.delivered' AND brand_id = ?")
      .bind(brand.client_id)
      .all<{ detail: string }>();
    expect(new Set(audited.results.map((r) => JSON.parse(r.detail).delivery)).size).toBe(N);
    expect(audited.results).toHaveLength(N);
  });

  it('gives a job lease to one of two takers at once, and to the next once it is given back', async () => {
    const a = await node();
    const b = await node();
    const [la, lb] = await Promise.all([takeLease(a, 'd1-race', 60_000), takeLease(b, 'd1-race', 60_000)]);
    expect([la, lb].filter(Boolean)).toHaveLength(1);
    const holder = la ?? lb;
    await releaseLease(la ? a : b, holder!);
    expect(await takeLease(la ? b : a, 'd1-race', 60_000)).not.toBeNull();
  });
});
