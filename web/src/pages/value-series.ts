// The value chart's numbers: what a brand gave back, per day (or per week over longer spans,
// in the browser's own calendar), in one measure at a time — a unit that adds up (EUR,
// points) or entries (every time value was given, so percent discounts and gifts without an
// amount count too). Percentages never add up: 10% and 15% off are two entries, not 25%.
import type { ValueSummary } from '../types.ts';

export type Entry = { brand: string; at: number; amount: number | null; unit: string | null };
/** `unit` null: entries counted. */
export type Measure = { key: string; unit: string | null; label: string };
export type Bucket = { start: number; by: Map<string, number>; total: number };

const DAY = 24 * 3600_000;
export const ENTRIES: Measure = { key: 'entries', unit: null, label: 'Entries' };

/** A percentage (or any rate) says how much off, not how much was given: it is not summed. */
export const isRate = (unit: string | null | undefined) => !!unit && /^(%|percent|pct)$/i.test(unit.trim());
export const adds = (e: { amount: number | null; unit: string | null }) => e.amount !== null && !!e.unit && !isRate(e.unit);

export function entriesOf(v: ValueSummary): Entry[] {
  return v.brands.flatMap((b) => b.received.map((r) => ({ brand: b.client_id, at: Date.parse(r.given_at ?? r.created_at), amount: r.amount, unit: r.unit })));
}

const currencyNames = new Intl.DisplayNames(undefined, { type: 'currency' });
function unitLabel(unit: string): string {
  if (!/^[A-Z]{3}$/.test(unit)) return unit.charAt(0).toUpperCase() + unit.slice(1);
  const name = currencyNames.of(unit);
  return name && name !== unit ? `${name} (${unit})` : unit;
}

/** The units that add up, the most used first, then entries (always there). */
export function measuresOf(entries: Entry[]): Measure[] {
  const uses = new Map<string, number>();
  for (const e of entries) if (adds(e)) uses.set(e.unit!, (uses.get(e.unit!) ?? 0) + 1);
  const units = [...uses.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([u]) => u);
  return [...units.map((u) => ({ key: `unit:${u}`, unit: u, label: unitLabel(u) })), ENTRIES];
}

/** What one entry contributes to a measure (0: not in it). */
export const valueIn = (e: Entry, m: Measure) => (m.unit === null ? 1 : adds(e) && e.unit === m.unit ? e.amount! : 0);

function startOfDay(t: number): Date {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d;
}

/** Daily buckets (at least a week, up to 30 days), weekly from Monday beyond (up to 26 weeks). */
export function buckets(entries: Entry[], m: Measure, now: number): { unit: 'day' | 'week'; list: Bucket[] } {
  const oldest = Math.min(now, ...entries.map((e) => e.at));
  const days = Math.floor((startOfDay(now).getTime() - startOfDay(oldest).getTime()) / DAY + 0.5) + 1;
  const unit = days <= 30 ? 'day' : 'week';
  const first = startOfDay(now);
  let n: number;
  if (unit === 'day') {
    n = Math.max(7, days);
    first.setDate(first.getDate() - (n - 1));
  } else {
    first.setDate(first.getDate() - ((first.getDay() + 6) % 7)); // this week's Monday
    n = Math.min(26, Math.ceil(days / 7) + 1);
    first.setDate(first.getDate() - 7 * (n - 1));
  }
  const list: Bucket[] = [];
  for (let i = 0, d = new Date(first); i < n; i++) {
    list.push({ start: d.getTime(), by: new Map(), total: 0 });
    d.setDate(d.getDate() + (unit === 'day' ? 1 : 7)); // calendar steps, so a DST change does not shift a bucket
  }
  for (const e of entries) {
    const v = valueIn(e, m);
    if (!v) continue;
    const b = list.findLast((x) => x.start <= e.at);
    if (!b) continue; // older than the chart reaches: still in the totals
    b.by.set(e.brand, (b.by.get(e.brand) ?? 0) + v);
    b.total += v;
  }
  return { unit, list };
}

/** Each brand's total in a measure, over everything recorded. */
export function totalsBy(entries: Entry[], m: Measure): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    const v = valueIn(e, m);
    if (v) out.set(e.brand, (out.get(e.brand) ?? 0) + v);
  }
  return out;
}
