// Progress for long CLI commands on stderr: count, rate and ETA, only when stderr is a
// terminal and the output is not --json, so scripts and pipes see nothing extra.

export type Progress = { update(done: number, total: number): void; end(): void };

export function progress(label: string, opts: { json?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.json || !stream.isTTY) return { update() {}, end() {} };
  const started = Date.now();
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      const eta = rate > 0 && total > done ? `, ETA ${Math.ceil((total - done) / rate)} s` : '';
      stream.write(`\r${label}: ${done}/${total} (${Math.round(rate)}/s${eta})\x1b[K`);
    },
    end() {
      stream.write('\n');
    },
  };
}
