// An auditor, in Chromium, pins the log key recorded out of band and checks the log against
// it: the latest checkpoint signed by that key, and consistent with the checkpoint accepted
// before. Then the operator rewrites history in the server's database as an operator could
// (an event the remembered checkpoint covers edited, the hash chain mended, the tree and
// checkpoints thrown away for the running server to rebuild and re-sign with the real key):
// the server's self-check still passes; the pinned check reports the rewrite. A key that did
// not sign is reported too. axe-core and CSP on every state, screenshots.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_LEGACY_WRITES } from '../helpers/legacy-log-writes.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent } from '../../src/db/audit-chain.ts';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { generateNoteKey } from '../../src/features/audit/tlog/note-keys.ts';
import { allViolations, openTab, SCREENSHOTS_AFTER, screenshots, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let tab: Tab;
let logKey: string;

const AUDITOR_PIN = 'trove.auditor.pinned-log'; // web/src/log-pins.ts

beforeAll(async () => {
  // Checkpoints every second, as a busy server signs them.
  h = await startHarness({ env: { TROVE_CHECKPOINT_SECONDS: '1' } });
  tab = await openTab(h.browser);
  [logKey] = h.cli<{ log_keys: [string] }>('audit', 'log-key').log_keys;
});

afterAll(async () => {
  await h?.stop();
});

async function checkPage(shot?: string) {
  expect(await seriousViolations(tab.page), `axe on ${tab.page.url()}`).toEqual([]);
  expect(tab.problems, `console errors or CSP violations on ${tab.page.url()}`).toEqual([]);
  if (shot) await screenshots(tab.page, shot, ['desktop', 'phone'], { dir: SCREENSHOTS_AFTER });
}

const panel = (page: Page) => page.getByRole('region', { name: 'Check against my pinned log key' });

async function checkNow(page: Page): Promise<{ state: string; text: string }> {
  const p = panel(page);
  await p.getByRole('button', { name: 'Check now' }).click();
  const verdict = p.locator('[data-pinned]');
  await verdict.waitFor();
  return { state: (await verdict.getAttribute('data-pinned'))!, text: (await verdict.textContent())!.replace(/\s+/g, ' ') };
}

const remembered = (page: Page) =>
  page.evaluate(
    (k) => (JSON.parse(localStorage.getItem(k) ?? 'null') as { checkpoint: { size: number; root: string } | null } | null)?.checkpoint ?? null,
    AUDITOR_PIN,
  );

/** The latest checkpoint's size as the public endpoint serves it. */
async function latestSize(): Promise<number> {
  const res = await fetch(`${h.live.base}/v1/audit/checkpoint`);
  return res.ok ? Number((await res.text()).split('\n')[1]) : 0;
}

/**
 * What an operator with the database file can do: change an event already covered by a signed
 * checkpoint, recompute every hash after it so the chain is whole, and throw away the tree and
 * the checkpoints, so the server rebuilds the tree and signs it again with the real log key.
 * One transaction, so the running server sees the log before or after, never half-way.
 */
function rewriteHistory(seq: number) {
  const db = new Database(join(h.live.dir, 'trove.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.exec(SQLITE_LEGACY_WRITES);
    db.transaction(() => {
      db.prepare(`UPDATE audit_events SET reason = 'nothing to see here' WHERE seq = ?`).run(seq);
      let prev = (db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(seq - 1) as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
      const rows = db.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(seq) as AuditEventRow[];
      const update = db.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?');
      for (const r of rows) {
        const { hash: _old, ...rest } = r;
        const hash = hashEvent({ ...rest, prev_hash: prev });
        update.run(prev, hash, r.seq);
        prev = hash;
      }
      db.prepare('DELETE FROM audit_tree_nodes').run();
      db.prepare('DELETE FROM log_checkpoints').run();
      db.prepare('UPDATE audit_tree SET size = 0').run();
    })();
  } finally {
    db.close();
  }
}

describe('the auditor’s check against a pinned log key', () => {
  it('pins the key recorded out of band, refusing one that is not a key', async () => {
    const { page } = tab;
    const auditor = h.cli<{ enrol_url: string }>('auditor', 'add', '--name', 'Pia Pinner');
    await page.goto(auditor.enrol_url);
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    // The server's self-check names the key it uses; the auditor compares it with their own copy.
    await expect.poll(() => page.getByTestId('server-log-key').textContent()).toBe(logKey);
    const p = panel(page);
    await p.getByLabel('Log key (verifier key)').fill('localhost/audit+12345678+notakey');
    await p.getByRole('button', { name: 'Pin this key' }).click();
    await p.getByRole('alert').filter({ hasText: 'This is not a log verifier key' }).waitFor();
    expect(await p.getByLabel('Log key (verifier key)').getAttribute('aria-invalid')).toBe('true');
    await checkPage('auditor-pinned-invalid-key');

    await p.getByLabel('Log key (verifier key)').fill(`${logKey}\n`);
    await p.getByRole('button', { name: 'Pin this key' }).click();
    await expect.poll(() => p.getByTestId('pinned-log-key').textContent()).toBe(logKey);
    expect(await p.getByTestId('remembered-checkpoint').textContent()).toBe('No checkpoint accepted yet: the first check remembers one.');
    expect(await page.getByTestId('server-key-vs-pin').textContent()).toBe('This is the key you pinned.');
  });

  it('verifies the latest checkpoint with the pinned key, then that the log only grew from it', async () => {
    const { page } = tab;
    await expect.poll(latestSize, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = await checkNow(page);
    expect(first.state).toBe('consistent');
    const { name, id } = { name: logKey.slice(0, logKey.indexOf('+')), id: logKey.split('+')[1] };
    expect(first.text).toMatch(
      new RegExp(
        `✓ Signed by your pinned key.*The latest checkpoint \\(tree size \\d+\\) is signed by your pinned key ${name.replace('.', '\\.')} \\(${id}\\)`,
      ),
    );
    const seen = (await remembered(page))!;
    expect(seen.size).toBeGreaterThan(0);
    await expect.poll(() => panel(page).getByTestId('remembered-checkpoint').textContent()).toContain(`Last checkpoint you accepted: tree size ${seen.size}`);

    // The log grows (each auditor query is itself logged) and a newer checkpoint is signed.
    await page.getByRole('button', { name: 'Run the self-check again' }).click();
    await expect.poll(latestSize, { timeout: 10_000 }).toBeGreaterThan(seen.size);
    const grown = await checkNow(page);
    expect(grown.state).toBe('consistent');
    expect(grown.text).toContain(`and the log still contains the checkpoint of size ${seen.size} you accepted before: it has only grown since.`);
    expect((await remembered(page))!.size).toBeGreaterThan(seen.size);
    await checkPage('auditor-pinned-verified');
    expect(await allViolations(page), 'any axe finding on the audit log, moderate ones included').toEqual([]);
  });

  it('reports a rewrite the server re-signed with its real key, which its self-check passes', async () => {
    const { page } = tab;
    const seen = (await remembered(page))!;
    // The first events (account and key creation) are long covered by what the auditor accepted.
    rewriteHistory(2);
    // The running server rebuilds the tree and signs it again (every second); the operator's CLI forces one now.
    const resigned = h.signCheckpoint();
    expect(resigned.size).toBeGreaterThanOrEqual(seen.size);
    expect(resigned.root).not.toBe(seen.root);

    // The server's own check trusts its own key: it finds nothing wrong.
    await page.reload();
    const selfCheck = page.locator('[data-verified]');
    await selfCheck.waitFor();
    expect(await selfCheck.getAttribute('data-verified')).toBe('true');
    expect(await selfCheck.textContent()).toContain('Self-check passed');

    const v = await checkNow(page);
    expect(v.state).toBe('rewritten');
    expect(v.text).toMatch(
      new RegExp(
        `✗ The log was rewritten.*The log was rewritten: the checkpoint of size ${seen.size} you saw is not contained in the current log \\(size \\d+\\)\\.`,
      ),
    );
    // What the auditor saw stays remembered, as evidence; checking again says the same.
    expect(await remembered(page)).toMatchObject({ size: seen.size, root: seen.root });
    await checkPage('auditor-pinned-rewritten');
    expect((await checkNow(page)).state).toBe('rewritten');
  });

  it('reports a checkpoint not signed by the pinned key', async () => {
    const { page } = tab;
    const p = panel(page);
    await p.getByRole('button', { name: 'Forget this key…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forget the pinned log key?' });
    await dialog.getByRole('button', { name: 'Forget it' }).click();
    await p.getByLabel('Log key (verifier key)').waitFor();
    const stranger = await generateNoteKey(logKey.slice(0, logKey.indexOf('+')));
    await p.getByLabel('Log key (verifier key)').fill(stranger.vkey);
    await p.getByRole('button', { name: 'Pin this key' }).click();
    await expect.poll(() => page.getByTestId('server-key-vs-pin').textContent()).toContain('This is not the key you pinned.');
    const v = await checkNow(page);
    expect(v.state).toBe('not-signed');
    expect(v.text).toContain('✗ Not signed by your pinned key');
    expect(v.text).toContain(`not by ${stranger.vkey.slice(0, stranger.vkey.indexOf('+'))} (${stranger.vkey.split('+')[1]}): not signed by your pinned key.`);
    expect(await remembered(page)).toBeNull();
    await checkPage('auditor-pinned-not-signed');
  });
});
