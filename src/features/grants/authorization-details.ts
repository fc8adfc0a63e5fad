// RFC 9396 authorization details of type "trove_attributes": which attributes (required
// and optional), for which persona, purpose (a DPV IRI), value offered, access mode,
// duration and retention. Validated in full at PAR; nothing vague gets to a consumer.
import { z } from 'zod';
import { CATALOG_BY_NAME, CUSTOM_NAME } from '../profile/catalog.ts';
import { PERSONA_NAME } from '../profile/personas.ts';
import { DPV, purposeLabel } from './purposes.ts';
import { parseDuration } from './iso-duration.ts';

/** Besides profile attributes, a grant may cover the consumer's published intents. */
export const INTENTS = 'intents';
const MINUTE = 60_000;
const DAY = 24 * 3600_000;

const attributeName = z
  .string()
  .max(64)
  .superRefine((n, ctx) => {
    if (n === INTENTS || CATALOG_BY_NAME.has(n) || CUSTOM_NAME.test(n)) return;
    ctx.addIssue({ code: 'custom', message: `unknown attribute "${n}" (use a catalogue name, "intents", or an x- custom name)` });
  });

const isoDuration = (min: number, max: number, what: string) =>
  z
    .string()
    .max(40)
    .refine(
      (v) => {
        const ms = parseDuration(v);
        return ms !== null && ms >= min && ms <= max;
      },
      `${what} must be an ISO 8601 duration between ${min / MINUTE} minutes and ${Math.round(max / DAY)} days, e.g. P180D`,
    );

export const valueOffer = z.strictObject({
  kind: z.enum(['discount', 'points', 'money', 'early_access', 'gift', 'other']),
  description: z.string().trim().min(1).max(200),
  amount: z.number().nonnegative().max(1e9).optional(),
  unit: z.string().trim().min(1).max(20).optional(),
});

export const troveAttributes = z
  .strictObject({
    type: z.literal('trove_attributes'),
    attributes: z.array(attributeName).min(1).max(30),
    optional_attributes: z.array(attributeName).max(30).default([]),
    persona: z.string().regex(PERSONA_NAME, 'persona names are 1-40 lowercase letters, digits or -').optional(),
    purpose: z
      .string()
      .max(200)
      .refine((p) => purposeLabel(p) !== undefined, `purpose must be a DPV purpose IRI Trove knows (${DPV}…); see the API reference`),
    purpose_description: z.string().trim().min(1).max(300),
    value: valueOffer.optional(),
    access: z.enum(['once', 'ongoing']),
    duration: isoDuration(MINUTE, 730 * DAY, 'duration'),
    retention: isoDuration(0, 3650 * DAY, 'retention').optional(),
    /** The roster id of the agreement the request is made under (one the brand accepts). */
    agreement: z.string().max(64).optional(),
  })
  .superRefine((d, ctx) => {
    const all = [...d.attributes, ...d.optional_attributes];
    if (new Set(all).size !== all.length)
      ctx.addIssue({ code: 'custom', path: ['optional_attributes'], message: 'an attribute may be listed once, either required or optional' });
  });

export type TroveAttributes = z.infer<typeof troveAttributes>;

/** Parses the form's authorization_details (a JSON array with exactly one trove_attributes entry). */
export function parseAuthorizationDetails(raw: string | undefined): { ok: true; value: TroveAttributes } | { ok: false; error: string } {
  if (!raw) return { ok: false, error: 'authorization_details is required' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'authorization_details is not valid JSON' };
  }
  if (!Array.isArray(json) || json.length !== 1) return { ok: false, error: 'authorization_details must be an array with exactly one trove_attributes object' };
  const parsed = troveAttributes.safeParse(json[0]);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return { ok: false, error: `authorization_details[0].${i.path.join('.') || 'type'}: ${i.message}` };
  }
  return { ok: true, value: parsed.data };
}
