// What this browser remembers about Trove's audit log, in localStorage (per origin, so per
// Trove deployment): the consumer's log key, pinned on first use; and the auditor's log key,
// pasted from a copy recorded out of band, with the last checkpoint the auditor accepted.
// Whatever is read back is checked again; anything unreadable counts as nothing remembered.
import { useEffect, useState } from 'preact/hooks';
import { readLogKey, type KeyRef, type RememberedCheckpoint } from './log-proof.ts';

/** The consumer's pin: the log key the first successful check used (trust on first use). */
export type KeyPin = { vkey: string; key: KeyRef; since: string };
/** The auditor's pin and the checkpoint accepted last (with when). */
export type AuditorPin = KeyPin & { checkpoint: (RememberedCheckpoint & { accepted: string }) | null };

const CONSUMER_KEY = 'trove.log-key';
const AUDITOR_KEY = 'trove.auditor.pinned-log';

function load(name: string): unknown {
  try {
    const text = localStorage.getItem(name);
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

function save(name: string, value: unknown) {
  try {
    if (value === null) localStorage.removeItem(name);
    else localStorage.setItem(name, JSON.stringify(value));
  } catch {
    // storage off (private browsing): remembered for this page only
  }
}

/** A stored pin, checked again: the key must still parse; a damaged checkpoint is dropped. */
export function readPin(value: unknown): AuditorPin | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v.vkey !== 'string') return null;
  const k = readLogKey(v.vkey);
  if (!k.ok) return null;
  const c = v.checkpoint as Record<string, unknown> | null | undefined;
  const checkpoint =
    c && Number.isSafeInteger(c.size) && (c.size as number) > 0 && typeof c.root === 'string' && typeof c.note === 'string'
      ? { size: c.size as number, root: c.root, note: c.note, accepted: typeof c.accepted === 'string' ? c.accepted : '' }
      : null;
  return { vkey: k.vkey, key: k.key, since: typeof v.since === 'string' ? v.since : '', checkpoint };
}

export function consumerPin(): KeyPin | null {
  const pin = readPin(load(CONSUMER_KEY));
  return pin && { vkey: pin.vkey, key: pin.key, since: pin.since };
}

export function pinConsumerKey(vkey: string): KeyPin | null {
  const k = readLogKey(vkey);
  if (!k.ok) return null;
  const pin = { vkey: k.vkey, key: k.key, since: new Date().toISOString() };
  save(CONSUMER_KEY, { vkey: pin.vkey, since: pin.since });
  return pin;
}

// The auditor's pin is shared by the panels that show it: they re-render when it changes.
const listeners = new Set<(pin: AuditorPin | null) => void>();
let auditorCache: AuditorPin | null | undefined;

export function auditorPin(): AuditorPin | null {
  if (auditorCache === undefined) auditorCache = readPin(load(AUDITOR_KEY));
  return auditorCache;
}

export function setAuditorPin(pin: AuditorPin | null) {
  auditorCache = pin;
  save(AUDITOR_KEY, pin && { vkey: pin.vkey, since: pin.since, checkpoint: pin.checkpoint });
  for (const l of listeners) l(pin);
}

export function useAuditorPin(): AuditorPin | null {
  const [pin, setPin] = useState(auditorPin);
  useEffect(() => {
    listeners.add(setPin);
    return () => void listeners.delete(setPin);
  }, []);
  return pin;
}
