// The contract every outbound HTTP request goes through (webhooks, jwks_uri, anything
// later): one request, a deadline, a cap on the body kept, no redirects followed. Runtimes
// implement it (src/runtime/node/outbound.ts, src/runtime/workers/outbound.ts); features only see this.
import type { Deps } from '../../deps.ts';
import { OutboundFailed } from '../../errors.ts';

export type OutboundRequest = {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, from resolving the name to the last byte kept. */
  timeoutMs: number;
  /** Response bytes kept; more fails the request. 0 reads nothing: the answer is its status. */
  maxBytes: number;
};

/** A 3xx is an answer like any other: its Location is never followed. */
export type OutboundResponse = { status: number; body: Uint8Array };

export type Outbound = {
  /** Throws OutboundFailed when the policy refuses the target or the exchange fails. */
  request(req: OutboundRequest): Promise<OutboundResponse>;
};

/** Where a runtime gave no client (some tests, tools): every request fails closed. */
export const noOutbound: Outbound = {
  request: () => Promise.reject(new OutboundFailed('refused', 'outbound requests are not available here')),
};

export function outboundOf(deps: Pick<Deps, 'outbound'>): Outbound {
  return deps.outbound ?? noOutbound;
}

/** The phrase recorded where a brand can read it (its delivery log); never socket details. */
export function failureText(err: unknown): string {
  return err instanceof OutboundFailed ? err.message : 'request failed';
}
