// The chat widget's function (public; a request names its site by domain).
//   GET  /chat/config?domain=                        widget settings of an active config
//   POST /chat {domain, session_id, message, conversation_id?}   an answer with citations (SSE when Accept: text/event-stream)
//   GET  /chat/conversation?domain=&session_id=      the visitor's own conversation
//   POST /chat/verify {domain, session_id, email, order_number?} verify for order questions (order number, or a mailed code)
//   POST /chat/verify/confirm {domain, session_id, verification_id, code}
// Browsers are checked by Origin (the site's allowed_origins); native apps, which send no Origin, by
// the site's public app key in X-App-Key (site.ts). Both are rate limited the same way.
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { createApp } from '../_shared/app.ts'
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { sha256Hex } from '../_shared/hash.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { confirmVerification, startEmailVerification } from '../_shared/verification.ts'
import { type Answer, extractiveAnswer, modelAnswer, modelConfigured, streamModelAnswer } from './answer.ts'
import { allowOrigin, widgetPreflight } from './cors.ts'
import { retrieve, type Source } from './retrieval.ts'
import { ChatBody, ConfigQuery, ConfirmBody, ConversationQuery, VerifyBody } from './schemas.ts'
import { loadSite, requireCaller, type Site } from './site.ts'
import { isOrderQuestion, logAccess, orderMatches, orderSources, productSources } from './store.ts'

const VERIFICATION_PROMPT = 'To look up your orders I need to verify your email first: use "Verify my email" (email and order number, or a code we send you).'

async function openSite(c: Context, domain: string): Promise<Site> {
  const site = await loadSite(domain)
  const origin = c.req.header('origin')
  requireCaller(site, origin, c.req.header('x-app-key'))
  if (origin !== undefined) allowOrigin(c, site)
  return site
}

function clientIp(c: Context): string {
  return c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || c.req.header('cf-connecting-ip') || 'unknown'
}

/** The per-minute rate limit (per session and per IP hash, counted in the database): 429 over it. */
async function enforceRateLimit(c: Context, site: Site, sessionId: string, ipHash: string) {
  const [rate] = await db()<{ allowed: boolean; retry_after_seconds: number }[]>`
    select * from sites.hit_chat_rate_limit(${site.config_id}, ${[`session:${sessionId}`, `ip:${ipHash}`]}, ${site.rate_limit})`
  if (!rate.allowed) {
    c.header('retry-after', String(rate.retry_after_seconds))
    throw new ApiError(429, 'rate_limited', `At most ${site.rate_limit} messages a minute; retry in ${rate.retry_after_seconds} s`)
  }
}

type UsageVerdict = { allowed: boolean; limit_name: string | null; limit_value: number | null }
function refuseOverUsage(usage: UsageVerdict) {
  if (!usage.allowed) throw new ApiError(402, 'usage_limit_reached', `This site's chat has used its ${usage.limit_name} (${usage.limit_value}); it is paused until next month`)
}

/** Rate limit, then the business's monthly limits (checked only: nothing is counted). */
async function enforceLimits(c: Context, site: Site, sessionId: string, ipHash: string) {
  await enforceRateLimit(c, site, sessionId, ipHash)
  const [usage] = await db()<UsageVerdict[]>`select * from sites.chat_usage_check(${site.domain_id})`
  refuseOverUsage(usage)
}

/**
 * Rate limit, then one message taken from the business's monthly allowance atomically (so concurrent
 * requests on any number of instances never exceed it). Runs `answer`; if it fails, the message is
 * given back.
 */
async function withReservedMessage<T>(c: Context, site: Site, sessionId: string, ipHash: string, answer: () => Promise<T>): Promise<T> {
  await enforceRateLimit(c, site, sessionId, ipHash)
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

async function saveTurn(site: Site, body: ChatBody, answer: Answer, sources: Source[], email: string | undefined): Promise<string> {
  const sql = db()
  const tokens = answer.usage.prompt_tokens + answer.usage.completion_tokens
  const metadata = {
    mode: answer.mode, model: answer.model, prompt_tokens: answer.usage.prompt_tokens, completion_tokens: answer.usage.completion_tokens, tokens,
    sources: sources.map((s) => ({ kind: s.kind, url: s.url, title: s.title })),
  }
  const [{ id }] = await sql<{ id: string }[]>`
    select sites.record_chat_turn(${site.domain_id}, ${site.customer_id}, ${body.session_id}, ${body.conversation_id ?? null},
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

  app.post('/', async (c) => {
    const body = parse(ChatBody, await jsonBody(c))
    const site = await openSite(c, body.domain)
    const ipHash = await sha256Hex(`${site.config_id}:${clientIp(c)}`)
    return await withReservedMessage(c, site, body.session_id, ipHash, async () => {
      const email = await verifiedEmail(site, body.session_id)
      const orderQuestion = isOrderQuestion(body.message)
      const requiresVerification = orderQuestion && !email
      const [siteSources, products, orders] = await Promise.all([
        retrieve(site, body.message),
        productSources(site, body.message),
        orderQuestion && email ? orderSources(site, email, body.session_id, ipHash) : Promise.resolve([]),
      ])
      const sources = [...orders, ...products, ...siteSources]

      if (requiresVerification) {
        const answer: Answer = { text: VERIFICATION_PROMPT, mode: 'extractive', model: null, usage: { prompt_tokens: 0, completion_tokens: 0 } }
        const conversationId = await saveTurn(site, body, answer, [], email)
        return c.json({ conversation_id: conversationId, answer: answer.text, mode: 'verification_required', requires_verification: true, sources: [] })
      }
      if (modelConfigured() && c.req.header('accept')?.includes('text/event-stream')) {
        return streamSSE(c, async (stream) => {
          const generator = streamModelAnswer(site, body.message, sources)
          let step = await generator.next()
          while (!step.done) {
            await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: step.value }) })
            step = await generator.next()
          }
          const conversationId = await saveTurn(site, body, step.value, sources, email)
          await stream.writeSSE({ event: 'done', data: JSON.stringify({ conversation_id: conversationId, mode: 'model', sources: citations(sources), usage: step.value.usage }) })
        }, async (error, stream) => {
          // The response has started, so the failure is an event; the reserved message is given back.
          await releaseMessage(site)
          console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId' as never), path: c.req.path, message: error.message }))
          await stream.writeSSE({ event: 'error', data: JSON.stringify({ code: 'answer_failed', message: 'The answer could not be completed' }) })
        })
      }
      const answer = modelConfigured() ? await modelAnswer(site, body.message, sources) : extractiveAnswer(body.message, sources)
      const conversationId = await saveTurn(site, body, answer, sources, email)
      return c.json({ conversation_id: conversationId, answer: answer.text, mode: answer.mode, requires_verification: false, sources: citations(sources), usage: answer.usage })
    })
  })

  app.get('/conversation', async (c) => {
    const { domain, session_id } = parse(ConversationQuery, c.req.query())
    const site = await openSite(c, domain)
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
    const ipHash = await sha256Hex(`${site.config_id}:${clientIp(c)}`)
    await enforceLimits(c, site, body.session_id, ipHash)
    if (body.order_number) {
      const matches = await orderMatches(site, body.email, body.order_number)
      await logAccess(site, { email: body.email, sessionId: body.session_id, action: 'orders.verify', details: { matched: matches }, ipHash })
      if (!matches) throw new ApiError(403, 'verification_failed', 'That email and order number do not match an order')
      const [{ id }] = await db()<{ id: string }[]>`
        insert into sites.customer_verifications (domain_id, email, purpose, method, order_number, session_id, verified_at, expires_at)
        values (${site.domain_id}, ${body.email}, 'order_access', 'order_number', ${body.order_number}, ${body.session_id}, now(), now() + interval '24 hours')
        returning id`
      return c.json({ verification_id: id, verified: true })
    }
    const id = await startEmailVerification({ domainId: site.domain_id, domain: site.domain, email: body.email, purpose: 'order_access', sessionId: body.session_id })
    return c.json({ verification_id: id, verified: false, sent: true }, 202)
  })

  app.post('/verify/confirm', async (c) => {
    const body = parse(ConfirmBody, await jsonBody(c))
    const site = await openSite(c, body.domain)
    const [owned] = await db()`select 1 from sites.customer_verifications where id = ${body.verification_id} and domain_id = ${site.domain_id} and session_id = ${body.session_id}`
    if (!owned) throw new ApiError(404, 'not_found', 'No such verification for this session')
    await confirmVerification(body.verification_id, body.code)
    return c.json({ verification_id: body.verification_id, verified: true })
  })

  return app
}

export const app = createChatApp()
