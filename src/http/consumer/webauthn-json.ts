// The WebAuthn JSON shapes @simplewebauthn produces (registration and authentication
// responses), bounded, for every route that takes one: sign-up, sign-in, step-up and the
// auditor portal.
import { z } from 'zod';

export const b64u = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[A-Za-z0-9_-]*$/, 'expected base64url');
export const registrationResponse = z.looseObject({
  id: b64u,
  rawId: b64u,
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: b64u,
    attestationObject: z.string().min(1).max(16384),
    transports: z.array(z.string().max(20)).max(10).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
export const authenticationResponse = z.looseObject({
  id: b64u,
  rawId: b64u,
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: b64u, authenticatorData: b64u, signature: b64u, userHandle: b64u.optional() }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
