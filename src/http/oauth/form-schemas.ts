// The OAuth endpoints' form parameters as zod schemas: they check shape and size before
// the features apply the protocol rules, and the OpenAPI document is generated from them.
import { z } from 'zod';
import { OAuthError } from '../../errors.ts';

const s = (max = 2048) => z.string().max(max);
const clientAuth = {
  client_id: s(200).optional(),
  client_secret: s(200).optional().describe('client_secret_post (RFC 6749 §2.3.1), with client_id; or send the secret with HTTP Basic'),
  client_assertion_type: s(200).optional(),
  client_assertion: s(8192).optional(),
};

export const oauthForms = {
  par: z.looseObject({
    ...clientAuth,
    response_type: s(20),
    redirect_uri: s(),
    state: s(512).optional(),
    code_challenge: s(128),
    code_challenge_method: s(10),
    authorization_details: s(8192),
    scope: s()
      .optional()
      .describe('Ignored (RFC 6749 §3.3): Trove has no scopes; authorization_details say what is requested and, in the token response, what was granted'),
  }),
  token: z.looseObject({
    ...clientAuth,
    grant_type: z.enum(['authorization_code', 'refresh_token', 'client_credentials']),
    code: s(200).optional(),
    redirect_uri: s().optional(),
    code_verifier: s(128).optional(),
    refresh_token: s(200).optional(),
  }),
  revoke: z.looseObject({ ...clientAuth, token: s(8192), token_type_hint: s(40).optional() }),
  introspect: z.looseObject({ ...clientAuth, token: s(8192), token_type_hint: s(40).optional() }),
};

export const authorizeQuery = z.object({ client_id: s(200), request_uri: s(200) });

/** What the endpoints answer, for the OpenAPI document. */
export const oauthResponses = {
  par: z.object({ request_uri: z.string(), expires_in: z.number().int() }),
  token: z.object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    refresh_token: z.string().optional(),
    grant_id: z.string().optional(),
    receipt_id: z.string().optional(),
    authorization_details: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .describe('What was granted: the consumer may have dropped optional attributes'),
  }),
  introspect: z.looseObject({
    active: z.boolean(),
    client_id: z.string().optional(),
    sub: z.string().optional(),
    exp: z.number().int().optional(),
    grant_id: z.string().optional(),
  }),
};

/** Shape check with an RFC 6749 error body; the grant type gets its own error code. */
export function checkForm<S extends z.ZodType>(schema: S, form: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(form);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  if (field === 'grant_type' && form.grant_type !== undefined) {
    throw new OAuthError('unsupported_grant_type', 'Use authorization_code, refresh_token or client_credentials.');
  }
  throw new OAuthError('invalid_request', `${field || 'request'}: ${issue.message}`);
}
