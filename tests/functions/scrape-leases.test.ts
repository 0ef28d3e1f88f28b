// Heartbeat leases (issue 17, point 7): a running crawl step renews its lease every few seconds, so
// no other worker takes a live crawl over however long it runs; when its worker dies, the next step
// takes the crawl over as soon as the short lease runs out (seconds, not the ~3 minutes of a lease
// sized for a whole invocation) and finishes it without refetching what was done. All on the
// crawler's own clock, moved by the test: no outcome depends on how fast the machine is. Runs on
// both engines (TEST_DATABASE_URL: real PostgreSQL).
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { runCrawlStep } from '../../functions/scrape/crawler.ts'
import { crawlSettings } from '../../functions/scrape/settings.ts'
import { manualClock } from '../support/manual-clock.ts'
import { startSiteLoopback, type SiteLoopback } from '../support/site-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let site: SiteLoopback

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const page = (text: string) => `<html><body><main><p>${text} with enough words in it to be worth extracting.</p></main></body></html>`

beforeAll(async () => {
  db = await startTestDatabase()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, SCRAPE_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', SCRAPE_TIMEOUT_MS: '600000', SCRAPE_BUDGET_SECONDS: '3600' })
  site = await startSiteLoopback({
    robots: null,
    pages: [
      { path: '/', html: page('<a href="/slow">slow</a> <a href="/other">other</a> Home') },
      { path: '/slow', hold: true, html: page('Slow page') },
      { path: '/other', html: page('Other page') },
    ],
  })
})
afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), site.close()])
})

it('a live step keeps its crawl by heartbeats; a dead one\'s crawl is taken over one lease later and finished', async () => {
  const clock = manualClock()
  const settings = { ...crawlSettings(), clock, leaseSeconds: 20, heartbeatMs: 5000 }
  const owner = (await query<{ id: string }>(`select tests.create_supabase_user('lease_owner') as id`))[0].id
  const [{ id: domainId }] = await query<{ id: string }>(`insert into sites.domains (user_id, domain, name) values ($1, $2, $2) returning id`, [owner, site.host])
  const [{ job }] = await query<{ job: string }>(`select (sites.start_crawl($1, 50, 2)).id as job`, [domainId])
  const leaseUntil = async () => new Date((await query<{ lease_until: string }>(`select lease_until from sites.content_refresh_jobs where id = $1`, [job]))[0].lease_until).getTime()
  const start = clock.now()

  // Worker A: fetches the home page and /other, then waits on /slow.
  const kill = new AbortController()
  const a = runCrawlStep(job, settings, kill.signal)
  await site.held('/slow')
  expect(await leaseUntil()).toBe(start + 20_000)

  // A lives for 30 s of crawler time, past its first lease: each beat moves the lease on.
  for (let beat = 1; beat <= 6; beat++) {
    clock.advance(5000)
    await vi.waitFor(async () => expect(await leaseUntil()).toBe(start + beat * 5000 + 20_000), { timeout: 30_000, interval: 20 })
  }
  // Another worker now finds the crawl taken, and fetches nothing.
  const before = site.requests.length
  expect(await runCrawlStep(job, settings)).toEqual({ job_id: job, status: 'running', processed: 0 })
  expect(site.requests.length).toBe(before)

  // A dies: no more beats. One lease later (20 s of crawler time) worker B takes over.
  kill.abort()
  expect(await a).toMatchObject({ status: 'interrupted' })
  site.release('/slow')
  clock.advance(19_000)
  expect(await runCrawlStep(job, settings)).toEqual({ job_id: job, status: 'running', processed: 0 })
  clock.advance(1001)
  expect(await runCrawlStep(job, settings)).toMatchObject({ job_id: job, status: 'completed', processed: 1 })

  // What A finished was not fetched again; the page A was fetching was.
  expect(site.requestsFor('/').filter((r) => r.method === 'GET')).toHaveLength(1)
  expect(site.requestsFor('/other')).toHaveLength(1)
  // /slow: A's request (dropped, or answered to a worker no longer listening) and B's.
  expect(site.requestsFor('/slow')).toHaveLength(2)
  expect(await query(`select count(*)::int as n from sites.scraped_pages where domain_id = $1`, [domainId])).toEqual([{ n: 3 }])
})
