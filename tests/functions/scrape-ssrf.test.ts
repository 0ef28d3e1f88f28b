// What the crawler must not reach (issue 17, point 1): loopback, private, link-local, CGNAT,
// multicast and metadata addresses, in every form an attacker can write one (decimal, octal, hex,
// short IPv4, IPv4-mapped IPv6), behind a name that resolves to one (a hosts-file name, a DNS name
// answering a private address), behind a redirect, and behind a name that answers differently the
// second time it is asked (DNS rebinding). Names are resolved by a resolver the test injects; the
// loopback sites stand in for the internal services an attacker would aim at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { allowList, refusedAddress } from '../../functions/_shared/outbound/address-policy.ts'
import { runCrawlStep } from '../../functions/scrape/crawler.ts'
import { crawlSettings } from '../../functions/scrape/settings.ts'
import { startSiteLoopback, type SiteLoopback } from '../support/site-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let owner: string
let internal: SiteLoopback
let port: string

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const page = (text: string) => `<html><body><main><p>${text} with enough words in it to be worth extracting.</p></main></body></html>`

/** Crawls `domain` to its end with the given resolver and allow-list; the job's status, error and counts. */
async function crawl(domain: string, options: { resolve?: (host: string) => Promise<string[]>; allowed?: string } = {}) {
  const [{ id }] = (await query<{ id: string }>(`select id from sites.domains where user_id = $1 and domain = $2`, [owner, domain])).length
    ? await query<{ id: string }>(`select id from sites.domains where user_id = $1 and domain = $2`, [owner, domain])
    : await query<{ id: string }>(`insert into sites.domains (user_id, domain, name) values ($1, $2, $2) returning id`, [owner, domain])
  const [{ job }] = await query<{ job: string }>(`select (sites.start_crawl($1, 50, 2)).id as job`, [id])
  const settings = { ...crawlSettings(), allowed: allowList(options.allowed), ...(options.resolve ? { resolve: options.resolve } : {}) }
  for (let step = 0; step < 10; step++) {
    const { status } = await runCrawlStep(job, settings)
    if (status !== 'running' && status !== 'pending') break
  }
  const [row] = await query<{ status: string; error_message: string | null; counts: Record<string, number> }>(
    `select status, error_message, metadata -> 'counts' as counts from sites.content_refresh_jobs where id = $1`, [job])
  return row
}

beforeAll(async () => {
  db = await startTestDatabase()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, SCRAPE_TIMEOUT_MS: '60000', SCRAPE_BUDGET_SECONDS: '60' })
  delete process.env.SCRAPE_ALLOWED_PRIVATE_HOSTS
  owner = (await query<{ id: string }>(`select tests.create_supabase_user('ssrf_owner') as id`))[0].id
  internal = await startSiteLoopback({ robots: null, pages: [{ path: '/', html: page('Internal admin console') }, { path: '/secret.txt', body: 'the secret', contentType: 'text/plain' }] })
  port = new URL(internal.url).port
})
afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), internal.close()])
})

describe('addresses', () => {
  it('refuses every non-public address, including metadata and IPv4 carried in IPv6, and passes public ones', () => {
    const refused = ['127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '100.100.100.200', '0.0.0.0', '224.0.0.251', '255.255.255.255', '::', '::1', 'fe80::1', 'fc00::1', 'fd00:ec2::254', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '::127.0.0.1']
    expect(refused.filter((a) => refusedAddress(a) === undefined)).toEqual([])
    expect(refusedAddress('169.254.169.254')).toMatch(/metadata/)
    expect(refusedAddress('fd00:ec2::254')).toMatch(/metadata/)
    const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:5db8:d822']
    expect(allowed.filter((a) => refusedAddress(a) !== undefined)).toEqual([])
  })
})

describe('the crawl of a domain that is a private destination fails before a single request', () => {
  for (const form of ['2130706433', '0177.0.0.1', '0x7f.0.0.1', '0x7f000001', '127.1', '017700000001']) {
    it(`${form} (127.0.0.1 written another way)`, async () => {
      const before = internal.requests.length
      const job = await crawl(`${form}:${port}`)
      expect(job).toMatchObject({ status: 'failed', error_message: expect.stringContaining('is a private address') })
      expect(internal.requests.slice(before)).toEqual([])
    })
  }

  it('a hosts-file name (a single label resolving to loopback)', async () => {
    const before = internal.requests.length
    const job = await crawl(`vm:${port}`, { resolve: async () => ['127.0.0.1'] })
    expect(job).toMatchObject({ status: 'failed', error_message: `vm:${port} is a private address (single-label name)` })
    expect(internal.requests.slice(before)).toEqual([])
  })

  it('a DNS name that resolves to a private, a metadata or a CGNAT address (any one of its answers)', async () => {
    const before = internal.requests.length
    const answers: Record<string, string[]> = {
      'intranet.shop.example': ['127.0.0.1'],
      'meta.shop.example': ['93.184.216.34', '169.254.169.254'],
      'cgnat.shop.example': ['100.64.7.7'],
      'mapped.shop.example': ['::ffff:127.0.0.1'],
    }
    const resolve = async (host: string) => answers[host] ?? []
    expect(await crawl(`intranet.shop.example:${port}`, { resolve }))
      .toMatchObject({ status: 'failed', error_message: `intranet.shop.example:${port} is a private address (127.0.0.1: loopback)` })
    expect(await crawl(`meta.shop.example:${port}`, { resolve }))
      .toMatchObject({ status: 'failed', error_message: expect.stringContaining('(169.254.169.254: link-local (cloud metadata))') })
    expect(await crawl(`cgnat.shop.example:${port}`, { resolve })).toMatchObject({ status: 'failed', error_message: expect.stringContaining('CGNAT') })
    expect(await crawl(`mapped.shop.example:${port}`, { resolve })).toMatchObject({ status: 'failed', error_message: expect.stringContaining('loopback') })
    expect(await crawl(`metadata.google.internal:${port}`, { resolve: async () => ['127.0.0.1'] }))
      .toMatchObject({ status: 'failed', error_message: expect.stringContaining('internal name') })
    expect(internal.requests.slice(before)).toEqual([])
  })

  it('the allow-list lets a listed host through and nothing else', async () => {
    const before = internal.requests.length
    expect(await crawl(`127.0.0.1:${port}`, { allowed: `127.0.0.1:${Number(port) + 1},localhost` })).toMatchObject({ status: 'failed' })
    expect(internal.requests.slice(before)).toEqual([])
    expect(await crawl(`127.0.0.1:${port}`, { allowed: `127.0.0.1:${port}` })).toMatchObject({ status: 'completed' })
    expect(internal.requests.length).toBeGreaterThan(before)
  })
})

describe('redirects', () => {
  it('a robots.txt or a page redirecting to a private address is not followed', async () => {
    const target = `http://2130706433:${port}/secret.txt`
    const site = await startSiteLoopback({
      robots: null,
      pages: [
        { path: '/robots.txt', status: 302, headers: { Location: target } },
        { path: '/', html: page('<a href="/away">away</a> Start page') },
        { path: '/away', status: 302, headers: { Location: `http://127.0.0.1:${port}/` } },
      ],
    })
    const before = internal.requests.length
    const job = await crawl(site.host, { allowed: site.host })
    expect(site.requestsFor('/robots.txt').length).toBeGreaterThan(0)
    expect(internal.requests.slice(before)).toEqual([])
    expect(job).toMatchObject({ status: 'failed', error_message: expect.stringContaining('is a private address') })
    await site.close()
  })
})

describe('DNS rebinding', () => {
  it('connects to the address it vetted: a name asked once per step, a second, private answer never used', async () => {
    const site = await startSiteLoopback({ robots: null, pages: [{ path: '/', html: page('<a href="/next">next</a> Rebinding start') }, { path: '/next', html: page('Next page') }] })
    const asked: string[] = []
    // First answer: the address the test allows (it stands in for a public one); every later answer: metadata.
    const resolve = async (host: string) => {
      asked.push(host)
      return asked.length === 1 ? ['127.0.0.1'] : ['169.254.169.254']
    }
    const job = await crawl(`shop.rebind.example:${new URL(site.url).port}`, { resolve, allowed: '127.0.0.1' })
    expect(job).toMatchObject({ status: 'completed', counts: expect.objectContaining({ changed: 2, failed: 0 }) })
    expect(asked).toEqual(['shop.rebind.example'])
    expect(site.requestsFor('/next').map((r) => r.headers.host)).toEqual([`shop.rebind.example:${new URL(site.url).port}`])
    await site.close()
  })
})
