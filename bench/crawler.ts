// 3. Crawler on a loopback site of 1,000 pages (each linking onwards, all in the sitemap): pages per
// second with at most 4 connections, including extraction and the database writes, beside the same
// 1,000 GETs alone at the same concurrency; then a re-crawl of the unchanged site: the share of pages
// answered 304 or unchanged, and the embedding jobs it leaves (each would be a provider request).
import PQueue from 'p-queue'
import { closeDb } from '../functions/_shared/db.ts'
import { runCrawlStep } from '../functions/scrape/crawler.ts'
import { crawlSettings } from '../functions/scrape/settings.ts'
import { startSiteLoopback } from '../tests/support/site-loopback.ts'
import { startTestDatabase } from '../tests/support/test-db.ts'

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
  const db = await startTestDatabase()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, SCRAPE_ALLOW_PRIVATE_HOSTS: 'true', SCRAPE_BUDGET_SECONDS: '600' })
  delete process.env.OPENAI_API_KEY

  log('crawler: baseline (GETs alone)')
  const queue = new PQueue({ concurrency: 4 })
  let t = performance.now()
  for (let i = 0; i < PAGES; i++) queue.add(async () => (await fetch(`${site.url}/p/${i}`)).text())
  await queue.onIdle()
  const baselineSeconds = (performance.now() - t) / 1000
  site.reset()

  const [{ id: owner }] = (await db.sql.query<{ id: string }>(`select tests.create_supabase_user('bench_crawler') as id`)).rows
  const [{ id: domainId }] = (await db.sql.query<{ id: string }>(`insert into sites.domains (user_id, domain) values ($1, $2) returning id`, [owner, site.host])).rows
  await db.sql.exec('delete from private.embedding_jobs')
  const crawl = async () => {
    const [{ id: jobId }] = (await db.sql.query<{ id: string }>(`select id from sites.start_crawl($1, ${PAGES + 10}, 50)`, [domainId])).rows
    const started = performance.now()
    for (let step = 0; step < 20; step++) {
      const result = await runCrawlStep(jobId, crawlSettings())
      if (result.status !== 'running' && result.status !== 'pending') break
    }
    const seconds = (performance.now() - started) / 1000
    const [job] = (await db.sql.query<{ status: string; counts: Record<string, number> }>(
      `select status, metadata -> 'counts' as counts from sites.content_refresh_jobs where id = $1`, [jobId])).rows
    return { seconds, ...job }
  }
  log('crawler: first crawl')
  const first = await crawl()
  const [{ pending: firstJobs }] = (await db.sql.query<{ pending: number }>(`select count(*)::int as pending from private.embedding_jobs where status = 'pending'`)).rows
  await db.sql.exec('delete from private.embedding_jobs')
  log('crawler: re-crawl')
  const second = await crawl()
  const [{ pending: secondJobs }] = (await db.sql.query<{ pending: number }>(`select count(*)::int as pending from private.embedding_jobs where status = 'pending'`)).rows
  await closeDb()
  await Promise.all([db.stop(), site.close()])
  const round = (x: number) => Math.round(x * 100) / 100
  return {
    pages: PAGES,
    baseline_gets_only: { seconds: round(baselineSeconds), pages_per_second: round(PAGES / baselineSeconds) },
    first_crawl: { status: first.status, seconds: round(first.seconds), pages_per_second: round(first.counts.pages_fetched / first.seconds), counts: first.counts, embedding_jobs: firstJobs },
    max_concurrent_requests: site.maxConcurrent,
    recrawl: {
      status: second.status, seconds: round(second.seconds), pages_per_second: round(second.counts.pages_fetched / second.seconds), counts: second.counts,
      unchanged_share: round((second.counts.not_modified + second.counts.unchanged) / Math.max(1, second.counts.pages_fetched)),
      embedding_jobs: secondJobs,
    },
  }
}
