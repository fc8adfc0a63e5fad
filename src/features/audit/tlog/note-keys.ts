// Signed-note Ed25519 keys: key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], vkeys
// "name+hex(id)+base64(type ‖ key)", Go's skeys "PRIVATE+KEY+name+hex(id)+base64(type ‖ seed)"; IDs must match.
//
// Ed25519 itself is WebCrypto's (Node, Workers and browsers all have it); only SHA-256 is @noble/hashes'.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromBase64, fromHex, readUint32, toBase64, utf8, type Bytes } from './bytes.ts';
import { hex8, isValidKeyName, type NoteSigner, type NoteVerifier } from './signed-note.ts';

export const KEY_TYPE_ED25519 = 0x01;
/** c2sp.org/tlog-cosignature v1: timestamped Ed25519 checkpoint cosignatures. */
export const KEY_TYPE_COSIGNATURE_V1 = 0x04;

export type VerifierKey = { name: string; keyId: number; type: number; publicKey: Bytes };
export type SignerKey = VerifierKey & { privateKey: CryptoKey };

export function noteKeyId(name: string, type: number, publicKey: Uint8Array): number {
  return readUint32(sha256(concatBytes(utf8(`${name}\n`), Uint8Array.of(type), publicKey)));
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new Error('invalid key name');
  return `${name}+${hex8(noteKeyId(name, type, publicKey))}+${toBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
}

/** Splits "name+hex8+base64(type ‖ 32 bytes)" (Ed25519 types only; base64 may hold '+'). */
function parseKeyParts(text: string, what: string): { name: string; keyId: number; type: number; key: Bytes } {
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text);
  const [, name, id, b64] = m ?? [];
  if (!m || !isValidKeyName(name!) || !/^[0-9a-f]{8}$/.test(id!)) throw new Error(`malformed ${what}`);
  const raw = fromBase64(b64!);
  const type = raw?.[0];
  if (raw?.length !== 33 || (type !== KEY_TYPE_ED25519 && type !== KEY_TYPE_COSIGNATURE_V1)) {
    throw new Error(`unsupported ${what}: an Ed25519 key (type 0x01 or 0x04) is 33 bytes`);
  }
  return { name: name!, keyId: readUint32(fromHex(id!)), type, key: raw.slice(1) };
}

export function parseVerifierKey(vkey: string): VerifierKey {
  const { name, keyId, type, key } = parseKeyParts(vkey, 'verifier key');
  if (noteKeyId(name, type, key) !== keyId) throw new Error('verifier key ID does not match the key');
  return { name, keyId, type, publicKey: key };
}

// PKCS #8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410), the form WebCrypto imports.
const PKCS8_ED25519 = fromHex('302e020100300506032b657004220420');

async function importSeed(seed: Uint8Array, extractable: boolean): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', concatBytes(PKCS8_ED25519, seed), 'Ed25519', extractable, ['sign']);
}

async function publicKeyOf(seed: Uint8Array): Promise<Bytes> {
  const jwk = (await crypto.subtle.exportKey('jwk', await importSeed(seed, true))) as JsonWebKey;
  return fromBase64(`${jwk.x!.replaceAll('-', '+').replaceAll('_', '/')}=`)!;
}

/** Parses a signer key; its key ID must match the public key derived from the seed. */
export async function parseSignerKey(skey: string): Promise<SignerKey> {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new Error('malformed signer key');
  const { name, keyId, type, key: seed } = parseKeyParts(skey.slice('PRIVATE+KEY+'.length), 'signer key');
  const publicKey = await publicKeyOf(seed);
  if (noteKeyId(name, type, publicKey) !== keyId) throw new Error('signer key ID does not match the key');
  return { name, keyId, type, publicKey, privateKey: await importSeed(seed, false) };
}

/** A fresh Ed25519 key pair as signer and verifier key strings. */
export async function generateNoteKey(name: string, type = KEY_TYPE_ED25519): Promise<{ skey: string; vkey: string }> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const publicKey = await publicKeyOf(seed);
  const vkey = formatVerifierKey(name, type, publicKey);
  const [, id] = vkey.split('+');
  return { skey: `PRIVATE+KEY+${name}+${id}+${toBase64(concatBytes(Uint8Array.of(type), seed))}`, vkey };
}

export async function ed25519Sign(privateKey: CryptoKey, msg: Uint8Array): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, msg as Bytes));
}

/** Ed25519 verification with the key imported once; false (never a throw) for any bad input. */
export function ed25519Verifier(publicKey: Uint8Array): (msg: Uint8Array, sig: Uint8Array) => Promise<boolean> {
  let key: Promise<CryptoKey> | undefined;
  return async (msg, sig) => {
    if (sig.length !== 64) return false;
    try {
      key ??= crypto.subtle.importKey('raw', publicKey as Bytes, 'Ed25519', false, ['verify']);
      return await crypto.subtle.verify('Ed25519', await key, sig as Bytes, msg as Bytes);
    } catch {
      return false;
    }
  };
}

/** A note verifier for a type 0x01 verifier key (plain Ed25519 over the note text). */
export function noteVerifier(vkey: string | VerifierKey): NoteVerifier {
  const k = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (k.type !== KEY_TYPE_ED25519) throw new Error('not an Ed25519 note key (type 0x01)');
  return { name: k.name, keyId: k.keyId, verify: ed25519Verifier(k.publicKey) };
}

/** A note signer for a type 0x01 signer key. */
export async function noteSigner(skey: string | SignerKey): Promise<NoteSigner> {
  const k = typeof skey === 'string' ? await parseSignerKey(skey) : skey;
  if (k.type !== KEY_TYPE_ED25519) throw new Error('not an Ed25519 note key (type 0x01)');
  return { name: k.name, keyId: k.keyId, sign: (text) => ed25519Sign(k.privateKey, text) };
}
