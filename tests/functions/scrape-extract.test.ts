// extractPage on small inline pages: metadata, main content, links, structured data, platform, robots.
import { describe, expect, it } from 'vitest'
import { extractPage } from '../../functions/scrape/extract.ts'

const PAGE_URL = 'https://www.example.com/shop/item?id=1'
const prose = (words: string) => `${words} `.repeat(30).trim()

const page = (head: string, body: string, htmlAttrs = '') =>
  `<!doctype html><html${htmlAttrs}><head>${head}</head><body>${body}</body></html>`

const jsonLd = (value: unknown) => `<script type="application/ld+json">${JSON.stringify(value)}</script>`

const ARTICLE_BODY = `
  <header><nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/contact">Contact</a></nav></header>
  <main><article>
    <h1>Choosing a garden hose</h1>
    <p>${prose('A good garden hose lasts for years, resists kinks, and fits the taps you already have.')}</p>
    <h2>What to look for</h2>
    <ul><li>Reinforced rubber walls</li><li>Brass couplings</li></ul>
    <p>${prose('Measure the distance from the tap to the far end of the garden, then add a little slack.')}</p>
  </article></main>
  <footer><p>Copyright 2024 Example Garden Ltd. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>`

describe('metadata', () => {
  const html = page(`
    <title>  Garden hoses |
      Example  </title>
    <meta name="description" content="Hoses for every garden.">
    <meta property="og:description" content="OG text">
    <link rel="canonical" href="../hoses/">`, ARTICLE_BODY, ' lang="EN_us"')
  const result = extractPage(html, PAGE_URL)

  it('reads title, description and a normalised language', () => {
    expect(result.title).toBe('Garden hoses | Example')
    expect(result.description).toBe('Hoses for every garden.')
    expect(result.language).toBe('en-us')
  })

  it('resolves a relative canonical against the page URL', () => {
    expect(result.canonical).toBe('https://www.example.com/hoses/')
  })

  it('falls back to og:description and gives null for what is missing', () => {
    const bare = extractPage(page('<meta property="og:description" content="From Open Graph">', '<p>Hello</p>'), PAGE_URL)
    expect(bare.description).toBe('From Open Graph')
    expect(bare.title).toBeNull()
    expect(bare.language).toBeNull()
    expect(bare.canonical).toBeNull()
  })
})

describe('main content', () => {
  const result = extractPage(page('<title>Hoses</title>', ARTICLE_BODY), PAGE_URL)

  it('keeps headings and list items as Markdown', () => {
    expect(result.markdown).toMatch(/^#+ What to look for$/m)
    expect(result.markdown).toMatch(/^- +Reinforced rubber walls$/m)
    expect(result.markdown).toMatch(/^- +Brass couplings$/m)
    expect(result.markdown).toContain('resists kinks')
  })

  it('drops navigation and footer boilerplate', () => {
    expect(result.markdown).not.toContain('About us')
    expect(result.markdown).not.toContain('Copyright 2024')
    expect(result.text).not.toContain('Privacy policy')
  })

  it('gives whitespace-collapsed text with block boundaries kept apart', () => {
    expect(result.text).toContain('What to look for Reinforced rubber walls Brass couplings')
    expect(result.text).not.toMatch(/\s{2,}|\n/)
  })

  it('falls back to the body when Readability finds nothing', () => {
    const empty = extractPage(page('<title>x</title><style>.a{color:red}</style>',
      '<footer>Opening hours: Monday to Friday <script>var tracking = 1</script></footer>'), PAGE_URL)
    expect(empty.text).toBe('Opening hours: Monday to Friday')
    expect(empty.markdown).toBe('Opening hours: Monday to Friday')
  })
})

describe('links', () => {
  const result = extractPage(page('', `
    <a href="/about#team">About</a>
    <a href="/about">About</a>
    <a href="/about#history">About</a>
    <a href="#top">Top</a>
    <a href="mailto:shop@example.com">Mail</a>
    <a href="javascript:void(0)">Menu</a>
    <a href="tel:+441234">Call</a>
    <a href="https://example.com/blog" rel="nofollow">Blog</a>
    <a href="https://shop.other.com/x">Partner</a>
    <a href="https://example.com.evil.net/">Lookalike</a>
    <a href="https://blog.example.org/">Elsewhere</a>
    <a href="sub/page.html"><img src="i.png" alt="Icon link"></a>`), PAGE_URL)
  const urls = result.links.map((l) => l.url)

  it('makes URLs absolute and drops fragments, deduplicating by url and text', () => {
    expect(result.links.filter((l) => l.url === 'https://www.example.com/about')).toEqual([
      { url: 'https://www.example.com/about', text: 'About', internal: true, rel: null },
    ])
    expect(urls).toContain('https://www.example.com/shop/sub/page.html')
    expect(result.links.find((l) => l.url.endsWith('/sub/page.html'))?.text).toBe('Icon link')
  })

  it('skips fragment-only, mailto, javascript and tel links', () => {
    expect(urls.some((u) => /^(mailto|javascript|tel):/.test(u))).toBe(false)
    expect(result.links.map((l) => l.text)).not.toContain('Top')
    expect(result.links).toHaveLength(6)
  })

  it('treats www. and the bare host as one site and every other host as external', () => {
    expect(result.links.find((l) => l.text === 'Blog')).toEqual({ url: 'https://example.com/blog', text: 'Blog', internal: true, rel: 'nofollow' })
    expect(result.links.find((l) => l.text === 'Partner')?.internal).toBe(false)
    expect(result.links.find((l) => l.text === 'Lookalike')?.internal).toBe(false)
    expect(result.links.find((l) => l.text === 'Elsewhere')?.internal).toBe(false)
  })
})

describe('JSON-LD', () => {
  it('maps an FAQPage to its questions and answers', () => {
    const { structured } = extractPage(page(jsonLd({
      '@context': 'https://schema.org', '@type': 'FAQPage',
      mainEntity: [
        { '@type': 'Question', name: 'Do you ship abroad?', acceptedAnswer: { '@type': 'Answer', text: '<p>Yes, to the <b>EU</b> &amp; UK.</p>' } },
        { '@type': 'Question', name: 'Can I return a hose?', acceptedAnswer: { '@type': 'Answer', text: 'Within 30 days.' } },
      ],
    }), '<p>FAQ</p>'), PAGE_URL)
    expect(structured).toEqual([{
      type: 'faq', schemaType: 'FAQPage', source: 'json-ld', confidence: 0.95,
      data: { questions: [
        { question: 'Do you ship abroad?', answer: 'Yes, to the EU & UK.' },
        { question: 'Can I return a hose?', answer: 'Within 30 days.' },
      ] },
    }])
  })

  it('maps a Product with offers, and lowers confidence when the price is missing', () => {
    const { structured } = extractPage(page(jsonLd([
      {
        '@context': 'https://schema.org/', '@type': 'Product', name: 'Garden hose 25 m', description: 'Kink-free.', sku: 'GH-25',
        brand: { '@type': 'Brand', name: 'Flowmax' }, image: ['/img/hose.jpg'],
        offers: { '@type': 'Offer', price: 29.9, priceCurrency: 'EUR', availability: 'https://schema.org/InStock' },
      },
      { '@type': 'Product', name: 'Hose reel' },
    ]), '<p>Hose</p>'), PAGE_URL)
    expect(structured).toHaveLength(2)
    expect(structured[0]).toMatchObject({ type: 'product', schemaType: 'Product', source: 'json-ld', confidence: 0.95 })
    expect(structured[0].data).toMatchObject({
      name: 'Garden hose 25 m', description: 'Kink-free.', sku: 'GH-25', brand: 'Flowmax',
      price: '29.9', priceCurrency: 'EUR', availability: 'InStock', image: 'https://www.example.com/img/hose.jpg',
    })
    expect(structured[1]).toMatchObject({ type: 'product', confidence: 0.7, data: { name: 'Hose reel', price: null } })
  })

  it('gives an Organization with a contactPoint both an organization and a contact item', () => {
    const { structured } = extractPage(page(jsonLd({
      '@context': 'https://schema.org', '@type': 'Organization', name: 'Example Garden Ltd', url: 'https://www.example.com/',
      sameAs: ['https://facebook.com/examplegarden'],
      address: { '@type': 'PostalAddress', streetAddress: '1 High Street', addressLocality: 'Leeds', postalCode: 'LS1 1AA', addressCountry: 'GB' },
      contactPoint: { '@type': 'ContactPoint', telephone: '+44 113 000 0000', email: 'mailto:help@example.com', contactType: 'customer service' },
    }), '<p>About</p>'), PAGE_URL)
    expect(structured.map((s) => s.type)).toEqual(['organization', 'contact'])
    expect(structured[0]).toMatchObject({ confidence: 0.95, data: {
      name: 'Example Garden Ltd', url: 'https://www.example.com/', sameAs: ['https://facebook.com/examplegarden'],
      address: '1 High Street, Leeds, LS1 1AA, GB',
    } })
    expect(structured[1]).toMatchObject({ schemaType: 'Organization', confidence: 0.95, data: {
      name: 'Example Garden Ltd', telephone: '+44 113 000 0000', email: 'help@example.com',
      contactPoints: [{ contactType: 'customer service', telephone: '+44 113 000 0000', email: 'help@example.com' }],
    } })
  })

  it('reads every node of an @graph, Store as an organization without contact details', () => {
    const { structured } = extractPage(page(jsonLd({
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebSite', '@id': 'https://www.example.com/#website', name: 'Example' },
        { '@type': 'Store', name: 'Example Garden' },
        { '@type': 'BreadcrumbList', itemListElement: [
          { '@type': 'ListItem', position: 2, name: 'Hoses', item: 'https://www.example.com/hoses/' },
          { '@type': 'ListItem', position: 1, name: 'Home', item: { '@id': '/' } },
        ] },
        { '@type': ['BlogPosting'], headline: 'Watering tips', datePublished: '2024-05-01', author: [{ '@type': 'Person', name: 'Ann' }] },
      ],
    }), '<p>x</p>'), PAGE_URL)
    expect(structured.map((s) => [s.type, s.schemaType])).toEqual([
      ['other', 'WebSite'], ['organization', 'Store'], ['breadcrumb', 'BreadcrumbList'], ['article', 'BlogPosting'],
    ])
    expect(structured[0].data).toMatchObject({ '@id': 'https://www.example.com/#website', name: 'Example' })
    expect(structured[2].data).toEqual({ items: [
      { position: 1, name: 'Home', url: 'https://www.example.com/' },
      { position: 2, name: 'Hoses', url: 'https://www.example.com/hoses/' },
    ] })
    expect(structured[3]).toMatchObject({ confidence: 0.95, data: { headline: 'Watering tips', authors: ['Ann'], datePublished: '2024-05-01' } })
  })

  it('skips malformed JSON-LD without throwing and keeps the valid scripts', () => {
    const html = page(`<script type="application/ld+json">{"@type": "Product", "name": "Broken",</script>
      ${jsonLd({ '@type': 'Organization', name: 'Still here' })}`, '<p>x</p>')
    const result = extractPage(html, PAGE_URL)
    expect(result.structured.map((s) => s.data.name)).toEqual(['Still here'])
  })
})

describe('microdata', () => {
  it('maps a schema.org Product with a nested Offer', () => {
    const { structured } = extractPage(page('', `
      <div itemscope itemtype="https://schema.org/Product">
        <h1 itemprop="name">Brass tap connector</h1>
        <img itemprop="image" src="/img/tap.jpg" alt="">
        <div itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Flowmax</span></div>
        <p itemprop="description">Fits <b>all</b> standard taps.</p>
        <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
          <span itemprop="price" content="4.50">€4,50</span>
          <meta itemprop="priceCurrency" content="EUR">
          <link itemprop="availability" href="https://schema.org/OutOfStock">
        </div>
      </div>`), PAGE_URL)
    expect(structured).toEqual([{
      type: 'product', schemaType: 'Product', source: 'microdata', confidence: 0.85,
      data: {
        name: 'Brass tap connector', description: 'Fits all standard taps.', sku: null, brand: 'Flowmax',
        price: '4.50', priceCurrency: 'EUR', availability: 'OutOfStock', image: 'https://www.example.com/img/tap.jpg', url: null,
      },
    }])
  })

  it('gives a microdata item without its key fields the lower confidence', () => {
    const { structured } = extractPage(page('', '<div itemscope itemtype="http://schema.org/Product"><span itemprop="name">No price</span></div>'), PAGE_URL)
    expect(structured).toMatchObject([{ type: 'product', source: 'microdata', confidence: 0.6 }])
  })
})

describe('platform detection', () => {
  it('recognises WooCommerce before WordPress, counting independent signals', () => {
    const { platform } = extractPage(page(`
      <meta name="generator" content="WordPress 6.5">
      <meta name="generator" content="WooCommerce 8.9.1">
      <link rel="stylesheet" href="https://shop.example/wp-content/plugins/woocommerce/assets/css/woocommerce.css">`,
    '<div class="wc-block-grid">x</div>'), PAGE_URL)
    expect(platform.platform).toBe('woocommerce')
    expect(platform.confidence).toBe(0.95)
    expect(platform.evidence).toHaveLength(3)
    expect(platform.evidence.join(' ')).toMatch(/WooCommerce 8\.9\.1/)
  })

  it('gives one WooCommerce signal (a body class) confidence 0.6', () => {
    const { platform } = extractPage('<html><head></head><body class="home woocommerce-page"><p>x</p></body></html>', PAGE_URL)
    expect(platform).toEqual({ platform: 'woocommerce', confidence: 0.6, evidence: ['body class woocommerce'] })
  })

  it('recognises Shopify', () => {
    const { platform } = extractPage(page(`
      <link rel="stylesheet" href="//cdn.shopify.com/s/files/1/theme.css">
      <script>window.Shopify = {}; Shopify.theme = {"name":"Dawn"};</script>`, '<p>x</p>'), PAGE_URL)
    expect(platform.platform).toBe('shopify')
    expect(platform.confidence).toBe(0.8)
    expect(platform.evidence).toEqual(['Shopify CDN asset: //cdn.shopify.com/s/files/1/theme.css', 'inline script sets Shopify.theme'])
  })

  it('recognises WordPress', () => {
    const { platform } = extractPage(page(`
      <meta name="generator" content="WordPress 6.5">
      <script src="/wp-includes/js/jquery/jquery.min.js"></script>`, '<p>x</p>'), PAGE_URL)
    expect(platform).toEqual({
      platform: 'wordpress', confidence: 0.8,
      evidence: ['WordPress asset: /wp-includes/js/jquery/jquery.min.js', 'meta generator: WordPress 6.5'],
    })
  })

  it('calls anything else generic', () => {
    const { platform } = extractPage(page('<link rel="stylesheet" href="/css/site.css">', '<p>x</p>'), PAGE_URL)
    expect(platform).toEqual({ platform: 'generic', confidence: 1, evidence: [] })
  })
})

describe('robots meta', () => {
  it('reads noindex and nofollow', () => {
    expect(extractPage(page('<meta name="ROBOTS" content="NOINDEX, follow">', '<p>x</p>'), PAGE_URL)).toMatchObject({ noindex: true, nofollow: false })
    expect(extractPage(page('<meta name="robots" content="index,nofollow">', '<p>x</p>'), PAGE_URL)).toMatchObject({ noindex: false, nofollow: true })
    expect(extractPage(page('<meta name="robots" content="none">', '<p>x</p>'), PAGE_URL)).toMatchObject({ noindex: true, nofollow: true })
    expect(extractPage(page('', '<p>x</p>'), PAGE_URL)).toMatchObject({ noindex: false, nofollow: false })
  })
})
