// Crawl quotas and the crawl report (issue 17, points 7 and 8): the documented pages_per_month is
// enforced across the month's crawls and a crawl that runs out ends saying so; max_pages is capped
// by the business's plan; counts.retries counts the retries made inside a fetch; the owner reads a
// per-URL report of what was fetched, not modified, failed or skipped, and why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { runCrawlStep } from '../../functions/scrape/crawler.ts'
import { crawlSettings } from '../../functions/scrape/settings.ts'
import { manualClock, type ManualClock } from '../support/manual-clock.ts'
import { defaultSite, startSiteLoopback, type SiteLoopback } from '../support/site-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let owner: string
const sites: SiteLoopback[] = []

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const page = (text: string) => `<html><body><main><p>${text} with enough words in it to be worth extracting.</p></main></body></html>`

async function business(plan: string, limits?: Record<string, number>): Promise<string> {
  const slug = `b-${crypto.randomUUID().slice(0, 8)}`
  const [{ id }] = await query<{ id: string }>(`insert into sites.businesses (owner_user_id, name, slug, plan) values ($1, $2, $2, $3) returning id`, [owner, slug, plan])
  if (limits) await query(`insert into sites.business_configs (business_id, limits) values ($1, $2)`, [id, JSON.stringify(limits)])
  return id
}

async function domain(host: string, businessId: string | null = null): Promise<string> {
  return (await query<{ id: string }>(`insert into sites.domains (user_id, domain, name, business_id) values ($1, $2, $2, $3) returning id`, [owner, host, businessId]))[0].id
}

async function crawl(domainId: string, maxPages = 50, clock?: ManualClock) {
  const [{ job }] = await query<{ job: string }>(`select (sites.start_crawl($1, $2, 3)).id as job`, [domainId, maxPages])
  for (let step = 0; step < 10; step++) {
    const { status } = await runCrawlStep(job, clock ? { ...crawlSettings(), clock } : crawlSettings())
    if (status !== 'running' && status !== 'pending') break
  }
  const [row] = await query<{ status: string; error_message: string | null; metadata: { counts: Record<string, number>; stop_reason?: string } }>(
    `select status, error_message, metadata from sites.content_refresh_jobs where id = $1`, [job])
  return { job, ...row }
}

async function site(options: Parameters<typeof startSiteLoopback>[0]) {
  const s = await startSiteLoopback(options)
  sites.push(s)
  return s
}

const pageRequests = (s: SiteLoopback) => s.requests.filter((r) => !/robots\.txt|sitemap/.test(r.path))

beforeAll(async () => {
  db = await startTestDatabase()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, SCRAPE_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', SCRAPE_TIMEOUT_MS: '60000', SCRAPE_BUDGET_SECONDS: '60', SCRAPE_MAX_RETRY_WAIT_MS: '2000' })
  owner = (await query<{ id: string }>(`select tests.create_supabase_user('quota_owner') as id`))[0].id
})
afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), ...sites.map((s) => s.close())])
})

describe('pages_per_month', () => {
  const sixPages = () => ({
    robots: null,
    pages: [
      { path: '/', html: page(['a', 'b', 'c', 'd', 'e'].map((p) => `<a href="/${p}">${p}</a>`).join(' ') + ' Home') },
      ...['a', 'b', 'c', 'd', 'e'].map((p) => ({ path: `/${p}`, html: page(`Page ${p}`) })),
    ],
  })

  it('a crawl stops at the month\'s limit, ends as quota_exceeded, and the next crawl of the month fetches nothing', async () => {
    const biz = await business('pro', { pages_per_month: 4 })
    const first = await site(sixPages())
    const firstJob = await crawl(await domain(first.host, biz))
    expect(firstJob).toMatchObject({ status: 'failed', metadata: expect.objectContaining({ stop_reason: 'quota_exceeded' }) })
    expect(firstJob.error_message).toMatch(/^quota_exceeded: the pages_per_month limit of 4 pages is reached/)
    expect(pageRequests(first)).toHaveLength(4)
    expect(await query(`select pages_crawled from sites.business_usage where business_id = $1`, [biz])).toEqual([{ pages_crawled: 4 }])
    // What was not fetched is in the report, and why.
    expect(await query(`select result, outcome, detail from sites.crawl_report where job_id = $1 and result = 'skipped'`, [firstJob.job]))
      .toEqual([{ result: 'skipped', outcome: 'skipped_quota', detail: 'pages_per_month limit of 4 reached' }, { result: 'skipped', outcome: 'skipped_quota', detail: 'pages_per_month limit of 4 reached' }])

    // Another domain of the same business, the same month: nothing left.
    const second = await site(sixPages())
    const secondJob = await crawl(await domain(second.host, biz))
    expect(secondJob).toMatchObject({ status: 'failed', metadata: expect.objectContaining({ stop_reason: 'quota_exceeded' }) })
    expect(pageRequests(second)).toEqual([])
    expect(await query(`select pages_crawled from sites.business_usage where business_id = $1`, [biz])).toEqual([{ pages_crawled: 4 }])
  })

  it('a business within its limit crawls to the end, every requested page counted', async () => {
    const biz = await business('pro', { pages_per_month: 100 })
    const s = await site(sixPages())
    const job = await crawl(await domain(s.host, biz))
    expect(job.status).toBe('completed')
    expect(await query(`select pages_crawled from sites.business_usage where business_id = $1`, [biz])).toEqual([{ pages_crawled: 6 }])
  })
})

describe('max_pages and the plan', () => {
  it('caps a crawl\'s max_pages by the plan of the domain\'s business (a domain without one: free)', async () => {
    const limitOf = async (domainId: string, requested: number) =>
      (await query<{ limits: { max_pages: number; requested_max_pages: number } }>(`select (sites.start_crawl($1, $2, 3)).metadata -> 'limits' as limits`, [domainId, requested]))[0].limits
    expect(await limitOf(await domain('free.plan.example', await business('free')), 100_000)).toMatchObject({ max_pages: 500, requested_max_pages: 100_000 })
    expect(await limitOf(await domain('pro.plan.example', await business('pro')), 100_000)).toMatchObject({ max_pages: 5000 })
    expect(await limitOf(await domain('enterprise.plan.example', await business('enterprise')), 100_000)).toMatchObject({ max_pages: 50_000 })
    expect(await limitOf(await domain('noplan.example'), 100_000)).toMatchObject({ max_pages: 500 })
    expect(await limitOf(await domain('small.plan.example', await business('enterprise')), 20)).toMatchObject({ max_pages: 20 })
  })
})

describe('counts.retries', () => {
  it('counts the retries slept through inside a fetch', async () => {
    const clock = manualClock()
    const s = await site({
      robots: null,
      now: clock.now,
      pages: [
        { path: '/', html: page('<a href="/busy">busy</a> <a href="/flaky">flaky</a> Start page') },
        { path: '/busy', html: page('Busy page'), failFirst: { count: 2, status: 429, retryAfter: '1' } },
        { path: '/flaky', html: page('Flaky page'), failFirst: { count: 1, status: 503 } },
      ],
    })
    const job = await crawl(await domain(s.host), 50, clock)
    expect(job.status).toBe('completed')
    expect(job.metadata.counts).toMatchObject({ changed: 3, failed: 0, retries: 3 })
    expect(await query(`select url, attempts, http_status from sites.crawl_report where job_id = $1 and url like '%/busy'`, [job.job]))
      .toEqual([{ url: `${s.url}/busy`, attempts: 0, http_status: 200 }])
  })
})

describe('the crawl report', () => {
  it('lists every URL with its result, HTTP status and why', async () => {
    const s = await site(defaultSite())
    const job = await crawl(await domain(s.host), 500)
    expect(job.status).toBe('completed')
    const rows = await query<{ url: string; result: string; outcome: string; http_status: number | null; detail: string | null }>(
      `select url, result, outcome, http_status, detail from sites.crawl_report where job_id = $1 order by url`, [job.job])
    const at = (path: string) => rows.find((r) => new URL(r.url).pathname === path)
    expect(at('/')).toMatchObject({ result: 'fetched', outcome: 'changed', http_status: 200, detail: 'content stored' })
    expect(rows.find((r) => r.url.endsWith('.pdf'))).toMatchObject({ result: 'skipped', outcome: 'skipped_non_html', http_status: 200, detail: expect.stringContaining('not HTML (application/pdf') })
    expect(at('/big')).toMatchObject({ result: 'skipped', outcome: 'skipped_too_large', detail: expect.stringMatching(/bytes$/) })
    expect(at('/old-page')).toMatchObject({ result: 'redirected', http_status: expect.any(Number), detail: expect.stringContaining('redirect to') })
    expect(rows.filter((r) => r.outcome === 'skipped_robots').length + job.metadata.counts.skipped_robots).toBeGreaterThan(0)
    expect(rows.every((r) => r.result !== 'queued' && r.result !== 'fetching')).toBe(true)
    expect(rows).toHaveLength(job.metadata.counts.urls_queued)

    // A re-crawl reports the 304s.
    const again = await crawl((await query<{ id: string }>(`select domain_id as id from sites.content_refresh_jobs where id = $1`, [job.job]))[0].id, 500)
    const notModified = await query<{ detail: string }>(`select detail from sites.crawl_report where job_id = $1 and result = 'not_modified'`, [again.job])
    expect(notModified.length).toBeGreaterThan(0)
    expect(notModified[0].detail).toBe('not modified since the last crawl (304)')
  })
})
