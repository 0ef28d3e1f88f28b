// Visitor tokens: a widget session is a random id the server issues, with a token signed by
// CHAT_VISITOR_TOKEN_SECRET (HS256 JWT via jose) that binds the session to its site. Reading or
// continuing a conversation, and verifying an email for it, needs the token: a session id alone
// proves nothing. Tokens last 30 days; changing the secret ends every session.
import { jwtVerify, SignJWT } from 'jose'
import { ApiError } from '../_shared/errors.ts'
import { requireEnv } from '../_shared/env.ts'
import type { Site } from './site.ts'

const AUDIENCE = 'chat-visitor'
const LIFETIME = '30d'

export interface VisitorSession {
  session_id: string
  visitor_token: string
}

const key = () => new TextEncoder().encode(requireEnv('CHAT_VISITOR_TOKEN_SECRET', 'visitor_tokens_not_configured'))

/** A new session of this site: a random id and its token. */
export async function issueSession(site: Site): Promise<VisitorSession> {
  const sessionId = crypto.randomUUID()
  const token = await new SignJWT({ site: site.domain_id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sessionId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(LIFETIME)
    .sign(key())
  return { session_id: sessionId, visitor_token: token }
}

/**
 * The session a token proves for this site: undefined without a token; 401 invalid_visitor_token
 * for a forged, expired or other site's token.
 */
export async function sessionOf(site: Site, token: string | undefined): Promise<string | undefined> {
  if (token === undefined || token === '') return undefined
  const secret = key()
  try {
    const { payload } = await jwtVerify(token, secret, { audience: AUDIENCE, algorithms: ['HS256'] })
    if (payload.site === site.domain_id && typeof payload.sub === 'string' && payload.sub) return payload.sub
  } catch {
    // Refused below with one answer for every reason.
  }
  throw new ApiError(401, 'invalid_visitor_token', 'That visitor token is not valid for this site; start a new session')
}

/** The session a token proves; 401 visitor_token_required without one. */
export async function requireSession(site: Site, token: string | undefined): Promise<string> {
  const session = await sessionOf(site, token)
  if (!session) throw new ApiError(401, 'visitor_token_required', 'Send the visitor token of this session (X-Visitor-Token) to read or continue its conversation')
  return session
}
