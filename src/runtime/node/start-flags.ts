// The Node flags of `npm start` (package.json), so that every other way this checkout
// starts the server — the demo, `npm run trove -- serve`'s script, the test helpers, the
// benchmarks — runs it as production does, from one place that says what they are. The
// `trove` bin's #! line repeats them (a test holds the two equal).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The `--` flags given to node by `npm start` in checkout `root`. */
export function startFlags(root = process.cwd()): string[] {
  const start: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts?.start ?? '';
  const words = start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter((w) => w.startsWith('--'));
}
