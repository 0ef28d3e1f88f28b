// The catalog function's read endpoints and the assistant, against a real database with the
// seeded catalog embedded by the pipeline (local embedder).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/catalog/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { app as embedApp } from '../../functions/embed/app.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { startOpenAILoopback, type OpenAILoopback } from '../support/openai-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'catalog-test-secret-with-at-least-32-characters'
let db: TestDatabase
let openai: OpenAILoopback
let alice: { id: string; token: string }
let bob: { id: string; token: string }

const get = async (path: string) => {
  const res = await app.request(path)
  return { status: res.status, body: await res.json() }
}
const post = async (path: string, body: unknown, token?: string) => {
  const res = await app.request(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  })
  return { status: res.status, body: await res.json() }
}

async function user(name: string) {
  const [{ id }] = (await db.sql.query<{ id: string }>(`select tests.create_supabase_user($1) as id`, [name])).rows
  return { id, token: await signUserToken(id, SECRET) }
}

beforeAll(async () => {
  db = await startTestDatabase()
  openai = await startOpenAILoopback()
  process.env.SUPABASE_DB_URL = db.url
  process.env.JWT_SECRET = SECRET
  delete process.env.OPENAI_API_KEY
  const embedded = await embedApp.request('/embed', { method: 'POST', headers: { authorization: `Bearer ${await signRoleKey('service_role', SECRET)}` } })
  expect(embedded.status).toBe(200)
  alice = await user('alice')
  bob = await user('bob')
})
afterAll(async () => {
  await closeDb()
  await openai.close()
  await db.stop()
})

describe('GET /catalog/instances', () => {
  it('searches semantically with filters and returns the requested number of rows', async () => {
    const { status, body } = await get('/catalog/instances?q=8x%20H100%20GPU%20server&min_gpu_count=8&limit=3')
    expect(status).toBe(200)
    expect(body.instances).toHaveLength(3)
    expect(body.instances[0].gpu_model).toBe('H100')
    for (const i of body.instances) expect(i.gpu_count).toBe(8)
  })

  it('lists the cheapest offers without a query, honouring location and price filters', async () => {
    const { body } = await get('/catalog/instances?country=Germany&max_price_monthly=20&limit=50')
    expect(body.instances.length).toBeGreaterThan(0)
    // Cheapest first in one currency (USD at cloud.currency_rates): Hetzner's EUR prices converted.
    const rates = Object.fromEntries((await db.sql.query<{ currency: string; per_usd: string }>(`select currency, per_usd from cloud.currency_rates`)).rows
      .map((r) => [r.currency, Number(r.per_usd)]))
    const usd = body.instances.map((i: { price_monthly: string; price_currency: string }) => Number(i.price_monthly) / rates[i.price_currency])
    expect(usd).toEqual([...usd].sort((a, b) => a - b))
    expect(new Set(body.instances.map((i: { price_currency: string }) => i.price_currency)).size).toBeGreaterThan(1)
    const prices = body.instances.map((i: { price_monthly: string }) => Number(i.price_monthly))
    expect(Math.max(...prices)).toBeLessThanOrEqual(20)
  })

  it('answers bad filters with 400 and a stable code', async () => {
    for (const path of ['/catalog/instances?limit=0', '/catalog/instances?min_gpu_count=many', '/catalog/instances?colour=red', '/catalog/instances?available_only=maybe']) {
      const { status, body } = await get(path)
      expect(status).toBe(400)
      expect(body.error.code).toBe('invalid_request')
    }
  })
})

describe('GET /catalog/packages and /catalog/compare', () => {
  it('finds packages by hybrid search and drops deprecated ones unless asked', async () => {
    const { body } = await get('/catalog/packages?q=TLS%20certificates%20letsencrypt&limit=5')
    expect(body.packages[0].name).toBe('cert-manager')
    const all = await get('/catalog/packages?q=dashboard&include_deprecated=true&limit=50')
    const current = await get('/catalog/packages?q=dashboard&limit=50')
    expect(all.body.packages.map((p: { name: string }) => p.name)).toContain('old-dashboard')
    expect(current.body.packages.map((p: { name: string }) => p.name)).not.toContain('old-dashboard')
  })

  it('compares a GPU shape across providers in one currency', async () => {
    const { status, body } = await get('/catalog/compare?gpu_model=H100&gpu_count=1&currency=eur')
    expect(status).toBe(200)
    expect(body.offers.length).toBeGreaterThanOrEqual(5)
    for (const o of body.offers) expect(o.currency).toBe('EUR')
    expect((await get('/catalog/compare?currency=EUR')).status).toBe(400)
  })
})

describe('POST /catalog/assistant', () => {
  it('requires a signed-in user', async () => {
    expect((await post('/catalog/assistant', { question: 'cheapest H100?' })).status).toBe(401)
    expect((await post('/catalog/assistant', { question: 'cheapest H100?' }, await signRoleKey('anon', SECRET))).status).toBe(403)
  })

  it('answers with a plain listing offline and stores the conversation for the user', async () => {
    const first = await post('/catalog/assistant', { question: 'cheapest single H100 GPU server' }, alice.token)
    expect(first.status).toBe(200)
    expect(first.body.answer).toMatch(/^Matching offers:\n1\. /)
    expect(first.body.model).toBeNull()
    expect(first.body.offers).toHaveLength(5)
    const follow = await post('/catalog/assistant', { question: 'and in Europe?', conversation_id: first.body.conversation_id }, alice.token)
    expect(follow.body.conversation_id).toBe(first.body.conversation_id)
    const { rows } = await db.sql.query<{ role: string; user_id: string }>(
      `select m.role, c.user_id from cloud.messages m join cloud.conversations c on c.id = m.conversation_id
       where c.id = $1 order by m.created_at, m.role::text desc`, [first.body.conversation_id])
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set([alice.id]))
  })

  it('never lets a user write into another user\'s conversation', async () => {
    const mine = await post('/catalog/assistant', { question: 'GPU servers in Tokyo' }, alice.token)
    const intrusion = await post('/catalog/assistant', { question: 'hello there', conversation_id: mine.body.conversation_id }, bob.token)
    expect(intrusion.status).toBe(404)
    expect(intrusion.body.error.code).toBe('conversation_not_found')
    const { rows } = await db.sql.query(`select 1 from cloud.messages where conversation_id = $1 and content = 'hello there'`, [mine.body.conversation_id])
    expect(rows).toHaveLength(0)
  })

  it('uses the LLM when OPENAI_API_KEY is set, grounded in the offers found', async () => {
    process.env.OPENAI_API_KEY = openai.apiKey
    process.env.OPENAI_BASE_URL = openai.baseURL
    try {
      // Query embeddings now come from the OpenAI loopback too; the stored ones are local, so
      // only the chat part is checked here.
      const res = await post('/catalog/assistant', { question: 'cheapest H100?' }, alice.token)
      expect(res.status).toBe(200)
      expect(res.body.model).toBe('gpt-4o-mini')
      expect(res.body.answer).toContain('Offer 1 is the cheapest')
      expect(openai.chats.at(-1)!.messages.at(-1)!.content).toContain('Question: cheapest H100?')
      expect(openai.chats.at(-1)!.messages.at(-1)!.content).toContain('1. ')
    } finally {
      delete process.env.OPENAI_API_KEY
      delete process.env.OPENAI_BASE_URL
    }
  })

  it('keeps /catalog/sync for the service role', async () => {
    expect((await post('/catalog/sync', {}, alice.token)).status).toBe(403)
  })
})
