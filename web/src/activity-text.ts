// One event of the consumer's activity as a plain sentence: who did what to which items,
// and for a refusal, why, in the consumer's terms ("refused (you revoked access)"), never
// the log's own words (tokens, reason codes).
import { actionText } from './format.ts';
import type { ActivityEvent } from './types.ts';

export type Context = {
  /** The item names as the consumer knows them ("Shoe size"). */
  label: (name: string) => string;
  /** Who ended a grant ("consumer", "brand", …), when the grant is known to be revoked. */
  revokedBy: (grantId: string) => string | null;
};

/** "shoe size, clothing size and interests". */
export function itemList(names: string[], label: (name: string) => string): string {
  const words = names.map((n) => {
    if (n === 'intents') return 'published intents';
    const l = label(n);
    return /^[A-Z][a-z]/.test(l) ? l[0]!.toLowerCase() + l.slice(1) : l;
  });
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? '');
}

const humane = (s: string) => s.replace(/[_.]+/g, ' ');

/** Why a brand's read was refused, as the consumer would put it. */
function refusal(e: ActivityEvent, brand: string, ctx: Context): string {
  switch (e.reason) {
    case 'revoked': {
      const by = e.grant_id ? ctx.revokedBy(e.grant_id) : null;
      return by === 'consumer' ? 'you revoked access' : by === 'brand' ? `${brand} had given up its access` : 'access had been revoked';
    }
    case 'expired':
      return 'its access had expired';
    case 'exhausted':
      return 'its one-time access was already used';
    case 'brand_disabled':
      return `Trove has suspended ${brand}`;
    case 'token_revoked':
      return 'its session with Trove had been closed';
    case 'not_covered':
      return 'you did not agree to share that';
    default:
      return e.reason ? humane(e.reason) : 'not allowed';
  }
}

function revoked(e: ActivityEvent, brand: string): string {
  switch (e.reason) {
    case 'consumer_revoked':
      return `You revoked ${brand}’s access`;
    case 'relinquished':
      return `${brand} gave up its access to your data`;
    case 'consumer_erased':
      return `${brand}’s access ended when you deleted your account`;
    default:
      return `${brand}’s access was revoked`;
  }
}

/** Names older logs use, as the server's audit-actions.ts now calls them. */
const LEGACY: Record<string, string> = {
  'session.sign_in': 'session.signed_in',
  'session.step_up': 'session.stepped_up',
  'webhook.failed': 'webhook.delivered',
};

export function eventSentence(e: ActivityEvent, ctx: Context): string {
  const brand = e.brand?.name ?? 'A brand';
  const items = e.attributes?.length ? itemList(e.attributes, ctx.label) : '';
  const your = items ? `your ${items}` : 'your data';
  const refused = e.outcome !== 'success';
  switch (LEGACY[e.action] ?? e.action) {
    case 'grant.read':
      return refused ? `${brand} tried to read ${your} — refused (${refusal(e, brand, ctx)})` : `${brand} read ${your}`;
    case 'intent.read':
      return refused ? `${brand} tried to read your published intents — refused (${refusal(e, brand, ctx)})` : `${brand} read your published intents`;
    case 'grant.requested':
      return `${brand} asked for ${your}`;
    case 'grant.approved':
      return `You agreed to share ${your} with ${brand}`;
    case 'grant.denied':
      return `You declined ${brand}’s request for ${your}`;
    case 'grant.revoked':
      return revoked(e, brand);
    case 'grant.expired':
      return `${brand}’s access to your data ended on its end date`;
    case 'token.issued':
      return `${brand} started using the access you approved`;
    case 'token.refreshed':
      return `${brand} renewed its session with Trove`;
    case 'token.revoked':
      return `${brand} closed its session with Trove`;
    case 'token.refresh_reused':
    case 'token.code_replayed':
      return `${brand} tried to reuse an old session — refused, and Trove closed its sessions to be safe`;
    case 'value.recorded':
      return `${brand} recorded value it gave you`;
    case 'profile.attributes_changed':
      return items ? `You saved your ${items}` : 'You changed your profile';
    case 'profile.attribute_deleted':
      return items ? `You removed your ${items}` : 'You removed a profile value';
    case 'session.signed_in':
      return refused ? 'A sign-in to your account failed' : 'You signed in';
    case 'session.stepped_up':
      return refused ? 'A passkey check failed' : 'You confirmed it was you with your passkey';
    case 'session.revoked':
      return 'You signed out a device';
    case 'session.revoked_others':
      return 'You signed out everywhere else';
    case 'backup_prompt.dismissed':
      return 'You chose not to add a second way in for now';
    case 'consumer.created':
      return 'You created your Trove account';
    case 'consumer.exported':
      return 'You downloaded a copy of your data';
    default: {
      const text = actionText(e.action);
      return text === e.action ? humane(text[0]!.toUpperCase() + text.slice(1)) : text;
    }
  }
}
