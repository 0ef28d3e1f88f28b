// Sealing of stored credentials (provider API tokens, store keys, BYOK keys): AES-256-GCM with a
// 32-byte key from CREDENTIALS_ENCRYPTION_KEY (base64). Stored as {alg, iv, ct} so the database can
// refuse plaintext with a CHECK; only functions holding the key can open it. Web Crypto, so it runs
// under Deno and Node alike. Unset or not 32 bytes of base64: 503 credentials_key_not_configured
// (nothing is sealed, opened or sent on).
import { notConfigured, requireEnv } from './env.ts'

export interface SealedSecret {
  alg: 'A256GCM'
  iv: string
  ct: string
}

const b64 = {
  encode: (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)),
  decode: (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
}

const KEY_CODE = 'credentials_key_not_configured'

async function key(): Promise<CryptoKey> {
  const encoded = requireEnv('CREDENTIALS_ENCRYPTION_KEY', KEY_CODE)
  let raw: Uint8Array<ArrayBuffer>
  try {
    raw = b64.decode(encoded)
  } catch {
    raw = new Uint8Array()
  }
  if (raw.length !== 32) throw notConfigured(KEY_CODE, 'CREDENTIALS_ENCRYPTION_KEY must be 32 bytes, base64-encoded')
  return await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

export async function seal(value: unknown): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await key(), new TextEncoder().encode(JSON.stringify(value)))
  return { alg: 'A256GCM', iv: b64.encode(iv), ct: b64.encode(new Uint8Array(ct)) }
}

/** Opens a sealed value; throws if it was tampered with or sealed under another key. */
export async function open<T = unknown>(sealed: SealedSecret): Promise<T> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(sealed.iv) }, await key(), b64.decode(sealed.ct))
  return JSON.parse(new TextDecoder().decode(plain)) as T
}
