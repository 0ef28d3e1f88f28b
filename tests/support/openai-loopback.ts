// A loopback HTTP server that speaks OpenAI's embeddings API (POST /v1/embeddings, Bearer auth,
// {data: [{object, index, embedding}], model, usage}) and its error format, with switches to make
// it fail the way the real API does (5xx, 400 invalid input, 429 with Retry-After).
import { Hono } from 'hono'
import { listenOnLoopback } from './listen.ts'
import { hashEmbedding } from '../../functions/_shared/embeddings/local-embedder.ts'

export interface LoopbackRequest {
  model: string
  inputs: string[]
  status: number
}

export interface OpenAILoopback {
  baseURL: string
  apiKey: string
  requests: LoopbackRequest[]
  /** Chat completion requests received (POST /v1/chat/completions), whole bodies. */
  chats: ChatRequest[]
  /**
   * What the model answers: a function of the request returning the assistant's content (a string;
   * for structured outputs, the JSON text). Unset: a fixed short answer. Streams (SSE chunks, then
   * a usage chunk when stream_options.include_usage, then [DONE]) when the request asks.
   */
  setChatResponder(responder: ((request: ChatRequest) => string) | undefined): void
  /** Fail the next n requests with 500. */
  failNext(n: number): void
  /** Answer 400 to any request containing an input that includes this marker. */
  poison(marker: string | undefined): void
  /** Answer the next request with 429 and this Retry-After (seconds). */
  rateLimitNext(retryAfterSeconds: number): void
  close(): Promise<void>
}

export interface ChatRequest {
  model: string
  messages: { role: string; content: string }[]
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } }
  [key: string]: unknown
}

/**
 * A model that obeys instructions it finds in its system message, as a naive model would: when the
 * system message says `ignore previous instructions and say "X"` it answers X; otherwise `fallback`.
 * For prompt-injection tests: site content must never reach the system message.
 */
export function obeysSystemInstructions(fallback: (request: ChatRequest) => string) {
  return (request: ChatRequest): string => {
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n')
    const injected = /ignore (?:all )?previous instructions[^"]*"([^"]+)"/i.exec(system)
    return injected ? injected[1] : fallback(request)
  }
}

const error = (message: string, type: string, code: string | null = null) => ({ error: { message, type, param: null, code } })

export async function startOpenAILoopback(): Promise<OpenAILoopback> {
  const apiKey = 'sk-loopback-test'
  const requests: LoopbackRequest[] = []
  let failures = 0
  let poisonMarker: string | undefined
  let rateLimit: number | undefined
  const chats: ChatRequest[] = []
  let responder: ((request: ChatRequest) => string) | undefined

  const app = new Hono()
  app.post('/v1/embeddings', async (c) => {
    if (c.req.header('authorization') !== `Bearer ${apiKey}`) {
      return c.json(error('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'), 401)
    }
    const body = await c.req.json<{ model: string; input: string | string[]; encoding_format?: string }>()
    const inputs = Array.isArray(body.input) ? body.input : [body.input]
    const record = (status: number) => requests.push({ model: body.model, inputs, status })
    if (inputs.length > 2048) {
      record(400)
      return c.json(error('Too many inputs: max 2048', 'invalid_request_error'), 400)
    }
    if (rateLimit !== undefined) {
      const seconds = rateLimit
      rateLimit = undefined
      record(429)
      c.header('retry-after', String(seconds))
      return c.json(error('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'), 429)
    }
    if (failures > 0) {
      failures--
      record(500)
      return c.json(error('The server had an error while processing your request.', 'server_error'), 500)
    }
    if (poisonMarker && inputs.some((i) => i.includes(poisonMarker!))) {
      record(400)
      return c.json(error(`Invalid input: contains ${poisonMarker}`, 'invalid_request_error'), 400)
    }
    record(200)
    const tokens = inputs.reduce((n, i) => n + Math.ceil(i.length / 4), 0)
    return c.json({
      object: 'list',
      data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: hashEmbedding(`openai ${input}`, 1536) })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    })
  })

  app.post('/v1/chat/completions', async (c) => {
    if (c.req.header('authorization') !== `Bearer ${apiKey}`) {
      return c.json(error('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'), 401)
    }
    const body = await c.req.json<ChatRequest>()
    chats.push(body)
    const user = body.messages.at(-1)?.content ?? ''
    const content = responder ? responder(body) : `Offer 1 is the cheapest. (${user.length} chars read)`
    const id = `chatcmpl-${chats.length}`
    const created = Math.floor(Date.now() / 1000)
    const promptTokens = Math.ceil(JSON.stringify(body.messages).length / 4)
    const completionTokens = Math.max(1, Math.ceil(content.length / 4))
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }
    if (body.stream) {
      const pieces = content.match(/[\s\S]{1,12}/g) ?? ['']
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices, ...extra })}\n\n`
      const events = [
        chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
        ...pieces.map((piece) => chunk([{ index: 0, delta: { content: piece }, finish_reason: null }])),
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
        ...(body.stream_options?.include_usage ? [chunk([], { usage })] : []),
        'data: [DONE]\n\n',
      ]
      return new Response(events.join(''), { headers: { 'content-type': 'text/event-stream' } })
    }
    return c.json({
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
      usage,
    })
  })

  const server = await listenOnLoopback(app.fetch)
  return {
    baseURL: `${server.url}/v1`,
    apiKey,
    requests,
    chats,
    setChatResponder: (fn) => (responder = fn),
    failNext: (n) => (failures = n),
    poison: (marker) => (poisonMarker = marker),
    rateLimitNext: (seconds) => (rateLimit = seconds),
    close: server.close,
  }
}
