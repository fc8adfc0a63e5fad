// What a route table entry is: method, path, who may call it (auth), its rate-limit
// class, the zod schemas of its input and output, and its handler. Every endpoint is
// one entry; createApp registers them all in one loop (register-routes.ts), applying
// exactly the auth and limit the entry names, and the OpenAPI document, the
// authorization matrix and the fuzz test read the same entries.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { BrandRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { Auditor } from '../features/auditors/accounts.ts';
import type { AccessClaims } from '../features/grants/access-token.ts';
import type { Session } from '../features/identity/sessions.ts';
import type { Operator } from '../features/operators/tokens.ts';
import type { LimitClass } from '../features/limits/rate-limiter.ts';
import type { AppEnv } from './context.ts';

/**
 * none: anyone (a portal session is read when there is one). consumer: a signed-in
 * consumer; consumer-step-up: one whose last passkey proof is under five minutes old (or
 * who sends one as `step_up`). brand-token: a live access token of an active brand;
 * brand-grant-token: a valid access token whose liveness the read checks at its own
 * commit (so a refusal is audited with its reason). client: OAuth client authentication.
 * auditor: an auditor token or portal session; auditor-session: the portal session only.
 * operator: the operator credential.
 */
export type AuthKind = 'none' | 'consumer' | 'consumer-step-up' | 'brand-token' | 'brand-grant-token' | 'client' | 'auditor' | 'auditor-session' | 'operator';

export type Tag = 'System' | 'OAuth' | 'Brand data API' | 'Consumer API' | 'Auditor API' | 'Operator API';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who called, as the route's auth established it. */
export type Principal<A extends AuthKind> = A extends 'consumer' | 'consumer-step-up'
  ? { session: Session; consumerId: string }
  : A extends 'brand-token' | 'brand-grant-token'
    ? { token: AccessClaims }
    : A extends 'client'
      ? { brand: BrandRow }
      : A extends 'auditor' | 'auditor-session'
        ? { auditor: Auditor; session: Session | null }
        : A extends 'operator'
          ? { operator: Operator }
          : { session: Session | null };

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export type RouteInput<A extends AuthKind, P, Q, B, F> = {
  deps: Deps;
  c: Context<AppEnv>;
  auth: Principal<A>;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  /** The form as sent (every parameter a string), once the entry's schema has checked it. */
  form: Infer<F> & Record<string, string | undefined>;
};

type Schema = z.ZodType | undefined;

export type RouteSpec<A extends AuthKind, P extends Schema, Q extends Schema, B extends Schema, F extends Schema> = {
  method: Method;
  /** OpenAPI form: /v1/grants/{id}. */
  path: string;
  tag: Tag;
  summary: string;
  auth: A;
  /** Per-address rate-limit class (per-client limits follow client authentication). */
  limit?: LimitClass;
  /** The path names a resource of the caller's own: another caller's is answered 404. */
  owned?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** application/x-www-form-urlencoded (the OAuth endpoints). */
  form?: F;
  /** The JSON answer's shape, for the OpenAPI document. */
  response?: z.ZodType;
  ok?: number;
  okType?: string;
  handler(input: RouteInput<A, P, Q, B, F>): Response | Promise<Response>;
};

/** An entry with its types erased, as the table holds it. */
export type Route = RouteSpec<AuthKind, Schema, Schema, Schema, Schema>;

/** Declares a route; the handler's input is typed from the entry's auth and schemas. */
export function route<
  A extends AuthKind,
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  F extends Schema = undefined,
>(spec: RouteSpec<A, P, Q, B, F>): Route {
  return spec as unknown as Route;
}

/** Hono's path syntax for an OpenAPI path: {id} → :id. */
export const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
