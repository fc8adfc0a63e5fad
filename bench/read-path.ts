// The read-path comparison, side by side in one run on loopback: (a) bare Hono, (b)
// node-oidc-provider's userinfo (opaque tokens), (c) Trove's audited GET /v1/attributes
// on embedded SQLite (synchronous=FULL) over 10,000 consumers × 10 attributes and
// 10,000 grants, (d) the same on PostgreSQL when a URL is given. Each target runs in its
// own process; autocannon (50 connections) loads them in interleaved rounds after a
// warm-up, and each round also records the CPU the target spent per request (for
// PostgreSQL, the database server's too: it shares the machine) and the load generator's
// (this process, which shares the cores with the target: on two cores the sum of the two
// is what bounds a target that runs on more than one thread). Every target runs with the
// Node flags `npm start` gives Trove (package.json), peers included, so none is tuned
// alone. Every process started here is stopped here.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { growLog, logBytes } from './log-growth.ts';
import { startFlags } from '../src/runtime/node/start-flags.ts';
import { seedTrove } from './seed-trove.ts';

export const MASTER_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
export type Target = { name: string; url: string; tokens: string[]; child: ChildProcess; env?: Record<string, string> };
export type ReadPathOptions = {
  pgUrl?: string;
  consumers: number;
  rounds: number;
  seconds: number;
  warmup: number;
  connections: number;
  /** Issue 26: also serve a copy whose audit log already holds this many earlier reads. */
  logEvents?: number;
};

function waitForReady(child: ChildProcess): Promise<{ url: string; tokens: string[] }> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out
        .split('\n')
        .slice(0, -1)
        .find((l) => l.startsWith('READY ')); // complete lines only
      if (line) resolve(JSON.parse(line.slice(6)));
    });
    child.once('exit', (code) => reject(new Error(`target exited with ${code} before it was ready`)));
  });
}

/** Starts a Trove server from `root` (a checkout) with tokens already minted; ready once /healthz answers. */
export async function spawnTrove(name: string, env: Record<string, string>, tokens: string[], root = process.cwd()): Promise<Target> {
  const child = spawn(process.execPath, [...startFlags(root), 'src/runtime/node/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (i > 300 || child.exitCode !== null) throw new Error(`${name} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { name, url: `${base}/v1/attributes`, tokens, child };
}

type Growth = { events: number; seed_s: number; total_bytes: number; fresh_bytes: number; queries: unknown };

/** Seeds (and, with `grow`, fills the log with that many earlier reads), then serves; tokens are minted last (they live 5 minutes). */
async function startTrove(name: string, env: Record<string, string>, consumers: number, grow = 0, growth?: Map<string, Growth>): Promise<Target> {
  const tokens = await seedTrove(env, consumers, Math.min(consumers, 5000));
  if (!grow) return { ...(await spawnTrove(name, env, tokens)), env };
  const fresh = await logBytes(env);
  console.error(`${name}: filling the audit log with ${grow} events…`);
  const { seconds, queries } = await growLog(env, grow);
  const grown = await logBytes(env);
  growth?.set(name, { events: grown.events - fresh.events, seed_s: seconds, total_bytes: grown.total_bytes, fresh_bytes: fresh.total_bytes, queries });
  return { ...(await spawnTrove(name, env, tokens)), env };
}

export function load(t: Target, seconds: number, connections: number): Promise<autocannon.Result> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: t.url,
        connections,
        duration: seconds,
        requests: [
          { method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, headers: { authorization: `Bearer ${t.tokens[i++ % t.tokens.length]}` } }) },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** /proc/<pid>/stat's fields after the command name; null when the process is gone (or off Linux). */
function statFields(pid: number | undefined): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return null;
  }
}
const TICK_US = 1e6 / 100; // clock ticks (USER_HZ = 100)

/** CPU time (user + system, all threads) of one process, in µs; null off Linux. */
export function cpuUs(pid: number | undefined): number | null {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_US : null;
}

/** Bytes a process has handed to write calls (its WAL, checkpoints, logs); null off Linux. */
export function writtenBytes(pid: number | undefined): number | null {
  try {
    return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
  } catch {
    return null;
  }
}

/**
 * CPU time of the local PostgreSQL server, in µs (the database's share of a read): every
 * server process's own, plus what the processes that have ended spent (the postmaster's
 * reaped children, cutime + cstime), so a backend or autovacuum worker that exits during
 * a round does not take its CPU out of the sum. Null off Linux.
 */
export function postgresCpuUs(): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  let total = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended since the listing: its CPU is in its parent's cutime now
    }
    if (!stat.includes('(postgres)')) continue;
    const f = stat.split(') ')[1]!.split(' ');
    total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_US;
  }
  return total;
}

function peakRssMb(pid: number | undefined): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export async function benchReadPath(o: ReadPathOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-'));
  const targets: Target[] = [];
  const growth = new Map<string, Growth>();
  const pgDbs: string[] = [];
  try {
    const spawnPeer = async (name: string, script: string, args: string[]) => {
      const child = spawn(process.execPath, [...startFlags(), script, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
      const ready = await waitForReady(child);
      targets.push({ name, child, ...ready });
    };
    await spawnPeer('bare_hono', 'bench/targets/bare-hono.ts', ['0']);
    await spawnPeer(
      'oidc_provider_userinfo',
      'bench/targets/oidc-userinfo.ts',
      ['18091', '400'] /* the in-memory adapter is an LRU of 1,000 entries: 400 grants + 400 tokens fit */,
    );
    // No per-request access log: the peers write none either (it is measured apart).
    const env = {
      PORT: '18092',
      HOST: '127.0.0.1',
      TROVE_DATA_DIR: join(dir, 'sqlite'),
      TROVE_MASTER_KEY: MASTER_KEY,
      NODE_ENV: 'development',
      TROVE_LOG_LEVEL: 'warn',
    };
    targets.push(await startTrove('trove_sqlite', env, o.consumers));
    if (o.logEvents)
      targets.push(
        await startTrove('trove_sqlite_grown', { ...env, PORT: '18094', TROVE_DATA_DIR: join(dir, 'sqlite-grown') }, o.consumers, o.logEvents, growth),
      );
    if (o.pgUrl) {
      const pgEnv = async (port: string, sub: string) => {
        const name = `trove_bench_${Date.now().toString(36)}_${sub}`;
        const admin = new pg.Client({ connectionString: o.pgUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        pgDbs.push(name);
        const u = new URL(o.pgUrl!);
        u.pathname = `/${name}`;
        return { ...env, PORT: port, TROVE_DATA_DIR: join(dir, sub), DATABASE_URL: u.toString() };
      };
      targets.push(await startTrove('trove_postgres', await pgEnv('18093', 'pg'), o.consumers));
      if (o.logEvents) targets.push(await startTrove('trove_postgres_grown', await pgEnv('18095', 'pg_grown'), o.consumers, o.logEvents, growth));
    }
    // Access tokens live 5 minutes and filling a log takes longer: every Trove target gets
    // fresh ones now, just before the warm-up and the rounds.
    for (const t of targets) if (t.env) t.tokens = await seedTrove(t.env, o.consumers, Math.min(o.consumers, 5000));
    for (const t of targets) await load(t, o.warmup, o.connections);
    // Per round, the CPU the target (and, for PostgreSQL, the database server) spent per
    // request, and the load generator's (this process; process.cpuUsage() is in µs).
    type Run = autocannon.Result & { cpu: number | null; dbCpu: number | null; loadCpu: number | null };
    // Bytes written from the first round to the last, idle time between rounds included: a
    // background job (the SQLite indexer, every 15 s) may run while another target is loaded.
    const writtenAtStart = new Map(targets.map((t) => [t.name, writtenBytes(t.child.pid)]));
    const runs = new Map<string, Run[]>();
    for (let r = 0; r < o.rounds; r++) {
      for (const t of targets) {
        const before = { own: cpuUs(t.child.pid), db: t.name.startsWith('trove_postgres') ? postgresCpuUs() : null, load: process.cpuUsage() };
        const res = await load(t, o.seconds, o.connections);
        const loadUs = Object.values(process.cpuUsage(before.load)).reduce((a, b) => a + b, 0);
        const own = cpuUs(t.child.pid);
        const db = before.db === null ? null : postgresCpuUs();
        const total = (res.requests as unknown as { total: number }).total;
        const perReq = (a: number | null, b: number | null) => (a === null || b === null || !total ? null : Math.round((b - a) / total));
        runs.set(t.name, [...(runs.get(t.name) ?? []), { ...res, cpu: perReq(before.own, own), dbCpu: perReq(before.db, db), loadCpu: perReq(0, loadUs) }]);
        console.error(`round ${r + 1} ${t.name}: ${Math.round(res.requests.average)} req/s, p99 ${res.latency.p99} ms, non-2xx ${res.non2xx}`);
      }
    }
    const writtenPerReq = (t: Target, rs: Run[]) => {
      const [a, b] = [writtenAtStart.get(t.name), writtenBytes(t.child.pid)];
      const total = rs.reduce((n, r) => n + (r.requests as unknown as { total: number }).total, 0);
      return a == null || b === null || !total ? null : Math.round((b - a) / total);
    };
    const figures = Object.fromEntries(
      targets.map((t) => {
        const rs = runs.get(t.name)!;
        const median = (xs: (number | null)[]) => {
          const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
          return v.length ? v[Math.floor(v.length / 2)]! : null;
        };
        const avg = (f: (r: autocannon.Result) => number) => Math.round((rs.reduce((s, r) => s + f(r), 0) / rs.length) * 10) / 10;
        return [
          t.name,
          {
            req_per_s: avg((r) => r.requests.average),
            p50_ms: avg((r) => r.latency.p50),
            p99_ms: avg((r) => r.latency.p99),
            non_2xx: rs.reduce((s, r) => s + r.non2xx + r.errors, 0),
            peak_rss_mb: peakRssMb(t.child.pid),
            cpu_us_per_req: median(rs.map((r) => r.cpu)),
            load_generator_cpu_us_per_req: median(rs.map((r) => r.loadCpu)),
            // What the process wrote per request over the rounds (SQLite: its WAL, checkpoints into the file, the indexer's pages).
            written_bytes_per_req: writtenPerReq(t, rs),
            ...(t.name.startsWith('trove_postgres') ? { postgres_server_cpu_us_per_req: median(rs.map((r) => r.dbCpu)) } : {}),
            rounds: rs.map((r) => Math.round(r.requests.average)),
          },
        ];
      }),
    ) as Record<
      string,
      { req_per_s: number; p50_ms: number; p99_ms: number; non_2xx: number; peak_rss_mb: number | null; written_bytes_per_req: number | null }
    >;
    const ratio = (a: string, b: string) => (figures[a] && figures[b] ? Math.round((figures[a].req_per_s / figures[b].req_per_s) * 100) / 100 : null);
    // The log's share of the file (grown minus fresh), so consumers, grants and keys are not counted.
    const perEvent = (g: Growth | undefined) => (g ? Math.round((g.total_bytes - g.fresh_bytes) / g.events) : null);
    const grownOf = (fresh: string) => {
      const g = growth.get(`${fresh}_grown`);
      const f = figures[fresh];
      const grown = figures[`${fresh}_grown`];
      if (!g || !f || !grown) return undefined;
      return {
        log_events: g.events,
        fill_seconds: g.seed_s,
        bytes_per_event: perEvent(g),
        // SQLite: the whole file; PostgreSQL: the log's relations (audit_events, audit_tree_nodes, their indexes and TOAST).
        measured_bytes: g.total_bytes,
        grown_vs_fresh: ratio(`${fresh}_grown`, fresh),
        queries_page_of_50: g.queries,
        fresh: { req_per_s: f.req_per_s, p99_ms: f.p99_ms, written_bytes_per_req: f.written_bytes_per_req },
        grown: { req_per_s: grown.req_per_s, p99_ms: grown.p99_ms, written_bytes_per_req: grown.written_bytes_per_req },
      };
    };
    return {
      setup: {
        connections: o.connections,
        seconds_per_round: o.seconds,
        rounds: o.rounds,
        warmup_s: o.warmup,
        node_flags: startFlags(),
        consumers: o.consumers,
        attributes_per_consumer: 10,
        grants: o.consumers,
      },
      ...figures,
      ratios: {
        trove_sqlite_vs_oidc_provider: ratio('trove_sqlite', 'oidc_provider_userinfo'),
        trove_sqlite_vs_bare_hono: ratio('trove_sqlite', 'bare_hono'),
        ...(o.pgUrl ? { trove_postgres_vs_oidc_provider: ratio('trove_postgres', 'oidc_provider_userinfo') } : {}),
      },
      ...(o.logEvents ? { log_growth: { sqlite: grownOf('trove_sqlite'), ...(o.pgUrl ? { postgres: grownOf('trove_postgres') } : {}) } } : {}),
    };
  } finally {
    for (const t of targets) t.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    for (const t of targets) if (t.child.exitCode === null) t.child.kill('SIGKILL');
    if (pgDbs.length && o.pgUrl) {
      const admin = new pg.Client({ connectionString: o.pgUrl });
      await admin.connect();
      for (const name of pgDbs) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
