// What the portal reads back from localStorage about the log (web/src/log-pins.ts): a pin is
// used only when its key still parses; a damaged remembered checkpoint counts as none.
import { describe, expect, it } from 'vitest';
import { generateNoteKey } from '../../src/features/audit/tlog/note-keys.ts';
import { readPin } from '../../web/src/log-pins.ts';

describe('a stored pin, read back', () => {
  it('keeps a valid key and a whole checkpoint', async () => {
    const { vkey } = await generateNoteKey('trove.example/audit');
    const checkpoint = { size: 12, root: 'x'.repeat(43), note: 'note', accepted: '2026-01-02T03:04:05.000Z' };
    expect(readPin({ vkey, since: 's', checkpoint })).toEqual({
      vkey,
      key: { name: 'trove.example/audit', id: vkey.split('+')[1] },
      since: 's',
      checkpoint,
    });
    expect(readPin({ vkey })).toMatchObject({ vkey, since: '', checkpoint: null });
  });

  it('drops a damaged checkpoint, and the whole pin when the key does not parse', async () => {
    const { vkey } = await generateNoteKey('trove.example/audit');
    for (const checkpoint of [{ size: 0, root: 'r', note: 'n' }, { size: '12', root: 'r', note: 'n' }, { size: 3, note: 'n' }, 'garbage']) {
      expect(readPin({ vkey, checkpoint })?.checkpoint).toBeNull();
    }
    for (const value of [null, 'text', 42, {}, { vkey: 42 }, { vkey: 'not a key' }, { vkey: `${vkey}x` }]) expect(readPin(value)).toBeNull();
  });
});
