// POST /catalog/assistant: a question in; matching offers and an answer out, stored as the user's
// conversation. With OPENAI_API_KEY the answer is an LLM summary grounded in the offers found;
// without it, a plain listing of those offers (never an invented answer).
import OpenAI from 'openai'
import type { z } from 'zod'
import { db, withRole } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import type { AssistantBody } from './schemas.ts'
import { searchInstances } from './search.ts'

type Offer = Awaited<ReturnType<typeof searchInstances>>['instances'][number]

function describe(o: Offer): string {
  const gpu = o.gpu_count > 0 ? `${o.gpu_count}x ${o.gpu_model}` : 'no GPU'
  return `${o.provider} ${o.name} (${o.cpu_cores} vCPU, ${o.memory_gb} GB, ${gpu}): ${o.price_monthly} ${o.price_currency}/month`
}

async function answer(question: string, offers: Offer[]): Promise<{ text: string; model: string | null }> {
  const listing = offers.map((o, i) => `${i + 1}. ${describe(o)}`).join('\n')
  const apiKey = env('OPENAI_API_KEY')
  if (!apiKey || offers.length === 0) {
    return { text: offers.length ? `Matching offers:\n${listing}` : 'No matching offers found.', model: null }
  }
  const model = env('CHAT_MODEL') ?? 'gpt-4o-mini'
  const client = new OpenAI({ apiKey, baseURL: env('OPENAI_BASE_URL'), maxRetries: 1, timeout: 60_000 })
  const completion = await client.chat.completions.create({
    model,
    messages: [
      { role: 'system', content: 'You help users choose cloud compute offers. Answer only from the offers listed; cite them by number.' },
      { role: 'user', content: `Offers:\n${listing}\n\nQuestion: ${question}` },
    ],
  })
  return { text: completion.choices[0]?.message?.content ?? `Matching offers:\n${listing}`, model }
}

export async function ask(userId: string, body: z.infer<typeof AssistantBody>) {
  // The question is understood as GET /catalog/instances understands q (same parse, same filters);
  // a filter value the catalog does not know answers no offers here rather than an error.
  const search = await searchInstances({ q: body.question, limit: 5, available_only: true }).catch((error) => {
    if (error instanceof ApiError && error.code === 'unknown_filter_value') return null
    throw error
  })
  const offers = search?.instances ?? []
  const reply = await answer(body.question, offers)
  // The user's rows are written as the user (RLS decides); the assistant's reply with the
  // function's own rights, into a conversation the user was just shown to own.
  const conversationId = await withRole('authenticated', { sub: userId }, async (sql) => {
    if (body.conversation_id) {
      const [own] = await sql`select id from cloud.conversations where id = ${body.conversation_id}`
      if (!own) throw new ApiError(404, 'conversation_not_found', 'No such conversation')
      await sql`insert into cloud.messages (conversation_id, role, content) values (${own.id}, 'user', ${body.question})`
      return own.id as string
    }
    const [created] = await sql`
      insert into cloud.conversations (user_id, title) values (${userId}, ${body.question.slice(0, 120)}) returning id`
    await sql`insert into cloud.messages (conversation_id, role, content) values (${created.id}, 'user', ${body.question})`
    return created.id as string
  })
  await db()`
    insert into cloud.messages (conversation_id, role, content, metadata)
    values (${conversationId}, 'assistant', ${reply.text}, ${db().json({ model: reply.model, offers: offers.map((o) => o.id) })})`
  return { conversation_id: conversationId, answer: reply.text, model: reply.model, offers, query: search?.query ?? null }
}
