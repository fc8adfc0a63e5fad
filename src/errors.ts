// The handful of typed errors features throw. Each knows its HTTP status, a stable
// problem type, the headers its answer needs (a WWW-Authenticate challenge, Retry-After,
// Allow) and whether its detail may be shown; only the HTTP error handler renders them.

export class TroveError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  /** Extra members for the problem body (e.g. the offending field). Never values of attributes. */
  readonly extra: Record<string, unknown>;
  /** Headers the answer carries (set by subclasses). */
  readonly headers: Record<string, string> = {};
  constructor(status: number, type: string, title: string, detail?: string, extra: Record<string, unknown> = {}) {
    super(detail ?? title);
    this.status = status;
    this.type = type;
    this.title = title;
    this.extra = extra;
  }
}

/** A value a caller sent that cannot be used: 400 naming the field (never echoing a value). */
export class InvalidField extends TroveError {
  constructor(field: string, reason: string) {
    super(400, 'bad-request', 'Bad request', `${field}: ${reason}`, { invalid_params: [{ name: field, reason }] });
  }
}

/** The realms of Trove's two bearer-protected APIs: the brand data API and the auditor API. */
export const BRAND_REALM = 'trove';
export const AUDIT_REALM = 'trove-audit';

/** RFC 6750 §3: the challenge of a protected resource. Without credentials it names only the
 *  realm (§3.1); with a bad token it adds error="invalid_token" and a description that
 *  keeps to the quoted-string characters. */
export function bearerChallenge(realm: string, error?: { code: string; description: string }): string {
  if (!error) return `Bearer realm="${realm}"`;
  return `Bearer realm="${realm}", error="${error.code}", error_description="${oauthDescription(error.description)}"`;
}

/** No credentials where a bearer token is required: 401 with the bare challenge. */
export class MissingToken extends TroveError {
  constructor(realm: string, detail: string) {
    super(401, 'unauthorized', 'Unauthorized', detail);
    this.headers['www-authenticate'] = bearerChallenge(realm);
  }
}

/** A bearer token that is malformed, expired, revoked, or whose holder is disabled. */
export class InvalidToken extends TroveError {
  constructor(realm: string, detail: string) {
    super(401, 'invalid-token', 'Invalid access token', detail);
    this.headers['www-authenticate'] = bearerChallenge(realm, { code: 'invalid_token', description: detail });
  }
}

export class BadRequest extends TroveError {
  constructor(detail: string, extra?: Record<string, unknown>) {
    super(400, 'bad-request', 'Bad request', detail, extra);
  }
}

export class Unauthorized extends TroveError {
  constructor(detail = 'Authentication is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

export class Forbidden extends TroveError {
  constructor(detail = 'You may not do this.', extra?: Record<string, unknown>) {
    super(403, 'forbidden', 'Forbidden', detail, extra);
  }
}

/** Signed in, but the call needs a fresh passkey assertion (step-up). A 403, not a 401: the
 *  session is good and a client that signs out on 401 would throw it away. */
export class StepUpRequired extends TroveError {
  constructor(maxAgeSeconds: number) {
    super(
      403,
      'step-up-required',
      'Confirm it is you',
      `This needs a passkey confirmation from the last ${maxAgeSeconds / 60} minutes: POST /api/me/step-up/options, then /api/me/step-up/verify, and retry (or send the assertion as "step_up" with this call).`,
      { max_age: maxAgeSeconds },
    );
  }
}

/** Also used where revealing existence would leak: "not found" is the safe answer. */
export class NotFound extends TroveError {
  constructor(detail = 'No such resource.') {
    super(404, 'not-found', 'Not found', detail);
  }
}

export class MethodNotAllowed extends TroveError {
  constructor(allow: string[]) {
    super(405, 'method-not-allowed', 'Method not allowed', `Allowed: ${allow.join(', ')}.`, { allow });
    this.headers.allow = allow.join(', ');
  }
}

export class Conflict extends TroveError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}

/** The service cannot answer now (its database is unreachable). */
export class Unavailable extends TroveError {
  constructor(detail: string) {
    super(503, 'unavailable', 'Service unavailable', detail);
  }
}

export class PayloadTooLarge extends TroveError {
  constructor(limit: number) {
    super(413, 'payload-too-large', 'Payload too large', `The request body exceeds ${limit} bytes.`);
  }
}

export class UnsupportedMediaType extends TroveError {
  constructor(expected: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type', `Expected ${expected}.`);
  }
}

export class TooManyRequests extends TroveError {
  readonly retryAfter: number;
  constructor(retryAfter: number) {
    super(429, 'rate-limited', 'Too many requests', 'Slow down and retry later.');
    this.retryAfter = retryAfter;
    this.headers['retry-after'] = String(retryAfter);
  }
}

/** RFC 6749 §5.2 allows only %x20-21 / %x23-5B / %x5D-7E in error_description (clients put it
 *  in a quoted header parameter): a double quote becomes ', a backslash /, an ellipsis three dots,
 *  whitespace a space, and anything else outside printable ASCII '?'. Messages echo caller
 *  input (parameter names, zod and jose texts), so this is enforced here, not by authors. */
export function oauthDescription(text: string): string {
  return text
    .replaceAll('"', "'")
    .replaceAll('\\', '/')
    .replaceAll('\u2026', '...')
    .replace(/\s/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** RFC 6749 error for OAuth endpoints: rendered as {error, error_description}; the
 *  description is made §5.2-safe on construction, so every OAuthError is. */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(error: string, description: string, status = 400) {
    super(oauthDescription(description));
    this.error = error;
    this.status = status;
  }
}

/** A commit-time condition (e.g. "the grant is still active") no longer held; nothing was written. */
export class GuardFailed extends Error {
  readonly guard: string;
  constructor(guard: string) {
    super(`commit guard failed: ${guard}`);
    this.guard = guard;
  }
}

/** Inside a store's batch: a guard did not hold; `dirty` when an earlier guard of the same
 *  change had already written (a `changes` guard), so the batch must be replayed without it. */
export class GuardDoesNotHold extends GuardFailed {
  readonly dirty: boolean;
  constructor(guard: string, dirty: boolean) {
    super(guard);
    this.dirty = dirty;
  }
}

export type OutboundFailure = 'refused' | 'unresolvable' | 'timeout' | 'too-large' | 'network';

/** An outbound request (webhook, JWKS) Trove refused or could not complete. `message` is a
 *  fixed phrase safe to record for the brand; `detail` (addresses, socket errors) is for the
 *  operator's log only and is never sent to a caller. */
export class OutboundFailed extends Error {
  readonly reason: OutboundFailure;
  readonly detail: string | undefined;
  constructor(reason: OutboundFailure, message: string, detail?: string) {
    super(message);
    this.reason = reason;
    this.detail = detail;
  }
}
