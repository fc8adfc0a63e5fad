// When the next webhook delivery is due (next-due.ts), which the Workers dispatcher sets its
// alarm to: on SQLite and PostgreSQL, with a real receiver and a fixed clock.
import { afterEach, describe, expect, it } from 'vitest';
import { commit } from '../../src/features/audit/commit.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { BASE_DELAY_MS, deliverDue } from '../../src/features/webhooks/dispatch.ts';
import { nextDueAt } from '../../src/features/webhooks/next-due.ts';
import { queueEvent } from '../../src/features/webhooks/security-event.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { startReceiver } from '../helpers/receiver.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function hookedBrand(deps: TestDeps) {
  const receiver = await startReceiver();
  cleanups.push(receiver.close);
  const r = await registerBrand(deps, { name: 'Hooked', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, webhook_url: receiver.url });
  const queue = async () => {
    const writes = await queueEvent(deps, { id: r.client_id, webhook_url: receiver.url }, null, 'grant.revoked', 'sub', {});
    await commit(deps, { writes });
  };
  return { receiver, queue };
}

describe('the next due webhook delivery', () => {
  it('is none when nothing is pending', async () => {
    const deps = await testDeps();
    expect(await nextDueAt(deps)).toBeNull();
  });

  it('is the earliest pending delivery, as a number, and none once everything is delivered', async () => {
    const deps = await testDeps({ allowPrivateWebhooks: true });
    const { queue } = await hookedBrand(deps);
    const first = deps.clock.now();
    await queue();
    deps.clock.advance(5_000);
    await queue();
    expect(await nextDueAt(deps)).toBe(first);
    expect(await deliverDue(deps)).toBe(2);
    expect(await nextDueAt(deps)).toBeNull();
  });

  it('moves to the retry time after a failed attempt, within the first backoff step', async () => {
    const deps = await testDeps({ allowPrivateWebhooks: true });
    const { receiver, queue } = await hookedBrand(deps);
    receiver.failNext(1);
    await queue();
    const failedAt = deps.clock.now();
    expect(await deliverDue(deps)).toBe(1);
    const next = await nextDueAt(deps);
    expect(next).toBeGreaterThanOrEqual(failedAt + BASE_DELAY_MS * 0.5);
    expect(next).toBeLessThanOrEqual(failedAt + BASE_DELAY_MS * 1.5);
  });
});
