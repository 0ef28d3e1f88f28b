// The loopback website the sites crawler is tested against: conditional GETs, robots.txt, sitemaps,
// redirects, 429s, the endless calendar, held pages, concurrency accounting and the big page.
import { XMLParser } from 'fast-xml-parser'
import robotsModule from 'robots-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSite, startSiteLoopback, type SiteLoopback } from '../support/site-loopback.ts'

let site: SiteLoopback
const get = (path: string, init?: RequestInit) => fetch(`${site.url}${path}`, init)
const locs = (entries: { loc: string } | { loc: string }[]) => [entries].flat().map((e) => e.loc)
const xml = new XMLParser()
// robots-parser is `module.exports = fn` but its types declare `export default`: the default import is the function.
const robotsParser = robotsModule as unknown as typeof robotsModule.default

beforeAll(async () => {
  site = await startSiteLoopback(defaultSite())
})
afterAll(async () => {
  await site?.close()
})

describe('site loopback', () => {
  it('serves the home page with the links the crawler tests rely on', async () => {
    expect(site.url).toBe(`http://${site.host}`)
    const res = await get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const html = await res.text()
    expect(html).toContain('<html lang="en">')
    expect(html).toMatch(/<title>[^<]+<\/title>/)
    expect(html).toContain('<meta name="description"')
    for (const href of ['/about', '/products/', '/blog/', '/faq', '/calendar/2026/01', '/private/secret', '/old-page', '/docs/manual.pdf',
      '/busy', '/big', 'https://example.org/elsewhere', '#top', '/about?utm_source=x&amp;utm_medium=y']) {
      expect(html).toContain(`href="${href}"`)
    }
    expect(html).not.toContain('/orphan')
    expect(await (await get('/about')).text()).toContain('<link rel="canonical" href="/about">')
    expect(await (await get('/products/widget')).text()).toContain('"@type":"Product"')
    const pdf = await get('/docs/manual.pdf')
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(new TextDecoder().decode(await pdf.arrayBuffer())).toMatch(/^%PDF-/)
    const missing = await get('/no-such-page')
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('Not found')
  })

  it('answers conditional GETs with 304 until setPage changes the page', async () => {
    const first = await get('/about')
    const etag = first.headers.get('etag')!
    const lastModified = first.headers.get('last-modified')!
    expect(etag).toMatch(/^"[0-9a-f]+"$/)
    expect(lastModified).toBeTruthy()
    const byTag = await get('/about', { headers: { 'if-none-match': etag } })
    expect(byTag.status).toBe(304)
    expect(await byTag.text()).toBe('')
    expect((await get('/about', { headers: { 'if-modified-since': lastModified } })).status).toBe(304)
    const head = await get('/about', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0)
    expect(await head.text()).toBe('')

    site.setPage({ path: '/changing', html: '<html lang="en"><title>v1</title></html>' })
    const v1 = await get('/changing')
    const tag1 = v1.headers.get('etag')!
    const lm1 = v1.headers.get('last-modified')!
    site.setPage({ path: '/changing', html: '<html lang="en"><title>v1</title></html>' })
    expect((await get('/changing', { headers: { 'if-none-match': tag1 } })).status).toBe(304)
    site.setPage({ path: '/changing', html: '<html lang="en"><title>v2</title></html>' })
    const v2 = await get('/changing', { headers: { 'if-none-match': tag1 } })
    expect(v2.status).toBe(200)
    expect(await v2.text()).toContain('v2')
    expect(v2.headers.get('etag')).not.toBe(tag1)
    expect(Date.parse(v2.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(lm1))
    expect((await get('/changing', { headers: { 'if-modified-since': lm1 } })).status).toBe(200)
    site.removePage('/changing')
    expect((await get('/changing')).status).toBe(404)
  })

  it('serves robots.txt that disallows /private/ and /tmp/, allows the public note and names the sitemap', async () => {
    const text = await (await get('/robots.txt')).text()
    expect(text).toContain('Disallow: /private/')
    expect(text).toContain('Disallow: /tmp/')
    expect(text).toContain('Allow: /private/public-note')
    expect(text).toContain(`Sitemap: ${site.url}/sitemap.xml`)
    expect(text).not.toContain('Crawl-delay')
    const robots = robotsParser(`${site.url}/robots.txt`, text)
    expect(robots.isAllowed(`${site.url}/private/secret`, 'AcmeBot')).toBe(false)
    expect(robots.isAllowed(`${site.url}/tmp/draft`, 'AcmeBot')).toBe(false)
    expect(robots.isAllowed(`${site.url}/private/public-note`, 'AcmeBot')).toBe(true)
    expect(robots.isAllowed(`${site.url}/about`, 'AcmeBot')).toBe(true)
    expect(await (await get('/about')).text()).toContain('href="/private/public-note"')
  })

  it('serves a sitemap index whose child sitemaps list the orphan page', async () => {
    const index = xml.parse(await (await get('/sitemap.xml')).text())
    const children = locs(index.sitemapindex.sitemap)
    expect(children).toEqual([`${site.url}/sitemap-pages.xml`, `${site.url}/sitemap-blog.xml`])
    const listed = (await Promise.all(children.map(async (u) => locs(xml.parse(await (await fetch(u)).text()).urlset.url)))).flat()
    expect(listed).toContain(`${site.url}/orphan`)
    expect(listed).toContain(`${site.url}/blog/post-3`)
    expect((await get('/orphan')).status).toBe(200)
  })

  it('redirects /old-page through a 2-hop chain to /about, and /loop-a round in a loop', async () => {
    const hop1 = await get('/old-page', { redirect: 'manual' })
    expect(hop1.status).toBe(301)
    expect(hop1.headers.get('location')).toBe('/redirect-2')
    const hop2 = await get('/redirect-2', { redirect: 'manual' })
    expect(hop2.status).toBe(302)
    expect(hop2.headers.get('location')).toBe(`${site.url}/about`)
    const followed = await get('/old-page')
    expect(followed.url).toBe(`${site.url}/about`)
    expect(followed.status).toBe(200)
    expect((await get('/loop-a', { redirect: 'manual' })).headers.get('location')).toBe('/loop-b')
    expect((await get('/loop-b', { redirect: 'manual' })).headers.get('location')).toBe('/loop-a')
    expect(await (await get('/blog/')).text()).toContain('href="/loop-a"')
  })

  it('answers /busy with 429 and Retry-After twice, then 200', async () => {
    const statuses = []
    for (let i = 0; i < 3; i++) {
      const res = await get('/busy')
      statuses.push(res.status)
      if (res.status === 429) expect(res.headers.get('retry-after')).toBe('1')
      await res.arrayBuffer()
    }
    expect(statuses).toEqual([429, 429, 200])
    expect(site.requestsFor('/busy').map((r) => r.status)).toEqual([429, 429, 200])
  })

  it('generates calendar months that link on forever', async () => {
    let path = '/calendar/2026/01'
    const html = await (await get(path)).text()
    expect(html).toContain('href="/calendar/2025/12"')
    for (let i = 0; i < 24; i++) {
      const res = await get(path)
      expect(res.status).toBe(200)
      const next = /<a rel="next" href="([^"]+)"/.exec(await res.text())![1]
      path = next
    }
    expect(path).toBe('/calendar/2028/01')
    expect((await get('/calendar/2026/13')).status).toBe(404)
  })

  it('counts overlapping requests in maxConcurrent; reset clears it and the request log', async () => {
    site.reset()
    expect(site.maxConcurrent).toBe(0)
    site.setPage({ path: '/wait', html: '<p>waited</p>', hold: true })
    const answers = Promise.all([1, 2, 3, 4].map(async () => (await get('/wait')).text()))
    await site.held('/wait', 4)
    site.release('/wait')
    expect(await answers).toEqual(Array(4).fill('<p>waited</p>'))
    expect(site.maxConcurrent).toBe(4)
    expect(site.requestsFor('/wait')).toHaveLength(4)
    await (await get('/about?utm_source=x')).text()
    expect(site.requestsFor('/about').map((r) => r.path)).toEqual(['/about?utm_source=x'])
    expect(site.requestsFor('/about?utm_source=x')).toHaveLength(1)
    site.reset()
    expect(site.requests).toEqual([])
    expect(site.maxConcurrent).toBe(0)
  })

  it('serves /big at more than 5 MB', async () => {
    const big = await get('/big')
    expect((await big.arrayBuffer()).byteLength).toBeGreaterThan(5 * 1024 * 1024)
  })

  it('holds a page until released, and records a client that gave up waiting as 499', async () => {
    site.setPage({ path: '/held', html: '<p>at last</p>', hold: true })
    const controller = new AbortController()
    const abandoned = get('/held', { signal: controller.signal })
    await site.held('/held')
    controller.abort()
    await expect(abandoned).rejects.toThrow()
    expect((await site.settled('/held')).map((r) => r.status)).toEqual([499])

    const waiting = get('/held')
    const [request] = await site.held('/held')
    expect(request.status).toBe(0)
    site.release('/held')
    const res = await waiting
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('<p>at last</p>')
    // Released: later requests are answered at once.
    expect(await (await get('/held')).text()).toBe('<p>at last</p>')
    expect(site.requestsFor('/held').map((r) => r.status)).toEqual([499, 200, 200])
  })

  it('records request times on the clock it is given', async () => {
    let now = 1_000
    const clocked = await startSiteLoopback({ pages: [{ path: '/', html: '<p>hi</p>' }], now: () => now })
    try {
      await (await fetch(`${clocked.url}/`)).text()
      now = 5_000
      await (await fetch(`${clocked.url}/`)).text()
      expect(clocked.requests.map((r) => r.at)).toEqual([1_000, 5_000])
    } finally {
      await clocked.close()
    }
  })
})
