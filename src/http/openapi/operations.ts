// Every route Trove serves, with the zod schemas that validate it: the single list the
// OpenAPI document is generated from (a test fails when the router and this list differ).
import { z } from 'zod';
import { grantListQuery } from '../../features/grants/brand-grants.ts';
import { intentInput } from '../../features/profile/intents.ts';
import { valueInput } from '../../features/value/ledger.ts';
import { deliveriesQuery } from '../brand/lifecycle.ts';
import { attributeSchemas } from '../consumer/attributes.ts';
import { credentialSchemas } from '../consumer/credentials.ts';
import { meSchemas } from '../consumer/me.ts';
import { sessionSchemas } from '../consumer/sessions.ts';
import { stepUpSchemas } from '../consumer/step-up.ts';
import { consentSchemas } from '../consumer/grants.ts';
import { idParam as intentId } from '../consumer/intents.ts';
import { passkeySchemas } from '../consumer/passkey-auth.ts';
import { personaSchemas } from '../consumer/personas.ts';
import { authorizeQuery, oauthForms } from '../oauth/form-schemas.ts';
import { activityQuery } from '../../features/activity/consumer-activity.ts';
import { eventsQuery, pageQuery } from '../../features/auditors/audit-queries.ts';
import { exportQuery } from '../auditor/audit-api.ts';
import { auditorPortalSchemas } from '../auditor/auditor-portal.ts';

export type Auth = 'none' | 'session' | 'bearer' | 'client' | 'auditor';
export type Operation = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  tag: 'System' | 'OAuth' | 'Brand data API' | 'Consumer API' | 'Auditor API';
  summary: string;
  auth: Auth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  form?: z.ZodType;
  ok?: number;
  okType?: string;
};

const grantId = consentSchemas.id;
const op = (o: Operation) => o;

export const OPERATIONS: Operation[] = [
  op({ method: 'get', path: '/healthz', tag: 'System', summary: 'Health: 200 when the database answers', auth: 'none' }),
  op({ method: 'get', path: '/.well-known/jwks.json', tag: 'System', summary: 'Trove’s public Ed25519 signing keys', auth: 'none' }),
  op({ method: 'get', path: '/openapi.json', tag: 'System', summary: 'This OpenAPI 3.1 document', auth: 'none' }),
  op({ method: 'get', path: '/docs', tag: 'System', summary: 'The API reference as a page', auth: 'none', okType: 'text/html' }),
  op({ method: 'get', path: '/.well-known/oauth-authorization-server', tag: 'OAuth', summary: 'Authorization server metadata (RFC 8414)', auth: 'none' }),
  op({ method: 'post', path: '/oauth/par', tag: 'OAuth', summary: 'Push an authorization request with trove_attributes details (RFC 9126, RFC 9396)', auth: 'client', form: oauthForms.par, ok: 201 }),
  op({ method: 'get', path: '/oauth/authorize', tag: 'OAuth', summary: 'Send the browser to the consent page', auth: 'none', query: authorizeQuery, ok: 303 }),
  op({ method: 'post', path: '/oauth/token', tag: 'OAuth', summary: 'Exchange a code (PKCE), refresh (rotated) or get a client token', auth: 'client', form: oauthForms.token }),
  op({ method: 'post', path: '/oauth/revoke', tag: 'OAuth', summary: 'Revoke a token (RFC 7009)', auth: 'client', form: oauthForms.revoke }),
  op({ method: 'post', path: '/oauth/introspect', tag: 'OAuth', summary: 'Introspect a token (RFC 7662)', auth: 'client', form: oauthForms.introspect }),
  op({ method: 'get', path: '/v1/attributes', tag: 'Brand data API', summary: 'Read the granted attributes of the token’s subject (audited)', auth: 'bearer' }),
  op({ method: 'get', path: '/v1/grants', tag: 'Brand data API', summary: 'The brand’s grants, for sync', auth: 'bearer', query: grantListQuery }),
  op({ method: 'get', path: '/v1/grants/{id}', tag: 'Brand data API', summary: 'One grant', auth: 'bearer', params: grantId }),
  op({ method: 'delete', path: '/v1/grants/{id}', tag: 'Brand data API', summary: 'Give a grant up', auth: 'bearer', params: grantId, ok: 204 }),
  op({ method: 'get', path: '/v1/grants/{id}/attributes', tag: 'Brand data API', summary: 'Read a grant’s attributes (audited)', auth: 'bearer', params: grantId }),
  op({ method: 'post', path: '/v1/grants/{id}/value', tag: 'Brand data API', summary: 'Record value delivered to the consumer', auth: 'bearer', params: grantId, body: valueInput, ok: 201 }),
  op({ method: 'get', path: '/v1/grants/{id}/receipt', tag: 'Brand data API', summary: 'The grant’s latest signed consent receipt', auth: 'bearer', params: grantId }),
  op({ method: 'get', path: '/v1/intents', tag: 'Brand data API', summary: 'Open intents the brand’s grants cover (audited)', auth: 'bearer' }),
  op({ method: 'get', path: '/v1/webhooks/deliveries', tag: 'Brand data API', summary: 'The brand’s webhook delivery log', auth: 'bearer', query: deliveriesQuery }),
  op({ method: 'post', path: '/api/passkeys/register/options', tag: 'Consumer API', summary: 'Start sign-up (or add a passkey when signed in: needs step-up)', auth: 'none', body: passkeySchemas.registerOptions }),
  op({ method: 'post', path: '/api/passkeys/register/verify', tag: 'Consumer API', summary: 'Finish sign-up; sets the session cookie', auth: 'none', body: passkeySchemas.registerVerify }),
  op({ method: 'post', path: '/api/passkeys/login/options', tag: 'Consumer API', summary: 'Start a usernameless sign-in', auth: 'none', body: passkeySchemas.loginOptions }),
  op({ method: 'post', path: '/api/passkeys/login/verify', tag: 'Consumer API', summary: 'Finish sign-in; sets the session cookie', auth: 'none', body: passkeySchemas.loginVerify }),
  op({ method: 'post', path: '/api/recovery/login', tag: 'Consumer API', summary: 'Sign in with a single-use recovery code', auth: 'none', body: passkeySchemas.recovery }),
  op({ method: 'post', path: '/api/session/logout', tag: 'Consumer API', summary: 'End the session', auth: 'session', ok: 204 }),
  op({ method: 'get', path: '/api/me', tag: 'Consumer API', summary: 'The signed-in consumer and the CSRF token', auth: 'session' }),
  op({ method: 'delete', path: '/api/me', tag: 'Consumer API', summary: 'Erase the account (crypto-shredding; needs step-up)', auth: 'session', body: stepUpSchemas.sensitive, ok: 204 }),
  op({ method: 'post', path: '/api/me/backup-prompt/dismiss', tag: 'Consumer API', summary: 'Stop prompting for recovery codes or a second passkey', auth: 'session', body: meSchemas.dismiss, ok: 204 }),
  op({ method: 'get', path: '/api/me/sessions', tag: 'Consumer API', summary: 'My sessions: device, opened, last seen, which is this one', auth: 'session' }),
  op({ method: 'delete', path: '/api/me/sessions/{id}', tag: 'Consumer API', summary: 'End a session (this one too: that signs out)', auth: 'session', params: sessionSchemas.id, ok: 204 }),
  op({ method: 'post', path: '/api/me/sessions/revoke-others', tag: 'Consumer API', summary: 'Sign out everywhere else', auth: 'session', body: sessionSchemas.revokeOthers }),
  op({ method: 'post', path: '/api/me/step-up/options', tag: 'Consumer API', summary: 'Start a step-up: assertion options for my own passkeys', auth: 'session', body: stepUpSchemas.options }),
  op({ method: 'post', path: '/api/me/step-up/verify', tag: 'Consumer API', summary: 'Finish a step-up: sensitive calls are allowed for five minutes', auth: 'session', body: stepUpSchemas.verify }),
  op({ method: 'get', path: '/api/me/export', tag: 'Consumer API', summary: 'Everything held about me, decrypted', auth: 'session' }),
  op({ method: 'get', path: '/api/catalog/attributes', tag: 'Consumer API', summary: 'The catalogue of well-known attributes', auth: 'none' }),
  op({ method: 'get', path: '/api/me/attributes', tag: 'Consumer API', summary: 'My profile', auth: 'session' }),
  op({ method: 'put', path: '/api/me/attributes/{name}', tag: 'Consumer API', summary: 'Set an attribute (optionally for a persona)', auth: 'session', params: attributeSchemas.name, body: attributeSchemas.put }),
  op({ method: 'delete', path: '/api/me/attributes/{name}', tag: 'Consumer API', summary: 'Delete an attribute value', auth: 'session', params: attributeSchemas.name, query: attributeSchemas.persona, ok: 204 }),
  op({ method: 'get', path: '/api/me/personas', tag: 'Consumer API', summary: 'My personas', auth: 'session' }),
  op({ method: 'post', path: '/api/me/personas', tag: 'Consumer API', summary: 'Create a persona', auth: 'session', body: personaSchemas.create, ok: 201 }),
  op({ method: 'delete', path: '/api/me/personas/{name}', tag: 'Consumer API', summary: 'Delete a persona and its values', auth: 'session', params: personaSchemas.name, ok: 204 }),
  op({ method: 'get', path: '/api/me/intents', tag: 'Consumer API', summary: 'My intents and who read them', auth: 'session' }),
  op({ method: 'post', path: '/api/me/intents', tag: 'Consumer API', summary: 'Publish an intent', auth: 'session', body: intentInput, ok: 201 }),
  op({ method: 'get', path: '/api/me/intents/{id}', tag: 'Consumer API', summary: 'One intent', auth: 'session', params: intentId }),
  op({ method: 'delete', path: '/api/me/intents/{id}', tag: 'Consumer API', summary: 'Withdraw an intent', auth: 'session', params: intentId, ok: 204 }),
  op({ method: 'get', path: '/api/me/passkeys', tag: 'Consumer API', summary: 'My passkeys', auth: 'session' }),
  op({ method: 'patch', path: '/api/me/passkeys/{id}', tag: 'Consumer API', summary: 'Rename a passkey', auth: 'session', params: credentialSchemas.id, body: credentialSchemas.rename, ok: 204 }),
  op({ method: 'delete', path: '/api/me/passkeys/{id}', tag: 'Consumer API', summary: 'Remove a passkey (never the last without recovery codes; needs step-up; ends the sessions it opened)', auth: 'session', params: credentialSchemas.id, body: stepUpSchemas.sensitive, ok: 204 }),
  op({ method: 'post', path: '/api/me/recovery-codes', tag: 'Consumer API', summary: 'New recovery codes, shown once (needs step-up)', auth: 'session', body: stepUpSchemas.sensitive, ok: 201 }),
  op({ method: 'get', path: '/api/me/requests/{id}', tag: 'Consumer API', summary: 'A brand’s request, for the consent screen', auth: 'session', params: consentSchemas.id }),
  op({ method: 'post', path: '/api/me/requests/{id}/approve', tag: 'Consumer API', summary: 'Approve, optionally dropping optional attributes', auth: 'session', params: consentSchemas.id, body: consentSchemas.approve }),
  op({ method: 'post', path: '/api/me/requests/{id}/deny', tag: 'Consumer API', summary: 'Deny the request', auth: 'session', params: consentSchemas.id }),
  op({ method: 'get', path: '/api/me/grants', tag: 'Consumer API', summary: 'My grants, active and ended', auth: 'session' }),
  op({ method: 'get', path: '/api/me/grants/{id}', tag: 'Consumer API', summary: 'One grant, with access count and last read', auth: 'session', params: consentSchemas.id }),
  op({ method: 'post', path: '/api/me/grants/{id}/revoke', tag: 'Consumer API', summary: 'Revoke a grant, effective at once', auth: 'session', params: consentSchemas.id }),
  op({ method: 'get', path: '/api/me/receipts/{id}', tag: 'Consumer API', summary: 'A signed consent receipt', auth: 'session', params: consentSchemas.id }),
  op({ method: 'get', path: '/api/me/value', tag: 'Consumer API', summary: 'Value promised and received, per brand', auth: 'session' }),
  op({ method: 'get', path: '/api/me/activity', tag: 'Consumer API', summary: 'Every event about me (reads, denied attempts, decisions), newest first', auth: 'session', query: activityQuery }),
  op({ method: 'post', path: '/api/auditor/enrol/options', tag: 'Auditor API', summary: 'Passkey creation options for a one-time enrolment code', auth: 'none', body: auditorPortalSchemas.enrolOptions }),
  op({ method: 'post', path: '/api/auditor/enrol/verify', tag: 'Auditor API', summary: 'Enrol the passkey and sign in', auth: 'none', body: auditorPortalSchemas.enrolVerify }),
  op({ method: 'post', path: '/api/auditor/login/options', tag: 'Auditor API', summary: 'Usernameless passkey sign-in options', auth: 'none', body: auditorPortalSchemas.loginOptions }),
  op({ method: 'post', path: '/api/auditor/login/verify', tag: 'Auditor API', summary: 'Sign in as an auditor', auth: 'none', body: auditorPortalSchemas.loginVerify }),
  op({ method: 'get', path: '/api/auditor/me', tag: 'Auditor API', summary: 'The signed-in auditor, scope and CSRF token', auth: 'session' }),
  op({ method: 'get', path: '/v1/audit/events', tag: 'Auditor API', summary: 'Audit events by filter, cursor paged (stable while events are appended)', auth: 'auditor', query: eventsQuery }),
  op({ method: 'get', path: '/v1/audit/export', tag: 'Auditor API', summary: 'Streamed export as JSON Lines (with signed checkpoints and trailer) or CSV', auth: 'auditor', query: exportQuery, okType: 'application/jsonl' }),
  op({ method: 'get', path: '/v1/audit/checkpoints', tag: 'Auditor API', summary: 'Signed checkpoints of the chain, newest first', auth: 'auditor', query: pageQuery }),
  op({ method: 'get', path: '/v1/audit/verify', tag: 'Auditor API', summary: 'Verify the hash chain and checkpoints', auth: 'auditor' }),
];
