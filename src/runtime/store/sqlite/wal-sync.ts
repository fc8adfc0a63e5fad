// Durability of an in-place commit without blocking the event loop: the batch commits with
// synchronous=NORMAL (its WAL frames written, not yet flushed), then the WAL file is
// flushed with fdatasync on libuv's thread pool, and only then are its callers answered.
// That is the flush synchronous=FULL makes inside COMMIT (SQLite syncs only the WAL at a
// WAL commit), moved off the thread that serves requests. Rules:
// - a caller is answered only by an fdatasync that began after its COMMIT returned;
// - one fdatasync serves every batch committed before it began (a second group waits);
// - a failed fdatasync fails its callers and every later commit: after a failed flush the
//   kernel may have dropped the dirty pages, so nothing more may be acknowledged until the
//   process restarts and SQLite recovers from what is on disk.
import { closeSync, fdatasync, openSync, statSync } from 'node:fs';

export type SyncFile = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

export type WalSyncer = {
  /** Resolves once an fdatasync of the WAL that began after this call has completed. */
  sync(): Promise<void>;
  /** The failed flush, or null; once set, nothing more may be committed. */
  failure(): Error | null;
  close(): void;
};

export function walSyncer(databaseFile: string, syncFile: SyncFile = fdatasync): WalSyncer {
  const path = `${databaseFile}-wal`;
  let file: { fd: number; ino: number } | null = null;
  let failed: Error | null = null;
  let running = false;
  let waiting: { resolve(): void; reject(e: unknown): void }[] = [];

  // The WAL keeps its inode while any connection is open (it is reset in place, not
  // replaced); the check costs one stat and guards against syncing a file SQLite left.
  const fd = () => {
    const ino = statSync(path).ino;
    if (file?.ino !== ino) {
      if (file) closeSync(file.fd);
      // Read-write although nothing is written through it: Windows flushes only a handle with write access.
      file = { fd: openSync(path, 'r+'), ino };
    }
    return file.fd;
  };

  const next = () => {
    const group = waiting;
    waiting = [];
    if (!group.length) {
      running = false;
      return;
    }
    const settle = (err: Error | null) => {
      if (err && !failed) failed = Object.assign(new Error(`the SQLite WAL could not be flushed; restart to recover (${err.message})`), { cause: err });
      for (const w of group) {
        if (failed) w.reject(failed);
        else w.resolve();
      }
      next();
    };
    if (failed) return settle(failed);
    try {
      syncFile(fd(), settle);
    } catch (err) {
      settle(err as Error);
    }
  };

  return {
    sync() {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (!running) {
          running = true;
          next();
        }
      });
    },
    failure: () => failed,
    close() {
      if (file) closeSync(file.fd);
      file = null;
    },
  };
}
