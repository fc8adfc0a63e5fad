// The portal's only way to the server: same-origin JSON calls to /api and /v1/audit, with
// the session's CSRF token on every state-changing call and problem+json turned into errors.
// A call refused as step-up-required runs the passkey step-up once and is sent again once.
export type InvalidParam = { name: string; reason: string };

export class ApiError extends Error {
  readonly status: number;
  readonly invalid: InvalidParam[];
  /** The problem's type (https://trove.dev/problems/…), when the answer was a problem. */
  readonly type: string | null;
  constructor(status: number, message: string, invalid: InvalidParam[] = [], type: string | null = null) {
    super(message);
    this.status = status;
    this.invalid = invalid;
    this.type = type;
  }
}

export const STEP_UP_REQUIRED = 'https://trove.dev/problems/step-up-required';

// Set by passkeys.ts (the ceremony needs @simplewebauthn/browser, which this module does not load).
let stepUpHandler: (() => Promise<void>) | null = null;

/** How to confirm it is the consumer when a call needs a fresh passkey assertion. */
export function onStepUpRequired(handler: () => Promise<void>) {
  stepUpHandler = handler;
}

let csrfToken: string | null = null;

/** Remembered from GET /api/me (or /api/auditor/me, or a sign-in answer). */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

type Options = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  steppedUp?: boolean;
};

export function withQuery(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function api<T>(path: string, opts: Options = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined || method !== 'GET') headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(opts.body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'Trove could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: fall through with the status alone
  }
  if (!res.ok) {
    const p = (json ?? {}) as { type?: string; detail?: string; title?: string; invalid_params?: InvalidParam[] };
    if (p.type === STEP_UP_REQUIRED && stepUpHandler && !opts.steppedUp) {
      await stepUpHandler();
      return api<T>(path, { ...opts, steppedUp: true }); // once: a second refusal is shown as it is
    }
    const detail = p.type === STEP_UP_REQUIRED ? 'Confirm it is you with your passkey, then try again.' : p.detail;
    throw new ApiError(res.status, detail ?? p.title ?? `Request failed (${res.status}).`, p.invalid_params ?? [], p.type ?? null);
  }
  return json as T;
}

/** A message fit to show a person. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.invalid.length) return err.invalid.map((p) => `${p.name}: ${p.reason}`).join('; ');
    return err.message;
  }
  if (err instanceof Error && err.name === 'NotAllowedError') return 'The passkey prompt was cancelled or timed out.';
  return err instanceof Error ? err.message : String(err);
}
