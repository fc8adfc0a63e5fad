// `npm run bench -- [--out FILE] [--pg URL] [--events N] [--consumers N] [--rounds N] [--seconds N] [--log-events N] [--quick]`:
// the read-path comparison against its peers, the audit verifier's throughput and the
// consent flow's latency, in one run. Prints the figures as JSON and writes them to --out.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchAuditLog } from './audit-log.ts';
import { benchErasure } from './erasure.ts';
import { benchReadPath } from './read-path.ts';
import { benchSealing } from './sealing.ts';
import { startFlags } from '../src/runtime/node/start-flags.ts';

/** The audited read's CPU per request on SQLite, from the read-path figures (null when absent). */
function cpuOf(figures: unknown, target: string): number | null {
  const t = (figures as Record<string, { cpu_us_per_req?: number | null } | undefined>)[target];
  return t?.cpu_us_per_req ?? null;
}

// The consent flow runs through the app in process, so it gets a process of its own, with
// the flags of `npm start`: in this one it would pay for what the phases before it left
// behind. Measured right after the audit-log phase in one process: p99 29–38 ms over 300
// flows, against 10–16 ms in a fresh one.
function consentFlow(flows: number): unknown {
  const out = execFileSync(process.execPath, [...startFlags(), 'bench/consent-flow.ts', String(flows)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

// A virtual machine may name its processor only "AMD EPYC": the family and model numbers
// tell its generations apart, and the peers' ratios differ between them (on 2026-12-07,
// 0.91–1.00 on one "AMD EPYC" machine and 0.64–0.78 on a family-26 one).
function cpuGeneration(): { cpu_family?: number; cpu_model_number?: number } {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}\\s*:\\s*(\\d+)`, 'm').exec(info)?.[1]);
    return { cpu_family: field('cpu family'), cpu_model_number: field('model') };
  } catch {
    return {}; // not Linux
  }
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    pg: { type: 'string' },
    events: { type: 'string', default: '1000000' },
    consumers: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    quick: { type: 'boolean' },
    'log-events': { type: 'string', default: '0' },
  },
});
const quick = values.quick === true;

const readPath = await benchReadPath({
  pgUrl: values.pg,
  consumers: quick ? 1000 : Number(values.consumers),
  rounds: quick ? 1 : Number(values.rounds),
  seconds: quick ? 3 : Number(values.seconds),
  // A fresh Trove process needs 10,000–15,000 reads to reach its steady state (each token's
  // signature checked once, the log's first contexts, JIT and heap sizing): measured
  // 1,412 → 2,842 → 3,300 → 3,572 → 4,662 reads/s over its first five 3-s rounds.
  warmup: quick ? 1 : 10,
  connections: 50,
  logEvents: Number(values['log-events']),
});
const results = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, ...cpuGeneration(), memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
  read_path: readPath,
  audit_log: await benchAuditLog(quick ? 100_000 : Number(values.events), quick ? 500 : 3000, cpuOf(readPath, 'trove_sqlite')),
  consent_flow: consentFlow(quick ? 50 : 300),
  sealing: await benchSealing(quick ? 10_000 : 100_000),
  erasure: {
    sqlite: await benchErasure(quick ? 1000 : 10_000, quick ? 5 : 20),
    ...(values.pg ? { postgres: await benchErasure(quick ? 1000 : 10_000, quick ? 5 : 20, values.pg) } : {}),
  },
};
const text = JSON.stringify(results, null, 2);
console.log(text);
if (values.out) writeFileSync(values.out, `${text}\n`);
