// Servers on loopback for outbound tests: one that only counts TCP connections (to prove
// nothing connected), and HTTP(S) servers with a handler that count the requests they get.
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');
export const TEST_CA = fixture('ca.pem');

type Closable = { close(cb: () => void): unknown; closeAllConnections?: () => void };

function listen(server: TcpServer, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

function closer(server: Closable) {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
}

/** Accepts and drops TCP connections on all IPv6 and IPv4 loopback addresses, counting them. */
export async function connectionCounter() {
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  const port = await listen(server, '::');
  return { port, connections: () => connections, close: closer(server) };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 (HTTPS with the fixture certificate for hooks.trove.test when tls is set). */
export async function probeServer(handler: Handler, opts: { tls?: boolean } = {}) {
  const seen: IncomingMessage[] = [];
  const listener: RequestListener = (req, res) => {
    seen.push(req);
    handler(req, res);
  };
  const server = opts.tls ? createHttpsServer({ cert: fixture('server-cert.pem'), key: fixture('server-key.pem') }, listener) : createHttpServer(listener);
  const port = await listen(server, '127.0.0.1');
  return { port, seen, hits: () => seen.length, close: closer(server) };
}
