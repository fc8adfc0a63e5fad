// The shapes the consumer and auditor APIs answer with, as far as the portal reads them.
/** backup_prompt: the account has a single way in; prompt to add one (until dismissed). */
export type Me = { consumer: { id: string; created_at: number }; csrf_token: string; backup_prompt?: boolean };
export type AuditorMe = { id: string; name: string; brands: string[] | null; csrf_token: string };

export type CatalogEntry = { name: string; label: string; type: string; example: unknown; description: string; options?: string[] };
export type Catalog = { attributes: CatalogEntry[]; custom: { prefix: string; text_max: number; json_max_bytes: number } };
export type ProfileAttribute = { name: string; label: string; persona: string | null; value: unknown; updated_at: number; custom: boolean };
export type Persona = { name: string; label: string; created_at: number };

export type Value = { kind: string; description: string; amount?: number | null; unit?: string | null };
export type BrandRef = {
  client_id: string;
  name: string;
  logo_uri?: string | null;
  policy_uri?: string | null;
  homepage?: string | null;
  contact?: string | null;
};

export type ConsentRequest = {
  id: string;
  status: string;
  expires_at: number;
  brand: BrandRef;
  attributes: { name: string; label: string; required: boolean; in_profile: boolean }[];
  persona: string | null;
  purpose: { iri: string; label: string; description: string };
  value: Value | null;
  access: 'once' | 'ongoing';
  duration: { iso: string; text: string; until: number };
  retention: { iso: string; text: string } | null;
  /** The agreement the request is made under (one its brand accepts), or null when it names none. */
  agreement?: Term | null;
  /** The terms the consumer proffers for the request's persona (else by default), or null. */
  my_terms?: Term | null;
  /** null: the consumer proffers no terms, so there is nothing to match. */
  terms_match?: boolean | null;
};

/** A standard agreement from the roster (GET /v1/terms). */
export type Term = { id: string; title: string; summary: string; source: string };
/** GET /api/me/terms: the roster, the default proffered agreement and per-persona ones (persona name → term id). */
export type MyTerms = { roster: Term[]; default: string | null; personas: Record<string, string> };

export type Grant = {
  id: string;
  brand: BrandRef;
  status: string;
  attributes: { name: string; label: string }[];
  persona: string | null;
  purpose: { iri: string; label: string; description: string };
  value_promised: Value | null;
  access: 'once' | 'ongoing';
  retention: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  read_count: number;
  last_read_at: string | null;
  receipts?: { id: string; event: string; created_at: string }[];
};

export type ValueReceived = {
  id: string;
  grant_id: string;
  kind: string;
  description: string;
  amount: number | null;
  unit: string | null;
  reference: string | null;
  created_at: string;
  /** When it was given (the brand may record it later): what the value chart dates it by. */
  given_at: string;
};
export type ValueSummary = {
  brands: {
    client_id: string;
    name: string;
    promised: (Value & { grant_id: string; grant_status: string })[];
    received: ValueReceived[];
    totals: Record<string, number>;
  }[];
  totals: Record<string, number>;
};

export type ActivityEvent = {
  seq: number;
  id: string;
  ts: number;
  time: string;
  action: string;
  outcome: string;
  actor_type: string;
  brand: { client_id: string; name: string } | null;
  grant_id: string | null;
  attributes: string[] | null;
  purpose: string | null;
  reason: string | null;
};
export type Page<K extends string, T> = { [key in K]: T[] } & { next_cursor: string | null };

export type Intent = {
  id: string;
  text: string;
  category?: string;
  size?: string;
  colour?: string;
  budget?: { amount: number; currency: string };
  persona: string | null;
  until: number | null;
  status: string;
  created_at: number;
  withdrawn_at: number | null;
  read_by: { brand_id: string | null; at: number }[];
};

export type SessionInfo = {
  id: string;
  device: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  current: boolean;
  signed_in_with: { type: 'passkey'; passkey: { id: string; name: string | null } | null } | { type: 'recovery_code' };
};

export type Passkey = {
  id: string;
  name: string | null;
  device_type: string;
  backed_up: boolean;
  transports: string[];
  created_at: number;
  last_used_at: number | null;
};

export type AuditEvent = {
  seq: number;
  id: string;
  ts: number;
  time: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  consumer_id: string | null;
  brand_id: string | null;
  grant_id: string | null;
  attributes: string[] | null;
  purpose: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
};
/** GET /v1/audit/verify: the server's self-check, with the log key it trusts (its own). */
export type Verify = {
  ok: boolean;
  trust: 'self-check' | 'pinned';
  checked: number;
  first_bad_seq: number | null;
  problem: string | null;
  head: { seq: number; hash: string } | null;
  /** The C2SP verifier key the server signs checkpoints with. */
  log_key: string | null;
  latest_checkpoint: { size: number; time: string; note: string } | null;
  /** Events after the latest checkpoint (not yet anchored by a signature). */
  unsigned: number;
};

/** GET /api/me/market: which of my intents are on the market (pseudonym, terms) and their offer counts. */
export type MarketIntent = { id: string; market: { id: string; terms: string | null }; offers: { open: number; total: number } };

/** An offer on one of my market intents (GET /api/me/intents/{id}/offers, and the live stream's "offer" events). */
export type MarketOffer = {
  id: string;
  brand: BrandRef;
  offer: { kind: string; description: string; amount?: number; unit?: string; currency?: string };
  asks_for: { attributes: string[]; optional_attributes: string[]; access: 'once' | 'ongoing'; duration: string };
  purpose: { iri: string; description: string };
  agreement: Term | null;
  my_terms: Term | null;
  terms_match: boolean | null;
  status: 'open' | 'accepted' | 'declined' | 'not_taken' | 'expired';
  created_at: number;
  expires_at: number;
};
