// Proofs as their readers get them over HTTP, checked with an independent transcription of
// RFC 9162 §2.1.3.2 / §2.1.4.2 and the pinned log key: auditors (inclusion, consistency),
// consumers (their own events, with the canonical form to hash themselves) and brands
// (events about their grants, leaf hash only). The public checkpoint is the signed note.
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalEvent } from '../../src/db/audit-chain.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { fromBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { openCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { leafHash } from '../../src/features/audit/tlog/merkle.ts';
import { noteVerifier } from '../../src/features/audit/tlog/note-keys.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { allEvents, asAuditor, auditWorld, type World } from '../helpers/audit-world.ts';
import { rfcVerifyConsistency, rfcVerifyInclusion } from '../helpers/rfc9162-verify.ts';

let w: World;
let logKey: string;
const b64 = (s: string) => fromBase64(s)!;

async function openWithPinnedKey(note: string) {
  return (await openCheckpoint(note, [noteVerifier(logKey)], logKey.split('+')[0]!)).checkpoint;
}

beforeAll(async () => {
  w = await auditWorld();
  await advanceLog(w.deps);
  [logKey] = (await storedLogKeys(w.deps.store.db)) as [string];
});

describe('the public checkpoint', () => {
  it('is the latest signed note as text/plain, to anyone, revealing only size and root', async () => {
    const res = await w.app.request('/v1/audit/checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const note = await res.text();
    const cp = await openWithPinnedKey(note);
    expect(cp.size).toBe((await allEvents(w.deps)).length);
    expect(note.split('\n\n')[0]!.split('\n')).toHaveLength(3); // origin, size, root: nothing else
  });
});

describe('auditor proofs', () => {
  it('proves every entry included in the signed tree, verified independently', async () => {
    const get = asAuditor(w.app, w.auditors.all.token);
    const size = Number((await openWithPinnedKey(await (await w.app.request('/v1/audit/checkpoint')).text())).size);
    for (const seq of [1, 2, Math.floor(size / 2), size]) {
      const res = await get(`/v1/audit/proof/inclusion?seq=${seq}`);
      expect(res.status).toBe(200);
      const p = (await res.json()) as { leaf_index: number; tree_size: number; leaf_hash: string; canonical: string; proof: string[]; checkpoint: string };
      const cp = await openWithPinnedKey(p.checkpoint);
      const leaf = leafHash(new TextEncoder().encode(p.canonical));
      expect(Buffer.from(leaf).toString('base64')).toBe(p.leaf_hash);
      expect(rfcVerifyInclusion(p.leaf_index, p.tree_size, leaf, p.proof.map(b64), cp.rootHash)).toBe(true);
      // A proof for another entry's position does not verify.
      if (p.leaf_index > 0) expect(rfcVerifyInclusion(p.leaf_index - 1, p.tree_size, leaf, p.proof.map(b64), cp.rootHash)).toBe(false);
    }
  });

  it('proves an older checkpoint consistent with the latest', async () => {
    const get = asAuditor(w.app, w.auditors.all.token);
    const old = (await (await get('/v1/audit/checkpoints')).json()) as { checkpoints: { size: number; note: string }[] };
    await w.a.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'new@example.com' } });
    await advanceLog(w.deps);
    const first = old.checkpoints[0]!;
    const res = await get(`/v1/audit/proof/consistency?from=${first.size}`);
    const p = (await res.json()) as { from: number; to: number; proof: string[]; checkpoint: string };
    const older = await openWithPinnedKey(first.note);
    const newer = await openWithPinnedKey(p.checkpoint);
    expect(p.to).toBeGreaterThan(first.size);
    expect(rfcVerifyConsistency(first.size, p.to, older.rootHash, newer.rootHash, p.proof.map(b64))).toBe(true);
  });

  it('refuses a tree size no checkpoint signed, and a scoped auditor another brand’s event', async () => {
    const get = asAuditor(w.app, w.auditors.all.token);
    expect((await get('/v1/audit/proof/inclusion?seq=1&tree_size=3')).status).toBe(400);
    expect((await get('/v1/audit/proof/inclusion?seq=0')).status).toBe(400);
    const events = await allEvents(w.deps);
    const other = events.find((e) => e.brand_id === w.y.clientId)!;
    const scoped = asAuditor(w.app, w.auditors.scoped.token);
    expect((await scoped(`/v1/audit/proof/inclusion?seq=${other.seq}`)).status).toBe(404);
    const own = events.find((e) => e.brand_id === w.x.clientId)!;
    expect((await scoped(`/v1/audit/proof/inclusion?seq=${own.seq}`)).status).toBe(200);
  });
});

describe('consumer and brand proofs', () => {
  it('gives a consumer a proof for a read of their data, and nobody else’s', async () => {
    const events = await allEvents(w.deps);
    const read = events.find((e) => e.action === 'grant.read' && e.consumer_id === w.a.consumerId)!;
    const res = await w.a.call(`/api/me/activity/${read.id}/proof`);
    expect(res.status).toBe(200);
    const p = (await res.json()) as { seq: number; leaf_index: number; tree_size: number; canonical: string; proof: string[]; checkpoint: string };
    expect(p.canonical).toBe(canonicalEvent(read));
    const cp = await openWithPinnedKey(p.checkpoint);
    expect(rfcVerifyInclusion(p.leaf_index, p.tree_size, leafHash(new TextEncoder().encode(p.canonical)), p.proof.map(b64), cp.rootHash)).toBe(true);
    expect((await w.b.call(`/api/me/activity/${read.id}/proof`)).status).toBe(404);
  });

  it('gives a brand the events of its own grants and their proofs, without consumer ids', async () => {
    const token = w.grants.ax.access_token;
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    const list = (await (await w.app.request(`/v1/grants/${w.grants.ax.grant_id}/events`, bearer)).json()) as { events: Record<string, unknown>[] };
    expect(list.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(list)).not.toContain(w.a.consumerId);
    const readEvent = list.events.find((e) => e.action === 'grant.read')!;
    const res = await w.app.request(`/v1/audit-events/${readEvent.id}/proof`, bearer);
    expect(res.status).toBe(200);
    const p = (await res.json()) as { leaf_index: number; tree_size: number; leaf_hash: string; canonical: null; proof: string[]; checkpoint: string };
    expect(p.canonical).toBeNull();
    const cp = await openWithPinnedKey(p.checkpoint);
    expect(rfcVerifyInclusion(p.leaf_index, p.tree_size, b64(p.leaf_hash), p.proof.map(b64), cp.rootHash)).toBe(true);
    // Another brand's event is not this brand's to prove.
    const events = await allEvents(w.deps);
    const foreign = events.find((e) => e.brand_id === w.y.clientId && e.action === 'grant.read')!;
    expect((await w.app.request(`/v1/audit-events/${foreign.id}/proof`, bearer)).status).toBe(404);
  });
});
