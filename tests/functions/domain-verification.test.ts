// Domain verification (issue 17 point 2) against a loopback website and a real database: several
// users may claim one host; the claim whose token the site serves at /.well-known is verified and no
// other; an unverified claim is neither crawled nor served by the chat widget; a verified claim is
// re-checked and loses verification when the token goes away (at once) or the site stays unreachable
// (after 3 checks). Time: "not checked for two days" is set in the database, no wall clock decides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { VERIFICATION_PATH } from '../../functions/_shared/domain-verification.ts'
import { app as chatApp } from '../../functions/chat/app.ts'
import { app as domainsApp } from '../../functions/domains/app.ts'
import { app as scrapeApp } from '../../functions/scrape/app.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { markDomainVerified } from '../support/domain-verified.ts'
import { startSiteLoopback, type SiteLoopback } from '../support/site-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const JWT_SECRET = 'domain-verification-test-secret-with-32-characters'
let db: TestDatabase
let site: SiteLoopback
let serviceKey: string
const users: Record<string, { id: string; jwt: string }> = {}

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

async function post(app: { request: typeof domainsApp.request }, path: string, body: unknown, key: string) {
  const res = await app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } })
  return { status: res.status, body: await res.json() }
}

/** A user's claim on a host, with a chat widget config of their own; returns the claim's id and token. */
async function claim(user: string, host: string, businessName: string) {
  const [row] = await query<{ id: string; verification_token: string }>(
    `insert into sites.domains (user_id, domain) values ($1, $2) returning id, verification_token`, [users[user].id, host])
  const [{ id: customer }] = await query<{ id: string }>(
    `insert into sites.customers (auth_user_id, email) values ($1, $2) on conflict (email) do update set name = excluded.name returning id`,
    [users[user].id, `${user}@owners.test`])
  await query(`insert into sites.customer_configs (customer_id, domain, business_name, allowed_origins) values ($1, $2, $3, '{*}')`, [customer, host, businessName])
  return row
}

const widget = async (host: string) => {
  const res = await chatApp.request(`/chat/config?domain=${encodeURIComponent(host)}`)
  return { status: res.status, body: await res.json() }
}
const verify = (user: string, domainId: string) => post(domainsApp, '/domains/verify', { domain_id: domainId }, users[user].jwt)
const startCrawl = (user: string, domainId: string) => post(scrapeApp, '/scrape', { domain_id: domainId }, users[user].jwt)
const serveTokens = (...tokens: string[]) => site.setPage({ path: VERIFICATION_PATH, body: `${tokens.join('\n')}\n`, contentType: 'text/plain' })
const jobsOf = async (domainId: string) => (await query<{ n: number }>(`select count(*)::int as n from sites.content_refresh_jobs where domain_id = $1`, [domainId]))[0].n

beforeAll(async () => {
  db = await startTestDatabase()
  site = await startSiteLoopback({ pages: [{ path: '/', html: '<html><body><h1>Alice shop</h1></body></html>' }] })
  // The loopback site is a private address: allowed explicitly, as for the crawler.
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET, SCRAPE_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' })
  serviceKey = await signRoleKey('service_role', JWT_SECRET)
  for (const name of ['alice', 'mallory']) {
    const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user($1) as id`, [`dv_${name}`])
    users[name] = { id, jwt: await signUserToken(id, JWT_SECRET) }
  }
})
afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), site.close()])
})

describe('claims and verification', () => {
  let alice: { id: string; verification_token: string }
  let mallory: { id: string; verification_token: string }

  it('the first to register a host does not squat it: both claims exist, neither is crawled or served yet', async () => {
    mallory = await claim('mallory', site.host, 'Mallory fake shop')
    alice = await claim('alice', site.host, 'Alice shop')
    expect(alice.verification_token).toMatch(/^[0-9a-f]{32}$/)
    expect(alice.verification_token).not.toBe(mallory.verification_token)
    expect(await widget(site.host)).toMatchObject({ status: 404, body: { error: { code: 'site_not_found' } } })
    const refused = await startCrawl('mallory', mallory.id)
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'domain_not_verified' } } })
    expect(await jobsOf(mallory.id)).toBe(0)
    expect(await query(`select id from sites.start_due_crawls() as id`)).toEqual([])
    expect(site.requests.filter((r) => r.path !== VERIFICATION_PATH)).toEqual([]) // nothing was fetched from the site
  })

  it('the claim whose token the site serves is verified; a claim whose token it does not serve is not', async () => {
    serveTokens(alice.verification_token)
    expect(await verify('mallory', mallory.id)).toMatchObject({ status: 200, body: { status: 'unverified', verified_at: null } })
    expect(await verify('mallory', alice.id)).toMatchObject({ status: 404, body: { error: { code: 'domain_not_found' } } })
    const verified = await verify('alice', alice.id)
    expect(verified).toMatchObject({ status: 200, body: { domain: site.host, status: 'verified', error: null } })
    expect(verified.body.verified_at).not.toBeNull()
    expect(site.requestsFor(VERIFICATION_PATH).length).toBeGreaterThan(0)
  })

  it('once a host is verified by one claim, another claim cannot verify it, even with its token on the site', async () => {
    serveTokens(alice.verification_token, mallory.verification_token)
    expect(await verify('mallory', mallory.id)).toMatchObject({ status: 200, body: { status: 'taken', verified_at: null } })
    const claims = await query(`select user_id, verified_at is not null as verified from sites.domains where domain = $1 order by verified_at nulls last`, [site.host])
    expect(claims).toEqual([{ user_id: users.alice.id, verified: true }, { user_id: users.mallory.id, verified: false }])
  })

  it('the widget serves the verified owner\'s config, never the other claimant\'s', async () => {
    expect(await widget(site.host)).toMatchObject({ status: 200, body: { business_name: 'Alice shop' } })
  })

  it('only the verified claim is crawled: POST /scrape refuses the other, start_due_crawls picks the verified one', async () => {
    expect((await startCrawl('mallory', mallory.id)).status).toBe(403)
    expect(await jobsOf(mallory.id)).toBe(0)
    const due = await query<{ id: string }>(`select id from sites.start_due_crawls() as id`)
    expect(due).toHaveLength(1)
    expect(await query(`select domain_id from sites.content_refresh_jobs where id = $1`, [due[0].id])).toEqual([{ domain_id: alice.id }])
    await query(`select sites.end_crawl($1, 'cancelled')`, [due[0].id])
    expect((await startCrawl('alice', alice.id)).status).toBe(202)
  })

  it('a verified claim is re-checked on schedule: without its token the site loses verification at once', async () => {
    serveTokens(mallory.verification_token)
    // Checked today: not due.
    expect((await post(domainsApp, '/domains/recheck', {}, serviceKey)).body).toEqual({ checked: 0, results: [] })
    await query(`update sites.domains set verification_checked_at = now() - interval '2 days' where id = $1`, [alice.id])
    const recheck = await post(domainsApp, '/domains/recheck', {}, serviceKey)
    expect(recheck).toMatchObject({ status: 200, body: { checked: 1, results: [{ domain_id: alice.id, status: 'unverified' }] } })
    expect(await widget(site.host)).toMatchObject({ status: 404 })
    expect((await startCrawl('alice', alice.id)).status).toBe(403)
    // The host is free again: the claim whose token the site now serves wins.
    expect(await verify('mallory', mallory.id)).toMatchObject({ status: 200, body: { status: 'verified' } })
    expect(await widget(site.host)).toMatchObject({ status: 200, body: { business_name: 'Mallory fake shop' } })
  })

  it('the recheck route is the service role\'s', async () => {
    expect((await post(domainsApp, '/domains/recheck', {}, users.alice.jwt)).status).toBe(403)
  })
})

describe('what does not count as the token', () => {
  it('a redirect to a page holding the token does not verify (redirects are not followed)', async () => {
    const other = await startSiteLoopback({ pages: [] })
    try {
      const row = await claim('alice', other.host, 'Redirected')
      other.setPage({ path: '/elsewhere.txt', body: row.verification_token, contentType: 'text/plain' })
      other.setPage({ path: VERIFICATION_PATH, status: 302, headers: { location: '/elsewhere.txt' }, body: '' })
      expect(await verify('alice', row.id)).toMatchObject({ status: 200, body: { status: 'unverified' } })
      expect(other.requestsFor('/elsewhere.txt')).toEqual([])
      other.setPage({ path: VERIFICATION_PATH, body: `not-${row.verification_token}`, contentType: 'text/plain' })
      expect(await verify('alice', row.id)).toMatchObject({ status: 200, body: { status: 'unverified' } })
    } finally {
      await other.close()
    }
  })

  it('a claim on a private address is not fetched unless allowed (SSRF): the check never connects', async () => {
    const internal = await startSiteLoopback({ pages: [] })
    try {
      const row = await claim('mallory', internal.host, 'Internal')
      internal.setPage({ path: VERIFICATION_PATH, body: row.verification_token, contentType: 'text/plain' })
      delete process.env.SCRAPE_ALLOWED_PRIVATE_HOSTS
      try {
        expect(await verify('mallory', row.id)).toMatchObject({ status: 200, body: { status: 'unverified', verified_at: null } })
        expect(internal.requests).toEqual([])
      } finally {
        process.env.SCRAPE_ALLOWED_PRIVATE_HOSTS = '127.0.0.1'
      }
    } finally {
      await internal.close()
    }
  })

  it('an unreachable site keeps its verification for two failed checks and loses it on the third', async () => {
    const closed = await startSiteLoopback({ pages: [] })
    const host = closed.host
    await closed.close() // nothing listens there any more
    const row = await claim('alice', host, 'Gone')
    await markDomainVerified(query, row.id)
    const statuses: string[] = []
    for (let i = 0; i < 3; i++) {
      await query(`update sites.domains set verification_checked_at = now() - interval '2 days' where id = $1`, [row.id])
      const { body } = await post(domainsApp, '/domains/recheck', {}, serviceKey)
      statuses.push(body.results.find((r: { domain_id: string }) => r.domain_id === row.id).status)
    }
    expect(statuses).toEqual(['still_verified', 'still_verified', 'unverified'])
  })
})
