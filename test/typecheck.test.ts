// The whole tree (src, tests, bench, demo, scripts) type-checks under the strict settings
// and erasable syntax only, which Node's type stripping relies on: `npm test` fails on a
// type error even though the code would still run.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// typescript's exports map hides bin/, so find it beside the package.json.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

describe('types', () => {
  it('type-checks the project with no errors', () => {
    const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', '.'], { encoding: 'utf8', timeout: 170_000 });
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  }, 180_000);
});
