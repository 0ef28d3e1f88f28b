// The scrape function: the website crawler of the sites domain.
//   POST /scrape {domain_id, max_pages?, max_depth?}  owner or service role: start a crawl (202)
//   POST /scrape/tick                                 service role (every minute): start due crawls, advance open ones
//   POST /scrape/run {job_id}                         service role: advance one job by one step
//   POST /scrape/cancel {job_id}                      owner or service role
import { createApp } from '../_shared/app.ts'
import { type AuthClaims, requireRole } from '../_shared/auth.ts'
import { db, withRole } from '../_shared/db.ts'
import { requireVerifiedDomain } from '../_shared/domain-verification.ts'
import { ApiError } from '../_shared/errors.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { runCrawlStep, type StepResult } from './crawler.ts'
import { JobRef, StartCrawl } from './schemas.ts'
import { crawlSettings } from './settings.ts'

export const app = createApp<{ Variables: { claims: AuthClaims } }>('scrape')

/** Owners act on their own domains only (checked under RLS); the service role on any. */
async function requireDomainAccess(claims: AuthClaims, domainId: string) {
  if (claims.role === 'service_role') return
  const visible = await withRole('authenticated', claims, (tx) => tx`select 1 from sites.domains where id = ${domainId}`)
  if (visible.length === 0) throw new ApiError(404, 'domain_not_found', `No domain ${domainId}`)
}

app.post('/', requireRole('authenticated', 'service_role'), async (c) => {
  const body = parse(StartCrawl, await jsonBody(c))
  await requireDomainAccess(c.get('claims'), body.domain_id)
  await requireVerifiedDomain(body.domain_id) // 403 domain_not_verified (due crawls: sites.start_due_crawls skips them)
  const settings = crawlSettings()
  const [job] = await db()`select id, domain_id, status, metadata, created_at
    from sites.start_crawl(${body.domain_id}, ${body.max_pages ?? settings.maxPages}, ${body.max_depth ?? settings.maxDepth})`
  return c.json({ job }, 202)
})

app.post('/cancel', requireRole('authenticated', 'service_role'), async (c) => {
  const { job_id } = parse(JobRef, await jsonBody(c))
  const [job] = await db()<{ domain_id: string }[]>`select domain_id from sites.content_refresh_jobs where id = ${job_id}`
  if (!job) throw new ApiError(404, 'job_not_found', `No job ${job_id}`)
  await requireDomainAccess(c.get('claims'), job.domain_id)
  const [{ status }] = await db()`select sites.end_crawl(${job_id}, 'cancelled', 'cancelled on request') as status`
  return c.json({ job_id, status })
})

app.post('/run', requireRole('service_role'), async (c) => {
  const { job_id } = parse(JobRef, await jsonBody(c))
  return c.json(await runCrawlStep(job_id, crawlSettings()))
})

app.post('/tick', requireRole('service_role'), async (c) => {
  const settings = crawlSettings()
  const sql = db()
  const started = await sql<{ id: string }[]>`select id from sites.start_due_crawls() as id`
  const deadline = settings.clock.now() + settings.budgetMs
  const steps: StepResult[] = []
  for (const { id } of await sql<{ id: string }[]>`select id from sites.crawl_jobs_ready(10) as id`) {
    const remaining = deadline - settings.clock.now()
    if (remaining < settings.budgetMs / 4) break
    steps.push(await runCrawlStep(id, { ...settings, budgetMs: remaining }))
  }
  return c.json({ started: started.map((s) => s.id), steps })
})
