// The README is a newcomer's only guide: it stands alone (no path outside the repository)
// and every file or folder it names in backticks exists in the checkout.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/runtime/node/paths.ts';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

describe('the README', () => {
  it('never points at a file outside the repository', () => {
    expect(readme).not.toMatch(/\.\.\/(shared|DESIGN|notes)/);
    expect(readme).not.toMatch(/`\.\.\//);
  });

  it('names only repository paths that exist', () => {
    const named = [...readme.matchAll(/`((?:src|test|web|docs|bench|demo|migrations|scripts)\/[A-Za-z0-9_./-]+?)`/g)].map((m) => m[1]!.replace(/[/.]+$/, ''));
    const missing = named.filter((p) => !p.includes('*') && !p.includes('…') && !existsSync(join(projectRoot, p)));
    expect(missing).toEqual([]);
  });
});
