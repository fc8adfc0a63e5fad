// Plain words for what the API answers: dates, values offered, access modes, audit
// actions and attribute values. One place, so every page says things the same way.
import type { Value } from './types.ts';

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

const secondsFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** A time as the API gives it: an ISO-8601 string (grants, receipts, value) or epoch ms. */
export type Time = number | string;

export const date = (t: Time) => dateFmt.format(new Date(t));
export const dateTime = (t: Time) => timeFmt.format(new Date(t));
/** To the second, with the time zone: for the audit log, where order and zone matter. */
export const dateTimeSeconds = (t: Time) => secondsFmt.format(new Date(t));
export const isoDate = (t: Time) => new Date(t).toISOString();

export function amount(n: number, unit: string | null | undefined): string {
  if (!unit) return String(n);
  if (unit === 'percent') return `${n}%`;
  if (/^[A-Z]{3}$/.test(unit)) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: unit }).format(n);
    } catch {
      // an unknown currency code: fall back to the plain form
    }
  }
  return `${n} ${unit}`;
}

const KINDS: Record<string, string> = {
  discount: 'Discount',
  points: 'Points',
  money: 'Money',
  early_access: 'Early access',
  gift: 'Gift',
  other: 'Other',
};

const squash = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s,]/g, '')
    .replace(/\.00(?!\d)/g, '');

/** "(10%)" after a description, unless the description already says it ("10% off…"). */
export function amountAfter(description: string, n: number | null | undefined, unit: string | null | undefined): string {
  if (n === undefined || n === null) return '';
  const said = squash(description);
  const plain = /^[A-Z]{3}$/.test(unit ?? '') ? [`${n}${unit!.toLowerCase()}`, `${unit!.toLowerCase()}${n}`] : [];
  // A whole amount only: "1%" is not said by "11% off", nor "€5" by "€5.50".
  const says = (a: string) => new RegExp(`(?<![\\d.])${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d|\\.\\d)`).test(said);
  if ([squash(amount(n, unit)), ...plain].some(says)) return '';
  return ` (${amount(n, unit)})`;
}

export function valueText(v: Value | null | undefined): string {
  if (!v) return 'Nothing is offered in return.';
  return `${v.description}${amountAfter(v.description, v.amount, v.unit)}`;
}
export const kindText = (kind: string) => KINDS[kind] ?? kind;

export function accessText(access: string): string {
  return access === 'once'
    ? 'Once: the brand may read your data one time.'
    : 'Ongoing: the brand may read your data again whenever it needs to, until the end date or until you revoke.';
}

/** ISO 8601 durations as brands state them ("P30D"), in words. */
export function durationText(iso: string | null): string {
  if (!iso) return 'not stated';
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) return iso;
  const names = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];
  const parts = m
    .slice(1)
    .map((v, i) => (v && v !== '0' ? `${v} ${names[i]}${v === '1' ? '' : 's'}` : ''))
    .filter(Boolean);
  return parts.length ? parts.join(' ') : 'none: deleted at once after use';
}

const ACTIONS: Record<string, string> = {
  'grant.read': 'Read your data',
  'grant.requested': 'Asked for your data',
  'grant.approved': 'You approved a request',
  'grant.denied': 'You declined a request',
  'grant.revoked': 'Access revoked',
  'grant.expired': 'Access expired',
  'grant.released': 'The brand gave up access',
  'grant.exhausted': 'One-time access used',
  'intent.read': 'Read your intents',
  'intent.published': 'You published an intent',
  'intent.withdrawn': 'You withdrew an intent',
  'token.issued': 'Started using the access you approved',
  'token.refreshed': 'Renewed its session with Trove',
  'token.revoked': 'Closed its session with Trove',
  'value.recorded': 'Recorded value given to you',
  'session.signed_in': 'You signed in',
  'session.signed_out': 'You signed out',
  'consumer.created': 'Account created',
  'consumer.exported': 'You exported your data',
  'passkey.added': 'Passkey added',
  'passkey.removed': 'Passkey removed',
  'passkey.renamed': 'Passkey renamed',
  'recovery_codes.generated': 'New recovery codes',
  'profile.attributes_changed': 'Profile changed',
  'profile.attribute_deleted': 'Profile value deleted',
  'profile.persona_created': 'Persona created',
  'profile.persona_deleted': 'Persona deleted',
};
export const actionText = (action: string) => ACTIONS[action] ?? action;

export const outcomeText = (o: string) => (o === 'success' ? 'Allowed' : o === 'denied' ? 'Refused' : o === 'failure' ? 'Failed' : o);

export function statusText(status: string): string {
  return (
    (
      {
        active: 'Active',
        revoked: 'Revoked',
        expired: 'Expired',
        exhausted: 'Used (one-time access)',
        released: 'Given up by the brand',
        brand_disabled: 'Brand disabled',
      } as Record<string, string>
    )[status] ?? status
  );
}

/** An attribute value as a short line of text. */
export function shown(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(shown).join(', ');
  const o = value as Record<string, unknown>;
  if ('size' in o && 'system' in o) return `${shown(o.size)} (${shown(o.system)})`;
  if ('waist' in o && 'system' in o) return `waist ${shown(o.waist)}${o.length ? `, length ${shown(o.length)}` : ''} (${shown(o.system)})`;
  if ('street' in o) return [o.street, o.postal_code, o.locality, o.region, o.country].filter(Boolean).map(shown).join(', ');
  if ('adults' in o) return `${shown(o.adults)} adults, ${shown(o.children)} children`;
  return JSON.stringify(value);
}
