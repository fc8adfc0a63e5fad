// Every way this checkout starts the server runs Node as `npm start` does: the flags live
// in package.json's start script (the memory reducer off, see the README's performance
// section), and the CLI's script and the test helper read them from there.
import { readFileSync } from 'node:fs';
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

  it.runIf(process.platform === 'linux')('are on the command line of a server the test helper starts', async () => {
    live = await liveServer();
    await live.start();
    const argv = readFileSync(`/proc/${live.pid()}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, 1 + startFlags().length)).toEqual(startFlags());
    expect(argv).toContain('src/runtime/node/main.ts');
  });
});
