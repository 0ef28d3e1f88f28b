// JWT verification for functions. Locally (and on projects with a legacy HS256 secret) the token
// is checked against JWT_SECRET; otherwise against the project's JWKS at
// SUPABASE_URL/auth/v1/.well-known/jwks.json (asymmetric signing keys). With neither variable set:
// 503 auth_not_configured (the deployment's fault, not the caller's token).
// Why not @supabase/server: it rejects HS256 tokens by design, and the local Auth server
// (@supabase/lite) signs HS256 only, so it could not verify a single local session.
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { MiddlewareHandler } from 'hono'
import { env, notConfigured, requireEnv } from './env.ts'
import { ApiError } from './errors.ts'

export type Role = 'anon' | 'authenticated' | 'service_role'

export interface AuthClaims extends JWTPayload {
  role: Role
  email?: string
}

let jwks: { base: string; keys: ReturnType<typeof createRemoteJWKSet> } | undefined

function projectJwks(): ReturnType<typeof createRemoteJWKSet> {
  const base = requireEnv('SUPABASE_URL', 'auth_not_configured')
  if (jwks?.base !== base) {
    let url: URL
    try {
      url = new URL('/auth/v1/.well-known/jwks.json', base)
    } catch {
      throw notConfigured('auth_not_configured', 'SUPABASE_URL is not a URL')
    }
    jwks = { base, keys: createRemoteJWKSet(url) }
  }
  return jwks.keys
}

export async function verifyJwt(token: string): Promise<AuthClaims> {
  const secret = env('JWT_SECRET')
  const keys = secret ? new TextEncoder().encode(secret) : projectJwks()
  try {
    const { payload } = keys instanceof Uint8Array
      ? await jwtVerify(token, keys, { algorithms: ['HS256'] })
      : await jwtVerify(token, keys)
    if (typeof payload.role !== 'string') throw new Error('no role claim')
    return payload as AuthClaims
  } catch {
    throw new ApiError(401, 'invalid_jwt', 'Missing or invalid JWT')
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

/** Requires a valid JWT whose role is one of `roles`; the claims are in c.get('claims'). */
export function requireRole(...roles: Role[]): MiddlewareHandler<{ Variables: { claims: AuthClaims } }> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'))
    if (!token) throw new ApiError(401, 'missing_jwt', 'Missing Authorization: Bearer <JWT>')
    const claims = await verifyJwt(token)
    if (!roles.includes(claims.role)) {
      throw new ApiError(403, 'forbidden', `This endpoint requires the ${roles.join(' or ')} role`)
    }
    c.set('claims', claims)
    await next()
  }
}
