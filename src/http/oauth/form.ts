// Reads an OAuth endpoint's application/x-www-form-urlencoded body into a flat record;
// a parameter given twice, or another content type, is an invalid_request (RFC 6749 §3.1).
import type { Context } from 'hono';
import { OAuthError } from '../../errors.ts';

export async function oauthForm(c: Context): Promise<Record<string, string | undefined>> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '')) {
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  }
  const params = new URLSearchParams(await c.req.text());
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of params) {
    // PostgreSQL text cannot hold NUL; no OAuth parameter needs one.
    if (key.includes('\0') || value.includes('\0')) throw new OAuthError('invalid_request', 'Parameters may not contain NUL characters.');
    if (Object.hasOwn(out, key)) throw new OAuthError('invalid_request', `Parameter ${key.slice(0, 40)} is repeated.`);
    if (value.length > 8192) throw new OAuthError('invalid_request', `Parameter ${key.slice(0, 40)} is too long.`);
    out[key] = value;
  }
  return out;
}

export function clientAuthInput(c: Context, form: Record<string, string | undefined>) {
  return { authorization: c.req.header('authorization'), form };
}
