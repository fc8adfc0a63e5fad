// The witness's HTTP interface on node:http, submission and monitoring prefix both "/":
// POST /add-checkpoint and GET /<origin hash>/checkpoint; bodies are capped, nothing else is served.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../deps.ts';
import type { WitnessReply, witnessService } from './witness-service.ts';

/** A request body this large is not a checkpoint: 63 proof lines and 100 signatures fit in ~20 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;
const CHECKPOINT_PATH = /^\/([0-9a-f]{64})\/checkpoint$/;

export type RunningWitness = { url: string; close(): Promise<void> };

export async function startWitnessServer(
  service: ReturnType<typeof witnessService>,
  opts: { host: string; port: number; log: Logger },
): Promise<RunningWitness> {
  const server = createServer((req, res) => {
    handle(service, req)
      .catch((err: unknown) => {
        opts.log.error('witness request failed', { error: err instanceof Error ? err.message : String(err) });
        return { status: 500, contentType: 'text/plain; charset=utf-8', body: 'internal error\n' };
      })
      .then((r) => send(res, r));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function handle(service: ReturnType<typeof witnessService>, req: IncomingMessage): Promise<WitnessReply> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/add-checkpoint') {
    if (req.method !== 'POST') return text(405, 'use POST\n');
    const body = await readBody(req);
    if (body === 'too-large') return text(413, `a request body is at most ${MAX_BODY_BYTES} bytes\n`);
    if (body === null) return text(400, 'the request body is not UTF-8\n');
    return service.addCheckpoint(body);
  }
  const m = CHECKPOINT_PATH.exec(path);
  if (m) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'use GET\n');
    const note = service.checkpoint(m[1]!);
    return note === undefined ? text(404, 'no checkpoint cosigned for this log\n') : text(200, note);
  }
  return text(404, 'not found\n');
}

const text = (status: number, body: string): WitnessReply => ({ status, contentType: 'text/plain; charset=utf-8', body });

/** The body as UTF-8 text (null when it is not), or 'too-large' as soon as it passes the cap. */
function readBody(req: IncomingMessage): Promise<string | null | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // Stop reading: the answer closes the connection (send), rather than draining an endless body.
      req.pause();
      req.removeAllListeners('data');
      resolve('too-large');
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks)));
      } catch {
        resolve(null);
      }
    });
  });
}

function send(res: ServerResponse, r: WitnessReply): void {
  const body = Buffer.from(r.body, 'utf8');
  res.writeHead(r.status, {
    'content-type': r.contentType,
    'content-length': body.length,
    'cache-control': 'no-store',
    ...(r.status === 405 ? { allow: r.body.includes('POST') ? 'POST' : 'GET, HEAD' } : {}),
    ...(r.status === 413 ? { connection: 'close' } : {}),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
  if (r.status === 413) res.on('finish', () => res.req.socket.destroy());
}
