// The catalog through the gateway with supabase-js: public reads across schemas, the views,
// semantic search RPCs with filters, credentials never exposed, the assistant's history per user.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embedQuery, toVectorLiteral } from '../../functions/_shared/embeddings/provider.ts'
import type { Database } from '../../types/database.ts'
import type { RunningStack } from '../../stack/stack.ts'
import { startTestStack } from '../support/test-stack.ts'

let stack: RunningStack
let anon: SupabaseClient<Database>

beforeAll(async () => {
  delete process.env.OPENAI_API_KEY // the local embedder
  stack = await startTestStack()
  anon = createClient<Database>(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
  // Embed the seeded catalog as the scheduler would.
  const res = await fetch(`${stack.status.FUNCTIONS_URL}/embed`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.status.SERVICE_ROLE_KEY}`, 'content-type': 'application/json' },
    body: '{}',
  })
  expect(res.status).toBe(200)
  const [{ n }] = await stack.db.query<{ n: number }>(`select count(*)::int as n from cloud.instances where embedding is null`)
  expect(n).toBe(0)
})
afterAll(async () => {
  await stack?.stop()
})

describe('catalog reads', () => {
  it('filters instances_with_country by country and GPU count', async () => {
    const { data, error } = await anon.schema('cloud').from('instances_with_country')
      .select('provider, name, gpu_count, gpu_model, country').eq('country', 'Germany').gte('gpu_count', 4).order('price_monthly')
    expect(error).toBeNull()
    expect(data!.length).toBeGreaterThan(0)
    for (const row of data!) {
      expect(row.country).toBe('Germany')
      expect(row.gpu_count).toBeGreaterThanOrEqual(4)
    }
  })

  it('never exposes provider credentials, even to a signed-in user', async () => {
    const visible = await anon.schema('cloud').from('providers').select('provider, logo_url')
    expect(visible.data).toHaveLength(9)
    const secret = await anon.schema('cloud').from('providers').select('provider_credentials')
    expect(secret.error?.code).toBe('42501')
    const user = createClient<Database>(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
    await user.auth.signUp({ email: 'catalog-reader@example.test', password: 'catalog-reader-password' })
    expect((await user.schema('cloud').from('providers').select('*')).error?.code).toBe('42501')
    expect((await user.schema('cloud').from('cred').select('*')).error?.code).toBe('42501')
  })
})

describe('search RPCs', () => {
  it('semantic instance search with filters returns k rows whenever k match', async () => {
    const query = toVectorLiteral(await embedQuery('8x NVIDIA H100 GPU server for training large models'))
    const { data, error } = await anon.schema('cloud').rpc('search_instances', { query_embedding: query, match_count: 5, min_gpu_count: 8 })
    expect(error).toBeNull()
    expect(data).toHaveLength(5)
    expect(data![0].gpu_model).toBe('H100')
    for (const row of data!) expect(row.gpu_count).toBe(8)

    const inTokyo = await anon.schema('cloud').rpc('search_instances', { query_embedding: query, match_count: 3, city_filter: 'Tokyo', max_price_monthly: 2000 })
    expect(inTokyo.data).toHaveLength(3)
    for (const row of inTokyo.data!) expect(Number(row.price_monthly)).toBeLessThanOrEqual(2000)
  })

  it('hybrid package search ranks the matching package first and honours the filters', async () => {
    const query = toVectorLiteral(await embedQuery('TLS certificates from Let\'s Encrypt for Kubernetes'))
    const { data } = await anon.schema('cloud').rpc('search_packages', { query_text: 'certificates letsencrypt', query_embedding: query, match_count: 5 })
    expect(data![0].name).toBe('cert-manager')
    const cncf = await anon.schema('cloud').rpc('search_packages', { query_text: 'database', query_embedding: query, match_count: 10, cncf_only: true })
    for (const row of cncf.data!) expect(row.cncf).toBe(true)
  })

  it('compares prices across providers in one currency', async () => {
    const { data } = await anon.schema('cloud').rpc('compare_prices', { gpu_model_filter: 'H100', gpu_count_filter: 1, target_currency: 'EUR' })
    expect(data!.length).toBeGreaterThanOrEqual(5)
    expect(new Set(data!.map((r) => r.provider)).size).toBe(data!.length)
    const monthly = data!.map((r) => Number(r.price_monthly))
    expect(monthly).toEqual([...monthly].sort((a, b) => a - b))
    for (const row of data!) expect(row.currency).toBe('EUR')
  })
})

describe('assistant history', () => {
  it('keeps each user\'s conversations to that user', async () => {
    const mk = () => createClient<Database>(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
    const a = mk()
    const b = mk()
    await a.auth.signUp({ email: 'chat-a@example.test', password: 'chat-a-password' })
    await b.auth.signUp({ email: 'chat-b@example.test', password: 'chat-b-password' })
    const aId = (await a.auth.getUser()).data.user!.id
    const conv = await a.schema('cloud').from('conversations').insert({ user_id: aId, title: 'GPU prices' }).select('id').single()
    expect(conv.error).toBeNull()
    const msg = await a.schema('cloud').from('messages').insert({ conversation_id: conv.data!.id, role: 'user', content: 'cheapest H100?' })
    expect(msg.error).toBeNull()
    const forged = await a.schema('cloud').from('messages').insert({ conversation_id: conv.data!.id, role: 'assistant', content: 'trust me' })
    expect(forged.error).not.toBeNull()

    expect((await a.from('conversations').select('title')).data).toEqual([{ title: 'GPU prices' }])
    expect((await b.from('conversations').select('title')).data).toEqual([])
    expect((await b.schema('cloud').from('messages').select('id').eq('conversation_id', conv.data!.id)).data).toEqual([])
    const intrude = await b.schema('cloud').from('messages').insert({ conversation_id: conv.data!.id, role: 'user', content: 'hi' })
    expect(intrude.error).not.toBeNull()
    expect((await a.from('users').select('email')).data).toEqual([{ email: 'chat-a@example.test' }])
  })
})
