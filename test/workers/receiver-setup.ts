// Global setup of the Workers project (runs in Node, outside workerd): a real webhook
// receiver on loopback that the Worker's deliveries reach over the network. POST
// /hooks/{name}?fail=N answers 503 to the first N attempts at that name, then 202; GET
// /attempts/{name} lists every attempt (time received, status sent, the SET's jti) so a
// test inside workerd can check when each retry came. Its base URL is provided as
// `webhookReceiver`.
import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';

type Attempt = { at: number; status: number; jti: string | null };

declare module 'vitest' {
  interface ProvidedContext {
    webhookReceiver: string;
  }
}

function jtiOf(set: string): string | null {
  try {
    return JSON.parse(Buffer.from(set.split('.')[1] ?? '', 'base64url').toString('utf8')).jti ?? null;
  } catch {
    return null;
  }
}

export default async function setup(project: TestProject) {
  const attempts = new Map<string, Attempt[]>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const [, kind, name] = url.pathname.split('/');
    if (req.method === 'GET' && kind === 'attempts' && name) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(attempts.get(name) ?? []));
      return;
    }
    if (req.method !== 'POST' || kind !== 'hooks' || !name) {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const list = attempts.get(name) ?? [];
      const status = list.length < Number(url.searchParams.get('fail') ?? 0) ? 503 : 202;
      list.push({ at: Date.now(), status, jti: jtiOf(body) });
      attempts.set(name, list);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  project.provide('webhookReceiver', `http://127.0.0.1:${(server.address() as { port: number }).port}`);
  return () => new Promise<void>((r) => server.close(() => r()));
}
