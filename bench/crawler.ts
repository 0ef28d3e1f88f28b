// 3. Crawler on a loopback site of 1,000 pages (each linking onwards, all in the sitemap), on the
// live stack path: the stack's gateway and scrape function (POST /functions/v1/scrape starts the
// crawl, POST /functions/v1/scrape/run advances it, as the scheduler's tick does) writing to the
// lane's engine. Pages per second with at most 4 connections, including extraction and the database
// writes, beside the same 1,000 GETs alone at the same concurrency; then a re-crawl of the unchanged
// site: the share of pages answered 304 or unchanged, and the embedding jobs it leaves (each would
// be a provider request). `max_concurrent_requests` is the most requests to the site the crawler had
// open at once (counted at fetch, from the call until the response headers; this process runs the
// crawler). The site's own count (`overlapping_at_site`, from a request's arrival until its answer is
// written) stays at 1 on loopback whatever the crawler does: its answers take well under a
// millisecond, so they never overlap there. On PGlite the database runs in this process too, so its
// work blocks the event loop the fetches, the extraction and the site share.
import postgres from 'postgres'
import PQueue from 'p-queue'
import { markDomainVerified } from '../tests/support/domain-verified.ts'
import { startSiteLoopback } from '../tests/support/site-loopback.ts'
import { stackOnClone } from './engines.ts'

const PAGES = 1000

function page(i: number): string {
  const links = Array.from({ length: 5 }, (_, k) => `<a href="/p/${(i * 7 + k * 131 + 1) % PAGES}">Page ${(i * 7 + k * 131 + 1) % PAGES}</a>`).join(' ')
  const text = Array.from({ length: 6 }, (_, k) => `<p>Paragraph ${k} of page ${i}: widgets, gadgets and the ${i % 17}th product line explained in plain words.</p>`).join('')
  return `<!doctype html><html lang="en"><head><title>Page ${i}</title><meta name="description" content="Page ${i}"></head>
<body><nav><a href="/">Home</a></nav><main><h1>Page ${i}</h1>${text}<p>${links}</p></main><footer>Footer</footer></body></html>`
}

export async function crawlerFigures(log: (line: string) => void) {
  const sitemap = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${
    Array.from({ length: PAGES }, (_, i) => `<url><loc>{{origin}}/p/${i}</loc></url>`).join('')}</urlset>`
  const site = await startSiteLoopback({
    robots: 'User-agent: *\nAllow: /\nSitemap: {{origin}}/sitemap.xml\n',
    pages: [
      { path: '/', html: page(PAGES) },
      { path: '/sitemap.xml', body: sitemap, contentType: 'application/xml' },
      { path: '/p/*', render: (path) => (/^\/p\/\d+$/.test(path) ? page(Number(path.slice(3))) : null) },
    ],
  })
  Object.assign(process.env, { SCRAPE_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', SCRAPE_BUDGET_SECONDS: '600' })
  delete process.env.OPENAI_API_KEY
  const { stack, stop } = await stackOnClone()
  const inFlight = countRequestsTo(site.url)
  const sql = postgres(stack.status.DB_URL, { max: 1, onnotice: () => {} })

  log('crawler: baseline (GETs alone)')
  const queue = new PQueue({ concurrency: 4 })
  const t = performance.now()
  for (let i = 0; i < PAGES; i++) queue.add(async () => (await fetch(`${site.url}/p/${i}`)).text())
  await queue.onIdle()
  const baselineSeconds = (performance.now() - t) / 1000
  const baselineInFlight = { max_concurrent_requests: inFlight.max, overlapping_at_site: site.maxConcurrent }

  const [{ id: owner }] = await sql<{ id: string }[]>`select tests.create_supabase_user('bench_crawler') as id`
  const [{ id: domainId }] = await sql<{ id: string }[]>`insert into sites.domains (user_id, domain) values (${owner}, ${site.host}) returning id`
  await markDomainVerified((q, p) => sql.unsafe(q, p as never[]), domainId)
  await sql`delete from private.embedding_jobs`
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${stack.status.FUNCTIONS_URL}/scrape${path}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', apikey: stack.status.SERVICE_ROLE_KEY, authorization: `Bearer ${stack.status.SERVICE_ROLE_KEY}` },
    })
    const json = await res.json()
    if (!res.ok) throw new Error(`POST /scrape${path} answered ${res.status}: ${JSON.stringify(json)}`)
    return json
  }
  const crawl = async () => {
    site.reset()
    inFlight.max = 0
    const started = performance.now()
    const { job } = await call('', { domain_id: domainId, max_pages: PAGES + 10, max_depth: 50 })
    let steps = 0
    for (; steps < 20; steps++) {
      const result = await call('/run', { job_id: job.id })
      if (result.status !== 'running' && result.status !== 'pending') break
    }
    const seconds = (performance.now() - started) / 1000
    const [row] = await sql<{ status: string; counts: Record<string, number> }[]>`
      select status, metadata -> 'counts' as counts from sites.content_refresh_jobs where id = ${job.id}`
    const [{ pending }] = await sql<{ pending: number }[]>`select count(*)::int as pending from private.embedding_jobs where status = 'pending'`
    await sql`delete from private.embedding_jobs`
    return { status: row.status, seconds: round(seconds), steps: steps + 1, pages_per_second: round(row.counts.pages_fetched / seconds), counts: row.counts,
      embedding_jobs: pending, max_concurrent_requests: inFlight.max, overlapping_at_site: site.maxConcurrent }
  }
  log('crawler: first crawl')
  const first = await crawl()
  log('crawler: re-crawl')
  const second = await crawl()
  inFlight.restore()
  await sql.end()
  await stop()
  await site.close()
  return {
    pages: PAGES,
    path: 'gateway /functions/v1/scrape + /scrape/run',
    baseline_gets_only: { seconds: round(baselineSeconds), pages_per_second: round(PAGES / baselineSeconds), ...baselineInFlight },
    first_crawl: first,
    recrawl: { ...second, unchanged_share: round((second.counts.not_modified + second.counts.unchanged) / Math.max(1, second.counts.pages_fetched)) },
  }
}

const round = (x: number) => Math.round(x * 100) / 100

/** Counts the requests to `origin` open at once through this process's fetch (the crawler's). */
function countRequestsTo(origin: string) {
  const original = globalThis.fetch
  let open = 0
  const state = {
    max: 0,
    restore: () => void (globalThis.fetch = original),
  }
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (!url.startsWith(origin)) return await original(input, init)
    state.max = Math.max(state.max, ++open)
    try {
      return await original(input, init)
    } finally {
      open--
    }
  }
  return state
}
