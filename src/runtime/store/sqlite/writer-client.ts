// The event-loop side of the SQLite writer threads: sends batches to the writer
// (writer.ts) one at a time and turns its replies back into outcomes and errors,
// and runs the background checkpointer (sqlite-checkpointer.ts). Neither thread holds
// the process open while it has nothing to do.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { GuardFailed } from '../../../errors.ts';
import { toWireError, type BatchChange, type Outcome, type WireError } from './batch.ts';
import { batchEncoder, type SqlStatement, type WriterReply } from './writer-protocol.ts';

export type StoreChange = BatchChange<SqlStatement>;
export type Writer = { apply(batch: StoreChange[], ts: number): Promise<Outcome[]>; close(): Promise<void>; failure?(): Error | null };

export function fromWireError(e: WireError): Error {
  // A GuardFailed again, and a driver error with its name, message and code.
  if (e.guard !== undefined) return new GuardFailed(e.guard);
  const err = Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
  err.name = e.name;
  return err;
}

async function stop(threads: Worker[]) {
  await Promise.all(
    threads
      .filter((t) => t.threadId !== -1)
      .map((t) => {
        const exited = once(t, 'exit');
        t.ref();
        t.postMessage({ close: true });
        return exited;
      }),
  );
}

/** Copies WAL frames into the database file in the background (PASSIVE checkpoints). */
export function startCheckpointer(filename: string): { close(): Promise<void> } {
  const t = new Worker(new URL('./checkpointer.ts', import.meta.url), { workerData: { filename } });
  t.unref();
  t.on('error', () => {}); // an optimisation only: SQLite's own checkpoint remains the backstop
  return { close: () => stop([t]) };
}

/** Writes on a thread of its own; holds the process open only while a batch is in flight. */
export function threadWriter(filename: string): Writer {
  const encoder = batchEncoder();
  let worker: Worker | null = null;
  let pending: { resolve(o: Outcome[]): void; reject(e: unknown): void } | null = null;
  const settle = (fn: (p: NonNullable<typeof pending>) => void) => {
    const p = pending;
    pending = null;
    worker?.unref();
    if (p) fn(p);
  };
  const start = () => {
    const w = new Worker(new URL('./writer.ts', import.meta.url), { workerData: { filename } });
    encoder.reset(); // a new thread knows no statement texts yet
    w.on('message', (text: string) => {
      const m = JSON.parse(text) as WriterReply;
      settle((p) => ('error' in m ? p.reject(fromWireError(m.error)) : p.resolve(m.outcomes)));
    });
    w.on('error', (err) => settle((p) => p.reject(err)));
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      settle((p) => p.reject(new Error(`the SQLite writer thread exited (${code})`)));
    });
    w.unref();
    return w;
  };
  worker = start();
  const checkpointer = startCheckpointer(filename);
  return {
    apply(batch, ts) {
      const { text, sent, refused } = encoder.encode(batch, ts);
      const all = (outcomes: Outcome[]) =>
        batch.map((_, i): Outcome => {
          const at = sent.indexOf(i);
          return at >= 0 ? outcomes[at]! : { ok: false, error: toWireError(refused.get(i)) };
        });
      if (!sent.length) return Promise.resolve(all([]));
      worker ??= start();
      const w = worker;
      w.ref();
      return new Promise((resolve, reject) => {
        pending = { resolve: (o) => resolve(refused.size ? all(o) : o), reject };
        w.postMessage(text);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      await Promise.all([w ? stop([w]) : undefined, checkpointer.close()]);
    },
  };
}
