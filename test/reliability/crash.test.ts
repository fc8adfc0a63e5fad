// Kill -9 under mixed load: a real Trove process takes reads, profile writes, approvals
// and revocations from concurrent clients and is SIGKILLed at random moments. After each
// restart the audit chain verifies, every success a client saw has its audit event, and
// every acknowledged write is there.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT, shoeDetails } from '../helpers/brands.ts';
import { caller, type Caller } from '../helpers/consumer.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { signUp, sessionCookie } from '../helpers/passkey-client.ts';
import { approvedCode, exchange, par, read, requestId, type SecretClient } from '../helpers/raw-oauth.ts';

const LONG = process.env.TROVE_LONG_TESTS === '1';
const KILLS = LONG ? 10 : 3;

let live: LiveServer;
let me: Caller;
let brand: SecretClient;
let token: string;
let longGrant: string;

const trove = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: live.cliEnv() });

beforeAll(async () => {
  live = await liveServer();
  await live.start();
  const { res } = await signUp(live.asApp as never, live.origin);
  const body = await res.json();
  me = caller(live.asApp as never, sessionCookie(res)!, body.csrf_token, body.consumer.id);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'crash@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 41, system: 'EU' } } });
  const added = trove('brand', 'add', '--name', 'Crash Shoes', '--redirect-uri', REDIRECT, '--secret', '--json');
  if (added.status !== 0) throw new Error(added.stderr);
  const b = JSON.parse(added.stdout);
  brand = { clientId: b.client_id, secret: b.client_secret };
  const { code, verifier } = await approvedCode(live.asApp as never, brand, me);
  const t = await (await exchange(live.asApp as never, brand, code, verifier)).json();
  token = t.access_token;
  longGrant = t.grant_id;
}, 60_000);

afterAll(async () => {
  await live?.cleanup();
});

type Acks = { reads: number; writes: Map<string, number>; approvals: string[]; revocations: string[]; requests: number };

async function load(acks: Acks, stopAt: number) {
  const alive = () => Date.now() < stopAt;
  const guard = async (fn: () => Promise<void>) => {
    while (alive()) {
      acks.requests += 1;
      try {
        await fn();
      } catch {
        // connection refused or reset by the kill: not acknowledged, so nothing is promised
      }
    }
  };
  const reader = () =>
    guard(async () => {
      const res = await read(live.asApp as never, token);
      if (res.status === 200) {
        await res.json();
        acks.reads += 1;
      }
    });
  const writer = (slot: number) => {
    const name = `x-crash-${slot}`;
    return guard(async () => {
      const next = (acks.writes.get(name) ?? 0) + 1;
      const res = await me.call(`/api/me/attributes/${name}`, { method: 'PUT', json: { value: String(next) } });
      if (res.status === 200) acks.writes.set(name, next);
    });
  };
  const approver = () =>
    guard(async () => {
      const { res } = await par(live.asApp as never, brand, {}, shoeDetails({ access: 'ongoing' }));
      if (res.status !== 201) return;
      const id = requestId((await res.json()).request_uri);
      const ok = await me.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: {} });
      if (ok.status === 200) acks.approvals.push(id);
    });
  const revoker = () =>
    guard(async () => {
      const { active } = (await (await me.call('/api/me/grants')).json()) as { active: { id: string }[] };
      const target = active.find((g) => g.id !== longGrant);
      if (!target) return;
      const res = await me.call(`/api/me/grants/${target.id}/revoke`, { method: 'POST' });
      if (res.status === 200) acks.revocations.push(target.id);
    });
  await Promise.all([reader(), reader(), reader(), writer(1), writer(2), approver(), revoker()]);
}

describe('SIGKILL under mixed load', () => {
  it(`keeps the chain valid and every acknowledged read and write across ${KILLS} kills`, async () => {
    const acks: Acks = { reads: 0, writes: new Map(), approvals: [], revocations: [], requests: 0 };
    let checkedEvents = 0;
    for (let k = 0; k < KILLS; k++) {
      const window = 400 + Math.floor(Math.random() * 1200);
      const stopAt = Date.now() + window + 300;
      const loading = load(acks, stopAt);
      await new Promise((r) => setTimeout(r, window));
      await live.kill();
      await loading;
      await live.start();

      const verify = trove('audit', 'verify', '--json');
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      const v = JSON.parse(verify.stdout);
      checkedEvents = v.checked;

      const all = await (await me.call('/api/me/activity?action=grant.read&limit=200')).json();
      let readEvents = all.events.filter((e: { grant_id: string; outcome: string }) => e.grant_id === longGrant && e.outcome === 'success').length;
      let cursor = all.next_cursor;
      while (cursor) {
        const page = await (await me.call(`/api/me/activity?action=grant.read&limit=200&cursor=${cursor}`)).json();
        readEvents += page.events.filter((e: { grant_id: string; outcome: string }) => e.grant_id === longGrant && e.outcome === 'success').length;
        cursor = page.next_cursor;
      }
      expect(readEvents, 'every acknowledged read has its audit event').toBeGreaterThanOrEqual(acks.reads);

      const attrs = await (await me.call('/api/me/attributes')).json();
      const values = new Map(
        (attrs.attributes as { name: string; value: unknown; persona: string | null }[])
          .filter((a) => a.persona === null)
          .map((a) => [a.name, Number(a.value)]),
      );
      for (const [name, acked] of acks.writes) expect(values.get(name), `${name} lost its acknowledged value`).toBeGreaterThanOrEqual(acked);

      for (const id of acks.approvals) expect((await (await me.call(`/api/me/requests/${id}`)).json()).status).toBe('approved');
      for (const id of acks.revocations) expect((await (await me.call(`/api/me/grants/${id}`)).json()).status).toBe('revoked');
    }
    const writes = [...acks.writes.values()].reduce((a, b) => a + b, 0);
    console.log(
      `crash test: ${KILLS} kills, ${acks.requests} requests, ${acks.reads + writes + acks.approvals.length + acks.revocations.length} acknowledged successes (${acks.reads} reads, ${writes} profile writes, ${acks.approvals.length} approvals, ${acks.revocations.length} revocations), ${checkedEvents} audit events verified, missing = 0, lost writes = 0`,
    );
    expect(acks.reads).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan(0);
  }, 180_000);
});
