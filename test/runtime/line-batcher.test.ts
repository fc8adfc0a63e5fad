// The access log's writer: the lines of one turn of the event loop leave in one write, in
// order, each ending in a newline; a batch past its size limit leaves at once; nothing
// queued is dropped, and a flush writes it now.
import { describe, expect, it } from 'vitest';
import { lineBatcher } from '../../src/runtime/node/line-batcher.ts';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('lineBatcher', () => {
  it('writes every line of one turn in one write, in order, once the turn ends', async () => {
    const writes: string[] = [];
    const lines = lineBatcher((t) => writes.push(t));
    for (let i = 0; i < 50; i++) lines.push(`{"n":${i}}`);
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n')).toEqual([...Array.from({ length: 50 }, (_, i) => `{"n":${i}}`), '']);
    lines.push('later');
    await nextTurn();
    expect(writes).toEqual([writes[0], 'later\n']);
  });

  it('writes a batch at once when it reaches its size limit, and the rest at the end of the turn', async () => {
    const writes: string[] = [];
    const lines = lineBatcher((t) => writes.push(t), 20);
    lines.push('0123456789');
    expect(writes).toEqual([]);
    lines.push('abcdefghij');
    expect(writes).toEqual(['0123456789\nabcdefghij\n']);
    lines.push('tail');
    await nextTurn();
    expect(writes).toEqual(['0123456789\nabcdefghij\n', 'tail\n']);
  });

  it('writes what is queued on flush, and nothing when nothing is queued', async () => {
    const writes: string[] = [];
    const lines = lineBatcher((t) => writes.push(t));
    lines.flush();
    lines.push('a');
    lines.push('b');
    lines.flush();
    expect(writes).toEqual(['a\nb\n']);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
  });
});
