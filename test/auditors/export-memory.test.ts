import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import type { AuditEvent } from '../../src/db/audit-event.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { testDeps } from '../helpers/deps.ts';

const EVENTS = 100_000;
const MB = 1024 * 1024;
// Memory is sampled after a full collection: what the export holds, not the garbage a
// lazy collector has not reclaimed yet (which depends on what ran before the export).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('streaming export', () => {
  it('exports 100,000 events as JSON Lines with peak memory (after collection) growing by less than 40 MB', async () => {
    const deps = await testDeps({ checkpointEvery: 1000 });
    for (let i = 0; i < EVENTS; i += 1000) {
      const drafts: AuditEvent[] = Array.from({ length: 1000 }, (_, j) => ({
        action: 'grant.read',
        outcome: 'success',
        actor_type: 'brand',
        actor_id: 'brand_bulk',
        brand_id: 'brand_bulk',
        consumer_id: `c${(i + j) % 977}`,
        grant_id: `g${(i + j) % 313}`,
        attributes: ['email', 'shoe_size'],
        purpose: 'https://w3id.org/dpv#ServiceProvision',
      }));
      await commit(deps, { audit: drafts });
      await advanceLog(deps); // a checkpoint every 1,000 events, as the runtime signs them
    }
    const auditor = await addAuditor(deps, { name: 'Bulk' });
    const app = createApp(deps);
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const m0 = process.memoryUsage();
    const heap0 = m0.heapUsed + m0.external + m0.arrayBuffers;
    let heapPeak = heap0;
    const res = await app.request('/v1/audit/export?format=jsonl', { headers: { authorization: `Bearer ${auditor.token}` } });
    const reader = res.body!.getReader();
    let bytes = 0,
      newlines = 0,
      chunks = 0,
      last: Uint8Array = new Uint8Array();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (++chunks % 25 === 0) gc();
      bytes += value.byteLength;
      for (let k = value.indexOf(10); k !== -1; k = value.indexOf(10, k + 1)) newlines += 1;
      last = value;
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed + m.external + m.arrayBuffers);
    }
    const growth = (peak - before) / MB;
    console.log(
      `export of ${EVENTS} events: ${(bytes / MB).toFixed(1)} MB streamed, ${newlines} lines, peak RSS growth ${growth.toFixed(1)} MB, heap+external growth ${((heapPeak - heap0) / MB).toFixed(1)} MB`,
    );
    // header + events (+ the auditor's and operator's own) + 100 checkpoints + trailer
    expect(newlines).toBeGreaterThanOrEqual(EVENTS + 100 + 2);
    expect(bytes / MB).toBeGreaterThan(45);
    expect(JSON.parse(new TextDecoder().decode(last).trim().split('\n').at(-1)!)).toMatchObject({ type: 'export', complete: true });
    expect(growth).toBeLessThan(40);
  }, 240_000);
});
