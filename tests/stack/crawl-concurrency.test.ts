// Results of one crawl recorded at once (the crawler keeps 4 requests in flight; several workers may
// share a crawl): each result also queues the links it found, which include the other pages being
// recorded. On real PostgreSQL every call races on its own connection; none may fail (a deadlock made
// the crawler record a good page as failed), and the counts must add up.
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

it('20 results of one crawl recorded at once, each queueing the others as links: all recorded, counts exact', async () => {
  const [{ owner }] = await sql`select tests.create_supabase_user('crawl_owner') as owner`
  const [{ domain }] = await sql`insert into sites.domains (user_id, domain) values (${owner}, 'race.example') returning id as domain`
  const [{ job }] = await sql`select (sites.start_crawl(${domain}, 500, 5)).id as job`
  const urls = Array.from({ length: 20 }, (_, i) => `https://race.example/page-${i}`)
  await sql`select sites.enqueue_crawl_urls(${job}, ${sql.json(urls.map((url) => ({ url, depth: 1 })))})`
  expect(await sql`select count(*)::int as n from sites.claim_crawl_urls(${job}, 20, 300)`).toEqual([{ n: 20 }])

  const results = await race(sql, 20, 20, (c, i) => {
    // Every page links to every other, each in its own order, plus one new page of its own.
    const links = [...urls.slice(i), ...urls.slice(0, i), `https://race.example/new-${i}`].map((url) => ({ url, depth: 2 }))
    return c`select sites.record_crawl_result(${job}, ${sql.json({ url: urls[i], outcome: 'not_modified', enqueue: links })}) as recorded`
  })
  expect(failures(results)).toEqual([])
  const [counts] = await sql`select metadata -> 'counts' as counts from sites.content_refresh_jobs where id = ${job}`
  expect(counts.counts).toMatchObject({ not_modified: 20, pages_fetched: 20, failed: 0, urls_queued: 40 })
  expect(await sql`select status, count(*)::int as n from private.crawl_frontier where job_id = ${job} group by status order by status`)
    .toEqual([{ status: 'done', n: 20 }, { status: 'queued', n: 20 }])
})
