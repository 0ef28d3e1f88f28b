// Offer questions answered as people type them (issue 18 point 1): GET /catalog/instances?q=...
// parsed into filters, the RPCs' filter values normalised for every caller, and unknown values or
// currencies refused with a stable code. Ground truths come from SQL over the seeded catalog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/catalog/app.ts'
import { COUNTRIES } from '../../functions/catalog/locations.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { app as embedApp } from '../../functions/embed/app.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { startOpenAILoopback, type OpenAILoopback } from '../support/openai-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'catalog-query-test-secret-with-at-least-32-characters'
let db: TestDatabase
let openai: OpenAILoopback
let alice: { id: string; token: string }

interface Offer {
  id: string
  provider: string
  gpu_model: string | null
  gpu_count: number
  gpu_memory_gb: number | null
  price_monthly: string
  price_currency: string
  regions: string[]
}

const get = async (path: string) => {
  const res = await app.request(path)
  return { status: res.status, body: await res.json() }
}
const rows = async <T>(text: string, params: unknown[] = []) => (await db.sql.query<T>(text, params)).rows
/** The ids an RPC call returns (as a set: the order of equal prices is not the point here). */
const ids = async (call: string, params: unknown[] = []) => new Set((await rows<{ id: string }>(`select id from ${call}`, params)).map((r) => r.id))

// The continents of an offer, from the regions it is sold in (the provider's regions).
const continentsOf = async (id: string) =>
  (await rows<{ continent: string }>(`
    select distinct r.continent from cloud.instances i join cloud.regions r on r.provider = i.provider and i.regions ? r.region_id
    where i.id = $1`, [id])).map((r) => r.continent)

// Cheapest available European A100 in USD, by SQL that shares nothing with the RPC's matching.
const CHEAPEST_EUROPEAN_A100 = `
  select i.id from cloud.instances i join cloud.currency_rates c on c.currency = i.price_currency
  where i.available and upper(i.gpu_model) like '%A100%'
    and exists (select 1 from cloud.regions r where r.provider = i.provider and i.regions ? r.region_id and r.continent = 'Europe')
  order by i.price_monthly / c.per_usd, i.id limit 1`

beforeAll(async () => {
  db = await startTestDatabase()
  openai = await startOpenAILoopback()
  process.env.SUPABASE_DB_URL = db.url
  process.env.JWT_SECRET = SECRET
  delete process.env.OPENAI_API_KEY
  delete process.env.OPENAI_BASE_URL
  // Offers as provider adapters spell them ('NVIDIA A100-SXM4-80GB'), and one priced in EUR whose
  // number is below the cheapest USD offer's but whose price is above it once converted.
  const [{ id: cheapest }] = await rows<{ id: string }>(CHEAPEST_EUROPEAN_A100)
  const [base] = await rows<{ price_monthly: string; provider: string; regions: unknown }>(
    `select price_monthly, provider, regions from cloud.instances where id = $1`, [cheapest])
  const [{ per_usd: eurPerUsd }] = await rows<{ per_usd: string }>(`select per_usd from cloud.currency_rates where currency = 'EUR'`)
  const [euRegion] = await rows<{ provider: string; region_id: string }>(
    `select provider, region_id from cloud.regions where provider = 'hetzner' and continent = 'Europe' order by region_id limit 1`)
  await db.sql.query(`
    insert into cloud.instances (provider, instance_id, name, cpu_cores, memory_gb, price_monthly, price_hourly, price_currency,
                                 gpu_count, gpu_model, gpu_memory_gb, regions)
    values ($1, 'p4de-query-test', 'p4de.24xlarge', 96, 1152, 30000, 41, 'USD', 8, 'NVIDIA A100-SXM4-80GB', 80, $2::jsonb),
           ('hetzner', 'eur-a100-query-test', 'EUR A100', 16, 128, $3, 2, 'EUR', 1, 'A100', 80, $4::jsonb)`,
    [base.provider, JSON.stringify(base.regions), (Number(base.price_monthly) * 0.99).toFixed(2), JSON.stringify([euRegion.region_id])])
  expect(Number(eurPerUsd)).toBeLessThan(1 / 0.99) // converted, the EUR offer costs more than the cheapest USD one
  const embedded = await embedApp.request('/embed', { method: 'POST', headers: { authorization: `Bearer ${await signRoleKey('service_role', SECRET)}` } })
  expect(embedded.status).toBe(200)
  const [{ id }] = await rows<{ id: string }>(`select tests.create_supabase_user('alice') as id`)
  alice = { id, token: await signUserToken(id, SECRET) }
}, 300_000)
afterAll(async () => {
  await closeDb()
  await openai.close()
  await db.stop()
})

describe('GET /catalog/instances?q=: questions as people type them', () => {
  it('"cheapest A100 in Europe": the cheapest available European A100 (in USD) first, cheapest first after it', async () => {
    const [{ id: truth }] = await rows<{ id: string }>(CHEAPEST_EUROPEAN_A100)
    const { status, body } = await get(`/catalog/instances?q=${encodeURIComponent('cheapest A100 in Europe')}&limit=20`)
    expect(status).toBe(200)
    expect(body.query).toEqual({ filters: { gpu_model: 'A100', continent: 'Europe' }, sort: 'price', text: null })
    expect(body.instances[0].id).toBe(truth)
    const rates = Object.fromEntries((await rows<{ currency: string; per_usd: string }>(`select currency, per_usd from cloud.currency_rates`)).map((r) => [r.currency, Number(r.per_usd)]))
    const usd = (body.instances as Offer[]).map((o) => Number(o.price_monthly) / rates[o.price_currency])
    expect(usd).toEqual([...usd].sort((a, b) => a - b))
    for (const o of body.instances as Offer[]) {
      expect(o.gpu_model!.toUpperCase()).toContain('A100')
      expect(await continentsOf(o.id)).toContain('Europe')
    }
    // The provider-spelled A100 is one of them (all European A100s fit in 20 here).
    const [{ n }] = await rows<{ n: number }>(`
      select count(*)::int as n from cloud.instances i where i.available and upper(i.gpu_model) like '%A100%'
        and exists (select 1 from cloud.regions r where r.provider = i.provider and i.regions ? r.region_id and r.continent = 'Europe')`)
    expect(body.instances).toHaveLength(Math.min(20, n))
    if (n <= 20) expect((body.instances as Offer[]).map((o) => o.gpu_model)).toContain('NVIDIA A100-SXM4-80GB')
  })

  it('"8x A100", "2 H100s", "A100 80GB": model, count and memory variant', async () => {
    const eight = await get(`/catalog/instances?q=${encodeURIComponent('8x A100')}&limit=50`)
    expect(eight.body.query.filters).toEqual({ gpu_model: 'A100', min_gpu_count: 8 })
    expect(eight.body.instances.length).toBeGreaterThan(0)
    for (const o of eight.body.instances as Offer[]) {
      expect(o.gpu_count).toBeGreaterThanOrEqual(8)
      expect(o.gpu_model!.toUpperCase()).toContain('A100')
    }
    const two = await get(`/catalog/instances?q=${encodeURIComponent('2 H100s')}&limit=50`)
    expect(two.body.instances.length).toBeGreaterThan(0)
    for (const o of two.body.instances as Offer[]) expect([o.gpu_model!.toUpperCase().includes('H100'), o.gpu_count >= 2]).toEqual([true, true])
    const eighty = await get(`/catalog/instances?q=${encodeURIComponent('A100 80GB')}&limit=100`)
    const forty = await get(`/catalog/instances?q=${encodeURIComponent('a100-40gb')}&limit=100`)
    const all = await get(`/catalog/instances?q=A100&limit=100`)
    expect(eighty.body.instances.length).toBeGreaterThan(0)
    expect(forty.body.instances.length).toBeGreaterThan(0)
    for (const o of eighty.body.instances as Offer[]) expect([80, 80 * o.gpu_count]).toContain(o.gpu_memory_gb)
    for (const o of forty.body.instances as Offer[]) expect([40, 40 * o.gpu_count]).toContain(o.gpu_memory_gb)
    // "A100" is every variant: 40 GB and 80 GB alike.
    const allIds = new Set((all.body.instances as Offer[]).map((o) => o.id))
    for (const o of [...eighty.body.instances, ...forty.body.instances] as Offer[]) expect(allIds.has(o.id)).toBe(true)
  })

  it('vCPU, memory, country code, hourly ceiling: each parsed filter holds for every row', async () => {
    const q = '16 vcpu at least 32 GB memory in DE under $2/h'
    const { status, body } = await get(`/catalog/instances?q=${encodeURIComponent(q)}&limit=50`)
    expect(status).toBe(200)
    expect(body.query).toEqual({ filters: { min_vcpu: 16, min_memory_gb: 32, country: 'Germany', max_price_hourly: 2 }, sort: 'price', text: null })
    expect(body.instances.length).toBeGreaterThan(0)
    for (const o of body.instances as (Offer & { cpu_cores: number; memory_gb: string; price_hourly: string })[]) {
      expect(o.cpu_cores).toBeGreaterThanOrEqual(16)
      expect(Number(o.memory_gb)).toBeGreaterThanOrEqual(32)
      expect(Number(o.price_hourly)).toBeLessThanOrEqual(2)
      const countries = (await rows<{ country: string }>(`
        select r.country from cloud.instances i join cloud.regions r on r.provider = i.provider and i.regions ? r.region_id where i.id = $1`, [o.id])).map((r) => r.country)
      expect(countries).toContain('Germany')
    }
  })

  it('words the parser does not consume are the semantic text: ranked by similarity within the filters', async () => {
    const { body } = await get(`/catalog/instances?q=${encodeURIComponent('GPU server for LLM fine-tuning in Europe')}&limit=5`)
    expect(body.query).toEqual({ filters: { min_gpu_count: 1, continent: 'Europe' }, sort: 'similarity', text: 'LLM fine-tuning' })
    expect(body.instances).toHaveLength(5)
    const similarity = (body.instances as { similarity: number }[]).map((o) => o.similarity)
    expect(similarity).toEqual([...similarity].sort((a, b) => b - a))
    for (const o of body.instances as Offer[]) {
      expect(o.gpu_count).toBeGreaterThanOrEqual(1)
      expect(await continentsOf(o.id)).toContain('Europe')
    }
  })

  it('explicit parameters override what the question says', async () => {
    const { body } = await get(`/catalog/instances?q=${encodeURIComponent('cheapest A100 in Europe')}&continent=North%20America&limit=5`)
    expect(body.query.filters).toEqual({ gpu_model: 'A100', continent: 'North America' })
    expect(body.instances.length).toBeGreaterThan(0)
    for (const o of body.instances as Offer[]) expect(await continentsOf(o.id)).toContain('North America')
  })

  it('answers {instances, query} without q too: cheapest first, no filters parsed', async () => {
    const { body } = await get('/catalog/instances?limit=3')
    expect(body.query).toEqual({ filters: {}, sort: 'price', text: null })
    expect(body.instances).toHaveLength(3)
  })
})

describe('filter values normalised in the RPC (every caller)', () => {
  const call = (args: string) => `cloud.search_instances(match_count => 200, ${args})`

  it('continent in any case and as EU', async () => {
    const canonical = await ids(call(`continent_filter => 'Europe'`))
    expect(canonical.size).toBeGreaterThan(0)
    for (const v of ['europe', 'EUROPE', ' Europe ', 'EU', 'eu']) expect(await ids(call(`continent_filter => $1`), [v])).toEqual(canonical)
  })

  it('country as ISO alpha-2 / alpha-3 code or name, any case', async () => {
    const canonical = await ids(call(`country_filter => 'Germany'`))
    expect(canonical.size).toBeGreaterThan(0)
    for (const v of ['DE', 'de', 'DEU', 'deu', 'germany', 'GERMANY']) expect(await ids(call(`country_filter => $1`), [v])).toEqual(canonical)
    const uk = await ids(call(`country_filter => 'United Kingdom'`))
    expect(uk.size).toBeGreaterThan(0)
    for (const v of ['GB', 'gb', 'GBR', 'UK', 'uk']) expect(await ids(call(`country_filter => $1`), [v])).toEqual(uk)
  })

  it('the SQL country table and the parser\'s list are the same countries, codes and names', async () => {
    const table = await rows<{ alpha2: string; alpha3: string; name: string; aliases: string[] }>(
      `select alpha2, alpha3, name, aliases from private.country_codes order by alpha2`)
    expect(table).toEqual(COUNTRIES.map((c) => ({ alpha2: c.alpha2, alpha3: c.alpha3, name: c.name, aliases: c.aliases ?? [] })))
  })

  it('city in any case', async () => {
    const canonical = await ids(call(`city_filter => 'Frankfurt'`))
    expect(canonical.size).toBeGreaterThan(0)
    expect(await ids(call(`city_filter => 'frankfurt'`))).toEqual(canonical)
  })

  it('GPU model in any spelling matches every spelling the data holds', async () => {
    const truth = new Set((await rows<{ id: string }>(`select id from cloud.instances where available and upper(gpu_model) like '%A100%'`)).map((r) => r.id))
    expect(truth.size).toBeGreaterThan(1)
    for (const v of ['A100', 'a100', 'NVIDIA A100', 'nvidia a100', 'Tesla A100']) expect(await ids(call(`gpu_model_filter => $1`), [v])).toEqual(truth)
    const eighty = await ids(call(`gpu_model_filter => 'NVIDIA A100 80GB'`))
    expect(await ids(call(`gpu_model_filter => 'a100-80gb'`))).toEqual(eighty)
    const expected = new Set((await rows<{ id: string }>(`
      select id from cloud.instances where available and upper(gpu_model) like '%A100%' and (gpu_memory_gb = 80 or gpu_memory_gb = 80 * gpu_count)`)).map((r) => r.id))
    expect(eighty).toEqual(expected)
    // The semantic branch filters the same way.
    const [{ v }] = await rows<{ v: string }>(`select embedding::text as v from cloud.instances where embedding is not null limit 1`)
    const semantic = await ids(`cloud.search_instances($1::extensions.vector, 200, gpu_model_filter => 'nvidia a100')`, [v])
    expect(semantic).toEqual(truth)
  })

  it('compare_prices: GPU model in any spelling; an unknown currency raises 22023 unknown_currency', async () => {
    const canonical = await rows(`select provider, instance_id from cloud.compare_prices('H100', 1, target_currency => 'EUR')`)
    expect(canonical.length).toBeGreaterThan(0)
    expect(await rows(`select provider, instance_id from cloud.compare_prices('nvidia h100', 1, target_currency => 'eur')`)).toEqual(canonical)
    await expect(db.sql.query(`select * from cloud.compare_prices('H100', target_currency => 'XYZ')`)).rejects.toMatchObject({ code: '22023', hint: 'unknown_currency' })
  })
})

describe('refused with a stable code', () => {
  it('an unknown currency on /catalog/compare: 400 unknown_currency (a known one still answers)', async () => {
    const bad = await get('/catalog/compare?gpu_model=H100&currency=XYZ')
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('unknown_currency')
    expect(bad.body.error.message).toContain('XYZ')
    expect((await get('/catalog/compare?gpu_model=H100&currency=gbp')).status).toBe(200)
  })

  it.each([
    ['continent=Atlantis', 'continent'],
    ['country=XX', 'country'],
    ['country=Atlantis', 'country'],
    ['city=Gotham', 'city'],
    ['gpu_model=ZX9000', 'gpu_model'],
    ['provider=nocloud', 'provider'],
  ])('an unknown filter value (%s): 400 unknown_filter_value naming %s', async (query, filter) => {
    const { status, body } = await get(`/catalog/instances?${query}`)
    expect(status).toBe(400)
    expect(body.error.code).toBe('unknown_filter_value')
    expect(body.error.message).toMatch(new RegExp(`^${filter} `))
  })

  it('known values that happen to match nothing are an empty answer, not an error', async () => {
    for (const query of ['gpu_model=A100&max_price_monthly=0.01', 'continent=Antarctica', 'country=FR&gpu_model=MI300X']) {
      const { status, body } = await get(`/catalog/instances?${query}`)
      expect([query, status]).toEqual([query, 200])
      expect(body.instances).toEqual([])
    }
  })
})

describe('the assistant and the optional model parse', () => {
  it('POST /catalog/assistant understands the question the same way', async () => {
    const [{ id: truth }] = await rows<{ id: string }>(CHEAPEST_EUROPEAN_A100)
    const res = await app.request('/catalog/assistant', {
      method: 'POST', body: JSON.stringify({ question: 'cheapest A100 in Europe' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
    })
    const body = await res.json()
    expect(res.status).toBe(200)
    expect(body.offers[0].id).toBe(truth)
    expect(body.query).toEqual({ filters: { gpu_model: 'A100', continent: 'Europe' }, sort: 'price', text: null })
  })

  it('with OPENAI_API_KEY: a structured-output parse fills what the rules left, validated; any failure falls back', async () => {
    process.env.OPENAI_API_KEY = openai.apiKey
    process.env.OPENAI_BASE_URL = openai.baseURL
    try {
      const q = 'something to fine-tune llama on, ideally near Frankfurt, not too pricey'
      openai.setChatResponder((request) => {
        expect(request.response_format?.type).toBe('json_schema')
        expect(request.response_format?.json_schema?.name).toBe('offer_query')
        return JSON.stringify({
          filters: {
            provider: null, gpu_model: 'NVIDIA H100 80GB', min_gpu_count: 1, min_vcpu: null, min_memory_gb: null,
            max_price_hourly: 5, max_price_monthly: null, country: 'DE', city: 'frankfurt', continent: 'Atlantis',
          },
          sort: 'similarity', text: 'fine-tune llama',
        })
      })
      const chats = openai.chats.length
      const { status, body } = await get(`/catalog/instances?q=${encodeURIComponent(q)}&limit=5`)
      expect(status).toBe(200)
      expect(openai.chats.length).toBe(chats + 1)
      // Normalised to the catalog's values; the unknown continent dropped; the rules' city kept.
      expect(body.query).toEqual({
        filters: { gpu_model: 'H100 80GB', min_gpu_count: 1, max_price_hourly: 5, country: 'Germany', city: 'Frankfurt' },
        sort: 'similarity', text: 'fine-tune llama',
      })
      for (const o of body.instances as (Offer & { price_hourly: string })[]) expect(Number(o.price_hourly)).toBeLessThanOrEqual(5)

      // Invalid output: the deterministic parse stands.
      openai.setChatResponder(() => '{"filters": "not an object"}')
      const fallback = await get(`/catalog/instances?q=${encodeURIComponent(q)}&limit=5`)
      expect(fallback.status).toBe(200)
      expect(fallback.body.query.filters).toEqual({ city: 'Frankfurt' })
      // Nothing left for the model: it is not asked.
      const before = openai.chats.length
      await get(`/catalog/instances?q=${encodeURIComponent('cheapest A100 in Europe')}`)
      expect(openai.chats.length).toBe(before)
    } finally {
      openai.setChatResponder(undefined)
      delete process.env.OPENAI_API_KEY
      delete process.env.OPENAI_BASE_URL
    }
  })
})
