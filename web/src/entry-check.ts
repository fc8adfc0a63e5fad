// "Check this entry" on the Activity page, loaded on first use (the hashing and signature
// code stays out of the first page): fetches the entry's proof and checks it here, with the
// log key this browser pinned. Trust on first use: with no key pinned yet, the first key Trove
// publishes that verifies a whole proof is pinned; a later checkpoint not signed by it is a
// warning, and a new key is trusted only when the person says so.
import { api, ApiError } from './api.ts';
import { consumerPin, pinConsumerKey, type KeyPin } from './log-pins.ts';
import { readLogKey, verifyEntryProof, type EntryProof, type KeyRef, type ShownEvent } from './log-proof.ts';

export type EntryOutcome =
  | { kind: 'verified'; entry: number; size: number; key: KeyRef; firstUse: boolean }
  /** The path checks out, but there is no key to check the checkpoint's signature with. */
  | { kind: 'unsigned'; entry: number; size: number; signers: KeyRef[] }
  /** The checkpoint is not signed by the pinned key; `offered` is a key Trove publishes that does sign it. */
  | { kind: 'key-changed'; pinned: KeyPin; signers: KeyRef[]; offered: { vkey: string; key: KeyRef } | null }
  | { kind: 'pending'; message: string }
  | { kind: 'failed'; problem: string };

/** The log keys Trove publishes (GET /v1/audit/log-key, one verifier key a line); none when it does not. */
async function publishedKeys(): Promise<string[]> {
  try {
    const res = await fetch('/v1/audit/log-key', { credentials: 'same-origin', headers: { accept: 'text/plain' } });
    if (!res.ok) return [];
    return (await res.text())
      .split('\n')
      .map(readLogKey)
      .flatMap((k) => (k.ok ? [k.vkey] : []));
  } catch {
    return [];
  }
}

/** The newest published key (last listed) that verifies the whole proof. */
async function publishedSigner(proof: EntryProof, shown: ShownEvent, keys: string[]) {
  for (const vkey of [...keys].reverse()) {
    const v = await verifyEntryProof(proof, shown, vkey);
    if (v.status === 'verified') return { vkey, key: v.key };
  }
  return null;
}

async function fetchProof(id: string): Promise<EntryProof | { kind: 'pending'; message: string }> {
  try {
    return await api<EntryProof>(`/api/me/activity/${encodeURIComponent(id)}/proof`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      const message = /not yet covered/.test(err.message)
        ? 'This entry is not in a signed checkpoint yet: Trove signs one every few seconds. Try again in a moment.'
        : err.message;
      return { kind: 'pending', message };
    }
    throw err;
  }
}

export async function checkEntry(shown: ShownEvent): Promise<EntryOutcome> {
  const proof = await fetchProof(shown.id);
  if ('kind' in proof) return proof;
  const pin = consumerPin();
  if (pin) {
    const v = await verifyEntryProof(proof, shown, pin.vkey);
    if (v.status === 'verified') return { kind: 'verified', entry: v.entry, size: v.size, key: v.key, firstUse: false };
    if (v.status === 'other-key')
      return { kind: 'key-changed', pinned: pin, signers: v.signers, offered: await publishedSigner(proof, shown, await publishedKeys()) };
    if (v.status === 'failed') return { kind: 'failed', problem: v.problem };
  }
  // Nothing pinned yet: the path first, then a published key for the signature.
  const path = await verifyEntryProof(proof, shown, null);
  if (path.status === 'failed') return { kind: 'failed', problem: path.problem };
  if (path.status !== 'unsigned') return { kind: 'failed', problem: 'unexpected verdict' };
  const keys = await publishedKeys();
  if (keys.length === 0) return { kind: 'unsigned', entry: path.entry, size: path.size, signers: path.signers };
  const signer = await publishedSigner(proof, shown, keys);
  if (!signer) return { kind: 'failed', problem: 'the checkpoint is not signed by the log key Trove publishes' };
  pinConsumerKey(signer.vkey);
  return { kind: 'verified', entry: path.entry, size: path.size, key: signer.key, firstUse: true };
}

/** The person chose to trust a new key (after the warning): pin it and check again. */
export async function trustKeyAndCheck(vkey: string, shown: ShownEvent): Promise<EntryOutcome> {
  pinConsumerKey(vkey);
  return checkEntry(shown);
}
