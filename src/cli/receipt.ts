// `trove receipt verify FILE [--jwks FILE]`: checks a consent receipt's signature
// offline against a JWKS (a file, or the configured database's public keys), prints its
// fields, and exits 1 when the signature does not hold.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { verifyJws, type PublicJwk } from '../crypto/signing.ts';
import { RECEIPT_TYP } from '../features/grants/receipts.ts';
import { publicSigningKeys } from '../features/keys/keyring.ts';
import { openExisting } from '../runtime/node/deps.ts';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';

export const RECEIPT_HELP = `Usage: trove receipt verify FILE [--jwks FILE] [--json]

FILE holds a receipt: the compact JWS, or the JSON that GET /api/me/receipts/{id} returns.
--jwks is a saved copy of /.well-known/jwks.json; without it the configured database's
public keys are used. Exit 0 when the signature verifies, 1 when it does not.`;

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
  const { values, positionals } = parse(argv, { jwks: { type: 'string' } }, 2);
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
  output(values.json, { valid: true, receipt }, human);
  return 0;
}
