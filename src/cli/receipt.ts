// `trove receipt verify FILE [--jwks FILE]`: checks a consent receipt's signature
// offline against a JWKS (a file, or the configured database's public keys), prints its
// fields, and exits 1 when the signature does not hold.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { verifyJws, type PublicJwk } from '../crypto/signing.ts';
import { RECEIPT_TYP } from '../features/grants/receipts.ts';
import { ACK_TYP, receiptHash } from '../features/grants/receipt-countersign.ts';
import { decodeJwt } from 'jose';
import { publicSigningKeys } from '../features/keys/keyring.ts';
import { openExisting } from '../runtime/node/deps.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';

export const RECEIPT_HELP = `Usage: trove receipt verify FILE [--jwks FILE] [--brand-jwks FILE] [--json]

FILE holds a receipt: the compact JWS, or the JSON that GET /api/me/receipts/{id} returns.
--jwks is a saved copy of /.well-known/jwks.json; without it the configured database's
public keys are used. When FILE is the JSON form and the brand has countersigned, the
countersignature is checked too: that it is over this receipt, and its signature (the brand's
keys from --brand-jwks for a brand's own, Trove's keys for a secret-based brand's recorded
acknowledgement). Exit 0 when everything verifies, 1 when anything does not.`;

/** The receipt's JWS and, when the file is the JSON the API returns, its countersignature. */
function readCountersignature(file: string): string | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as { countersignature?: unknown };
    return typeof o.countersignature === 'string' ? o.countersignature : null;
  } catch {
    return null;
  }
}

function readReceipt(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : err}`);
  }
  if (text.startsWith('{')) {
    try {
      const jws = (JSON.parse(text) as { jws?: unknown }).jws;
      if (typeof jws === 'string') return jws;
    } catch {
      // fall through
    }
    throw new UsageError(`${file} is JSON without a "jws" member`);
  }
  return text;
}

export async function receiptCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(argv, { jwks: { type: 'string' }, 'brand-jwks': { type: 'string' } }, 2);
  if (values.help) return help(RECEIPT_HELP);
  if (positionals[0] !== 'verify' || !positionals[1]) throw new UsageError('usage: trove receipt verify FILE [--jwks FILE]');
  const jws = readReceipt(positionals[1]);
  let jwks: { keys: PublicJwk[] };
  if (values.jwks) {
    try {
      jwks = JSON.parse(readFileSync(values.jwks, 'utf8')) as { keys: PublicJwk[] };
    } catch (err) {
      throw new UsageError(`cannot read a JWKS from ${values.jwks}: ${err instanceof Error ? err.message : err}`);
    }
  } else {
    const store = await openExisting(config);
    try {
      jwks = await publicSigningKeys({ store });
    } finally {
      await store.close();
    }
  }
  let receipt: Record<string, unknown>;
  try {
    receipt = await verifyJws(jws, jwks, RECEIPT_TYP);
  } catch (err) {
    output(
      values.json,
      { valid: false, error: err instanceof Error ? err.message : String(err) },
      `receipt INVALID: ${err instanceof Error ? err.message : err}`,
    );
    return 1;
  }
  const services = receipt.services as {
    service: string;
    purposes: {
      purpose: string;
      purposeCategory: string[];
      piiCategory: string[];
      termination: string;
      retention?: string;
      consideration?: { description?: string };
    }[];
  }[];
  const p = services[0]?.purposes[0];
  const human = [
    'receipt valid',
    `  receipt:     ${receipt.consentReceiptID} (${receipt.event}) for grant ${receipt.grant_id}`,
    `  controller:  ${services[0]?.service}`,
    `  principal:   ${receipt.piiPrincipalId}`,
    `  purpose:     ${p?.purpose} <${p?.purposeCategory.join(', ')}>`,
    `  attributes:  ${p?.piiCategory.join(', ')}`,
    `  value:       ${p?.consideration?.description ?? 'none stated'}`,
    `  expires:     ${p?.termination}`,
    `  retention:   ${p?.retention ?? 'not stated'}`,
  ].join('\n');
  const counter = readCountersignature(positionals[1]);
  const brandJwks = values['brand-jwks'] ? readJwks(values['brand-jwks']) : null;
  const checked = counter ? await checkCountersignature(counter, jws, jwks, brandJwks) : null;
  const lines = [human, counter ? `  countersigned: ${checked!.ok ? checked!.text : `INVALID (${checked!.text})`}` : '  countersigned: not yet'];
  output(values.json, { valid: checked ? checked.ok : true, receipt, countersignature: checked }, lines.join('\n'));
  return checked && !checked.ok ? 1 : 0;
}

function readJwks(file: string): { keys: PublicJwk[] } {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { keys: PublicJwk[] };
  } catch (err) {
    throw new UsageError(`cannot read a JWKS from ${file}: ${err instanceof Error ? err.message : err}`);
  }
}

/** The countersignature binds this receipt (its id and SHA-256) and verifies: the brand's JWKS for its own, Trove's for a recorded acknowledgement. */
async function checkCountersignature(counter: string, jws: string, trove: { keys: PublicJwk[] }, brand: { keys: PublicJwk[] } | null) {
  const receiptId = (decodeJwt(jws) as { consentReceiptID?: string }).consentReceiptID;
  const claims = decodeJwt(counter) as { iss?: string; sub?: string; receipt_id?: string; receipt_sha256?: string; method?: string };
  if (claims.receipt_id !== receiptId || claims.receipt_sha256 !== receiptHash(jws)) return { ok: false, text: 'it is over another receipt' };
  const byTrove = claims.method === 'client_secret';
  const keys = byTrove ? trove : brand;
  if (!keys) return { ok: false, text: `signed by the brand ${claims.iss}: give its public keys with --brand-jwks FILE` };
  try {
    await verifyJws(counter, keys, ACK_TYP);
  } catch (err) {
    return { ok: false, text: `its signature does not verify (${err instanceof Error ? err.message : err})` };
  }
  return {
    ok: true,
    text: byTrove ? `acknowledged by ${claims.sub} (a secret-based client; recorded and signed by Trove)` : `by ${claims.iss}, with its own key`,
  };
}
