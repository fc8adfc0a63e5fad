// A software WebAuthn authenticator for tests: real P-256 keys, real CBOR and real signatures,
// speaking the JSON shapes @simplewebauthn/server consumes, with overrides for negative tests.
import { Buffer } from 'node:buffer';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** Knobs for negative tests; each one makes the response wrong in exactly one way. */
export type AuthenticatorOverrides = {
  origin?: string; // clientData origin
  rpId?: string; // hashed into authenticatorData instead of the real RP ID
  challenge?: string; // clientData challenge (base64url)
  userVerified?: boolean; // false clears the UV flag
  counter?: number; // signCount to report (and keep) instead of the next one
  type?: string; // clientData type
  credentialId?: string; // authenticate: use this credential
};

export type StoredCredential = {
  id: string;
  rpId: string;
  userHandle: string;
  counter: number;
  publicKey: Uint8Array<ArrayBuffer>; // COSE_Key, as the server stores it
};

type Credential = StoredCredential & { privateKey: KeyObject; spki: Uint8Array };

// Minimal CBOR (RFC 8949) encoder: unsigned/negative integers, byte and text strings, arrays, maps.
type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor> | { [key: string]: Cbor };

function cborHead(major: number, n: number, out: number[]): void {
  const m = major << 5;
  if (n < 24) out.push(m | n);
  else if (n < 0x100) out.push(m | 24, n);
  else if (n < 0x10000) out.push(m | 25, n >>> 8, n & 0xff);
  else if (n < 0x1_0000_0000) out.push(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  else throw new RangeError('CBOR value too large for this encoder');
}

export function encodeCbor(value: Cbor): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  const encode = (v: Cbor): void => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new TypeError(`CBOR encoder handles integers only, got ${v}`);
      if (v >= 0) cborHead(0, v, out);
      else cborHead(1, -1 - v, out);
    } else if (typeof v === 'string') {
      const bytes = new TextEncoder().encode(v);
      cborHead(3, bytes.length, out);
      for (const b of bytes) out.push(b);
    } else if (v instanceof Uint8Array) {
      cborHead(2, v.length, out);
      for (const b of v) out.push(b);
    } else if (Array.isArray(v)) {
      cborHead(4, v.length, out);
      for (const item of v) encode(item);
    } else {
      const entries: [number | string, Cbor][] = v instanceof Map ? [...v] : Object.entries(v);
      cborHead(5, entries.length, out);
      for (const [k, item] of entries) {
        encode(k);
        encode(item);
      }
    }
  };
  encode(value);
  return Uint8Array.from(out);
}

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();
const FLAG_UP = 0x01,
  FLAG_UV = 0x04,
  FLAG_BE = 0x08,
  FLAG_BS = 0x10,
  FLAG_AT = 0x40;
const ES256 = -7;

function authData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Uint8Array {
  const head = Buffer.alloc(37);
  sha256(rpId).copy(head, 0);
  head.writeUInt8(flags, 32);
  head.writeUInt32BE(counter, 33);
  return Buffer.concat([head, attested ?? new Uint8Array()]);
}

function clientData(type: string, challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

export function createAuthenticator(config: { origin: string; rpId?: string }) {
  const defaultRpId = config.rpId ?? new URL(config.origin).hostname;
  const held: Credential[] = [];
  const find = (id: string): Credential => {
    const found = held.find((c) => c.id === id);
    if (!found) throw new Error(`authenticator holds no credential ${id}`);
    return found;
  };
  const flagsFor = (o: AuthenticatorOverrides) => FLAG_UP | (o.userVerified === false ? 0 : FLAG_UV) | FLAG_BE | FLAG_BS;

  return {
    /** navigator.credentials.create(): makes a discoverable ES256 credential with 'none' attestation. */
    register(options: PublicKeyCredentialCreationOptionsJSON, o: AuthenticatorOverrides = {}): RegistrationResponseJSON {
      if (options.pubKeyCredParams.length > 0 && !options.pubKeyCredParams.some((p) => p.alg === ES256)) {
        throw new Error('NotSupportedError: the relying party does not accept ES256');
      }
      const rpId = options.rp.id ?? defaultRpId;
      if (options.excludeCredentials?.some((d) => held.some((c) => c.id === d.id && c.rpId === rpId))) {
        throw new Error('InvalidStateError: this authenticator already holds an excluded credential');
      }
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const cose = encodeCbor(
        new Map<number, Cbor>([
          [1, 2],
          [3, ES256],
          [-1, 1],
          [-2, Buffer.from(jwk.x ?? '', 'base64url')],
          [-3, Buffer.from(jwk.y ?? '', 'base64url')],
        ]),
      );
      const rawId = randomBytes(32);
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(rawId.length);
      const attested = Buffer.concat([new Uint8Array(16), idLength, rawId, cose]);
      const counter = o.counter ?? 0;
      const data = authData(o.rpId ?? rpId, flagsFor(o) | FLAG_AT, counter, attested);
      const spki = publicKey.export({ format: 'der', type: 'spki' });
      const credential: Credential = {
        id: b64u(rawId),
        rpId,
        userHandle: options.user.id,
        counter,
        publicKey: cose,
        privateKey,
        spki,
      };
      held.push(credential);
      const clientDataJSON = clientData(o.type ?? 'webauthn.create', o.challenge ?? options.challenge, o.origin ?? config.origin);
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64u(clientDataJSON),
          attestationObject: b64u(encodeCbor({ fmt: 'none', attStmt: {}, authData: data })),
          authenticatorData: b64u(data),
          transports: ['internal'],
          publicKeyAlgorithm: ES256,
          publicKey: b64u(spki),
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      };
    },

    /** navigator.credentials.get(): signs with an allowed credential, or the newest discoverable one. */
    authenticate(options: PublicKeyCredentialRequestOptionsJSON, o: AuthenticatorOverrides = {}): AuthenticationResponseJSON {
      const rpId = options.rpId ?? defaultRpId;
      const allowed = options.allowCredentials ?? [];
      const credential =
        o.credentialId !== undefined
          ? find(o.credentialId)
          : held.filter((c) => c.rpId === rpId && (allowed.length === 0 || allowed.some((d) => d.id === c.id))).at(-1);
      if (!credential) throw new Error(`NotAllowedError: no credential for ${rpId} matches the request`);
      credential.counter = o.counter ?? credential.counter + 1;
      const data = authData(o.rpId ?? rpId, flagsFor(o), credential.counter);
      const clientDataJSON = clientData(o.type ?? 'webauthn.get', o.challenge ?? options.challenge, o.origin ?? config.origin);
      const signature = sign('sha256', Buffer.concat([data, sha256(clientDataJSON)]), credential.privateKey);
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64u(clientDataJSON),
          authenticatorData: b64u(data),
          signature: b64u(signature),
          userHandle: credential.userHandle,
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      };
    },

    /** What the authenticator holds, oldest first (no private keys). */
    credentials(): StoredCredential[] {
      return held.map(({ id, rpId, userHandle, counter, publicKey }) => ({ id, rpId, userHandle, counter, publicKey }));
    },

    /** Sets a credential's signCount; the next authenticate reports counter + 1. */
    setCounter(id: string, counter: number): void {
      find(id).counter = counter;
    },
  };
}

export type SoftwareAuthenticator = ReturnType<typeof createAuthenticator>;
