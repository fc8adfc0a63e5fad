// The access log's writer: every line queued during one turn of the event loop goes out in
// one write when the turn ends (setImmediate), so a group commit answering fifty reads
// costs one system call on stdout instead of fifty. Nothing is dropped: a batch past
// maxBytes is written at once, and the process writes what is queued as it exits.

export type LineBatcher = {
  /** Queues one line (without its newline). */
  push(line: string): void;
  /** Writes what is queued now. */
  flush(): void;
};

export function lineBatcher(write: (text: string) => void, maxBytes = 64 * 1024): LineBatcher {
  let lines: string[] = [];
  let bytes = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!lines.length) return;
    const text = `${lines.join('\n')}\n`;
    lines = [];
    bytes = 0;
    write(text);
  };
  return {
    push(line) {
      lines.push(line);
      bytes += line.length + 1;
      if (bytes >= maxBytes) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
