// The chat rate limiter under real concurrency (issue 17 point 3): many connections call
// sites.take_chat_rate_limit at once (on real PostgreSQL they race inside the database; PGlite runs
// them one at a time), and chat requests arrive at once on two app instances. A limit is never
// exceeded and never under-used: exactly the limit is allowed, per bucket and for the site.
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { createChatApp } from '../../functions/chat/app.ts'
import { failures, race } from '../support/concurrency.ts'
import { markDomainVerified } from '../support/domain-verified.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql

async function addConfig(name: string, rateLimit: number, siteRateLimit = 600): Promise<string> {
  const [{ id: owner }] = await sql<{ id: string }[]>`select tests.create_supabase_user(${`rl_${name}`}) as id`
  const [{ id: customer }] = await sql<{ id: string }[]>`insert into sites.customers (auth_user_id, email) values (${owner}, ${`${name}@owner.test`}) returning id`
  const [{ id: domain }] = await sql<{ id: string }[]>`insert into sites.domains (user_id, domain) values (${owner}, ${`${name}.test`}) returning id`
  await markDomainVerified((q, p) => sql.unsafe(q, p as never[]), domain)
  const [{ id }] = await sql<{ id: string }[]>`
    insert into sites.customer_configs (customer_id, domain, allowed_origins, rate_limit, site_rate_limit)
    values (${customer}, ${`${name}.test`}, ${[`https://${name}.test`]}, ${rateLimit}, ${siteRateLimit}) returning id`
  await sql`insert into sites.scraped_pages (domain_id, url, title, content, status, scraped_at) values (${domain}, ${`https://${name}.test/`}, 'Home', 'Hello.', 'scraped', now())`
  return id
}

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 50, onnotice: () => {} })
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, CHAT_VISITOR_TOKEN_SECRET: 'chat-rate-limit-concurrency-secret' })
  delete process.env.OPENAI_API_KEY
})
afterAll(async () => {
  await closeDb()
  await sql.end()
  await db.stop()
})

it('50 concurrent requests on one bucket with a limit of 10: exactly 10 allowed, 40 refused with a wait', async () => {
  const config = await addConfig('one', 10)
  const results = await race(sql, 50, 50, (c) => c<{ allowed: boolean; retry_after_seconds: number }[]>`
    select * from sites.take_chat_rate_limit(${config}, ${['net:a']}, ${[10]})`)
  expect(failures(results)).toEqual([])
  const verdicts = results.map((r) => (r as PromiseFulfilledResult<{ allowed: boolean; retry_after_seconds: number }[]>).value[0])
  expect(verdicts.filter((v) => v.allowed)).toHaveLength(10)
  for (const v of verdicts.filter((v) => !v.allowed)) expect(v.retry_after_seconds).toBeGreaterThan(0)
  expect(await sql`select count(*)::int as n from private.chat_rate_hits where config_id = ${config}`).toEqual([{ n: 10 }])
})

it('80 concurrent requests from 8 address prefixes (limit 5 each) under a site ceiling of 25: exactly 25 allowed, no prefix over 5', async () => {
  const config = await addConfig('mix', 5, 25)
  const results = await race(sql, 40, 80, (c, i) => c<{ allowed: boolean; refused_bucket: string | null }[]>`
    select * from sites.take_chat_rate_limit(${config}, ${[`net:${i % 8}`, 'site']}, ${[5, 25]})`)
  expect(failures(results)).toEqual([])
  const allowed = results.map((r, i) => ({ net: i % 8, ...(r as PromiseFulfilledResult<{ allowed: boolean }[]>).value[0] })).filter((v) => v.allowed)
  expect(allowed).toHaveLength(25)
  for (let net = 0; net < 8; net++) expect(allowed.filter((v) => v.net === net).length).toBeLessThanOrEqual(5)
  expect(await sql`select count(*)::int as n from private.chat_rate_hits where config_id = ${config} and bucket = 'site'`).toEqual([{ n: 25 }])
})

it('30 chat requests at once on two app instances from one address (limit 7): exactly 7 answered, 23 answered 429', async () => {
  await addConfig('app', 7)
  const apps = [createChatApp(), createChatApp()]
  const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => apps[i % 2].request('/chat', {
    method: 'POST',
    body: JSON.stringify({ domain: 'app.test', message: 'Hello?' }),
    headers: { 'content-type': 'application/json', origin: 'https://app.test', 'cf-connecting-ip': `203.0.113.${i + 1}`, 'x-forwarded-for': `10.0.${i}.1` },
  })))
  const statuses = responses.map((r) => r.status)
  expect(statuses.filter((s) => s === 200)).toHaveLength(7)
  expect(statuses.filter((s) => s === 429)).toHaveLength(23)
})
