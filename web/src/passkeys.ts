// Passkey ceremonies in the browser (@simplewebauthn/browser) against the consumer and
// auditor APIs, and recovery-code sign-in. Each success refreshes the session store. The
// step-up ceremony is what api() runs when a sensitive call needs a fresh passkey proof.
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { api, onStepUpRequired, setCsrfToken } from './api.ts';
import { auditorSession, consumerSession } from './session.ts';

export const passkeysSupported = () => browserSupportsWebAuthn();

type SignedIn = { csrf_token: string };

/** Sign-up: a new Trove account whose only key is this passkey. */
export async function signUpWithPasskey() {
  const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>('/api/passkeys/register/options', { method: 'POST', body: {} });
  const response = await startRegistration({ optionsJSON });
  const r = await api<SignedIn>('/api/passkeys/register/verify', { method: 'POST', body: { response } });
  await signedInAsConsumer(r);
}

export async function signInWithPasskey() {
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>('/api/passkeys/login/options', { method: 'POST', body: {} });
  const response = await startAuthentication({ optionsJSON });
  await signedInAsConsumer(await api<SignedIn>('/api/passkeys/login/verify', { method: 'POST', body: response }));
}

export async function signInWithRecoveryCode(code: string) {
  await signedInAsConsumer(await api<SignedIn>('/api/recovery/login', { method: 'POST', body: { code: code.trim() } }));
}

/** Confirms it is the signed-in consumer with one of their own passkeys (valid five minutes). */
export async function stepUpWithPasskey() {
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>('/api/me/step-up/options', { method: 'POST', body: {} });
  const response = await startAuthentication({ optionsJSON });
  await api('/api/me/step-up/verify', { method: 'POST', body: response });
}

onStepUpRequired(stepUpWithPasskey);

/** Signed in already: add another passkey (another device) to the account. */
export async function addPasskey(name?: string) {
  const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>('/api/passkeys/register/options', { method: 'POST', body: name ? { name } : {} });
  const response = await startRegistration({ optionsJSON });
  await api('/api/passkeys/register/verify', { method: 'POST', body: { response, ...(name ? { name } : {}) } });
}

async function signedInAsConsumer(r: SignedIn) {
  setCsrfToken(r.csrf_token);
  auditorSession.signedOut(); // one session cookie: signing in replaces any auditor session
  await consumerSession.refresh();
}

export async function enrolAuditor(code: string, name?: string) {
  const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>('/api/auditor/enrol/options', { method: 'POST', body: { code } });
  const response = await startRegistration({ optionsJSON });
  await signedInAsAuditor(await api<SignedIn>('/api/auditor/enrol/verify', { method: 'POST', body: { code, response, ...(name ? { name } : {}) } }));
}

export async function signInAsAuditor() {
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>('/api/auditor/login/options', { method: 'POST', body: {} });
  const response = await startAuthentication({ optionsJSON });
  await signedInAsAuditor(await api<SignedIn>('/api/auditor/login/verify', { method: 'POST', body: { response } }));
}

async function signedInAsAuditor(r: SignedIn) {
  setCsrfToken(r.csrf_token);
  consumerSession.signedOut();
  await auditorSession.refresh();
}
