// One bounded step of a crawl job: lease the job, discover (robots.txt, sitemaps) on its first step,
// then claim URLs from the frontier in the database and fetch them (at most 4 at a time per host,
// Crawl-delay honoured) until the frontier is empty or the time budget is spent; every result is
// recorded in one transaction, so a killed step loses only the pages in flight.
import PQueue from 'p-queue'
import type postgres from 'postgres'
import { db } from '../_shared/db.ts'
import { chunkText } from '../_shared/embeddings/tokens.ts'
import { sha256Hex } from '../_shared/hash.ts'
import { extractPage } from './extract.ts'
import { crawlDelayPacer, fetchPage, type FetchSettings, type Pacer } from './fetcher.ts'
import { RefusedDestinationError, type SafeFetch, safeFetcher } from '../_shared/outbound/pinned-fetch.ts'
import { ALLOW_ALL, DISALLOW_ALL, parseRobots, type Robots } from './robots.ts'
import type { CrawlSettings } from './settings.ts'
import { sitemapPages } from './sitemaps.ts'
import { crawlUrl, sameSite } from './urls.ts'

interface Job {
  id: string
  domain_id: string
  status: string
  metadata: { discovered?: boolean; origin?: string; robots_txt?: string; crawl_delay_seconds?: number | null; limits: { max_depth: number } }
}

interface FrontierUrl {
  url: string
  depth: number
  attempts: number
  redirects: number
  etag: string | null
  last_modified: Date | null
}

/** The settings of one step: with the step's SSRF-proof fetch (one vetted address per host). */
type StepSettings = CrawlSettings & { fetch: SafeFetch }

export interface StepResult {
  job_id: string
  status: string
  processed: number
}

/** The request timeout from the settings' clock, joined with the step's own signal. */
function withTimeout(settings: CrawlSettings, signal?: AbortSignal): AbortSignal {
  const timeout = settings.clock.timeout(settings.timeoutMs)
  return signal ? AbortSignal.any([signal, timeout]) : timeout
}

async function record(sql: postgres.Sql, jobId: string, result: Record<string, unknown>): Promise<{ known_links?: string[] | null }> {
  const [{ recorded }] = await sql`select sites.record_crawl_result(${jobId}, ${sql.json(result as never)}) as recorded`
  return recorded
}

/** robots.txt of the site, and which scheme answers (https first, then http). */
async function discoverOrigin(host: string, settings: StepSettings, signal?: AbortSignal): Promise<{ origin: string; robots: Robots }> {
  let lastError: unknown
  for (const scheme of ['https', 'http']) {
    const origin = `${scheme}://${host}`
    try {
      const response = await settings.fetch(`${origin}/robots.txt`, { headers: { 'user-agent': settings.userAgent }, signal: withTimeout(settings, signal), follow: settings.maxRedirects })
      const text = response.ok ? await response.text() : ''
      if (!response.ok) await response.body?.cancel()
      if (response.status >= 500) return { origin, robots: DISALLOW_ALL(origin, settings.userAgent) }
      return { origin, robots: response.ok ? parseRobots(origin, text, settings.userAgent) : ALLOW_ALL(origin, settings.userAgent) }
    } catch (error) {
      if (signal?.aborted || error instanceof RefusedDestinationError) throw error
      lastError = error
    }
  }
  throw new Error(`${host} is unreachable over https and http: ${(lastError as Error).message}`)
}

async function discover(sql: postgres.Sql, job: Job, host: string, settings: StepSettings, signal?: AbortSignal) {
  const { origin, robots } = await discoverOrigin(host, settings, signal)
  // A sitemap that cannot be read (error status, refused, timed out while answering or while sending
  // its body) is left out; a crawl that is being stopped stops.
  const fetchText = async (url: string) => {
    if (!robots.isAllowed(url)) return undefined
    try {
      const response = await settings.fetch(url, { headers: { 'user-agent': settings.userAgent }, signal: withTimeout(settings, signal), follow: settings.maxRedirects })
      if (response.ok) return await response.text()
      await response.body?.cancel()
      return undefined
    } catch (error) {
      if (signal?.aborted) throw error
      return undefined
    }
  }
  const sitemapUrls = robots.sitemaps.length ? robots.sitemaps : [`${origin}/sitemap.xml`]
  const listed = await sitemapPages(sitemapUrls, fetchText, settings.maxPages)
  const candidates = [`${origin}/`, ...listed].map((u) => crawlUrl(u)).filter((u): u is string => !!u && sameSite(u, origin))
  const allowed = candidates.filter((u) => robots.isAllowed(u))
  const enqueue = [...new Set(allowed)].map((url, i) => ({ url, depth: i === 0 ? 0 : 1, from: i === 0 ? 'start' : 'sitemap' }))
  await sql`select sites.note_crawl_discovery(${job.id}, ${origin}, ${robots.text}, ${sql.json(sitemapUrls)},
    ${robots.crawlDelaySeconds ?? null}, ${candidates.length - allowed.length})`
  await sql`select sites.enqueue_crawl_urls(${job.id}, ${sql.json(enqueue)})`
  return { origin, robots }
}

async function processUrl(sql: postgres.Sql, job: Job, row: FrontierUrl, robots: Robots, settings: StepSettings, pacer: Pacer | undefined,
  signal?: AbortSignal) {
  if (!robots.isAllowed(row.url)) return await record(sql, job.id, { url: row.url, outcome: 'skipped_robots' })
  const fetchSettings: FetchSettings = { ...settings, pacer }
  const outcome = await fetchPage(row.url, { etag: row.etag, lastModified: row.last_modified }, fetchSettings, signal)
  // Every result carries the retries made inside the fetch, so counts.retries counts them all.
  const base = { url: row.url, http_status: outcome.status, retries: outcome.retries }
  switch (outcome.kind) {
    case 'not_modified': {
      const { known_links } = await record(sql, job.id, { ...base, outcome: 'not_modified' })
      const allowed = row.depth + 1 > job.metadata.limits.max_depth ? [] : (known_links ?? []).filter((u) => robots.isAllowed(u))
      if (allowed.length) {
        await sql`select sites.enqueue_crawl_urls(${job.id}, ${sql.json(allowed.map((url) => ({ url, depth: row.depth + 1, from: row.url })))})`
      }
      return
    }
    case 'non_html':
      return await record(sql, job.id, { ...base, outcome: 'skipped_non_html', detail: `not HTML (${outcome.contentType || 'no content type'})` })
    case 'too_large':
      return await record(sql, job.id, { ...base, outcome: 'skipped_too_large', error: `${outcome.bytes} bytes` })
    case 'failed':
      return await record(sql, job.id, { ...base, outcome: 'failed', error: outcome.error })
    case 'retry_later':
      return await record(sql, job.id, row.attempts + 1 >= settings.maxRetries
        ? { ...base, outcome: 'failed', error: `HTTP ${outcome.status}, retry budget spent` }
        : { ...base, outcome: 'retry', retry_at: outcome.retryAt.toISOString(), detail: `HTTP ${outcome.status}, retry at ${outcome.retryAt.toISOString()}` })
    case 'redirect': {
      const target = crawlUrl(outcome.location)
      if (row.redirects >= settings.maxRedirects) return await record(sql, job.id, { ...base, outcome: 'failed', error: `more than ${settings.maxRedirects} redirects` })
      const follow = target && sameSite(target, row.url) && robots.isAllowed(target)
      const detail = !target ? `redirect to ${outcome.location} (not http)` : !sameSite(target, row.url) ? `redirect to ${target} (another site: not followed)`
        : follow ? `redirect to ${target}` : `redirect to ${target} (disallowed by robots.txt)`
      return await record(sql, job.id, {
        ...base, outcome: 'redirected', detail, skipped_robots: target && sameSite(target, row.url) && !follow ? 1 : 0,
        enqueue: follow ? [{ url: target, depth: row.depth, redirects: row.redirects + 1, from: row.url }] : [],
      })
    }
    case 'ok':
      return await recordPage(sql, job, row, outcome, robots, settings)
  }
}

async function recordPage(sql: postgres.Sql, job: Job, row: FrontierUrl, outcome: Extract<Awaited<ReturnType<typeof fetchPage>>, { kind: 'ok' }>,
  robots: Robots, settings: CrawlSettings) {
  const page = extractPage(outcome.html, row.url)
  const canonical = page.canonical ? crawlUrl(page.canonical) : undefined
  if (canonical && canonical !== row.url && sameSite(canonical, row.url) && robots.isAllowed(canonical)) {
    // Another URL is this page's canonical one: crawl that instead, once.
    return await record(sql, job.id, {
      url: row.url, http_status: outcome.status, retries: outcome.retries, outcome: 'redirected', detail: `canonical URL is ${canonical}`,
      enqueue: [{ url: canonical, depth: row.depth, from: row.url }],
    })
  }
  const links = page.links.map((l) => ({ ...l, url: crawlUrl(l.url) ?? l.url }))
  const internal = [...new Set(links.filter((l) => l.internal && sameSite(l.url, row.url)).map((l) => l.url))]
  const followable = page.nofollow || row.depth + 1 > job.metadata.limits.max_depth ? [] : internal
  const allowed = followable.filter((u) => robots.isAllowed(u))
  const chunks = page.markdown.trim() ? chunkText(page.markdown, settings.chunkTokens, settings.chunkOverlap) : []
  await record(sql, job.id, {
    url: row.url,
    outcome: page.noindex ? 'skipped_robots' : 'fetched',
    http_status: outcome.status,
    retries: outcome.retries,
    etag: outcome.etag,
    last_modified: outcome.lastModified ? new Date(outcome.lastModified).toISOString() : null,
    skipped_robots: followable.length - allowed.length,
    page: {
      title: page.title, markdown: page.markdown, html: outcome.html, description: page.description, language: page.language,
      canonical: page.canonical, content_type: page.structured.some((s) => s.type === 'product') ? 'product' : 'page',
      content_hash: await sha256Hex(page.markdown),
      metadata: {
        content_type: outcome.contentType, description: page.description, language: page.language, canonical: page.canonical,
        bytes: outcome.bytes, depth: row.depth, nofollow: page.nofollow,
      },
    },
    chunks: chunks.map((c) => ({ text: c.text, heading: page.title })),
    links,
    structured: page.structured,
    platform: page.platform,
    enqueue: allowed.map((url) => ({ url, depth: row.depth + 1, from: row.url })),
  })
}

/**
 * Runs one step of a crawl job within settings.budgetMs. Returns when the frontier is empty (the job
 * completes), the budget is spent, or signal aborts (then in-flight pages are left to their lease).
 */
export async function runCrawlStep(jobId: string, crawlSettings: CrawlSettings, stopSignal?: AbortSignal): Promise<StepResult> {
  const settings: StepSettings = { ...crawlSettings, fetch: safeFetcher({ resolve: crawlSettings.resolve, allowed: crawlSettings.allowed }) }
  const sql = db()
  const holder = crypto.randomUUID()
  const [job] = await sql<Job[]>`select id, domain_id, status, metadata
    from sites.lease_crawl_job(${jobId}, ${settings.leaseSeconds}, ${holder}, ${new Date(settings.clock.now())}) where id is not null`
  if (!job) {
    const [current] = await sql<{ status: string }[]>`select status from sites.content_refresh_jobs where id = ${jobId}`
    return { job_id: jobId, status: current?.status ?? 'missing', processed: 0 }
  }
  // The step stops as if interrupted when its caller stops it or when it loses the job's lease.
  const lost = new AbortController()
  const signal = stopSignal ? AbortSignal.any([stopSignal, lost.signal]) : lost.signal
  const stopHeartbeat = heartbeat(sql, job.id, holder, settings, () => lost.abort(new Error('the crawl job\'s lease was lost')))
  try {
    return await stepWithLease(sql, job, settings, signal)
  } finally {
    stopHeartbeat()
  }
}

/**
 * Renews the step's lease on its job and on the URLs it is fetching every settings.heartbeatMs, on
 * the settings' clock, until stopped; calls onLost when the job is no longer the step's. A worker
 * that dies stops renewing, and the next step takes the job over settings.leaseSeconds later.
 */
function heartbeat(sql: postgres.Sql, jobId: string, holder: string, settings: CrawlSettings, onLost: () => void): () => void {
  const stop = new AbortController()
  // Renewals run one after another, each with the time its beat fired.
  let renewals = Promise.resolve()
  const renew = async (at: Date) => {
    if (stop.signal.aborted) return
    try {
      const [{ renewed }] = await sql<{ renewed: boolean }[]>`select sites.renew_crawl_lease(${jobId}, ${holder}, ${settings.leaseSeconds}, ${at}) as renewed`
      if (!renewed && !stop.signal.aborted) {
        stop.abort()
        onLost()
      }
    } catch (error) {
      // Tried again at the next beat; the lease outlives a few missed ones.
      console.error(JSON.stringify({ level: 'warn', job: jobId, message: `lease renewal failed: ${(error as Error).message}` }))
    }
  }
  // The next beat is armed the moment one fires, so beats keep their rhythm on any clock.
  const arm = () => {
    if (stop.signal.aborted) return
    const beat = settings.clock.timeout(settings.heartbeatMs)
    const onStop = () => beat.removeEventListener('abort', onBeat)
    const onBeat = () => {
      stop.signal.removeEventListener('abort', onStop)
      const at = new Date(settings.clock.now())
      arm()
      renewals = renewals.then(() => renew(at))
    }
    beat.addEventListener('abort', onBeat, { once: true })
    stop.signal.addEventListener('abort', onStop, { once: true })
  }
  arm()
  return () => stop.abort()
}

async function stepWithLease(sql: postgres.Sql, job: Job, settings: StepSettings, signal: AbortSignal): Promise<StepResult> {
  const jobId = job.id
  const [{ domain }] = await sql<{ domain: string }[]>`select domain from sites.domains where id = ${job.domain_id}`
  // The domain itself first: a crawl of a private destination fails before a single request.
  // (A name that does not resolve is left to discovery, which reports the site unreachable.)
  const refused = await settings.fetch.vet(new URL(`http://${domain}/`)).then(() => undefined, (error) => error instanceof RefusedDestinationError ? error : undefined)
  if (refused) {
    const [{ status }] = await sql`select sites.end_crawl(${job.id}, 'failed', ${refused.message}) as status`
    return { job_id: jobId, status, processed: 0 }
  }

  const clock = settings.clock
  const deadline = clock.now() + settings.budgetMs
  let processed = 0
  try {
    const robots = job.metadata.discovered
      ? parseRobots(job.metadata.origin!, job.metadata.robots_txt ?? '', settings.userAgent)
      : (await discover(sql, job, domain, settings, signal)).robots
    const delay = robots.crawlDelaySeconds ?? job.metadata.crawl_delay_seconds ?? undefined
    // With a Crawl-delay: one request at a time, each starting `delay` after the previous one was over.
    const pacer = delay ? crawlDelayPacer(delay * 1000, clock) : undefined
    const queue = new PQueue({ concurrency: delay ? 1 : settings.concurrency })
    const margin = Math.min(settings.timeoutMs + 2000, settings.budgetMs / 4)
    while (!signal.aborted && clock.now() < deadline - margin) {
      const want = Math.max(1, (delay ? 1 : settings.concurrency) * 2 - queue.size - queue.pending)
      // URL leases are as short as the job's and renewed with it by the heartbeat.
      const batch = await sql<FrontierUrl[]>`select * from sites.claim_crawl_urls(${job.id}, ${want}, ${settings.leaseSeconds}, ${new Date(clock.now())})`
      if (batch.length === 0) {
        if (queue.size === 0 && queue.pending === 0) break
        // Nothing to claim while pages are in flight: claim again when one is over (it may have queued links).
        await new Promise<void>((resolve) => queue.addEventListener('next', () => resolve(), { once: true }))
        continue
      }
      for (const row of batch) {
        queue.add(async () => {
          try {
            await processUrl(sql, job, row, robots, settings, pacer, signal)
            processed++
          } catch (error) {
            if (signal?.aborted) return
            console.error(JSON.stringify({ level: 'error', job: job.id, url: row.url, message: (error as Error).message }))
            await record(sql, job.id, { url: row.url, outcome: 'failed', error: (error as Error).message }).catch(() => {})
          }
        })
      }
      await queue.onSizeLessThan(Math.max(1, settings.concurrency))
    }
    await queue.onIdle()
  } catch (error) {
    if (signal?.aborted) return { job_id: jobId, status: 'interrupted', processed }
    const [{ status }] = await sql`select sites.end_crawl(${job.id}, 'failed', ${(error as Error).message}) as status`
    return { job_id: jobId, status, processed }
  }
  if (signal?.aborted) return { job_id: jobId, status: 'interrupted', processed }
  const [{ status }] = await sql<{ status: string }[]>`select sites.finish_crawl_if_done(${job.id}) as status`
  if (status === 'running') await sql`select sites.release_crawl_job(${job.id})`
  return { job_id: jobId, status, processed }
}
