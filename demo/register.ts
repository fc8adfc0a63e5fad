// Registers a demo shop through Trove's own CLI (`trove demo --shop … --json`) against the
// same configuration as the server, so the demo uses the operator's path.
import { spawnSync } from 'node:child_process';
import type { DemoBrand } from '../src/cli/demo.ts';

export function registerDemoBrand(env: Record<string, string | undefined>, publicUrl: string, shop = 'stride'): DemoBrand {
  const r = spawnSync(process.execPath, ['src/cli/trove.ts', 'demo', '--shop', shop, '--public-url', publicUrl, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`trove demo failed: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout) as DemoBrand;
}
