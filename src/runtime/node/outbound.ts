// Trove's one outbound HTTP client on Node (webhooks, jwks_uri). The URL policy runs, the
// name is resolved once and every answer vetted (address-guard.ts), and the socket's
// lookup hook hands net.connect exactly those addresses, so DNS rebinding between check and
// connect has nothing to work with. TLS still verifies the URL's host name; no redirect is
// followed; the exchange has a deadline and the body kept is capped.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Buffer } from 'node:buffer';
import { OutboundFailed } from '../../errors.ts';
import type { Outbound, OutboundRequest, OutboundResponse } from '../../features/outbound/outbound.ts';
import { outboundUrlProblem } from '../../features/outbound/url-policy.ts';
import { systemInterfaceAddresses, systemResolver, vettedAddresses, type Resolver, type ResolvedAddress } from './address-guard.ts';

export type NodeOutboundOptions = {
  allowPrivate: boolean;
  resolve?: Resolver;
  interfaceAddresses?: () => string[];
  /** Extra trust anchors for TLS (tests with their own CA); the system's are used otherwise. */
  ca?: string;
};

/** A lookup hook that answers only with addresses already vetted: no second DNS query. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all)
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

export function createNodeOutbound(opts: NodeOutboundOptions): Outbound {
  const guard = {
    allowPrivate: opts.allowPrivate,
    resolve: opts.resolve ?? systemResolver,
    interfaceAddresses: opts.interfaceAddresses ?? systemInterfaceAddresses,
  };
  return {
    async request(req) {
      const problem = outboundUrlProblem(req.url, opts.allowPrivate);
      if (problem) throw new OutboundFailed('refused', `URL refused: ${problem}`);
      const url = new URL(req.url);
      const deadline = Date.now() + req.timeoutMs;
      const addresses = await withDeadline(vettedAddresses(url.hostname, guard), req.timeoutMs);
      return exchange(url, req, addresses, Math.max(1, deadline - Date.now()), opts.ca);
    },
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutboundFailed('timeout', 'timed out', 'name resolution')), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function exchange(url: URL, req: OutboundRequest, addresses: ResolvedAddress[], ms: number, ca: string | undefined): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (err: unknown) =>
      settle(() =>
        reject(
          err instanceof OutboundFailed
            ? err
            : new OutboundFailed(
                'network',
                'connection failed',
                err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`.trim() : String(err),
              ),
        ),
      );
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send({
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      lookup: pinnedLookup(addresses),
      agent: false, // no pooled socket outlives the addresses vetted for this request
      ...(ca ? { ca } : {}),
    });
    const timer = setTimeout(() => outgoing.destroy(new OutboundFailed('timeout', 'timed out')), ms);
    outgoing.on('error', fail);
    outgoing.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (req.maxBytes === 0) {
        settle(() => resolve({ status, body: new Uint8Array(0) }));
        res.destroy(); // the status is the answer; an endless body is never read
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBytes) {
          fail(new OutboundFailed('too-large', 'response too large', `more than ${req.maxBytes} bytes`));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => settle(() => resolve({ status, body: new Uint8Array(Buffer.concat(chunks)) })));
      res.on('error', fail);
      res.on('close', () => fail(new OutboundFailed('network', 'connection failed', 'response cut short')));
    });
    outgoing.end(body);
  });
}
