// A consumer checks, in Chromium, that a read of their data is in Trove's signed access log:
// Activity's "Check this entry" fetches the entry's proof and verifies it in the browser (the
// leaf from the event's canonical form, the path to the checkpoint's root, the checkpoint's
// signature with the log key pinned on first use). A changed key is a warning, not accepted
// silently; a proof the server tampered with is refused. axe-core and CSP on every state.
// The key pinned on first use is the one Trove publishes (GET /v1/audit/log-key), which must
// be the one `trove audit log-key` prints.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNoteKey } from '../../src/features/audit/tlog/note-keys.ts';
import { openTab, SCREENSHOTS_AFTER, screenshots, seriousViolations, type Tab } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let demo: Awaited<ReturnType<Harness['startDemo']>>;
let me: Tab;
let logKey: string;

const CONSUMER_PIN = 'trove.log-key'; // web/src/log-pins.ts
const keyRef = (vkey: string) => ({ name: vkey.slice(0, vkey.indexOf('+')), id: vkey.split('+')[1]! });

beforeAll(async () => {
  h = await startHarness();
  demo = await h.startDemo();
  me = await openTab(h.browser);
  [logKey] = h.cli<{ log_keys: [string] }>('audit', 'log-key').log_keys;
  expect(await (await fetch(`${h.live.base}/v1/audit/log-key`)).text()).toBe(`${logKey}\n`);
});

afterAll(async () => {
  await h?.stop();
});

async function checkPage(tab: Tab, shot?: string) {
  expect(await seriousViolations(tab.page), `axe on ${tab.page.url()}`).toEqual([]);
  expect(tab.problems, `console errors or CSP violations on ${tab.page.url()}`).toEqual([]);
  if (shot) await screenshots(tab.page, shot, ['desktop', 'phone'], { dir: SCREENSHOTS_AFTER });
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

/** The successful read's row in Activity, after a fresh load. */
async function readRow(page: Page): Promise<Locator> {
  await page.goto(`${h.origin}/activity`);
  await heading(page, 'Activity');
  const row = page.locator('li[data-action="grant.read"]', { hasText: 'Stride & Co read your' }).first();
  await row.waitFor();
  return row;
}

/** Clicks "Check this entry" and waits for the answer; returns its state and words. */
async function check(row: Locator): Promise<{ state: string; text: string }> {
  await row.getByRole('button', { name: 'Check this entry in the signed access log' }).click();
  const box = row.locator('.entry-proof');
  await expect.poll(() => box.getAttribute('data-proof'), { timeout: 15_000 }).not.toMatch(/^(idle|busy)$/);
  return { state: (await box.getAttribute('data-proof'))!, text: (await row.getByRole('status').textContent())!.replace(/\s+/g, ' ').trim() };
}

const setPin = (page: Page, vkey: string | null) =>
  page.evaluate(
    ([k, v]) => (v === null ? localStorage.removeItem(k!) : localStorage.setItem(k!, JSON.stringify({ vkey: v, since: '2026-01-02T03:04:05Z' }))),
    [CONSUMER_PIN, vkey],
  );
const pinned = (page: Page) => page.evaluate((k) => (JSON.parse(localStorage.getItem(k) ?? 'null') as { vkey: string } | null)?.vkey ?? null, CONSUMER_PIN);

/** The seq of the consumer's successful read in the server's log. */
function readSeq(): number {
  const db = new Database(join(h.live.dir, 'trove.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT seq FROM audit_events WHERE action = 'grant.read' AND outcome = 'success' ORDER BY seq DESC LIMIT 1`).get() as { seq: number })
      .seq;
  } finally {
    db.close();
  }
}

describe('checking an Activity entry against the signed access log', () => {
  it('shows a read of the consumer’s data as verified: entry N, the tree size, the key that signed', async () => {
    const { page } = me;
    await page.goto(`${h.origin}/`);
    await page.getByRole('button', { name: 'Create a Trove account' }).click();
    await heading(page, 'Keep a way back in');
    await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await heading(page, 'Overview');
    // The profile through the API (the profile screens have their own tests).
    const { csrf_token } = (await (await page.request.get(`${h.origin}/api/me`)).json()) as { csrf_token: string };
    for (const [name, value] of [
      ['shoe_size', { system: 'EU', size: 38 }],
      ['clothing_size', 'M'],
    ] as const) {
      const res = await page.request.put(`${h.origin}/api/me/attributes/${name}`, { data: { value }, headers: { 'x-csrf-token': csrf_token } });
      expect(res.status(), await res.text()).toBeLessThan(300);
    }
    // The demo shop asks, the consumer approves, the shop reads.
    await page.goto(demo.url);
    await page.getByRole('button', { name: 'Share your sizes for 10% off' }).click();
    await heading(page, 'Stride & Co asks for your data');
    await page.getByRole('button', { name: /^Approve and share/ }).click();
    await page.waitForURL(`${demo.url}/`);
    await expect.poll(() => page.getByTestId('value-clothing_size').textContent()).toBe('M');
    me.problems.splice(0); // the demo site's own missing favicon is not the portal's business

    const checkpoint = h.signCheckpoint(); // the server signs one within seconds anyway
    const seq = readSeq();
    expect(checkpoint.size).toBeGreaterThanOrEqual(seq);
    const { name, id } = keyRef(logKey);
    const verified = new RegExp(
      `^Verified: this read is entry ${seq} of the access log \\(tree size (\\d+)\\), in a checkpoint signed by ${name.replace(/[.]/g, '\\.')} \\(${id}\\)\\.`,
    );
    // Trust on first use: the key Trove publishes is checked against the whole proof, then remembered.
    const first = await check(await readRow(page));
    expect(first.state).toBe('verified');
    expect(first.text).toMatch(verified);
    expect(first.text).toContain('This browser now remembers that key');
    expect(await pinned(page)).toBe(logKey);
    const again = await check(await readRow(page));
    expect(again.state).toBe('verified');
    expect(again.text).toMatch(verified);
    expect(again.text).not.toContain('now remembers');
    expect(Number(verified.exec(again.text)![1])).toBeGreaterThanOrEqual(seq);
    await checkPage(me, 'activity-proof-verified');
    await screenshots(page, 'activity-proof-verified', ['phone-360'], { dir: SCREENSHOTS_AFTER });
  });

  it('warns when the log is signed by another key than the one remembered, and trusts a new one only when asked', async () => {
    const { page } = me;
    const stranger = await generateNoteKey(keyRef(logKey).name);
    await setPin(page, stranger.vkey);
    const changed = await check(await readRow(page));
    expect(changed.state).toBe('key-changed');
    const { name, id } = keyRef(logKey);
    expect(changed.text).toContain(
      `Warning: the access log is now signed by ${name} (${id}), not by the key this browser remembered (${name} (${keyRef(stranger.vkey).id})`,
    );
    expect(await pinned(page)).toBe(stranger.vkey); // nothing accepted silently
    await checkPage(me, 'activity-proof-key-changed');
    // The key Trove now publishes signs the checkpoint: the person may choose to trust it.
    const row = page.locator('li[data-action="grant.read"]', { hasText: 'Stride & Co read your' }).first();
    await row.getByRole('button', { name: `Trust the new key ${name} (${id})` }).click();
    await expect.poll(() => row.locator('.entry-proof').getAttribute('data-proof')).toBe('verified');
    expect(await pinned(page)).toBe(logKey);
  });

  it('pins nothing when the key Trove publishes did not sign the checkpoint', async () => {
    const { page } = me;
    await setPin(page, null);
    const stranger = await generateNoteKey(keyRef(logKey).name);
    await page.route('**/v1/audit/log-key', (route) => route.fulfill({ contentType: 'text/plain; charset=utf-8', body: `${stranger.vkey}\n` }));
    const v = await check(await readRow(page));
    expect(v).toEqual({ state: 'failed', text: 'This entry’s proof does not check out: the checkpoint is not signed by the log key Trove publishes.' });
    expect(await pinned(page)).toBeNull();
    await page.unroute('**/v1/audit/log-key');
    await setPin(page, logKey);
  });

  it('says when the entry is not yet in a signed checkpoint', async () => {
    const { page } = me;
    await page.route('**/api/me/activity/*/proof', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        json: {
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: 'Entry 99 is not yet covered by a signed checkpoint (the latest has size 98); try again in a few seconds.',
        },
      }),
    );
    const v = await check(await readRow(page));
    expect(v).toEqual({ state: 'pending', text: 'This entry is not in a signed checkpoint yet: Trove signs one every few seconds. Try again in a moment.' });
    await page.unroute('**/api/me/activity/*/proof');
    expect(me.problems).toEqual([]); // the 404 itself is expected (browser.ts lets it pass)
  });

  it('refuses a proof the server altered: the event’s recorded form, or its path', async () => {
    const { page } = me;
    await setPin(page, logKey);
    // The server (here, a route in front of it) changes what the read says it was for.
    await page.route('**/api/me/activity/*/proof', async (route) => {
      const res = await route.fetch();
      const proof = (await res.json()) as { canonical: string };
      const fields = JSON.parse(proof.canonical) as unknown[];
      fields[12] = 'https://w3id.org/dpv#Marketing';
      await route.fulfill({ response: res, json: { ...proof, canonical: JSON.stringify(fields) } });
    });
    const tampered = await check(await readRow(page));
    expect(tampered.state).toBe('failed');
    expect(tampered.text).toBe('This entry’s proof does not check out: the event’s recorded form does not hash to the leaf the proof is for.');
    await checkPage(me, 'activity-proof-failed');
    await page.unroute('**/api/me/activity/*/proof');

    await page.route('**/api/me/activity/*/proof', async (route) => {
      const res = await route.fetch();
      const proof = (await res.json()) as { proof: string[] };
      const first = Buffer.from(proof.proof[0]!, 'base64');
      first[5]! ^= 0x40;
      await route.fulfill({ response: res, json: { ...proof, proof: [first.toString('base64'), ...proof.proof.slice(1)] } });
    });
    const path = await check(await readRow(page));
    expect(path.text).toBe('This entry’s proof does not check out: the path from this entry does not lead to the checkpoint’s root hash.');
    await page.unroute('**/api/me/activity/*/proof');
    expect(me.problems).toEqual([]);
  });
});
