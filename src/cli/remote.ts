// The CLI's operations over HTTP: each one a call to the remote Trove's operator API
// (/admin/…) with the operator token as a bearer token, answering what the local
// operation answers (the endpoints return the feature functions' results as they are).
// Only fetch and web streams here, so the same transport runs in Node and in workerd.
// A problem answer becomes a RemoteError carrying its status and detail, never the token.
import type { Operations } from './operation-types.ts';

export type RemoteTarget = { url: string; token: string; fetch?: (request: Request) => Promise<Response> };

export class RemoteError extends Error {
  override name = 'RemoteError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function remoteOperations(target: RemoteTarget): Operations {
  const send = target.fetch ?? ((request: Request) => fetch(request));
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await send(new Request(`${target.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    } catch (err) {
      throw new Error(`cannot reach ${target.url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.ok) return res;
    throw new RemoteError(res.status, await problemText(res, target.url));
  }
  const json = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => (await (await call(method, path, body)).json()) as T;
  const id = encodeURIComponent;
  return {
    origin: new URL(target.url).origin,
    registerBrand: (input) => json('POST', '/admin/brands', input),
    listBrands: () => json('GET', '/admin/brands'),
    showBrand: (brand) => json('GET', `/admin/brands/${id(brand)}`),
    disableBrand: async (brand) => void (await call('POST', `/admin/brands/${id(brand)}/disable`)),
    addAuditor: (input) => json('POST', '/admin/auditors', input),
    listAuditors: () => json('GET', '/admin/auditors'),
    revokeAuditor: async (auditor) => void (await call('POST', `/admin/auditors/${id(auditor)}/revoke`)),
    enrolLink: async (auditor) => {
      const { enrol_url, enrol_expires_at } = await json<{ enrol_url: string; enrol_expires_at: string }>('POST', `/admin/auditors/${id(auditor)}/enrol-link`);
      return { enrol_url, enrol_expires_at };
    },
    rotateSigningKey: () => json('POST', '/admin/keys/signing/rotate'),
    exportAudit: async (format, filter) => {
      const query = new URLSearchParams({
        format,
        ...Object.fromEntries(
          Object.entries(filter)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, String(v)]),
        ),
      });
      const res = await call('GET', `/admin/audit/export?${query}`);
      return textChunks(res.body);
    },
    verifyAudit: () => json('GET', '/admin/audit/verify'),
    createOperatorToken: (input) => json('POST', '/admin/operator-tokens', input),
    listOperatorTokens: () => json('GET', '/admin/operator-tokens'),
    revokeOperatorToken: async (token) => void (await call('POST', `/admin/operator-tokens/${id(token)}/revoke`)),
    seedDemo: (input) => json('POST', '/admin/demo', input),
  };
}

/** The problem's detail (RFC 9457) when the answer has one, else its status line. */
async function problemText(res: Response, url: string): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as { detail?: unknown; title?: unknown };
    if (typeof p.detail === 'string') return res.status === 401 ? `${url} refused the operator token: ${p.detail}` : p.detail;
  } catch {
    // not a problem document
  }
  return `${url} answered ${res.status} ${res.statusText}`.trim();
}

async function* textChunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string> {
  if (!body) return;
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield decoder.decode(value, { stream: true });
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } finally {
    reader.releaseLock();
  }
}
