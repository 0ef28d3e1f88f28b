// A loopback server speaking plain HTTP/1.1 as a small website for the sites crawler's tests: HTML
// pages with strong ETags and Last-Modified (If-None-Match / If-Modified-Since answer 304), GET and
// HEAD, robots.txt, sitemaps, redirects (chains and loops), held pages (no answer until the test
// releases them: "slow" without a wall clock), pages that answer 429 a few times before they answer
// 200, a ~6 MB page and an endless calendar. Records every request and the highest number of
// requests in flight at once. `{{origin}}` in any page text or header value is replaced with the
// server's URL (http://127.0.0.1:PORT), so robots.txt and sitemaps can be absolute.
import { createHash } from 'node:crypto'
import type { Server } from 'node:http'
import { serve, type HttpBindings, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'

export interface SitePage {
  // An exact path ('/about'; one with a query string, '/a?b=1', wins over its bare path), or a prefix
  // ending in '*' ('/calendar/*') whose pages come from `render`. Exact paths win over prefixes.
  path: string
  html?: string
  body?: string | Uint8Array
  contentType?: string
  status?: number
  headers?: Record<string, string>
  // Requests wait, unanswered, until release(path) is called with this page's path (after that the
  // page answers at once) or the client goes away (recorded as 499). held(path) says when one waits.
  hold?: boolean
  // The first `count` requests (GET or HEAD) answer `status` (with Retry-After when given), then the
  // page answers normally. The count starts again after setPage and reset().
  failFirst?: { count: number; status: number; retryAfter?: string }
  // Builds the page's HTML per request from the request path (no query); null answers 404.
  render?: (path: string) => string | null
}

export interface SiteRequest {
  method: string
  path: string // with the query string
  at: number // now() on arrival (Date.now() unless the site was given a clock)
  headers: Record<string, string> // lower-case names
  status: number // 0 while in flight; 499 when the client went away while the page was held
}

export interface SiteLoopback {
  url: string
  host: string
  requests: SiteRequest[]
  // With a '?' in `path`: that exact path and query. Without: every request to that path, any query.
  requestsFor(path: string): SiteRequest[]
  maxConcurrent: number
  // Resolves once `count` requests (default 1) to the held page with this path are waiting.
  held(path: string, count?: number): Promise<SiteRequest[]>
  // Answers every request waiting on the held page with this path; later requests are not held.
  release(path: string): void
  // Resolves when every request to this path (any query) has been answered or dropped.
  settled(path: string): Promise<SiteRequest[]>
  setPage(page: SitePage): void
  removePage(path: string): void
  reset(): void
  close(): Promise<void>
}

export interface SiteOptions {
  pages?: SitePage[]
  // Served as /robots.txt (text/plain); null or absent: no robots.txt (404) unless a page sets one.
  robots?: string | null
  // Last-Modified of the pages given at start (default 2026-01-01T00:00:00Z). Pages added later get now.
  lastModified?: Date
  // The clock of SiteRequest.at (default Date.now): a test that runs the crawler on its own clock
  // passes that clock's now, so request times are read on the crawler's clock.
  now?: () => number
}

interface Entry {
  page: SitePage
  lastModified: number // ms, whole seconds
  signature: string
  hits: number
  released: boolean
  cache?: { source: string | Uint8Array; bytes: Uint8Array<ArrayBuffer>; etag: string }
}

interface Waiter {
  done: () => boolean
  resolve: () => void
}

const HTML = 'text/html; charset=utf-8'
const NOT_FOUND = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>' +
  '<body><h1>Not found</h1><p>There is no page at this address.</p></body></html>\n'
const encoder = new TextEncoder()
const sha1 = (data: string | Uint8Array) => createHash('sha1').update(data).digest('hex')

// What makes two versions of a page "the same content" (render functions are compared by identity).
function signatureOf(page: SitePage): string {
  const body = page.body === undefined ? '' : typeof page.body === 'string' ? `s:${page.body}` : `b:${sha1(page.body)}`
  return sha1(JSON.stringify([page.html, page.contentType, page.status, page.headers]) + body)
}

export async function startSiteLoopback(options: SiteOptions = {}): Promise<SiteLoopback> {
  const entries = new Map<string, Entry>()
  const closing = new AbortController()
  const initial = Math.floor((options.lastModified ?? new Date('2026-01-01T00:00:00Z')).getTime() / 1000) * 1000
  const now = options.now ?? Date.now
  let inFlight = 0
  let origin = ''
  // Requests waiting on held pages, by page path; each answers when its promise resolves.
  const holding = new Map<string, { record: SiteRequest; release: () => void }[]>()
  // Tests waiting for something to happen (held(), settled()): checked after every change.
  let waiters: Waiter[] = []
  const changed = () => {
    waiters = waiters.filter((w) => (w.done() ? (w.resolve(), false) : true))
  }
  const waitFor = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      waiters.push({ done, resolve })
      changed()
    })

  const put = (page: SitePage, lastModified: number) =>
    entries.set(page.path, { page, lastModified, signature: signatureOf(page), hits: 0, released: false })
  for (const page of options.pages ?? []) put(page, initial)
  if (typeof options.robots === 'string') put({ path: '/robots.txt', body: options.robots, contentType: 'text/plain; charset=utf-8' }, initial)

  const sub = (text: string) => text.replaceAll('{{origin}}', origin)

  const find = (pathname: string, search: string): Entry | undefined => {
    const exact = (search && entries.get(pathname + search)) || entries.get(pathname)
    if (exact) return exact
    let best: Entry | undefined
    for (const [key, entry] of entries) {
      if (key.endsWith('*') && pathname.startsWith(key.slice(0, -1)) && (!best || key.length > best.page.path.length)) best = entry
    }
    return best
  }

  // The bytes, content type and ETag of a page at a path; null when a render says there is no page.
  const content = (entry: Entry, pathname: string): { bytes: Uint8Array<ArrayBuffer>; type: string | undefined; etag: string } | null => {
    const page = entry.page
    let source: string | Uint8Array
    let type = page.contentType
    if (page.render) {
      const html = page.render(pathname)
      if (html === null) return null
      source = html
      type ??= HTML
    } else if (page.html !== undefined) {
      source = page.html
      type ??= HTML
    } else if (page.body !== undefined) {
      source = page.body
      type ??= typeof page.body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream'
    } else {
      source = ''
    }
    if (entry.cache?.source !== source) {
      const bytes = typeof source === 'string' ? encoder.encode(sub(source)) : new Uint8Array(source)
      entry.cache = { source, bytes, etag: `"${sha1(bytes)}"` }
    }
    return { bytes: entry.cache.bytes, type, etag: entry.cache.etag }
  }

  const notModified = (headers: Headers, etag: string, lastModified: number): boolean => {
    const inm = headers.get('if-none-match')
    if (inm !== null) return inm.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === etag)
    const ims = Date.parse(headers.get('if-modified-since') ?? '')
    return !Number.isNaN(ims) && lastModified <= ims
  }

  const app = new Hono<{ Bindings: HttpBindings }>()

  app.all('*', async (c) => {
    const url = new URL(c.req.url)
    const record: SiteRequest = {
      method: c.req.method, path: url.pathname + url.search, at: now(),
      headers: Object.fromEntries(c.req.raw.headers), status: 0,
    }
    state.requests.push(record)
    inFlight++
    state.maxConcurrent = Math.max(state.maxConcurrent, inFlight)
    // In flight until the response has been written (or the connection dropped).
    c.env.outgoing.once('close', () => {
      inFlight--
      if (record.status === 0) record.status = 499
      changed()
    })

    const respond = (status: number, body: Uint8Array<ArrayBuffer> | null, headers: Record<string, string>) => {
      record.status = status
      if (body) headers['content-length'] = String(body.byteLength)
      return new Response(body && body.byteLength > 0 ? body : null, { status, headers })
    }

    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return respond(405, null, { allow: 'GET, HEAD' })
    const entry = find(url.pathname, url.search)
    if (entry?.page.hold && !entry.released) {
      const gone = AbortSignal.any([c.req.raw.signal, closing.signal])
      await new Promise<void>((resolve) => {
        if (gone.aborted) return resolve()
        const waiting = holding.get(entry.page.path) ?? []
        const item = { record, release: resolve }
        waiting.push(item)
        holding.set(entry.page.path, waiting)
        gone.addEventListener('abort', () => {
          holding.set(entry.page.path, (holding.get(entry.page.path) ?? []).filter((w) => w !== item))
          resolve()
        }, { once: true })
        changed()
      })
      if (gone.aborted) return respond(499, null, {})
    }
    const found = entry && content(entry, url.pathname)
    if (!entry || !found) return respond(404, encoder.encode(NOT_FOUND), { 'content-type': HTML })

    const page = entry.page
    entry.hits++
    if (page.failFirst && entry.hits <= page.failFirst.count) {
      const headers: Record<string, string> = { 'content-type': HTML }
      if (page.failFirst.retryAfter !== undefined) headers['retry-after'] = page.failFirst.retryAfter
      const html = `<!doctype html>\n<html lang="en"><head><title>Try again later</title></head><body><h1>Status ${page.failFirst.status}</h1></body></html>\n`
      return respond(page.failFirst.status, encoder.encode(html), headers)
    }

    const status = page.status ?? 200
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(page.headers ?? {})) headers[name.toLowerCase()] = sub(value)
    if (status === 200) {
      headers.etag = found.etag
      headers['last-modified'] = new Date(entry.lastModified).toUTCString()
      if (notModified(c.req.raw.headers, found.etag, entry.lastModified)) return respond(304, null, headers)
    }
    if (found.type) headers['content-type'] = found.type
    return respond(status, found.bytes, headers)
  })

  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  const port = (server.address() as { port: number }).port
  origin = `http://127.0.0.1:${port}`

  const state: SiteLoopback = {
    url: origin,
    host: `127.0.0.1:${port}`,
    requests: [],
    requestsFor: (path) =>
      state.requests.filter((r) => (path.includes('?') ? r.path === path : r.path.split('?')[0] === path)),
    maxConcurrent: 0,
    held: async (path, count = 1) => {
      await waitFor(() => (holding.get(path)?.length ?? 0) >= count)
      return holding.get(path)!.map((w) => w.record)
    },
    release: (path) => {
      const entry = entries.get(path)
      if (entry) entry.released = true
      for (const waiting of holding.get(path) ?? []) waiting.release()
      holding.delete(path)
    },
    settled: async (path) => {
      await waitFor(() => state.requestsFor(path).every((r) => r.status !== 0))
      return state.requestsFor(path)
    },
    setPage: (page) => {
      const old = entries.get(page.path)
      const now = Math.floor(Date.now() / 1000) * 1000
      if (!old) return void put(page, now)
      const changed = old.page.render !== page.render || old.signature !== signatureOf(page)
      put(page, changed ? Math.max(now, old.lastModified + 1000) : old.lastModified)
    },
    removePage: (path) => void entries.delete(path),
    reset: () => {
      state.requests.length = 0
      state.maxConcurrent = 0
      for (const entry of entries.values()) entry.hits = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        const http = server as Server
        closing.abort()
        http.close(() => resolve())
        http.closeAllConnections()
      }),
  }
  return state
}

// ---------------------------------------------------------------------------------------------
// The ready-made site for the crawler's acceptance tests: "Acme Widgets".

const NAV = '<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/products/">Products</a> | ' +
  '<a href="/blog/">Blog</a> | <a href="/faq">FAQ</a></nav>'
const FOOTER = '<footer><p>&copy; 2026 Acme Widgets Ltd., 12 Harbour Lane, Portsmouth. ' +
  '<a href="/about">About us</a></p></footer>'

function layout(title: string, description: string, main: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${description}">
${head}</head>
<body>
<header id="top"><a class="logo" href="/">Acme Widgets</a>
${NAV}
</header>
<main>
<article>
${main}
</article>
</main>
${FOOTER}
</body>
</html>
`
}

const jsonLd = (data: unknown) => `<script type="application/ld+json">${JSON.stringify(data)}</script>\n`

function product(name: string, sku: string, price: string, currency: string, text: string[]): string {
  const ld = jsonLd({
    '@context': 'https://schema.org', '@type': 'Product', name, sku,
    description: text[0], offers: { '@type': 'Offer', price, priceCurrency: currency, availability: 'https://schema.org/InStock' },
  })
  return layout(`${name} | Acme Widgets`, `${name} (${sku}): ${text[0]}`,
    `<h1>${name}</h1>\n<p class="price">${currency} ${price}</p>\n${text.map((p) => `<p>${p}</p>`).join('\n')}\n` +
      '<p><a href="/products/">Back to all products</a></p>', ld)
}

function post(n: number, title: string, date: string, text: string[]): string {
  return layout(`${title} | Acme Widgets blog`, text[0],
    `<h1>${title}</h1>\n<p class="byline">Posted on <time datetime="${date}">${date}</time> by the Acme team</p>\n` +
      `${text.map((p) => `<p>${p}</p>`).join('\n')}\n<p><a href="/blog/">More posts</a>${n < 3 ? ` | <a href="/blog/post-${n + 1}">Next post</a>` : ''}</p>`)
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

// Any /calendar/YYYY/MM: a month with links to the month before and the month after, forever.
function calendarPage(path: string): string | null {
  const match = /^\/calendar\/(\d{4,})\/(\d{2})$/.exec(path)
  if (!match) return null
  const year = Number(match[1])
  const month = Number(match[2])
  if (month < 1 || month > 12) return null
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  const href = (y: number, m: number) => `/calendar/${String(y).padStart(4, '0')}/${String(m).padStart(2, '0')}`
  const prev = month === 1 ? href(year - 1, 12) : href(year, month - 1)
  const next = month === 12 ? href(year + 1, 1) : href(year, month + 1)
  const name = `${MONTHS[month - 1]} ${year}`
  const list = Array.from({ length: days }, (_, i) => `<li>${i + 1} ${MONTHS[month - 1]}: no events scheduled</li>`).join('\n')
  return layout(`Events calendar: ${name} | Acme Widgets`, `Workshops, open days and trade fairs at Acme Widgets in ${name}.`,
    `<h1>Events in ${name}</h1>\n<p>Our events calendar for ${name}. Workshop dates are confirmed four weeks ahead.</p>\n` +
      `<ol class="days">\n${list}\n</ol>\n` +
      `<p><a rel="prev" href="${prev}">Previous month</a> | <a rel="next" href="${next}">Next month</a></p>`)
}

let bigPage: string | undefined

// About 6 MB of HTML, built on first request and kept for the life of the process.
function bigHtml(): string {
  if (bigPage) return bigPage
  const parts: string[] = []
  let size = 0
  for (let i = 1; size < 6 * 1024 * 1024; i++) {
    const part = `<h2>Catalogue entry ${i}</h2>\n<p>Part number ACME-${String(i).padStart(6, '0')} is a machined fastener in ` +
      `grade ${(i % 9) + 1} steel, supplied in boxes of ${(i % 5 + 1) * 50}. Tolerances are kept within ${(i % 7) + 1} ` +
      `hundredths of a millimetre and every batch ships with a material certificate and an inspection report.</p>\n`
    parts.push(part)
    size += part.length
  }
  bigPage = layout('Complete parts catalogue | Acme Widgets', 'Every part Acme Widgets has ever made, on one very long page.',
    `<h1>Complete parts catalogue</h1>\n${parts.join('')}`)
  return bigPage
}

const PDF = encoder.encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

const ROBOTS = `User-agent: *
Allow: /private/public-note
Disallow: /private/
Disallow: /tmp/

Sitemap: {{origin}}/sitemap.xml
`

const urlset = (paths: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${paths.map((p) => `  <url><loc>{{origin}}${p}</loc><lastmod>2026-01-01</lastmod></url>`).join('\n')}
</urlset>
`

const XML = 'application/xml; charset=utf-8'

export function defaultSite(): { pages: SitePage[]; robots: string } {
  const home = layout('Acme Widgets: small parts, made well', 'Acme Widgets makes precision widgets and gadgets in Portsmouth since 1987.',
    `<h1>Small parts, made well</h1>
<p>Acme Widgets has made precision widgets and gadgets in Portsmouth since 1987. Our workshop of forty people turns, mills and finishes every part by hand.</p>
<p>This spring we are opening the workshop to visitors on the first Saturday of each month. See the events calendar for dates.</p>
<ul>
<li><a href="/about">About the company</a> (<a href="/about?utm_source=x&amp;utm_medium=y">share link</a>)</li>
<li><a href="/products/">Our products</a></li>
<li><a href="/blog/">The workshop blog</a></li>
<li><a href="/faq">Frequently asked questions</a></li>
<li><a href="/calendar/2026/01">Events calendar</a></li>
<li><a href="/private/secret">Staff area</a></li>
<li><a href="/old-page">Our old homepage</a></li>
<li><a href="/docs/manual.pdf">Widget manual (PDF)</a></li>
<li><a href="/busy">Order status</a></li>
<li><a href="/big">Complete parts catalogue</a></li>
<li><a href="https://example.org/elsewhere">Our distributor</a></li>
</ul>
<p><a href="#top">Back to top</a></p>`)

  const about = layout('About us | Acme Widgets', 'The history of Acme Widgets, a family workshop founded in Portsmouth in 1987.',
    `<h1>About Acme Widgets</h1>
<p>Margaret Acme founded the company in a rented garage in 1987 with one lathe and a contract for brass hinge pins.</p>
<p>Today the workshop occupies a former boatyard on Harbour Lane, and still sells to the chandlers who were our first customers.</p>
<p>We publish a short note on how we handle customer data: <a href="/private/public-note">read our public note</a>.</p>`,
    '<link rel="canonical" href="/about">\n')

  const pages: SitePage[] = [
    { path: '/', html: home },
    { path: '/about', html: about },
    {
      path: '/private/public-note',
      html: layout('Public note on customer data | Acme Widgets', 'How Acme Widgets stores and deletes customer records.',
        `<h1>Public note on customer data</h1>
<p>We keep order records for six years, as the tax office requires, and delete contact details two years after a customer's last order.</p>
<p>Card payments are handled by our payment provider; we never see or store card numbers.</p>`),
    },
    {
      path: '/private/secret',
      html: layout('Staff area | Acme Widgets', 'Internal staff pages.',
        `<h1>Staff area</h1>
<p>Rota for the spring quarter and the door code for the back gate. This page is not for crawlers.</p>`),
    },
    {
      path: '/tmp/draft',
      html: layout('Draft | Acme Widgets', 'An unfinished draft.', '<h1>Draft</h1>\n<p>Unfinished draft of the summer newsletter.</p>'),
    },
    {
      path: '/products/',
      html: layout('Products | Acme Widgets', 'Widgets and gadgets from Acme, machined in Portsmouth.',
        `<h1>Our products</h1>
<p>Everything we sell is made in our own workshop. Trade prices are available on request.</p>
<ul>
<li><a href="/products/widget">Acme Widget</a>: the general-purpose fastener</li>
<li><a href="/products/gadget">Acme Gadget</a>: the adjustable marine bracket</li>
</ul>`),
    },
    {
      path: '/products/widget',
      html: product('Acme Widget', 'ACME-WID-001', '19.99', 'USD', [
        'A general-purpose stainless fastener for timber and composite decks.',
        'The widget is turned from 316 stainless bar and passivated, so it will not stain teak or leave rust marks on gelcoat.',
        'Sold in packs of twenty with a matching driver bit.',
      ]),
    },
    {
      path: '/products/gadget',
      html: product('Acme Gadget', 'ACME-GAD-002', '49.50', 'EUR', [
        'An adjustable bracket for mounting instruments on curved surfaces.',
        'The gadget swivels through ninety degrees and locks with a single hex key, holding up to four kilograms.',
        'Anodised aluminium body, nylon washers, and a five-year guarantee.',
      ]),
    },
    {
      path: '/blog/',
      html: layout('Workshop blog | Acme Widgets', 'News and stories from the Acme Widgets workshop.',
        `<h1>Workshop blog</h1>
<p>Occasional news from the shop floor.</p>
<ul>
<li><a href="/blog/post-1">A new lathe arrives</a></li>
<li><a href="/blog/post-2">Why we passivate stainless steel</a></li>
<li><a href="/blog/post-3">Visiting the boat show</a></li>
</ul>
<p><a href="/loop-a">Archived posts</a></p>`),
    },
    {
      path: '/blog/post-1',
      html: post(1, 'A new lathe arrives', '2026-01-12', [
        'After eighteen months of saving, a new CNC lathe was craned into the workshop on a wet Tuesday morning.',
        'It replaces the 1974 machine that turned most of our hinge pins, which is going to a college in Southampton.',
      ]),
    },
    {
      path: '/blog/post-2',
      html: post(2, 'Why we passivate stainless steel', '2026-02-03', [
        'Machining leaves tiny particles of free iron on the surface of stainless steel, and those particles rust.',
        'A citric acid bath removes them and thickens the oxide layer, which is why our fittings stay bright at sea.',
      ]),
    },
    {
      path: '/blog/post-3',
      html: post(3, 'Visiting the boat show', '2026-03-21', [
        'We took a stand at the boat show for the first time this year and met three hundred customers in four days.',
        'The most asked question was whether the gadget fits a twelve-volt chart plotter. It does.',
      ]),
    },
    {
      path: '/faq',
      html: layout('Frequently asked questions | Acme Widgets', 'Answers about delivery times and returns at Acme Widgets.',
        `<h1>Frequently asked questions</h1>
<h2>How long does delivery take?</h2>
<p>Orders placed before noon leave the workshop the same day and usually arrive within three working days.</p>
<h2>Can I return a part?</h2>
<p>Unused parts can be returned within thirty days for a full refund.</p>`,
        jsonLd({
          '@context': 'https://schema.org', '@type': 'FAQPage',
          mainEntity: [
            {
              '@type': 'Question', name: 'How long does delivery take?',
              acceptedAnswer: { '@type': 'Answer', text: 'Orders placed before noon leave the workshop the same day and usually arrive within three working days.' },
            },
            {
              '@type': 'Question', name: 'Can I return a part?',
              acceptedAnswer: { '@type': 'Answer', text: 'Unused parts can be returned within thirty days for a full refund.' },
            },
          ],
        })),
    },
    {
      path: '/orphan',
      html: layout('Clearance sale | Acme Widgets', 'Discontinued brass fittings at half price while stocks last.',
        `<h1>Clearance sale</h1>
<p>We are clearing our remaining stock of discontinued brass fittings at half price.</p>
<p>This page is only listed in our sitemap; nothing on the site links to it.</p>`),
    },
    { path: '/old-page', status: 301, headers: { Location: '/redirect-2' } },
    { path: '/redirect-2', status: 302, headers: { Location: '{{origin}}/about' } },
    { path: '/loop-a', status: 302, headers: { Location: '/loop-b' } },
    { path: '/loop-b', status: 302, headers: { Location: '/loop-a' } },
    { path: '/docs/manual.pdf', body: PDF, contentType: 'application/pdf' },
    {
      path: '/busy',
      failFirst: { count: 2, status: 429, retryAfter: '1' },
      html: layout('Order status | Acme Widgets', 'Check the status of your Acme Widgets order.',
        `<h1>Order status</h1>
<p>Enter your order number to see where your parcel is. Our order system is busy at peak times.</p>`),
    },
    { path: '/big', render: bigHtml },
    { path: '/calendar/*', render: calendarPage },
    {
      path: '/sitemap.xml',
      contentType: XML,
      body: `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{{origin}}/sitemap-pages.xml</loc><lastmod>2026-01-01</lastmod></sitemap>
  <sitemap><loc>{{origin}}/sitemap-blog.xml</loc><lastmod>2026-01-01</lastmod></sitemap>
</sitemapindex>
`,
    },
    { path: '/sitemap-pages.xml', contentType: XML, body: urlset(['/', '/about', '/products/', '/products/widget', '/products/gadget', '/faq', '/orphan']) },
    { path: '/sitemap-blog.xml', contentType: XML, body: urlset(['/blog/', '/blog/post-1', '/blog/post-2', '/blog/post-3']) },
  ]
  return { pages, robots: ROBOTS }
}
