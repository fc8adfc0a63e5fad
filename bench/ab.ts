// `npm run bench:ab -- --base REF [--rounds N] [--seconds N] [--consumers N] [--out FILE]`:
// is this working tree's audited read (B) faster than REF's (A)? This machine's speed
// drifts by a quarter between minutes, so two separate bench runs cannot tell a 5 % change
// from noise: here both servers run side by side on copies of one seeded SQLite database
// and are loaded in turn, the order alternating every round. Prints req/s, CPU per request
// and p99 per round, their medians and B/A. REF must share the working tree's schema.
// Everything it starts (a git worktree of REF, two servers, temporary files) it removes.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuUs, load, MASTER_KEY, spawnTrove, type Target } from './read-path.ts';
import { seedTrove } from './seed-trove.ts';

// Both servers must accept the same tokens, so they share an issuer whatever their ports.
const ORIGIN = 'http://localhost:18400';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD' }, rounds: { type: 'string', default: '8' }, seconds: { type: 'string', default: '6' },
    consumers: { type: 'string', default: '10000' }, out: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'trove-ab-'));
const worktree = join(dir, 'base');
const servers: Target[] = [];
try {
  execFileSync('git', ['worktree', 'add', '--detach', worktree, values.base], { stdio: 'ignore' });
  symlinkSync(resolve('node_modules'), join(worktree, 'node_modules'));
  const seed = join(dir, 'seed');
  const tokens = await seedTrove({ TROVE_DATA_DIR: seed, TROVE_MASTER_KEY: MASTER_KEY, TROVE_ORIGIN: ORIGIN }, Number(values.consumers), 5000);
  cpSync(seed, join(dir, 'a'), { recursive: true });
  cpSync(seed, join(dir, 'b'), { recursive: true });
  const env = (port: number, data: string) => ({ PORT: String(port), HOST: '127.0.0.1', TROVE_ORIGIN: ORIGIN, TROVE_DATA_DIR: data, TROVE_MASTER_KEY: MASTER_KEY, NODE_ENV: 'development' });
  const a = await spawnTrove(`A (${values.base})`, env(18401, join(dir, 'a')), tokens, worktree);
  servers.push(a);
  const b = await spawnTrove('B (working tree)', env(18402, join(dir, 'b')), tokens);
  servers.push(b);
  for (const t of servers) await load(t, 3, 50);
  const runs = new Map<Target, { rps: number[]; cpu: number[]; p99: number[]; non2xx: number }>(servers.map((t) => [t, { rps: [], cpu: [], p99: [], non2xx: 0 }]));
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 ? [b, a] : [a, b]) {
      const before = cpuUs(t.child.pid);
      const res = await load(t, seconds, 50);
      const after = cpuUs(t.child.pid);
      const total = (res.requests as unknown as { total: number }).total;
      const run = runs.get(t)!;
      run.rps.push(Math.round(res.requests.average));
      if (before !== null && after !== null && total) run.cpu.push(Math.round((after - before) / total));
      run.p99.push(res.latency.p99);
      run.non2xx += res.non2xx + res.errors;
      console.error(`round ${r + 1} ${t.name}: ${Math.round(res.requests.average)} req/s, p99 ${res.latency.p99} ms`);
    }
  }
  const side = (t: Target) => {
    const run = runs.get(t)!;
    return { name: t.name, req_per_s: median(run.rps), cpu_us_per_req: run.cpu.length ? median(run.cpu) : null, p99_ms: median(run.p99), non_2xx: run.non2xx, rounds: run.rps };
  };
  const result = {
    setup: { base: values.base, rounds, seconds_per_round: seconds, connections: 50, consumers: Number(values.consumers) },
    a: side(a), b: side(b), b_over_a: Math.round((median(runs.get(b)!.rps) / median(runs.get(a)!.rps)) * 100) / 100,
  };
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  if (values.out) writeFileSync(values.out, `${text}\n`);
  if (result.a.non_2xx || result.b.non_2xx) process.exitCode = 1;
} finally {
  for (const t of servers) t.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  for (const t of servers) if (t.child.exitCode === null) t.child.kill('SIGKILL');
  try {
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { stdio: 'ignore' });
  } catch {
    // never created, or already gone
  }
  rmSync(dir, { recursive: true, force: true });
}
