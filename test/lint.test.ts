// The tree is clean under Biome, the project's formatter and linter (biome.jsonc): `npm
// test` fails on a lint error or an unformatted file, as CI runs it. Fix with
// `npm run lint:fix`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const biome = join(dirname(createRequire(import.meta.url).resolve('@biomejs/biome/package.json')), 'bin', 'biome');

describe('lint and format', () => {
  it('finds no lint error and no unformatted file', () => {
    const run = spawnSync(process.execPath, [biome, 'ci', '--colors=off', '.'], { encoding: 'utf8', timeout: 110_000 });
    expect(run.status, `${run.stdout}${run.stderr}`.slice(0, 4000)).toBe(0);
  }, 120_000);
});
