// Step-up: POST /api/me/step-up/options and /verify (a passkey assertion by one of the
// consumer's own passkeys refreshes the session's auth_at). The sensitive calls may carry
// that assertion along as "step_up" instead (auth: consumer-step-up).
import { z } from 'zod';
import { stepUpOptions } from '../../features/identity/step-up-passkey.ts';
import { STEP_UP_MAX_AGE_MS } from '../../features/identity/step-up.ts';
import { provenSession } from '../auth/consumer-session.ts';
import { route, type Route } from '../route.ts';
import { authenticationResponse } from './webauthn-json.ts';

/** The optional member of a sensitive call's body that carries a step-up assertion. */
export const stepUpField = { step_up: authenticationResponse.optional() };

export const stepUpSchemas = { options: z.strictObject({}), verify: authenticationResponse, sensitive: z.strictObject(stepUpField) };

export const stepUpRoutes: Route[] = [
  route({
    method: 'post',
    path: '/api/me/step-up/options',
    tag: 'Consumer API',
    auth: 'consumer',
    body: stepUpSchemas.options,
    summary: 'Start a step-up: assertion options for my own passkeys',
    handler: async ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json(await stepUpOptions(deps, auth.session));
    },
  }),
  route({
    method: 'post',
    path: '/api/me/step-up/verify',
    tag: 'Consumer API',
    auth: 'consumer',
    body: stepUpSchemas.verify,
    summary: 'Finish a step-up: sensitive calls are allowed for five minutes',
    handler: async ({ deps, c, body }) => {
      const fresh = await provenSession(c, deps, body);
      return c.json({ auth_at: fresh.authAt, fresh_until: fresh.authAt + STEP_UP_MAX_AGE_MS });
    },
  }),
];
