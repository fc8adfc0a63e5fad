// pushCheckpoint against an in-process witness (decideAddCheckpoint and a real cosigner behind a
// fetch function): the 409 retry, what counts as a cosignature, and failures typed, never thrown.
import { beforeAll, describe, expect, it } from 'vitest';
import { cosigner } from '../../src/features/audit/tlog/cosignature.ts';
import { KEY_TYPE_COSIGNATURE_V1, generateNoteKey, noteVerifier } from '../../src/features/audit/tlog/note-keys.ts';
import { signText, signatureLine, type NoteSigner } from '../../src/features/audit/tlog/signed-note.ts';
import { decideAddCheckpoint, parseAddCheckpoint, type WitnessedTree } from '../../src/features/audit/tlog/witness.ts';
import { pushCheckpoint, type WitnessFetch } from '../../src/features/audit/witness-push.ts';
import { fakeLog, type FakeLog, type History } from './fake-log.ts';

let log: FakeLog;
let h: History;
let w1: NoteSigner & { vkey: string };
let other: NoteSigner & { vkey: string };
beforeAll(async () => {
  log = await fakeLog('log.test/push');
  h = log.history('real');
  w1 = await cosigner((await generateNoteKey('witness.test/w1', KEY_TYPE_COSIGNATURE_V1)).skey, () => 1_760_000_000);
  other = await cosigner((await generateNoteKey('witness.test/w1', KEY_TYPE_COSIGNATURE_V1)).skey, () => 1_760_000_000);
});

const answer = (status: number, body: string) => ({ status, text: async () => body });

/** A witness in this process; `sign` may be swapped to return something other than its cosignature. */
function witness(sign: (text: string) => Promise<string> = async (t) => signatureLine(await signText(t, w1))) {
  const state = new Map<string, WitnessedTree>();
  const oldSizes: number[] = [];
  const fetch: WitnessFetch = async (_url, init) => {
    oldSizes.push(parseAddCheckpoint(init.body).oldSize);
    const d = await decideAddCheckpoint(init.body, new Map([[log.origin, [noteVerifier(log.vkey)]]]), (o) => state.get(o));
    if (d.status === 200) {
      state.set(d.checkpoint.origin, d.next);
      return answer(200, await sign(d.note.text));
    }
    return d.status === 409 ? answer(409, d.body) : answer(d.status, d.reason);
  };
  return { state, oldSizes, fetch };
}

async function push(fetch: WitnessFetch, size: number, lastKnownSize?: number, history = h) {
  const asked: number[] = [];
  const proofFrom = (old: number) => {
    asked.push(old);
    return history.proof(old, size);
  };
  const result = await pushCheckpoint({ url: 'http://witness.test/', vkey: w1.vkey }, await history.note(size), proofFrom, {
    fetch,
    timeoutMs: 2000,
    lastKnownSize,
  });
  return { result, asked };
}

describe('pushCheckpoint', () => {
  it('starts from "old 0" with no remembered size and, on 409, retries once from the size the witness reports', async () => {
    const w = witness();
    expect((await push(w.fetch, 10)).result).toMatchObject({ ok: true, size: 10 });
    const { result, asked } = await push(w.fetch, 20);
    expect(result).toMatchObject({ ok: true, size: 20 });
    expect(w.oldSizes).toEqual([0, 0, 10]);
    expect(asked).toEqual([10]);
    if (!result.ok) throw new Error(result.message);
    expect(result.lines).toMatch(/^— witness\.test\/w1 \S+\n$/);
    expect(result.signatures).toHaveLength(1);
  });

  it('sends the proof from a remembered size, and recovers from a stale one through the 409', async () => {
    const w = witness();
    await push(w.fetch, 10);
    expect((await push(w.fetch, 15, 10)).asked).toEqual([10]);
    const stale = await push(w.fetch, 25, 10);
    expect(stale.result).toMatchObject({ ok: true, size: 25 });
    expect(stale.asked).toEqual([10, 15]);
    expect(w.oldSizes.slice(-2)).toEqual([10, 15]);
  });

  it('retries only once, and not at all when the witness holds a larger tree', async () => {
    let size = 3;
    const moving: WitnessFetch = async () => answer(409, `${size++}\n`);
    const twice = await push(moving, 30);
    expect(twice.result).toMatchObject({ ok: false, kind: 'conflict', witnessSize: 4 });
    expect(size).toBe(5);
    const w = witness();
    await push(w.fetch, 40);
    expect((await push(w.fetch, 30)).result).toMatchObject({ ok: false, kind: 'conflict', witnessSize: 40 });
    expect(w.oldSizes).toEqual([0, 0]);
  });

  it('reports a fork the witness refuses as inconsistent, and other refusals with their status', async () => {
    const w = witness();
    await push(w.fetch, 10);
    const forked = log.history('fork', 64, 3);
    expect((await push(w.fetch, 10, 10, forked)).result).toMatchObject({ ok: false, kind: 'inconsistent', status: 422 });
    expect((await push(async () => answer(404, 'unknown log\n'), 10)).result).toMatchObject({ ok: false, kind: 'refused', status: 404 });
    expect((await push(async () => answer(409, 'twelve\n'), 10)).result).toMatchObject({ ok: false, kind: 'bad-response', status: 409 });
  });

  it('accepts only a valid cosignature by the witness key on this very checkpoint', async () => {
    const byOther = witness(async (t) => signatureLine(await signText(t, other)));
    expect((await push(byOther.fetch, 10)).result).toMatchObject({ ok: false, kind: 'bad-response' });
    const otherBody = witness(async () => signatureLine(await signText(await h.note(11).then((n) => n.slice(0, n.indexOf('\n\n') + 1)), w1)));
    expect((await push(otherBody.fetch, 10)).result).toMatchObject({ ok: false, kind: 'bad-response' });
    const garbage = witness(async () => 'ok\n');
    expect((await push(garbage.fetch, 10)).result).toMatchObject({ ok: false, kind: 'bad-response' });
    const plusUnknown = witness(
      async (t) => signatureLine(await signText(t, w1)) + signatureLine(await signText(t, await cosigner((await generateNoteKey('x.test/y')).skey, () => 5))),
    );
    const res = (await push(plusUnknown.fetch, 10)).result;
    expect(res.ok && res.signatures.map((s) => s.name)).toEqual(['witness.test/w1']);
  });

  it('fails with timeout at the deadline even when fetch ignores its signal, and with unreachable when fetch throws', async () => {
    const started = Date.now();
    const hang = await pushCheckpoint({ url: 'http://witness.test', vkey: w1.vkey }, await h.note(5), () => [], {
      fetch: () => new Promise(() => {}),
      timeoutMs: 150,
    });
    expect(hang).toMatchObject({ ok: false, kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
    const refused = await push(async () => Promise.reject(new TypeError('fetch failed')), 5);
    expect(refused.result).toMatchObject({ ok: false, kind: 'unreachable' });
  });
});
