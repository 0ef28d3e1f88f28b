// The crawler against loopback websites and a real database: robots, sitemaps, redirects, retries,
// limits, politeness, incremental re-crawls (304 / equal hash: no writes, no embeddings), a changed
// page re-embedding only its own chunks, and a killed crawl resuming without refetching.
// No outcome here depends on how fast the machine is: the request timeout is far above any delay a
// busy machine adds, "slow" is a page held until the test says otherwise, and every wait that is
// asserted (Retry-After, backoff, Crawl-delay, the timeout itself) runs on a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { app as embedApp } from '../../functions/embed/app.ts'
import { runCrawlStep } from '../../functions/scrape/crawler.ts'
import { app } from '../../functions/scrape/app.ts'
import { fetchPage } from '../../functions/scrape/fetcher.ts'
import { crawlSettings } from '../../functions/scrape/settings.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { markDomainVerified } from '../support/domain-verified.ts'
import { manualClock, type ManualClock } from '../support/manual-clock.ts'
import { startOpenAILoopback, type OpenAILoopback } from '../support/openai-loopback.ts'
import { defaultSite, startSiteLoopback, type SiteLoopback } from '../support/site-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const JWT_SECRET = 'scrape-test-secret-with-at-least-32-characters'
let db: TestDatabase
let site: SiteLoopback
let openai: OpenAILoopback
let serviceKey: string
let owner: string
let ownerJwt: string
let domainId: string

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

async function call(path: string, body: unknown, key = serviceKey) {
  const res = await app.request(`/scrape${path}`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } })
  return { status: res.status, body: await res.json() }
}

async function addDomain(host: string, userId = owner): Promise<string> {
  const id = (await query<{ id: string }>(`insert into sites.domains (user_id, domain, name) values ($1, $2, $2) returning id`, [userId, host]))[0].id
  await markDomainVerified(query, id)
  return id
}

/** Starts a crawl and runs it to its end: through POST /scrape/run, or on `clock` when one is given. */
async function crawl(domain: string, options: { max_pages?: number; max_depth?: number } = {}, clock?: ManualClock) {
  const started = await call('', { domain_id: domain, ...options }, ownerJwt)
  expect(started.status).toBe(202)
  const jobId = started.body.job.id
  for (let step = 0; step < 20; step++) {
    let status: string
    if (clock) {
      status = (await runCrawlStep(jobId, { ...crawlSettings(), clock })).status
    } else {
      const run = await call('/run', { job_id: jobId })
      expect(run.status).toBe(200)
      status = run.body.status
    }
    if (status !== 'running' && status !== 'pending') break
  }
  const [job] = await query<{ status: string; counts: Record<string, number> }>(`select status, metadata -> 'counts' as counts from sites.content_refresh_jobs where id = $1`, [jobId])
  return { jobId, ...job }
}

async function drainEmbeddings(): Promise<number> {
  const before = openai.requests.length
  for (let i = 0; i < 10; i++) {
    const res = await embedApp.request('/embed', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${serviceKey}` } })
    const body = await res.json()
    if (body.claimed === 0) break
  }
  return openai.requests.length - before
}

const fetched = (path: string) => site.requestsFor(path).filter((r) => r.method === 'GET' && !r.path.includes('?'))

beforeAll(async () => {
  db = await startTestDatabase()
  openai = await startOpenAILoopback()
  site = await startSiteLoopback(defaultSite())
  Object.assign(process.env, {
    SUPABASE_DB_URL: db.url, JWT_SECRET, OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL,
    // The loopback sites are the only private destination allowed (the crawler refuses the rest).
    // 60 s: no loopback page that answers comes near it, however busy the machine (the timeout itself
    // is tested on a manual clock); a Retry-After up to 2 s is slept through, longer ones are rescheduled.
    SCRAPE_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', SCRAPE_TIMEOUT_MS: '60000', SCRAPE_MAX_RETRY_WAIT_MS: '2000', SCRAPE_BUDGET_SECONDS: '60',
  })
  serviceKey = await signRoleKey('service_role', JWT_SECRET)
  owner = (await query<{ id: string }>(`select tests.create_supabase_user('site_owner') as id`))[0].id
  ownerJwt = await signUserToken(owner, JWT_SECRET)
  await query('delete from private.embedding_jobs')
  domainId = await addDomain(site.host)
})
afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), site.close(), openai.close()])
})

describe('access', () => {
  it('only the owner (or the service role) starts a crawl of a domain', async () => {
    const other = await signUserToken((await query<{ id: string }>(`select tests.create_supabase_user('not_site_owner') as id`))[0].id, JWT_SECRET)
    expect((await call('', { domain_id: domainId }, other)).status).toBe(404)
    const anon = await app.request('/scrape', { method: 'POST', body: JSON.stringify({ domain_id: domainId }) })
    expect(anon.status).toBe(401)
    expect((await call('/run', { job_id: crypto.randomUUID() }, ownerJwt)).status).toBe(403)
    expect(await query(`select count(*)::int as n from sites.content_refresh_jobs`)).toEqual([{ n: 0 }])
  })
})

describe('a first crawl of the default site', () => {
  let first: Awaited<ReturnType<typeof crawl>>

  beforeAll(async () => {
    first = await crawl(domainId, { max_depth: 3 })
  })

  it('completes, with counts, and stamps the domain', async () => {
    expect(first.status).toBe('completed')
    expect(first.counts).toMatchObject({ failed: 0, skipped_non_html: 1, skipped_too_large: 1, not_modified: 0, unchanged: 0 })
    expect(first.counts.changed).toBeGreaterThanOrEqual(14)
    expect(first.counts.skipped_robots).toBeGreaterThanOrEqual(1)
    expect(await query(`select last_scraped_at is not null as stamped from sites.domains where id = $1`, [domainId])).toEqual([{ stamped: true }])
  })

  it('never requests what robots.txt disallows, and honours Allow', async () => {
    expect(site.requestsFor('/private/secret')).toEqual([])
    expect(site.requests.filter((r) => r.path.startsWith('/tmp/'))).toEqual([])
    expect(fetched('/private/public-note')).toHaveLength(1)
  })

  it('finds pages through the sitemap index, fetches each URL once, and follows redirects without loops', async () => {
    expect(fetched('/orphan')).toHaveLength(1)
    expect(site.requestsFor('/about').filter((r) => r.method === 'GET')).toHaveLength(1) // /about?utm_… and the redirect chain end are the same page
    expect(fetched('/old-page')).toHaveLength(1)
    expect(fetched('/redirect-2')).toHaveLength(1)
    expect(fetched('/loop-a')).toHaveLength(1)
    expect(fetched('/loop-b')).toHaveLength(1)
    const pages = await query<{ url: string }>(`select url from sites.scraped_pages where domain_id = $1 order by url`, [domainId])
    const urls = pages.map((p) => new URL(p.url).pathname)
    expect(urls).toEqual(expect.arrayContaining(['/', '/about', '/orphan', '/products/widget', '/faq', '/busy', '/private/public-note']))
    expect(urls).not.toContain('/old-page')
    expect(new Set(urls).size).toBe(urls.length)
  })

  it('retries a 429 until it answers, skips non-HTML and oversized bodies', async () => {
    expect(fetched('/busy').map((r) => r.status)).toEqual([429, 429, 200])
    expect(await query(`select count(*)::int as n from sites.scraped_pages where url like '%.pdf' or url like '%/big'`)).toEqual([{ n: 0 }])
  })

  it('stops an endless calendar at the depth limit and keeps to 4 requests in flight', async () => {
    const calendar = site.requests.filter((r) => r.path.startsWith('/calendar/'))
    expect(calendar.length).toBeGreaterThan(0)
    expect(calendar.length).toBeLessThanOrEqual(8)
    expect(site.maxConcurrent).toBeLessThanOrEqual(4)
  })

  it('extracts content, links, structured data and passages', async () => {
    const [about] = await query<{ title: string; content: string }>(`select title, content from sites.scraped_pages where url like '%/about'`)
    expect(about.title).toBeTruthy()
    expect(about.content.length).toBeGreaterThan(50)
    expect(await query(`select extract_type, extracted_data ->> 'sku' as sku from sites.structured_extractions where extract_type = 'product' order by 2`))
      .toEqual([{ extract_type: 'product', sku: 'ACME-GAD-002' }, { extract_type: 'product', sku: 'ACME-WID-001' }])
    expect(await query(`select count(*)::int as n from sites.structured_extractions where extract_type = 'faq'`)).toEqual([{ n: 1 }])
    expect(await query(`select is_internal from sites.page_content_references where target_url like 'https://example.org/%' limit 1`)).toEqual([{ is_internal: false }])
    const [{ chunks }] = await query<{ chunks: number }>(`select count(*)::int as chunks from sites.page_embeddings where domain_id = $1`, [domainId])
    expect(chunks).toBeGreaterThanOrEqual(first.counts.changed)
    expect(first.counts.chunks_enqueued).toBe(chunks)
    expect(await drainEmbeddings()).toBeGreaterThan(0)
    expect(await query(`select count(*)::int as n from sites.page_embeddings where embedding is null`)).toEqual([{ n: 0 }])
  })

  it('a second crawl of the unchanged site writes no page rows and makes no embedding requests', async () => {
    const snapshot = async () => query(`select url, scraped_at, content_hash from sites.website_content where domain_id = $1 order by url`, [domainId])
    const before = await snapshot()
    const [{ hashes }] = await query<{ hashes: string }>(`select max(last_seen_at)::text as hashes from sites.content_hashes`)
    site.reset()
    const second = await crawl(domainId, { max_depth: 3 })
    expect(second.status).toBe('completed')
    expect(second.counts.changed).toBe(0)
    expect(second.counts.chunks_enqueued).toBe(0)
    expect(second.counts.not_modified + second.counts.unchanged).toBe(first.counts.changed)
    expect(site.requests.filter((r) => r.status === 304).length).toBeGreaterThan(0)
    expect(await snapshot()).toEqual(before)
    expect(await query<{ hashes: string }>(`select max(last_seen_at)::text as hashes from sites.content_hashes`)).toEqual([{ hashes }])
    expect(await query(`select count(*)::int as n from private.embedding_jobs where status = 'pending'`)).toEqual([{ n: 0 }])
    expect(await drainEmbeddings()).toBe(0)
  })

  it('changing one page re-embeds only that page\'s chunks', async () => {
    const page = defaultSite().pages.find((p) => p.path === '/blog/post-2')!
    site.setPage({ ...page, html: page.html!.replace('</main>', '<p>A brand new paragraph about quantum widgets and their warranty terms.</p></main>') })
    const third = await crawl(domainId, { max_depth: 3 })
    expect(third.counts.changed).toBe(1)
    const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from private.embedding_jobs where status = 'pending'`)
    expect(n).toBe(third.counts.chunks_enqueued)
    expect(n).toBeGreaterThan(0)
    const requestsBefore = openai.requests.length
    await drainEmbeddings()
    const inputs = openai.requests.slice(requestsBefore).flatMap((r) => r.inputs)
    expect(inputs.length).toBe(n)
    expect(inputs.some((text) => String(text).includes('quantum widgets'))).toBe(true)
  })
})

describe('limits and politeness', () => {
  it('a crawl ends within its page limit', async () => {
    const small = await startSiteLoopback(defaultSite())
    const id = await addDomain(small.host)
    const job = await crawl(id, { max_pages: 5 })
    expect(job.status).toBe('completed')
    const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from private.crawl_frontier where job_id = $1`, [job.jobId])
    expect(n).toBe(5)
    const pageRequests = small.requests.filter((r) => !/robots\.txt|sitemap/.test(r.path))
    expect(pageRequests.length).toBeLessThanOrEqual(5 + 2) // + the two 429s of /busy if it was among them
    await small.close()
  })

  it('honours Crawl-delay: one request at a time, each starting the delay after the previous one was over', async () => {
    const clock = manualClock()
    const slowSite = defaultSite()
    const polite = await startSiteLoopback({ ...slowSite, robots: `${slowSite.robots}\nCrawl-delay: 1\n`, now: clock.now })
    const id = await addDomain(polite.host)
    const job = await crawl(id, { max_pages: 3, max_depth: 1 }, clock)
    expect(job.status).toBe('completed')
    const pages = polite.requests.filter((r) => !/robots\.txt|sitemap/.test(r.path))
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(polite.maxConcurrent).toBe(1)
    // Times on the crawler's clock, which moves only by the crawler's own sleeps: no sleep, no gap.
    for (let i = 1; i < pages.length; i++) expect(pages[i].at - pages[i - 1].at).toBeGreaterThanOrEqual(1000)
    await polite.close()
  })
})

describe('resumption', () => {
  it('a killed crawl resumes without refetching finished pages', async () => {
    const resumable = await startSiteLoopback(defaultSite())
    const id = await addDomain(resumable.host)
    // The calendar is linked from the home page only: when its first month is requested, the home
    // page is done. The month is held, and the invocation is killed while it waits.
    resumable.setPage({ ...defaultSite().pages.find((p) => p.path === '/calendar/*')!, hold: true })
    const started = await call('', { domain_id: id, max_depth: 3 }, ownerJwt)
    const jobId = started.body.job.id
    const kill = new AbortController()
    const step = runCrawlStep(jobId, crawlSettings(), kill.signal)
    await resumable.held('/calendar/*')
    kill.abort()
    const interrupted = await step
    expect(interrupted.status).toBe('interrupted')
    resumable.release('/calendar/*')
    const done = (await query<{ url: string }>(`select url from private.crawl_frontier where job_id = $1 and status = 'done'`, [jobId])).map((r) => new URL(r.url).pathname)
    expect(done).toContain('/')
    // Time passes: the dead invocation's leases expire.
    await query(`update sites.content_refresh_jobs set lease_until = now() - interval '1 second' where id = $1`, [jobId])
    await query(`update private.crawl_frontier set lease_until = now() - interval '1 second' where job_id = $1 and status = 'fetching'`, [jobId])
    for (let step = 0; step < 10; step++) {
      const run = await call('/run', { job_id: jobId })
      if (run.body.status === 'completed') break
    }
    expect(await query(`select status from sites.content_refresh_jobs where id = $1`, [jobId])).toEqual([{ status: 'completed' }])
    for (const path of done) expect(resumable.requestsFor(path).filter((r) => r.method === 'GET' && r.status !== 429), path).toHaveLength(1)
    expect(await query(`select count(*)::int as n from sites.scraped_pages where domain_id = $1 and url like '%/orphan'`, [id])).toEqual([{ n: 1 }])
    await resumable.close()
  })
})

describe('time, on the crawler\'s own clock', () => {
  it('waits Retry-After before retrying a 429, and backs off exponentially without one', async () => {
    const clock = manualClock()
    const page = (text: string) => `<html><body><main><p>${text} with enough words in it to be worth extracting.</p></main></body></html>`
    const retrying = await startSiteLoopback({
      robots: null,
      now: clock.now,
      pages: [
        { path: '/', html: page('<a href="/busy">busy</a> <a href="/flaky">flaky</a> Start page') },
        { path: '/busy', html: page('Busy page'), failFirst: { count: 2, status: 429, retryAfter: '1' } },
        { path: '/flaky', html: page('Flaky page'), failFirst: { count: 2, status: 503 } },
      ],
    })
    const job = await crawl(await addDomain(retrying.host), {}, clock)
    expect(job.status).toBe('completed')
    expect(job.counts).toMatchObject({ changed: 3, failed: 0 })
    const busy = retrying.requestsFor('/busy')
    const flaky = retrying.requestsFor('/flaky')
    expect(busy.map((r) => r.status)).toEqual([429, 429, 200])
    expect(flaky.map((r) => r.status)).toEqual([503, 503, 200])
    // The clock moves only by the crawler's sleeps, so each gap is at least the wait it slept.
    expect([busy[1].at - busy[0].at, busy[2].at - busy[1].at].every((gap) => gap >= 1000)).toBe(true)
    expect(flaky[1].at - flaky[0].at).toBeGreaterThanOrEqual(500)
    expect(flaky[2].at - flaky[1].at).toBeGreaterThanOrEqual(1000)
    expect([...clock.sleeps].sort((a, b) => a - b)).toEqual([500, 1000, 1000, 1000])
    await retrying.close()
  })

  it('a page that never answers times out, and the crawl completes without it', async () => {
    const clock = manualClock()
    const hanging = await startSiteLoopback({
      robots: null,
      pages: [
        { path: '/', html: '<html><body><main><p>Start page with enough words to extract. <a href="/slow">Stock levels (live)</a></p></main></body></html>' },
        { path: '/slow', hold: true, html: '<html><body><main><p>Never sent.</p></main></body></html>' },
      ],
    })
    const id = await addDomain(hanging.host)
    const started = await call('', { domain_id: id }, ownerJwt)
    const jobId = started.body.job.id
    const step = runCrawlStep(jobId, { ...crawlSettings(), timeoutMs: 15_000, clock })
    // Nothing else is in flight while /slow is held (it is found on the home page, which is done).
    await hanging.held('/slow')
    clock.advance(14_999)
    expect(hanging.requestsFor('/slow').map((r) => r.status)).toEqual([0])
    clock.advance(1)
    expect(await step).toMatchObject({ status: 'completed' })
    const [job] = await query<{ counts: Record<string, number> }>(`select metadata -> 'counts' as counts from sites.content_refresh_jobs where id = $1`, [jobId])
    expect(job.counts).toMatchObject({ changed: 1, failed: 1 })
    expect(await query(`select status from private.crawl_frontier where job_id = $1 and url like '%/slow'`, [jobId])).toEqual([{ status: 'failed' }])
    expect(await query(`select count(*)::int as n from sites.scraped_pages where domain_id = $1 and url like '%/slow'`, [id])).toEqual([{ n: 0 }])
    // The crawler hung up: the server saw the client go away.
    expect((await hanging.settled('/slow')).map((r) => r.status)).toEqual([499])
    await hanging.close()
  })

  it('fetchPage: the timeout covers the whole attempt and fails it at once, without a retry', async () => {
    const clock = manualClock()
    const hanging = await startSiteLoopback({ pages: [{ path: '/slow', hold: true, html: '<p>never</p>' }] })
    const outcome = fetchPage(`${hanging.url}/slow`, {}, { ...crawlSettings(), timeoutMs: 15_000, clock })
    await hanging.held('/slow')
    clock.advance(15_000)
    expect(await outcome).toEqual({ kind: 'failed', status: null, error: 'timed out after 15000 ms', retries: 0 })
    expect((await hanging.settled('/slow')).map((r) => r.status)).toEqual([499])
    expect(clock.sleeps).toEqual([])
    await hanging.close()
  })
})

describe('what the crawler must not reach', () => {
  it('refuses a domain that is a private address unless allowed, without a single request', async () => {
    const internal = await startSiteLoopback(defaultSite())
    const id = await addDomain(internal.host)
    delete process.env.SCRAPE_ALLOWED_PRIVATE_HOSTS
    try {
      const job = await crawl(id)
      expect(job.status).toBe('failed')
      expect(await query(`select error_message from sites.content_refresh_jobs where id = $1`, [job.jobId]))
        .toEqual([{ error_message: `${internal.host} is a private address (127.0.0.1: loopback)` }])
      expect(internal.requests).toEqual([])
    } finally {
      process.env.SCRAPE_ALLOWED_PRIVATE_HOSTS = '127.0.0.1'
      await internal.close()
    }
  })

  it('does not follow a redirect or a link to another host', async () => {
    const elsewhere = await startSiteLoopback({ pages: [{ path: '/', html: '<html><body><main><p>Another host.</p></main></body></html>' }], robots: null })
    const site = await startSiteLoopback({
      robots: null,
      pages: [
        { path: '/', html: `<html><body><main><p>Start page with enough words to extract.</p><a href="/away">away</a> <a href="${elsewhere.url}/">link</a></main></body></html>` },
        { path: '/away', status: 302, headers: { Location: `${elsewhere.url}/` } },
      ],
    })
    const job = await crawl(await addDomain(site.host))
    expect(job.status).toBe('completed')
    expect(site.requestsFor('/away')).toHaveLength(1)
    expect(elsewhere.requests).toEqual([])
    await Promise.all([site.close(), elsewhere.close()])
  })
})

describe('scheduling', () => {
  it('the tick starts crawls of due domains only', async () => {
    const fresh = await addDomain('fresh.example.test')
    await query(`update sites.domains set last_scraped_at = now() where id = $1`, [fresh])
    const due = await addDomain('due.example.test')
    await query(`update sites.domains set scrape_frequency = 'daily', last_scraped_at = now() - interval '2 days' where id = $1`, [due])
    await query(`update sites.domains set active = false where id not in ($1, $2)`, [fresh, due])
    const tick = await call('/tick', {})
    expect(tick.status).toBe(200)
    const jobs = await query<{ domain_id: string }>(`select domain_id from sites.content_refresh_jobs where id = any($1::uuid[])`, [tick.body.started])
    expect(jobs).toEqual([{ domain_id: due }])
  })
})
