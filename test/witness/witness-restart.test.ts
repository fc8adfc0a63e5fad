// The witness's memory is its state file: killed and started again on it, a witness still refuses
// the fork it refused before; it never starts from an unreadable state; keygen never overwrites.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { pushCheckpoint } from '../../src/features/audit/witness-push.ts';
import { fakeLog, type History } from './fake-log.ts';
import { startWitness, trove, type WitnessProcess } from './witness-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-witness-restart-'));
const running: WitnessProcess[] = [];
afterAll(async () => {
  for (const w of running) await w.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function start(opts: Parameters<typeof startWitness>[0]) {
  const w = await startWitness(opts);
  running.push(w);
  return w;
}

const push = async (w: WitnessProcess, h: History, size: number, lastKnownSize?: number) =>
  pushCheckpoint(w, await h.note(size), (old) => h.proof(old, size), { fetch, timeoutMs: 5000, lastKnownSize });

describe('a restarted witness', () => {
  it('keeps what it cosigned across a kill and restart: the fork is still refused, growth still cosigned', async () => {
    const keyFile = join(dir, 'w.key');
    const gen = trove('witness', 'keygen', '--name', 'witness.test/restart', '--out', keyFile, '--json');
    expect(gen.status, gen.stderr).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const { vkey } = JSON.parse(gen.stdout) as { vkey: string };
    const log = await fakeLog('log.test/restart');
    const real = log.history('real');
    const fork = log.history('fork', 64, 6);
    const stateFile = join(dir, 'state.json');

    const first = await start({ keyFile, stateFile, logs: [log.flag] });
    expect(first.vkey).toBe(vkey);
    expect((await push(first, real, 15)).ok).toBe(true);
    await first.kill();

    const second = await start({ keyFile, stateFile, logs: [log.flag], port: first.port });
    expect(second.url).toBe(first.url);
    // No remembered size: the push learns 15 from the 409 and retries with the proof from 15.
    expect(await push(second, fork, 15)).toMatchObject({ ok: false, kind: 'inconsistent' });
    expect(await push(second, fork, 30)).toMatchObject({ ok: false, kind: 'inconsistent' });
    expect(second.stderr()).toContain(`FORK REFUSED for log log.test/restart: cosigned size 15 root ${toBase64(real.root(15))}`);
    expect(await push(second, real, 30)).toMatchObject({ ok: true, size: 30 });
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(state.logs['log.test/restart']).toMatchObject({ size: 30, root_hash: toBase64(real.root(30)) });
  });

  it('refuses to start on a state file it cannot read, rather than forget what it cosigned', async () => {
    const log = await fakeLog('log.test/x');
    const stateFile = join(dir, 'corrupt.json');
    writeFileSync(stateFile, '{"format":"trove-witness-state/v1","logs":{"log.test/x":{"size":3}}}\n');
    const res = trove('witness', 'serve', '--key-file', join(dir, 'w.key'), '--state', stateFile, '--log', log.flag, '--port', '0');
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/unreadable .*refusing to start from an empty state/);
  });

  it('never overwrites a key file, and names what is missing on bad usage (exit 2)', () => {
    const keyFile = join(dir, 'w.key');
    const before = readFileSync(keyFile, 'utf8');
    const again = trove('witness', 'keygen', '--name', 'witness.test/other', '--out', keyFile);
    expect(again.status).toBe(2);
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
    expect(trove('witness', 'keygen', '--name', 'has space', '--out', join(dir, 'x.key')).status).toBe(2);
    const noLogs = trove('witness', 'serve', '--key-file', keyFile, '--state', join(dir, 's.json'));
    expect([noLogs.status, /--log ORIGIN=VKEY/.test(noLogs.stderr)]).toEqual([2, true]);
    expect(trove('witness', '--help').stdout).toMatch(/witness serve --key-file FILE --state FILE --log ORIGIN=VKEY/);
  });
});
