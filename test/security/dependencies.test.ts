// "No dependency that is not used": every package in package.json is imported by the
// code, tests, benchmarks, scripts or portal, or named by a tool's configuration.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

// Used as command-line tools or type packages rather than through an import.
const TOOLS: Record<string, string> = {
  typescript: 'tsc in npm run typecheck and test/typecheck.test.ts',
  wrangler: 'wrangler types / d1 migrations / dev',
  '@types/node': 'types',
  '@types/pg': 'types',
  '@types/better-sqlite3': 'types',
  '@types/libsodium-wrappers': 'types',
};

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist' || name === 'generated' || name === 'data') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ts|tsx|mts|mjs|js|jsx)$/.test(name)) out.push(p);
  }
  return out;
}

describe('dependencies', () => {
  it('are all used', () => {
    const dirs = ['src', 'test', 'bench', 'scripts', 'web', 'demo']
      .map((d) => join(root, d))
      .filter((d) => {
        try {
          return statSync(d).isDirectory();
        } catch {
          return false;
        }
      });
    const sources = [
      ...dirs.flatMap((d) => files(d)),
      ...readdirSync(root)
        .filter((f) => /\.(ts|mjs|js)$/.test(f))
        .map((f) => join(root, f)),
    ]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const names = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    const unused = names.filter(
      (n) => !TOOLS[n] && !new RegExp(`(from|import\\(|require\\(|resolve\\()\\s*['"]${n.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`).test(sources),
    );
    expect(unused).toEqual([]);
  });
});
