// The chat widget's function (public; a request names its site by domain).
//   GET  /chat/config?domain=                        widget settings of an active config
//   POST /chat/session {domain}                      a new visitor session: {session_id, visitor_token}
//   POST /chat {domain, message, conversation_id?}   an answer with citations (SSE when Accept: text/event-stream);
//        without X-Visitor-Token it starts a new session and returns its session_id and visitor_token
//   GET  /chat/conversation?domain=                  the session's own conversation (X-Visitor-Token required)
//   POST /chat/verify {domain, email, order_number?} verify for order questions (order number, or a mailed code; token required)
//   POST /chat/verify/confirm {domain, verification_id, code}
// Browsers are checked by Origin (the site's allowed_origins); native apps, which send no Origin, by
// the site's public app key in X-App-Key (site.ts). Both hold visitor tokens and are rate limited
// the same way (rate-limit.ts: per address prefix, per session, per site).
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { createApp } from '../_shared/app.ts'
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { confirmVerification, startEmailVerification } from '../_shared/verification.ts'
import { type Answer, extractiveAnswer, modelAnswer, modelConfigured, streamModelAnswer } from './answer.ts'
import { allowOrigin, widgetPreflight } from './cors.ts'
import { retrieve, type Source } from './retrieval.ts'
import { addressHash, enforceRateLimit } from './rate-limit.ts'
import { ChatBody, ConfigQuery, ConfirmBody, ConversationQuery, SessionBody, VerifyBody } from './schemas.ts'
import { loadSite, requireCaller, type Site } from './site.ts'
import { isOrderQuestion, logAccess, orderMatches, orderSources, productSources } from './store.ts'
import { issueSession, requireSession, sessionOf, type VisitorSession } from './visitor-token.ts'

const VERIFICATION_PROMPT = 'To look up your orders I need to verify your email first: use "Verify my email" (email and order number, or a code we send you).'

async function openSite(c: Context, domain: string): Promise<Site> {
  const site = await loadSite(domain)
  const origin = c.req.header('origin')
  requireCaller(site, origin, c.req.header('x-app-key'))
  if (origin !== undefined) allowOrigin(c, site)
  return site
}

const visitorToken = (c: Context) => c.req.header('x-visitor-token')

/**
 * The rate limit first (so guesses count too), then the visitor token: the session it proves,
 * or 401 (visitor_token_required / invalid_visitor_token).
 */
async function limitedSession(c: Context, site: Site): Promise<string> {
  const token = visitorToken(c)
  const session = await sessionOf(site, token).catch(() => undefined)
  await enforceRateLimit(c, site, session)
  return session ?? await requireSession(site, token)
}

type UsageVerdict = { allowed: boolean; limit_name: string | null; limit_value: number | null }
function refuseOverUsage(usage: UsageVerdict) {
  if (!usage.allowed) throw new ApiError(402, 'usage_limit_reached', `This site's chat has used its ${usage.limit_name} (${usage.limit_value}); it is paused until next month`)
}

/** The business's monthly limits (checked only: nothing is counted). */
async function checkUsage(site: Site) {
  const [usage] = await db()<UsageVerdict[]>`select * from sites.chat_usage_check(${site.domain_id})`
  refuseOverUsage(usage)
}

/**
 * One message taken from the business's monthly allowance atomically (so concurrent requests on any
 * number of instances never exceed it). Runs `answer`; if it fails, the message is given back.
 */
async function withReservedMessage<T>(site: Site, answer: () => Promise<T>): Promise<T> {
  const [usage] = await db()<UsageVerdict[]>`select * from sites.reserve_chat_message(${site.domain_id})`
  refuseOverUsage(usage)
  try {
    return await answer()
  } catch (error) {
    await releaseMessage(site)
    throw error
  }
}

/** Gives back a reserved message (best effort: a failure here must not hide the original error). */
async function releaseMessage(site: Site) {
  await db()`select sites.release_chat_message(${site.domain_id})`.catch(() => {})
}

/** The email this session verified for order access (within 24 hours), if any. */
async function verifiedEmail(site: Site, sessionId: string): Promise<string | undefined> {
  const [row] = await db()<{ email: string }[]>`
    select email from sites.customer_verifications
    where domain_id = ${site.domain_id} and session_id = ${sessionId} and purpose = 'order_access'
      and verified_at > now() - interval '24 hours'
    order by verified_at desc limit 1`
  return row?.email
}

/** The session's conversation with this id, or 404 (another session's, or none): checked before any model call. */
async function requireOwnConversation(site: Site, sessionId: string, conversationId: string) {
  const [own] = await db()`select 1 from sites.conversations where id = ${conversationId} and domain_id = ${site.domain_id} and session_id = ${sessionId}`
  if (!own) throw new ApiError(404, 'conversation_not_found', 'No such conversation in this session')
}

async function saveTurn(site: Site, sessionId: string, body: ChatBody, answer: Answer, sources: Source[], email: string | undefined): Promise<string> {
  const sql = db()
  const tokens = answer.usage.prompt_tokens + answer.usage.completion_tokens
  const metadata = {
    mode: answer.mode, model: answer.model, prompt_tokens: answer.usage.prompt_tokens, completion_tokens: answer.usage.completion_tokens, tokens,
    sources: sources.map((s) => ({ kind: s.kind, url: s.url, title: s.title })),
  }
  const [{ id }] = await sql<{ id: string }[]>`
    select sites.record_chat_turn(${site.domain_id}, ${site.customer_id}, ${sessionId}, ${body.conversation_id ?? null},
      ${body.message}, ${answer.text}, ${sql.json(metadata)}, ${tokens}, ${email ?? null}) as id`
  return id
}

const citations = (sources: Source[]) => sources.filter((s) => s.kind !== 'order').map((s) => ({ kind: s.kind, url: s.url, title: s.title }))

export function createChatApp() {
  const app = createApp('chat', { cors: widgetPreflight })

  app.get('/config', async (c) => {
    const { domain } = parse(ConfigQuery, c.req.query())
    const site = await openSite(c, domain)
    return c.json({
      domain: site.domain, business_name: site.business_name, business_description: site.business_description, primary_color: site.primary_color,
      welcome_message: site.welcome_message, suggested_questions: site.suggested_questions,
    })
  })

  app.post('/session', async (c) => {
    const { domain } = parse(SessionBody, await jsonBody(c))
    const site = await openSite(c, domain)
    await enforceRateLimit(c, site, undefined)
    return c.json(await issueSession(site), 201)
  })

  app.post('/', async (c) => {
    const body = parse(ChatBody, await jsonBody(c))
    const site = await openSite(c, body.domain)
    const token = visitorToken(c)
    const known = await sessionOf(site, token).catch(() => undefined)
    await enforceRateLimit(c, site, known)
    // No token: a new session (it cannot name a conversation). A token: its session, and only its conversations.
    let sessionId: string
    let issued: VisitorSession | Record<string, never> = {}
    if (known) sessionId = known
    else if (token || body.conversation_id) sessionId = await requireSession(site, token) // 401
    else ({ session_id: sessionId } = issued = await issueSession(site))
    if (body.conversation_id) await requireOwnConversation(site, sessionId, body.conversation_id)
    const ipHash = await addressHash(c, site)
    return await withReservedMessage(site, async () => {
      const email = await verifiedEmail(site, sessionId)
      const orderQuestion = isOrderQuestion(body.message)
      const requiresVerification = orderQuestion && !email
      const [siteSources, products, orders] = await Promise.all([
        retrieve(site, body.message),
        productSources(site, body.message),
        orderQuestion && email ? orderSources(site, email, sessionId, ipHash) : Promise.resolve([]),
      ])
      const sources = [...orders, ...products, ...siteSources]

      if (requiresVerification) {
        const answer: Answer = { text: VERIFICATION_PROMPT, mode: 'extractive', model: null, usage: { prompt_tokens: 0, completion_tokens: 0 } }
        const conversationId = await saveTurn(site, sessionId, body, answer, [], email)
        return c.json({ ...issued, conversation_id: conversationId, answer: answer.text, mode: 'verification_required', requires_verification: true, sources: [] })
      }
      if (modelConfigured() && c.req.header('accept')?.includes('text/event-stream')) {
        return streamSSE(c, async (stream) => {
          const generator = streamModelAnswer(site, body.message, sources)
          let step = await generator.next()
          while (!step.done) {
            await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: step.value }) })
            step = await generator.next()
          }
          const conversationId = await saveTurn(site, sessionId, body, step.value, sources, email)
          await stream.writeSSE({ event: 'done', data: JSON.stringify({ ...issued, conversation_id: conversationId, mode: 'model', sources: citations(sources), usage: step.value.usage }) })
        }, async (error, stream) => {
          // The response has started, so the failure is an event; the reserved message is given back.
          await releaseMessage(site)
          console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId' as never), path: c.req.path, message: error.message }))
          await stream.writeSSE({ event: 'error', data: JSON.stringify({ code: 'answer_failed', message: 'The answer could not be completed' }) })
        })
      }
      const answer = modelConfigured() ? await modelAnswer(site, body.message, sources) : extractiveAnswer(body.message, sources)
      const conversationId = await saveTurn(site, sessionId, body, answer, sources, email)
      return c.json({ ...issued, conversation_id: conversationId, answer: answer.text, mode: answer.mode, requires_verification: false, sources: citations(sources), usage: answer.usage })
    })
  })

  app.get('/conversation', async (c) => {
    const { domain } = parse(ConversationQuery, c.req.query())
    const site = await openSite(c, domain)
    const session_id = await limitedSession(c, site)
    const sql = db()
    const [conversation] = await sql<{ id: string; started_at: Date }[]>`
      select id, started_at from sites.conversations where domain_id = ${site.domain_id} and session_id = ${session_id} order by created_at desc limit 1`
    if (!conversation) throw new ApiError(404, 'conversation_not_found', 'No conversation for this session')
    const messages = await sql`
      select role, content, metadata -> 'sources' as sources, created_at from sites.messages where conversation_id = ${conversation.id} order by created_at, role::text desc`
    return c.json({ conversation_id: conversation.id, started_at: conversation.started_at, messages })
  })

  app.post('/verify', async (c) => {
    const body = parse(VerifyBody, await jsonBody(c))
    const site = await openSite(c, body.domain)
    const sessionId = await limitedSession(c, site)
    await checkUsage(site)
    const ipHash = await addressHash(c, site)
    if (body.order_number) {
      const matches = await orderMatches(site, body.email, body.order_number)
      await logAccess(site, { email: body.email, sessionId, action: 'orders.verify', details: { matched: matches }, ipHash })
      if (!matches) throw new ApiError(403, 'verification_failed', 'That email and order number do not match an order')
      const [{ id }] = await db()<{ id: string }[]>`
        insert into sites.customer_verifications (domain_id, email, purpose, method, order_number, session_id, verified_at, expires_at)
        values (${site.domain_id}, ${body.email}, 'order_access', 'order_number', ${body.order_number}, ${sessionId}, now(), now() + interval '24 hours')
        returning id`
      return c.json({ verification_id: id, verified: true })
    }
    const id = await startEmailVerification({ domainId: site.domain_id, domain: site.domain, email: body.email, purpose: 'order_access', sessionId })
    return c.json({ verification_id: id, verified: false, sent: true }, 202)
  })

  app.post('/verify/confirm', async (c) => {
    const body = parse(ConfirmBody, await jsonBody(c))
    const site = await openSite(c, body.domain)
    const sessionId = await limitedSession(c, site)
    const [owned] = await db()`select 1 from sites.customer_verifications where id = ${body.verification_id} and domain_id = ${site.domain_id} and session_id = ${sessionId}`
    if (!owned) throw new ApiError(404, 'not_found', 'No such verification for this session')
    await confirmVerification(body.verification_id, body.code)
    return c.json({ verification_id: body.verification_id, verified: true })
  })

  return app
}

export const app = createChatApp()
