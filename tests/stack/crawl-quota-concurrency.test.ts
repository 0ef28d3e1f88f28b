// pages_per_month under concurrency (issue 17, point 7): two crawls of one business claim URLs at
// once, 20 claims on their own connections. On real PostgreSQL they race inside the database; the
// month's allowance must not be handed out twice.
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { failures, race } from '../support/concurrency.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 20, onnotice: () => {} })
})
afterAll(async () => {
  await sql.end()
  await db.stop()
})

it('20 concurrent claims across two crawls of one business hand out at most the month\'s 10 pages', async () => {
  const [{ owner }] = await sql`select tests.create_supabase_user('quota_race_owner') as owner`
  const [{ business }] = await sql`insert into sites.businesses (owner_user_id, name, slug, plan) values (${owner}, 'Race Co', 'race-co', 'pro') returning id as business`
  await sql`insert into sites.business_configs (business_id, limits) values (${business}, ${sql.json({ pages_per_month: 10 })})`
  const jobs: string[] = []
  for (const host of ['one.race.example', 'two.race.example']) {
    const [{ domain }] = await sql`insert into sites.domains (user_id, domain, business_id) values (${owner}, ${host}, ${business}) returning id as domain`
    const [{ job }] = await sql`select (sites.start_crawl(${domain}, 100, 2)).id as job`
    await sql`select sites.enqueue_crawl_urls(${job}, ${sql.json(Array.from({ length: 20 }, (_, i) => ({ url: `https://${host}/p-${i}`, depth: 1 })))})`
    jobs.push(job)
  }
  const results = await race(sql, 20, 20, (c, i) => c`select count(*)::int as n from sites.claim_crawl_urls(${jobs[i % 2]}, 3, 60)`)
  expect(failures(results)).toEqual([])
  const claimed = results.map((r) => ((r as PromiseFulfilledResult<unknown>).value as { n: number }[])[0].n).reduce((a, b) => a + b, 0)
  expect(claimed).toBe(10)
  expect(await sql`select count(*)::int as n from private.crawl_frontier where status = 'fetching' and job_id = any(${jobs})`).toEqual([{ n: 10 }])
})
