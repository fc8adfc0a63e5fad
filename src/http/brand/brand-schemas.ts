// The brand data API's path, query and answer schemas: the contract brands code against,
// published in the OpenAPI document. Times are ISO-8601 strings, as in every brand answer.
import { z } from 'zod';

export const grantIdParam = z.object({ id: z.string().min(1).max(64) });
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const iso = z.iso.datetime();

export const brandGrantSchema = z.object({
  id: z.string(),
  sub: z.string().describe('the pairwise subject: never the same for two brands'),
  status: z.enum(['active', 'revoked', 'expired', 'exhausted']),
  attributes: z.array(z.string()),
  persona: z.string().nullable(),
  purpose: z.string(),
  purpose_description: z.string(),
  value_offer: z.record(z.string(), z.unknown()).nullable(),
  access: z.enum(['once', 'ongoing']),
  retention: z.string().nullable(),
  created_at: iso,
  updated_at: iso,
  expires_at: iso,
  revoked_at: iso.nullable(),
  revoked_by: z.string().nullable(),
  read_count: z.number().int(),
  last_read_at: iso.nullable(),
});

export const brandResponses = {
  attributes: z.object({
    sub: z.string(),
    grant_id: z.string(),
    persona: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    missing: z.array(z.string()).describe('granted names the consumer holds no value for'),
  }),
  grants: z.object({ grants: z.array(brandGrantSchema), next_cursor: z.string().nullable() }),
  grant: brandGrantSchema,
  value: z.object({
    id: z.string(),
    grant_id: z.string(),
    brand_id: z.string(),
    kind: z.string(),
    description: z.string(),
    amount: z.number().nullable(),
    unit: z.string().nullable(),
    reference: z.string().nullable(),
    created_at: iso,
    given_at: iso,
  }),
  receipt: z.object({
    id: z.string(),
    grant_id: z.string(),
    event: z.enum(['granted', 'revoked']),
    created_at: iso,
    jws: z.string(),
    receipt: z.record(z.string(), z.unknown()),
    countersignature: z.string().nullable(),
    countersigned_at: iso.nullable(),
  }),
};
