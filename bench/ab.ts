// `npm run bench:ab -- --base REF [--pg URL] [--rounds N] [--seconds N] [--consumers N] [--out FILE]`:
// is this working tree's audited read (B) faster than REF's (A)? This machine's speed
// drifts by a quarter between minutes, so two separate bench runs cannot tell a 5 % change
// from noise: here both servers run side by side on copies of one seeded database (SQLite
// files, or with --pg two PostgreSQL databases made from one seeded template) and are
// loaded in turn, the order alternating every round. Prints req/s, CPU per request (and
// the PostgreSQL server's) and p99 per round, their medians and B/A. Each side also
// reports its group commits (from its /metrics): the mean number of changes per batch and
// the mean time a batch's transaction took, fsync included — what a change to the write
// path does to batching. REF must share the working tree's schema. Everything it starts
// (a git worktree of REF, two servers, databases, temporary files) it removes.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cpuUs, load, MASTER_KEY, postgresCpuUs, spawnTrove, type Target } from './read-path.ts';
import { seedTrove } from './seed-trove.ts';

// Both servers must accept the same tokens, so they share an issuer whatever their ports.
const ORIGIN = 'http://localhost:18400';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD' },
    rounds: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '6' },
    consumers: { type: 'string', default: '10000' },
    out: { type: 'string' },
    pg: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs statements on the server's maintenance connection (CREATE/DROP DATABASE). */
async function admin(...statements: string[]) {
  const client = new pg.Client({ connectionString: values.pg });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}
const dbUrl = (name: string) => Object.assign(new URL(values.pg!), { pathname: `/${name}` }).toString();
const dbPrefix = `trove_ab_${Date.now().toString(36)}`;
const dbNames = ['seed', 'a', 'b'].map((s) => `${dbPrefix}_${s}`);

/** The server's group commits so far (its /metrics, on PORT + 10); null when it serves none. */
async function groupCommits(t: Target): Promise<{ batches: number; changes: number; seconds: number } | null> {
  try {
    const url = new URL(t.url);
    url.port = String(Number(url.port) + 10);
    url.pathname = '/metrics';
    const text = await (await fetch(url)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const c = {
      batches: value('trove_commit_batch_size_count'),
      changes: value('trove_commit_batch_size_sum'),
      seconds: value('trove_commit_duration_seconds_sum'),
    };
    return Object.values(c).every(Number.isFinite) ? c : null;
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'trove-ab-'));
const worktree = join(dir, 'base');
const servers: Target[] = [];
try {
  execFileSync('git', ['worktree', 'add', '--detach', worktree, values.base], { stdio: 'ignore' });
  symlinkSync(resolve('node_modules'), join(worktree, 'node_modules'));
  const seed = join(dir, 'seed');
  const common = { TROVE_MASTER_KEY: MASTER_KEY, TROVE_ORIGIN: ORIGIN };
  let tokens: string[];
  const env = (port: number, side: 'a' | 'b') => ({
    ...common,
    PORT: String(port),
    TROVE_METRICS_PORT: String(port + 10),
    HOST: '127.0.0.1',
    TROVE_DATA_DIR: join(dir, side),
    NODE_ENV: 'development',
    ...(values.pg ? { DATABASE_URL: dbUrl(`${dbPrefix}_${side}`) } : {}),
  });
  if (values.pg) {
    await admin(`CREATE DATABASE ${dbNames[0]}`);
    tokens = await seedTrove({ ...common, TROVE_DATA_DIR: seed, DATABASE_URL: dbUrl(dbNames[0]!) }, Number(values.consumers), 5000);
    await admin(`CREATE DATABASE ${dbNames[1]} TEMPLATE ${dbNames[0]}`, `CREATE DATABASE ${dbNames[2]} TEMPLATE ${dbNames[0]}`);
  } else {
    tokens = await seedTrove({ ...common, TROVE_DATA_DIR: seed }, Number(values.consumers), 5000);
    cpSync(seed, join(dir, 'a'), { recursive: true });
    cpSync(seed, join(dir, 'b'), { recursive: true });
  }
  const a = await spawnTrove(`A (${values.base})`, env(18401, 'a'), tokens, worktree);
  servers.push(a);
  const b = await spawnTrove('B (working tree)', env(18402, 'b'), tokens);
  servers.push(b);
  for (const t of servers) await load(t, 3, 50);
  type Run = { rps: number[]; cpu: number[]; dbCpu: number[]; p99: number[]; batch: number[]; commitMs: number[]; non2xx: number };
  const runs = new Map<Target, Run>(servers.map((t) => [t, { rps: [], cpu: [], dbCpu: [], p99: [], batch: [], commitMs: [], non2xx: 0 }]));
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 ? [b, a] : [a, b]) {
      // The servers take turns, so the PostgreSQL server's CPU in a round is this one's.
      const before = { own: cpuUs(t.child.pid), db: values.pg ? postgresCpuUs() : null, commits: await groupCommits(t) };
      const res = await load(t, seconds, 50);
      const after = { own: cpuUs(t.child.pid), db: values.pg ? postgresCpuUs() : null, commits: await groupCommits(t) };
      const total = (res.requests as unknown as { total: number }).total;
      const run = runs.get(t)!;
      run.rps.push(Math.round(res.requests.average));
      if (before.own !== null && after.own !== null && total) run.cpu.push(Math.round((after.own - before.own) / total));
      if (before.db !== null && after.db !== null && total) run.dbCpu.push(Math.round((after.db - before.db) / total));
      run.p99.push(res.latency.p99);
      if (before.commits && after.commits && after.commits.batches > before.commits.batches) {
        const batches = after.commits.batches - before.commits.batches;
        run.batch.push(Math.round(((after.commits.changes - before.commits.changes) / batches) * 10) / 10);
        run.commitMs.push(Math.round(((after.commits.seconds - before.commits.seconds) / batches) * 1e5) / 100);
      }
      run.non2xx += res.non2xx + res.errors;
      console.error(`round ${r + 1} ${t.name}: ${Math.round(res.requests.average)} req/s, p99 ${res.latency.p99} ms`);
    }
  }
  const side = (t: Target) => {
    const run = runs.get(t)!;
    return {
      name: t.name,
      req_per_s: median(run.rps),
      cpu_us_per_req: run.cpu.length ? median(run.cpu) : null,
      ...(run.dbCpu.length ? { postgres_server_cpu_us_per_req: median(run.dbCpu) } : {}),
      p99_ms: median(run.p99),
      // Group commit: changes per batch, and one batch's transaction (fsync included), in ms.
      ...(run.batch.length ? { changes_per_batch: median(run.batch), commit_ms: median(run.commitMs) } : {}),
      non_2xx: run.non2xx,
      rounds: run.rps,
      cpu_rounds: run.cpu,
    };
  };
  // A round's two runs follow each other, seconds apart: their ratio leaves out the
  // machine's slower drift between rounds, which the medians above do not (the faster
  // swings remain: an A/A run's rounds ranged 0.79–1.18 in CPU per read).
  const paired = (pick: (r: Run) => number[]) => {
    const [xa, xb] = [pick(runs.get(a)!), pick(runs.get(b)!)];
    return xa.length === xb.length ? xa.map((v, i) => xb[i]! / v) : [];
  };
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const [rpsRatios, cpuRatios] = [paired((r) => r.rps), paired((r) => r.cpu)];
  const result = {
    setup: {
      base: values.base,
      database: values.pg ? 'postgres' : 'sqlite',
      rounds,
      seconds_per_round: seconds,
      connections: 50,
      consumers: Number(values.consumers),
    },
    a: side(a),
    b: side(b),
    b_over_a: round2(median(runs.get(b)!.rps) / median(runs.get(a)!.rps)),
    // Per round: B's req/s and CPU per request over A's in the same round.
    paired: {
      req_per_s: round2(median(rpsRatios)),
      cpu_us_per_req: cpuRatios.length ? round2(median(cpuRatios)) : null,
      rounds_b_faster: rpsRatios.filter((x) => x > 1).length,
      rounds_b_cheaper: cpuRatios.filter((x) => x < 1).length,
    },
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
  if (values.pg)
    await admin(...dbNames.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`)).catch((err) => console.error(`could not drop ${dbPrefix}_*: ${err}`));
  rmSync(dir, { recursive: true, force: true });
}
