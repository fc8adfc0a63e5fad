// A worker thread that opens a SQLite file the way every Trove connection
// does, starting at the same moment as its sibling (a shared counter), and reports "ok" or
// the error: test/runtime/sqlite-open-race.test.ts runs two on one new file.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../src/runtime/store/sqlite/batch.ts';

const { file, gate } = workerData as { file: string; gate: SharedArrayBuffer };
const arrived = new Int32Array(gate);
Atomics.add(arrived, 0, 1);
while (Atomics.load(arrived, 0) < 2); // both open at once
try {
  const sqlite = openSqlite(file);
  sqlite.close();
  parentPort!.postMessage('ok');
} catch (error) {
  parentPort!.postMessage(`${(error as { code?: string }).code ?? ''} ${(error as Error).message}`);
}
