// `npm run bench [-- --out FILE] [--events N]`: runs Trove's benchmarks in one process
// and prints (and optionally writes) their figures as JSON. The HTTP read-path
// comparison against the peers joins this harness with the performance work.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchAuditVerify } from './audit-verify.ts';
import { benchSealing } from './sealing.ts';

const { values } = parseArgs({
  options: { out: { type: 'string' }, events: { type: 'string', default: '1000000' } },
});

const results = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  audit_verify: await benchAuditVerify(Number(values.events)),
  sealing: await benchSealing(100_000),
};
const text = JSON.stringify(results, null, 2);
console.log(text);
if (values.out) writeFileSync(values.out, `${text}\n`);
