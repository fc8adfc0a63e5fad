// Every way this checkout starts the server runs Node as `npm start` does: the flags live
// in package.json's start script (the memory reducer off, see the README's performance
// section), and the CLI's script and the test helper read them from there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFlags } from '../../src/runtime/node/start-flags.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';

const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;

describe('the Node flags the server runs with', () => {
  let live: LiveServer | undefined;
  afterAll(async () => {
    await live?.cleanup();
  });

  it('are read from npm start, which turns the memory reducer off', () => {
    expect(startFlags()).toContain('--no-memory-reducer');
    expect(scripts.start).toBe(`node ${startFlags().join(' ')} src/runtime/node/main.ts`);
  });

  it('are given to the CLI by npm run trove, so `npm run trove -- serve` serves as npm start does', () => {
    expect(scripts.trove).toBe(`node ${startFlags().join(' ')} src/cli/trove.ts`);
  });

  it("are in the trove bin's #! line, so the bin run as a program (as npm links it) runs Node with them", () => {
    expect(readFileSync('src/cli/trove.ts', 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${startFlags().join(' ')}`);
  });

  it.runIf(process.platform !== 'win32')('reach Node when the trove bin is executed directly', () => {
    // A preload reports the flags Node was started with; the bin itself just prints its help.
    const dir = mkdtempSync(join(tmpdir(), 'trove-bin-'));
    try {
      const report = join(dir, 'flags.json');
      const preload = join(dir, 'report-flags.cjs');
      writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.execArgv));`);
      execFileSync('./src/cli/trove.ts', ['--help'], { env: { ...process.env, NODE_OPTIONS: `--require ${preload}` }, stdio: 'ignore' });
      expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual(startFlags());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.platform === 'linux')('are on the command line of a server the test helper starts', async () => {
    live = await liveServer();
    await live.start();
    const argv = readFileSync(`/proc/${live.pid()}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, 1 + startFlags().length)).toEqual(startFlags());
    expect(argv).toContain('src/runtime/node/main.ts');
  });
});
