// The key ring: key rows from the database, opened with the master keys (kek-set.ts):
// the active KEK, the active signing key, the pairwise key, and the published public
// keys. Every node reads them from the database and re-reads them when its copy is
// older than the cache TTL, so a rotation made on one node (or by the CLI) reaches all
// of them without a restart. A KEK that no master key opens stops start-up while any
// key is still wrapped under it; once nothing is, its master key may be destroyed.
import { sql } from 'kysely';
import type { BaseDeps } from '../../deps.ts';
import type { KeyRow } from '../../db/schema.ts';
import { fromUtf8 } from '../../crypto/encoding.ts';
import { unwrapKeyMaterial } from '../../crypto/envelope.ts';
import { importSigningKey, type PublicJwk, type SigningKey } from '../../crypto/signing.ts';
import { kekSet, type KekSet, type MasterKeys } from './kek-set.ts';
import { openLogKey, type LogSigner } from './log-key.ts';

export { KEK_CHECK_PLAINTEXT, type MasterKeys } from './kek-set.ts';
/** Retired signing keys stay in the JWKS this long, so earlier signatures keep verifying. */
export const SIGNING_OVERLAP_MS = 90 * 24 * 3600 * 1000;
export const DEFAULT_KEY_CACHE_MS = 30_000;
/** A token naming a key this node has not loaded re-reads the keys at most this often. */
const UNKNOWN_KID_RELOAD_MS = 1000;

export type KeyRing = {
  readonly kekVersion: number;
  kek(version: number): Uint8Array;
  readonly signer: SigningKey;
  readonly pairwiseKey: Uint8Array;
  /** The active audit log keys (one, or two while a log-key rotation hands over). */
  readonly logSigners: readonly LogSigner[];
  /** Public keys currently published at /.well-known/jwks.json. */
  jwks(now: number): { keys: PublicJwk[] };
  /** Every signing public key ever created, for verifying old signatures. */
  allPublicKeys(): { keys: PublicJwk[] };
  /** Re-reads the keys when this copy is older than the cache TTL; undefined while it is fresh. */
  fresh(now: number): Promise<void> | undefined;
  /** Re-reads the keys now: a signature names a kid this node does not know (at most once a
   *  second), or this process has just rotated a key (force). */
  reload(now: number, opts?: { force?: boolean }): Promise<void>;
  /** Whether the active KEK was made from the current master key (false until `keys rotate --master` ran). */
  readonly activeFromCurrent: boolean;
  readonly masters: KekSet;
};

export class MasterKeyMismatch extends Error {
  override name = 'MasterKeyMismatch';
}

type Snapshot = {
  activeKek: KeyRow;
  activeFromCurrent: boolean;
  keks: Map<number, Uint8Array>;
  signer: SigningKey;
  pairwiseKey: Uint8Array;
  logSigners: LogSigner[];
  signingRows: { row: KeyRow; jwk: PublicJwk }[];
};

type RingDeps = Pick<BaseDeps, 'store' | 'sodium'> & Partial<Pick<BaseDeps, 'clock' | 'log'>>;

export async function loadKeyRing(deps: RingDeps, masterKeys: Uint8Array | MasterKeys, opts: { cacheMs?: number } = {}): Promise<KeyRing> {
  const masters = kekSet(deps.sodium, masterKeys instanceof Uint8Array ? { current: masterKeys, previous: [] } : masterKeys);
  const signers = new Map<string, SigningKey>();
  const logKeys = new Map<string, LogSigner>();
  const cacheMs = opts.cacheMs ?? DEFAULT_KEY_CACHE_MS;
  const now = () => deps.clock?.now() ?? Date.now();
  let snap = await loadSnapshot(deps, masters, signers, logKeys);
  let loadedAt = now();
  let loading: Promise<void> | null = null;
  let lastAsked = -Infinity;

  const reloadNow = (at: number): Promise<void> => {
    loading ??= loadSnapshot(deps, masters, signers, logKeys)
      .then(
        (s) => {
          snap = s;
          loadedAt = at;
        },
        (err: unknown) => {
          // Keep serving with the keys we have; try again after a short pause.
          deps.log?.error('key ring reload failed; keeping the loaded keys', { error: String(err) });
          loadedAt = at - cacheMs + Math.min(cacheMs, 5000);
        },
      )
      .finally(() => {
        loading = null;
      });
    return loading;
  };

  return {
    get kekVersion() {
      return snap.activeKek.version;
    },
    kek(version) {
      // A version made after this copy was loaded comes from the current master key;
      // the next reload checks it against its row.
      return snap.keks.get(version) ?? masters.deriveCurrent(version);
    },
    get signer() {
      return snap.signer;
    },
    get pairwiseKey() {
      return snap.pairwiseKey;
    },
    get logSigners() {
      return snap.logSigners;
    },
    get activeFromCurrent() {
      return snap.activeFromCurrent;
    },
    masters,
    jwks: (at) => ({
      keys: snap.signingRows.filter(({ row }) => row.status === 'active' || (row.retired_at ?? 0) + SIGNING_OVERLAP_MS > at).map(({ jwk }) => jwk),
    }),
    allPublicKeys: () => ({ keys: snap.signingRows.map(({ jwk }) => jwk) }),
    fresh(at) {
      if (at - loadedAt < cacheMs && at >= loadedAt) return undefined;
      return reloadNow(at);
    },
    async reload(at, opts = {}) {
      if (loading) await loading;
      if (!opts.force) {
        if (Math.abs(at - lastAsked) < UNKNOWN_KID_RELOAD_MS) return;
        lastAsked = at;
      }
      return reloadNow(at);
    },
  };
}

async function loadSnapshot(deps: RingDeps, masters: KekSet, signers: Map<string, SigningKey>, logKeys: Map<string, LogSigner>): Promise<Snapshot> {
  const rows = await deps.store.db.selectFrom('keys').selectAll().orderBy('version').orderBy('id').execute();
  const active = (kind: KeyRow['kind']) => {
    const row = rows.find((r) => r.kind === kind && r.status === 'active');
    if (!row) throw new Error(`no active ${kind} key; run migrations and key bootstrap first`);
    return row;
  };
  const activeKek = active('kek');
  const keks = new Map<number, Uint8Array>();
  let activeFromCurrent = false;
  for (const row of rows.filter((r) => r.kind === 'kek')) {
    const opened = masters.open(row);
    if (opened) {
      keks.set(row.version, opened.kek);
      if (row === activeKek) activeFromCurrent = opened.fromCurrent;
    } else if (row === activeKek || (await stillWraps(deps, row.version))) {
      throw new MasterKeyMismatch(
        `TROVE_MASTER_KEY does not match key-encryption key ${row.id} in this database` +
          (row === activeKek ? '' : ', which still wraps keys (give its master key in TROVE_PREVIOUS_MASTER_KEYS and finish `trove keys rotate --master`)') +
          '; refusing to start',
      );
    }
  }
  const unwrap = (row: KeyRow) => {
    const kek = keks.get(row.kek_version!);
    if (!kek) throw new MasterKeyMismatch(`no master key opens the key-encryption key that wraps ${row.id}; refusing to start`);
    return unwrapKeyMaterial(deps.sodium, kek, row.kek_version!, row.id, { ciphertext: row.wrapped!, nonce: row.nonce! });
  };
  const signingRow = active('signing');
  let signer = signers.get(signingRow.id);
  if (!signer) {
    const material = unwrap(signingRow);
    signer = await importSigningKey(signingRow.id, JSON.parse(fromUtf8.decode(material)), JSON.parse(signingRow.public_jwk!));
    material.fill(0);
    signers.set(signingRow.id, signer);
  }
  const signingRows = rows.filter((r) => r.kind === 'signing').map((row) => ({ row, jwk: JSON.parse(row.public_jwk!) as PublicJwk }));
  const logSigners: LogSigner[] = [];
  for (const row of rows.filter((r) => r.kind === 'log' && r.status === 'active')) {
    let opened = logKeys.get(row.id);
    if (!opened) {
      const kek = keks.get(row.kek_version!);
      if (!kek) throw new MasterKeyMismatch(`no master key opens the key-encryption key that wraps ${row.id}; refusing to start`);
      opened = await openLogKey(deps.sodium, kek, row);
      logKeys.set(row.id, opened);
    }
    logSigners.push(opened);
  }
  return { activeKek, activeFromCurrent, keks, signer, pairwiseKey: unwrap(active('pairwise')), logSigners, signingRows };
}

/** Whether any data key or private key is still wrapped under this KEK version. */
export async function stillWraps(deps: Pick<BaseDeps, 'store'>, version: number): Promise<boolean> {
  const db = deps.store.db;
  const [consumer, key] = await Promise.all([
    db.selectFrom('consumers').select('id').where('kek_version', '=', version).limit(1).executeTakeFirst(),
    db.selectFrom('keys').select('id').where('kek_version', '=', version).limit(1).executeTakeFirst(),
  ]);
  return Boolean(consumer || key);
}

/** All signing public keys from the database, without the master key (verifiers need only these). */
export async function publicSigningKeys(deps: Pick<BaseDeps, 'store'>): Promise<{ keys: PublicJwk[] }> {
  const rows = await deps.store.db.selectFrom('keys').select('public_jwk').where('kind', '=', 'signing').where(sql<boolean>`public_jwk is not null`).execute();
  return { keys: rows.map((r) => JSON.parse(r.public_jwk!) as PublicJwk) };
}
