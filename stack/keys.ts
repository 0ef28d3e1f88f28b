// Legacy-style API keys (anon / service_role JWTs, HS256) derived from the JWT secret, as
// `supabase status` prints them. Deterministic: same secret, same keys, across restarts.
import { jwtVerify, SignJWT } from 'jose'

// 2032-11-12, far enough for local use; fixed so the keys never change between boots.
const ISSUED_AT = 1668124800
const EXPIRES_AT = 1983812996

export type KeyRole = 'anon' | 'service_role'

export async function signRoleKey(role: KeyRole, jwtSecret: string): Promise<string> {
  return await new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('supabase-demo')
    .setIssuedAt(ISSUED_AT)
    .setExpirationTime(EXPIRES_AT)
    .sign(new TextEncoder().encode(jwtSecret))
}

/** Signs a user access token the way Auth does (for tests and scripts). */
export async function signUserToken(
  userId: string,
  jwtSecret: string,
  extra: Record<string, unknown> = {},
  expiresIn = '1h',
): Promise<string> {
  return await new SignJWT({ role: 'authenticated', aud: 'authenticated', ...extra })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(jwtSecret))
}

/** Claims of a valid HS256 token, or null. */
export async function verifyHs256(token: string, jwtSecret: string): Promise<Record<string, unknown> | null> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(jwtSecret), { algorithms: ['HS256'] })
    return payload as Record<string, unknown>
  } catch {
    return null
  }
}
