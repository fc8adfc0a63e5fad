// A real witness process over real HTTP on 127.0.0.1: it cosigns a log's consistent growth and
// nothing else — forks, rollbacks, unknown logs and bad log signatures are refused, forks loudly.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCosignatures } from '../../src/features/audit/require-cosignatures.ts';
import { toBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { cosignatureVerifier } from '../../src/features/audit/tlog/cosignature.ts';
import { generateNoteKey, noteSigner, noteVerifier } from '../../src/features/audit/tlog/note-keys.ts';
import { openNote } from '../../src/features/audit/tlog/signed-note.ts';
import { formatAddCheckpoint, originHash } from '../../src/features/audit/tlog/witness.ts';
import { pushCheckpoint } from '../../src/features/audit/witness-push.ts';
import { fakeLog, type FakeLog, type History } from './fake-log.ts';
import { startWitness, trove, type WitnessProcess } from './witness-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-witness-'));
const stateFile = join(dir, 'state.json');
let witness: WitnessProcess;
const logs: Record<string, FakeLog> = {};
const NAMES = ['growth', 'fork', 'smaller', 'race-1', 'race-2', 'race-3', 'race-4', 'race-5'];

beforeAll(async () => {
  expect(trove('witness', 'keygen', '--name', 'witness.test/w1', '--out', join(dir, 'w1.key')).status).toBe(0);
  for (const name of NAMES) logs[name] = await fakeLog(`log.test/${name}`);
  witness = await startWitness({ keyFile: join(dir, 'w1.key'), stateFile, logs: NAMES.map((n) => logs[n]!.flag) });
});
afterAll(async () => {
  await witness?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const push = async (h: History, size: number, lastKnownSize?: number) =>
  pushCheckpoint(witness, await h.note(size), (old) => h.proof(old, size), { fetch, timeoutMs: 5000, lastKnownSize });
const stored = (origin: string) => JSON.parse(readFileSync(stateFile, 'utf8')).logs[origin] as { size: number; root_hash: string } | undefined;
const monitored = (origin: string) => fetch(`${witness.url}/${originHash(origin)}/checkpoint`);

describe('trove witness serve', () => {
  it('cosigns consistent growth, each cosignature verifying with the witness vkey, and serves the latest to monitors', async () => {
    const log = logs.growth!;
    const h = log.history('real');
    let known: number | undefined;
    for (const size of [3, 10, 10, 17]) {
      const note = await h.note(size);
      const res = await push(h, size, known);
      if (!res.ok) throw new Error(`push of size ${size}: ${res.kind} ${res.message}`);
      known = res.size;
      const cosigned = note + res.lines;
      await expect(openNote(cosigned, [cosignatureVerifier(witness.vkey)])).resolves.toMatchObject({ text: note.slice(0, note.indexOf('\n\n') + 1) });
      expect(await requireCosignatures(cosigned, [witness.vkey], 1)).toMatchObject({ ok: true, cosigned: [witness.vkey] });
    }
    expect(stored(log.origin)).toMatchObject({ size: 17, root_hash: toBase64(h.root(17)) });
    const latest = await monitored(log.origin);
    expect(latest.status).toBe(200);
    const served = await latest.text();
    await openNote(served, [noteVerifier(log.vkey)]);
    expect((await requireCosignatures(served, [witness.vkey], 1)).ok).toBe(true);
    expect(served).toContain(`\n17\n${toBase64(h.root(17))}\n`);
    expect((await monitored('log.test/never-pushed')).status).toBe(404);
  });

  it('refuses a fork signed with the real log key, loudly on stderr, and keeps the tree it cosigned', async () => {
    const log = logs.fork!;
    const real = log.history('real');
    const rewritten = log.history('rewritten', 64, 4); // shares the first 4 events, then differs
    expect((await push(real, 10)).ok).toBe(true);
    const same = await push(rewritten, 10, 10);
    expect(same).toMatchObject({ ok: false, kind: 'inconsistent', status: 422 });
    const bigger = await push(rewritten, 20, 10); // a proof that holds only inside the rewritten history
    expect(bigger).toMatchObject({ ok: false, kind: 'inconsistent', status: 422 });
    const lines = witness.stderr().split('\n');
    const fork = lines.find((l) => l.includes('FORK REFUSED') && l.includes('log.test/fork'));
    expect(fork).toBeDefined();
    expect(JSON.parse(fork!)).toMatchObject({ level: 'error', origin: log.origin, cosigned: { size: 10, root: toBase64(real.root(10)) } });
    expect(fork).toContain(`offered size 10 root ${toBase64(rewritten.root(10))}`);
    expect(lines.some((l) => l.includes('INCONSISTENT TREE REFUSED') && l.includes(`offered size 20 root ${toBase64(rewritten.root(20))}`))).toBe(true);
    expect(stored(log.origin)).toMatchObject({ size: 10, root_hash: toBase64(real.root(10)) });
    expect(await (await monitored(log.origin)).text()).toContain(toBase64(real.root(10)));
    expect((await push(real, 20, 10)).ok).toBe(true); // the real log carries on
  });

  it('refuses a smaller tree (409 with its size, 400 when sent as the old size), loudly, and keeps its state', async () => {
    const log = logs.smaller!;
    const h = log.history('real');
    expect((await push(h, 12)).ok).toBe(true);
    expect(await push(h, 8)).toMatchObject({ ok: false, kind: 'conflict', witnessSize: 12 });
    const raw = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint({ oldSize: 12, proof: [], checkpoint: await h.note(8) }),
    });
    expect(raw.status).toBe(400);
    const stale = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint({ oldSize: 8, proof: [], checkpoint: await h.note(8) }),
    });
    expect([stale.status, stale.headers.get('content-type'), await stale.text()]).toEqual([409, 'text/x.tlog.size', '12\n']);
    expect(witness.stderr()).toMatch(/ROLLBACK REFUSED for log log\.test\/smaller: cosigned size 12 .*offered smaller size 8/);
    expect(stored(log.origin)).toMatchObject({ size: 12, root_hash: toBase64(h.root(12)) });
  });

  it('refuses a checkpoint of a log it does not witness (404) and one without a valid log signature (403)', async () => {
    const unknown = (await fakeLog('log.test/unknown')).history('real');
    expect(await push(unknown, 5)).toMatchObject({ ok: false, kind: 'refused', status: 404 });
    const h = logs.growth!.history('real');
    const impostor = await noteSigner((await generateNoteKey(logs.growth!.origin)).skey); // same name, another key
    const forged = await pushCheckpoint(witness, await h.note(30, impostor), (old) => h.proof(old, 30), { fetch, timeoutMs: 5000, lastKnownSize: 17 });
    expect(forged).toMatchObject({ ok: false, kind: 'refused', status: 403 });
    const good = await h.note(30);
    const flipped = good.replace(/ (\S{30})(\S)/, (_, a: string, c: string) => ` ${a}${c === 'A' ? 'B' : 'A'}`);
    const tampered = await pushCheckpoint(witness, flipped, (old) => h.proof(old, 30), { fetch, timeoutMs: 5000, lastKnownSize: 17 });
    expect(tampered).toMatchObject({ ok: false, kind: 'refused', status: 403 });
    expect(stored(logs.growth!.origin)).toMatchObject({ size: 17 });
    expect(stored('log.test/unknown')).toBeUndefined();
  });

  it('cosigns exactly one of two different trees of the same size pushed at the same time', async () => {
    for (const name of NAMES.filter((n) => n.startsWith('race-'))) {
      const log = logs[name]!;
      const a = log.history('a');
      const b = log.history('b');
      const [ra, rb] = await Promise.all([push(a, 9), push(b, 9)]);
      expect([ra.ok, rb.ok].filter(Boolean), name).toHaveLength(1);
      const [won, lost] = ra.ok ? [a, rb] : [b, ra];
      expect(lost, name).toMatchObject({ ok: false, kind: 'inconsistent' });
      expect(stored(log.origin), name).toMatchObject({ size: 9, root_hash: toBase64(won.root(9)) });
    }
  });

  it('serves only its two routes, and refuses a body too large to be a checkpoint without reading it all', async () => {
    expect((await fetch(`${witness.url}/`)).status).toBe(404);
    const get = await fetch(`${witness.url}/add-checkpoint`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: 'x'.repeat(70_000) })).status).toBe(413);
    const malformed = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: 'old 0\n\nnot a checkpoint\n' });
    expect(malformed.status).toBe(400);
  });
});
