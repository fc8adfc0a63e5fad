// A brand's published keys (jwks_uri), fetched through the outbound guard. Anyone can make
// Trove look at a brand's keys by naming it in a client assertion, so fetches are cached
// (fresh for FRESH_MS) and rate-limited per brand (at most one per COOLDOWN_MS, shared by
// concurrent callers, failures included); the body is capped and must be a public JWKS.
import type { JSONWebKeySet } from 'jose';
import type { Deps } from '../../deps.ts';
import type { BrandRow } from '../../db/schema.ts';
import { outboundOf } from '../outbound/outbound.ts';
import { publicJwks } from './brand-input.ts';

export const FRESH_MS = 10 * 60_000;
export const COOLDOWN_MS = 30_000;
export const JWKS_MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5_000;
const MAX_BRANDS = 10_000;

type Entry = { uri: string; set?: JSONWebKeySet; fetchedAt: number; triedAt: number; inflight?: Promise<JSONWebKeySet> };
const cache = new Map<string, Entry>();

/** Why the keys could not be had; the caller answers a generic invalid_client and logs this. */
class KeysUnavailable extends Error {}

async function download(deps: Deps, uri: string): Promise<JSONWebKeySet> {
  const res = await outboundOf(deps).request({
    method: 'GET',
    url: uri,
    headers: { accept: 'application/jwk-set+json, application/json' },
    timeoutMs: TIMEOUT_MS,
    maxBytes: JWKS_MAX_BYTES,
  });
  if (res.status !== 200) throw new KeysUnavailable(`jwks_uri answered HTTP ${res.status}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(res.body));
  } catch {
    throw new KeysUnavailable('jwks_uri did not answer JSON');
  }
  const parsed = publicJwks.safeParse(json);
  if (!parsed.success) throw new KeysUnavailable(`jwks_uri did not answer a public JWKS: ${parsed.error.issues[0]!.message}`);
  return parsed.data as JSONWebKeySet;
}

/**
 * The brand's key set: the cached copy while fresh (unless `refresh`, after a kid was not
 * found), else a new fetch when the brand's cooldown has passed. Throws KeysUnavailable or
 * OutboundFailed; a stale set is never used once a refetch fails.
 */
export async function remoteKeySet(deps: Deps, brand: Pick<BrandRow, 'id' | 'jwks_uri'>, refresh = false): Promise<JSONWebKeySet> {
  const uri = brand.jwks_uri!;
  const now = deps.clock.now();
  let entry = cache.get(brand.id);
  if (!entry || entry.uri !== uri) {
    if (cache.size >= MAX_BRANDS) cache.delete(cache.keys().next().value!);
    entry = { uri, fetchedAt: 0, triedAt: -Infinity };
    cache.set(brand.id, entry);
  }
  const fresh = entry.set && now - entry.fetchedAt < FRESH_MS;
  if (fresh && !refresh) return entry.set!;
  if (entry.inflight) return entry.inflight;
  if (now - entry.triedAt < COOLDOWN_MS) {
    if (fresh) return entry.set!;
    throw new KeysUnavailable('jwks_uri fetch is cooling down after a recent attempt');
  }
  entry.triedAt = now;
  const current = entry;
  current.inflight = download(deps, uri)
    .then((set) => {
      current.set = set;
      current.fetchedAt = deps.clock.now();
      return set;
    })
    .finally(() => {
      current.inflight = undefined;
    });
  return current.inflight;
}
