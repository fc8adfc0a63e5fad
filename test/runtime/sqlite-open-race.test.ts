// Two processes starting on one new database file at the same moment both come up: the
// switch to WAL, which SQLite can refuse one of them at once (no busy wait), is retried
// (batch.ts, toWal). Worker threads stand in for the processes: each has its own connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const WORKER = new URL('../helpers/open-sqlite-worker.ts', import.meta.url);

function openTogether(file: string): Promise<string[]> {
  const gate = new SharedArrayBuffer(4);
  return Promise.all(
    [0, 1].map(
      () =>
        new Promise<string>((resolve) => {
          const w = new Worker(WORKER, { workerData: { file, gate } });
          w.once('message', (m: string) => resolve(m));
          w.once('error', (e: Error) => resolve(`worker failed: ${e.message}`));
        }),
    ),
  );
}

describe('opening one new SQLite file from two connections at once', () => {
  it('opens it on both, every time (100 new files)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trove-open-race-'));
    try {
      const failures: string[] = [];
      for (let i = 0; i < 100; i++) {
        for (const outcome of await openTogether(join(dir, `race-${i}.db`))) if (outcome !== 'ok') failures.push(`file ${i}: ${outcome}`);
      }
      expect(failures).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
