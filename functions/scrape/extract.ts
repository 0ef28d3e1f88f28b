// One fetched HTML page turned into what the sites crawler stores: metadata, the main content as
// Markdown and plain text, the links, structured data (JSON-LD and microdata) and a guess of the
// shop/CMS platform. linkedom parses once (a second time only for the body fallback, as Readability
// mutates the document), Readability finds the main content, turndown converts it. Pure and
// synchronous; runs under Node and Deno.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { Readability } from '@mozilla/readability'
import { parseHTML } from 'linkedom'
import TurndownService from 'turndown'

export interface ExtractedLink { url: string; text: string; internal: boolean; rel: string | null }

export interface StructuredItem {
  type: 'faq' | 'product' | 'organization' | 'contact' | 'article' | 'breadcrumb' | 'other'
  schemaType: string
  data: Record<string, unknown>
  confidence: number
  source: 'json-ld' | 'microdata'
}

export interface PlatformGuess { platform: 'woocommerce' | 'shopify' | 'wordpress' | 'generic'; confidence: number; evidence: string[] }

export interface ExtractedPage {
  title: string | null
  description: string | null // meta description, or og:description
  language: string | null // <html lang>, lowercase, like 'en' or 'en-us'
  canonical: string | null // absolute URL of <link rel=canonical>
  markdown: string // main content (Readability), or the <body> when Readability finds none
  text: string // plain text of the same, whitespace-collapsed
  links: ExtractedLink[] // http(s) <a href>s, absolute, without fragment, unique by url + text
  structured: StructuredItem[]
  platform: PlatformGuess
  noindex: boolean // <meta name=robots> says noindex (or none)
  nofollow: boolean // <meta name=robots> says nofollow (or none)
}

type Json = Record<string, unknown>
type Kind = StructuredItem['type']
type Source = StructuredItem['source']
type Platform = PlatformGuess['platform']

/** What mapping a structured node needs besides the node: where it came from and how to resolve/clean values. */
interface MapContext { source: Source; baseUrl: string; htmlText: (html: string) => string }

const ELEMENT_NODE = 1
const TEXT_NODE = 3

/** Confidence of a structured item with / without its type's key fields, by source. */
const CONFIDENCE: Record<Source, { complete: number; partial: number }> = {
  'json-ld': { complete: 0.95, partial: 0.7 },
  microdata: { complete: 0.85, partial: 0.6 },
}

const PRODUCT_TYPES = new Set(['Product', 'ProductGroup', 'ProductModel', 'IndividualProduct', 'SomeProducts'])
// Organization subtypes whose names do not end in Organization/Business/Store (those are matched by suffix).
const ORGANIZATION_TYPES = new Set([
  'Corporation', 'NGO', 'Airline', 'Consortium', 'Project', 'ResearchProject', 'FundingScheme', 'LibrarySystem', 'WorkersUnion',
  'PerformingGroup', 'MusicGroup', 'DanceGroup', 'TheaterGroup', 'SportsTeam', 'Restaurant', 'FoodEstablishment', 'CafeOrCoffeeShop',
  'BarOrPub', 'Bakery', 'Brewery', 'Winery', 'FastFoodRestaurant', 'IceCreamShop', 'Hotel', 'Motel', 'Hostel', 'Resort',
  'BedAndBreakfast', 'Campground', 'Dentist', 'Physician', 'Hospital', 'Pharmacy', 'MedicalClinic', 'Optician', 'Attorney', 'Notary',
  'LegalService', 'ProfessionalService', 'FinancialService', 'BankOrCreditUnion', 'AccountingService', 'InsuranceAgency',
  'RealEstateAgent', 'TravelAgency', 'EmploymentAgency', 'AutoDealer', 'AutoRepair', 'AutoRental', 'AutoWash', 'GasStation',
  'HairSalon', 'BeautySalon', 'NailSalon', 'DaySpa', 'TattooParlor', 'HealthClub', 'ShoppingCenter', 'Library', 'ChildCare',
  'DryCleaningOrLaundry', 'Electrician', 'Plumber', 'Locksmith', 'RoofingContractor', 'HVACBusiness', 'MovingCompany',
  'HousePainter', 'GeneralContractor', 'EmergencyService', 'FireStation', 'PoliceStation', 'Preschool', 'School', 'CollegeOrUniversity',
])
const ARTICLE_TYPE = /(Article|BlogPosting)$|^Report$/
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table',
  'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
])
const NON_CONTENT = 'script, style, noscript, template'

const turndown = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced' })
turndown.remove(['script', 'style', 'noscript'])

/** Everything the crawler keeps of one page; pageUrl (absolute) is what relative URLs resolve against and what decides internal links. */
export function extractPage(html: string, pageUrl: string): ExtractedPage {
  const page = new URL(pageUrl)
  const { document } = parseHTML(html)
  const baseUrl = documentBaseUrl(document, page)
  const meta = metaValues(document)
  const robots = robotsDirectives(meta.get('robots') ?? [])
  // Everything but the main content is read first: Readability then takes this same document and mutates it.
  const extracted = {
    title: collapse(document.querySelector('title')?.textContent) || meta.get('og:title')?.[0] || null,
    description: meta.get('description')?.[0] || meta.get('og:description')?.[0] || null,
    language: languageOf(document),
    canonical: canonicalUrl(document, baseUrl),
    links: extractLinks(document, baseUrl, page),
    structured: extractStructured(document, baseUrl),
    platform: detectPlatform(document, meta.get('generator') ?? []),
    noindex: robots.noindex,
    nofollow: robots.nofollow,
  }
  const content = mainContent(document, baseUrl) ?? bodyContent(parseHTML(html).document, baseUrl)
  return { ...extracted, markdown: content.markdown, text: content.text }
}

// ---------- metadata ----------

function collapse(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim()
}

function resolveUrl(href: string | null | undefined, base: string): URL | null {
  if (!href?.trim()) return null
  try {
    return new URL(href.trim(), base)
  } catch {
    return null
  }
}

/** The URL relative references resolve against: the page URL, or its <base href> when there is one. */
function documentBaseUrl(doc: Document, page: URL): string {
  return resolveUrl(doc.querySelector('base[href]')?.getAttribute('href'), page.href)?.href ?? page.href
}

/** Every <meta> content by lowercased name/property, in document order. */
function metaValues(doc: Document): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const el of doc.querySelectorAll('meta[content]')) {
    const key = (el.getAttribute('name') ?? el.getAttribute('property') ?? '').trim().toLowerCase()
    const content = collapse(el.getAttribute('content'))
    if (!key || !content) continue
    values.set(key, [...(values.get(key) ?? []), content])
  }
  return values
}

function robotsDirectives(contents: string[]): { noindex: boolean; nofollow: boolean } {
  const tokens = new Set(contents.flatMap((c) => c.toLowerCase().split(/[\s,]+/)))
  return { noindex: tokens.has('noindex') || tokens.has('none'), nofollow: tokens.has('nofollow') || tokens.has('none') }
}

function languageOf(doc: Document): string | null {
  return collapse(doc.documentElement?.getAttribute('lang')).toLowerCase().replaceAll('_', '-') || null
}

function canonicalUrl(doc: Document, baseUrl: string): string | null {
  for (const el of doc.querySelectorAll('link[rel][href]')) {
    if (relTokens(el).includes('canonical')) return resolveUrl(el.getAttribute('href'), baseUrl)?.href ?? null
  }
  return null
}

function relTokens(el: Element): string[] {
  return (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).filter(Boolean)
}

// ---------- main content ----------

/** Readability's article, as Markdown and text; null when it finds nothing. Readability mutates the document. */
function mainContent(doc: Document, baseUrl: string): { markdown: string; text: string } | null {
  setBaseHref(doc, baseUrl)
  const article = new Readability<HTMLElement>(doc, { serializer: (node) => node as HTMLElement, disableJSONLD: true }).parse()
  const content = article?.content
  if (!content) return null
  const text = blockText(content)
  return text ? { markdown: turndown.turndown(content).trim(), text } : null
}

/** Readability resolves the article's links and images against document.baseURI, which linkedom reads from <base>. */
function setBaseHref(doc: Document, baseUrl: string): void {
  let base = doc.querySelector('base')
  if (!base) {
    base = doc.createElement('base')
    doc.head?.prepend(base)
  }
  base.setAttribute('href', baseUrl)
}

/** The fallback when Readability finds no article: the whole <body> of a fresh parse, without scripts and styles. */
function bodyContent(doc: Document, baseUrl: string): { markdown: string; text: string } {
  const body = doc.body
  if (!body) return { markdown: '', text: '' }
  for (const el of body.querySelectorAll(NON_CONTENT)) el.remove()
  absolutize(body, baseUrl)
  return { markdown: turndown.turndown(body).trim(), text: blockText(body) }
}

function absolutize(root: Element, baseUrl: string): void {
  for (const [selector, attr] of [['a[href]', 'href'], ['img[src]', 'src']]) {
    for (const el of root.querySelectorAll(selector)) {
      const url = resolveUrl(el.getAttribute(attr), baseUrl)
      if (url) el.setAttribute(attr, url.href)
    }
  }
}

// linkedom has no layout, so no innerText: block boundaries become spaces by hand (textContent would glue "Title" + "Text").
function blockText(root: Node): string {
  const parts: string[] = []
  const walk = (node: Node): void => {
    if (node.nodeType === TEXT_NODE) parts.push(node.nodeValue ?? '')
    if (node.nodeType !== ELEMENT_NODE) return
    const tag = (node as Element).tagName.toLowerCase()
    if (tag === 'script' || tag === 'style' || tag === 'noscript' || tag === 'template') return
    const block = BLOCK_TAGS.has(tag)
    if (block) parts.push(' ')
    for (const child of node.childNodes) walk(child)
    if (block) parts.push(' ')
  }
  walk(root)
  return collapse(parts.join(''))
}

// ---------- links ----------

/** The site a host belongs to: www.x.com and x.com are one site, any other host is another. */
function siteOf(hostname: string): string {
  return hostname.toLowerCase().replace(/^www\./, '')
}

function extractLinks(doc: Document, baseUrl: string, page: URL): ExtractedLink[] {
  const site = siteOf(page.hostname)
  const seen = new Set<string>()
  const links: ExtractedLink[] = []
  for (const el of doc.querySelectorAll('a[href]')) {
    const href = el.getAttribute('href')?.trim() ?? ''
    if (href.startsWith('#')) continue
    const url = resolveUrl(href, baseUrl)
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue
    url.hash = ''
    const text = linkText(el)
    const key = `${url.href}\n${text}`
    if (seen.has(key)) continue
    seen.add(key)
    const rel = collapse(el.getAttribute('rel')) || null
    links.push({ url: url.href, text, internal: siteOf(url.hostname) === site, rel })
  }
  return links
}

/** The link's visible text, or what stands for it on an icon/image link. */
function linkText(el: Element): string {
  return collapse(el.textContent) || collapse(el.getAttribute('aria-label')) || collapse(el.querySelector('img[alt]')?.getAttribute('alt'))
    || collapse(el.getAttribute('title'))
}

// ---------- structured data: collecting nodes ----------

function extractStructured(doc: Document, baseUrl: string): StructuredItem[] {
  const htmlText = (html: string): string => {
    if (!/[<&]/.test(html)) return collapse(html)
    const holder = doc.createElement('div')
    holder.innerHTML = html
    return blockText(holder)
  }
  const jsonLd: MapContext = { source: 'json-ld', baseUrl, htmlText }
  const microdata: MapContext = { source: 'microdata', baseUrl, htmlText }
  return [
    ...jsonLdNodes(doc).flatMap((node) => mapNode(node, jsonLd)),
    ...microdataNodes(doc, baseUrl).flatMap((node) => mapNode(node, microdata)),
  ]
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/** The typed nodes of every JSON-LD script: top-level objects, array items and @graph members. Malformed JSON is skipped. */
function jsonLdNodes(doc: Document): Json[] {
  const nodes: Json[] = []
  for (const script of doc.querySelectorAll('script[type]')) {
    if (script.getAttribute('type')?.trim().toLowerCase() !== 'application/ld+json') continue
    try {
      collectTyped(JSON.parse(script.textContent ?? ''), nodes)
    } catch {
      // malformed JSON-LD is common in the wild; the rest of the page is still worth having
    }
  }
  return nodes
}

function collectTyped(value: unknown, out: Json[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectTyped(item, out)
  } else if (isObject(value)) {
    if (value['@graph'] !== undefined) collectTyped(value['@graph'], out)
    if (value['@type'] !== undefined) out.push(value)
  }
}

/** 'https://schema.org/Product', 'schema:Product' and 'Product' all name Product. */
function shortName(name: string): string {
  return name.trim().replace(/^.*[/#:]/, '')
}

function schemaOrgType(itemtype: string | null): string | null {
  const first = (itemtype ?? '').trim().split(/\s+/)[0]
  return /^https?:\/\/(www\.)?schema\.org\/\w+/i.test(first) ? shortName(first) : null
}

// Microdata has no parser in the libraries at hand, so items are walked by hand (HTML spec's algorithm, without itemref).
function microdataNodes(doc: Document, baseUrl: string): Json[] {
  const nodes: Json[] = []
  for (const el of doc.querySelectorAll('[itemscope][itemtype]')) {
    if (el.hasAttribute('itemprop') || !schemaOrgType(el.getAttribute('itemtype'))) continue
    nodes.push(microdataItem(el, baseUrl))
  }
  return nodes
}

function microdataItem(el: Element, baseUrl: string): Json {
  const type = schemaOrgType(el.getAttribute('itemtype'))
  const item: Json = type ? { '@type': type } : {}
  collectProperties(el, item, baseUrl)
  return item
}

/** Properties of an item: descendants with itemprop, not looking inside nested items (their properties are theirs). */
function collectProperties(el: Element, item: Json, baseUrl: string): void {
  for (const child of el.children) {
    const names = (child.getAttribute('itemprop') ?? '').trim()
    const nested = child.hasAttribute('itemscope')
    if (names) {
      const value = nested ? microdataItem(child, baseUrl) : propertyValue(child, baseUrl)
      for (const name of names.split(/\s+/)) addProperty(item, shortName(name), value)
    }
    if (!nested) collectProperties(child, item, baseUrl)
  }
}

function addProperty(item: Json, name: string, value: unknown): void {
  const existing = item[name]
  if (existing === undefined) item[name] = value
  else item[name] = [...asArray(existing), value]
}

function propertyValue(el: Element, baseUrl: string): string {
  const tag = el.tagName.toLowerCase()
  const url = (attr: string): string => resolveUrl(el.getAttribute(attr), baseUrl)?.href ?? ''
  if (tag === 'meta') return el.getAttribute('content') ?? ''
  if (['audio', 'embed', 'iframe', 'img', 'source', 'track', 'video'].includes(tag)) return url('src')
  if (tag === 'a' || tag === 'area' || tag === 'link') return url('href')
  if (tag === 'object') return url('data')
  if (tag === 'data' || tag === 'meter') return el.getAttribute('value') ?? ''
  if (tag === 'time' && el.hasAttribute('datetime')) return el.getAttribute('datetime') ?? ''
  return el.getAttribute('content') ?? collapse(el.textContent)
}

// ---------- structured data: mapping schema.org types ----------

function kindOf(type: string): Kind {
  if (type === 'FAQPage') return 'faq'
  if (PRODUCT_TYPES.has(type)) return 'product'
  if (ORGANIZATION_TYPES.has(type) || /(Organization|Business|Store)$/.test(type)) return 'organization'
  if (type === 'ContactPoint') return 'contact'
  if (ARTICLE_TYPE.test(type)) return 'article'
  if (type === 'BreadcrumbList') return 'breadcrumb'
  return 'other'
}

/** The items one node yields: its mapped kind, plus a contact item for an organization that carries contact details. */
function mapNode(node: Json, ctx: MapContext): StructuredItem[] {
  const types = asArray(node['@type']).filter((t): t is string => typeof t === 'string').map(shortName)
  const schemaType = types.find((t) => kindOf(t) !== 'other') ?? types[0] ?? ''
  const kind = kindOf(schemaType)
  const item = (type: Kind, mapped: { data: Json; complete: boolean }): StructuredItem => ({
    type, schemaType, data: mapped.data, source: ctx.source,
    confidence: mapped.complete ? CONFIDENCE[ctx.source].complete : CONFIDENCE[ctx.source].partial,
  })
  if (kind === 'faq') return [item(kind, faqData(node, ctx))]
  if (kind === 'product') return [item(kind, productData(node, ctx))]
  if (kind === 'article') return [item(kind, articleData(node, ctx))]
  if (kind === 'breadcrumb') return [item(kind, breadcrumbData(node, ctx))]
  if (kind === 'contact') return [item(kind, contactData(node, ctx))]
  if (kind === 'organization') {
    const items = [item(kind, organizationData(node, ctx))]
    if (hasContactDetails(node)) items.push(item('contact', contactData(node, ctx)))
    return items
  }
  return [item('other', { data: node, complete: false })]
}

/** A plain string value: strings and numbers, a JSON-LD {@value}, or the first of an array. */
function str(value: unknown): string | null {
  if (Array.isArray(value)) return str(value[0])
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return collapse(value) || null
  if (isObject(value) && '@value' in value) return str(value['@value'])
  return null
}

/** A thing's name, whether given as a string or as an object with a name. */
function nameOf(value: unknown): string | null {
  const first = asArray(value)[0]
  return isObject(first) ? str(first.name) : str(first)
}

function firstObject(value: unknown): Json | null {
  return asArray(value).find(isObject) ?? null
}

/** A string value as plain text: HTML inside it (common in FAQ answers and descriptions) is reduced to its text. */
function plainText(value: unknown, ctx: MapContext): string | null {
  const raw = str(value)
  return raw === null ? null : ctx.htmlText(raw) || null
}

function absoluteUrl(value: unknown, ctx: MapContext): string | null {
  const first = asArray(value)[0]
  const raw = isObject(first) ? str(first.url) ?? str(first['@id']) ?? str(first.contentUrl) : str(first)
  return resolveUrl(raw, ctx.baseUrl)?.href ?? null
}

function addressText(value: unknown): string | null {
  const address = asArray(value)[0]
  if (!isObject(address)) return str(address)
  const parts = [address.streetAddress, address.addressLocality, address.addressRegion, address.postalCode].map(str)
  return [...parts, nameOf(address.addressCountry)].filter(Boolean).join(', ') || null
}

function email(value: unknown): string | null {
  return str(value)?.replace(/^mailto:/i, '') ?? null
}

function faqData(node: Json, ctx: MapContext): { data: Json; complete: boolean } {
  const questions = asArray(node.mainEntity).filter(isObject).map((q) => ({
    question: plainText(q.name, ctx) ?? plainText(q.text, ctx),
    answer: plainText(firstObject(q.acceptedAnswer)?.text, ctx),
  })).filter((q) => q.question !== null)
  return { data: { questions }, complete: questions.length > 0 && questions.every((q) => q.answer !== null) }
}

function productData(node: Json, ctx: MapContext): { data: Json; complete: boolean } {
  const offer = firstObject(node.offers)
  const priceSpec = firstObject(offer?.priceSpecification)
  const data = {
    name: plainText(node.name, ctx),
    description: plainText(node.description, ctx),
    sku: str(node.sku),
    brand: nameOf(node.brand),
    price: str(offer?.price) ?? str(offer?.lowPrice) ?? str(priceSpec?.price),
    priceCurrency: str(offer?.priceCurrency) ?? str(priceSpec?.priceCurrency),
    availability: shortNameOrNull(str(offer?.availability)),
    image: absoluteUrl(node.image, ctx),
    url: absoluteUrl(node.url, ctx),
  }
  return { data, complete: data.name !== null && data.price !== null }
}

function shortNameOrNull(value: string | null): string | null {
  return value === null ? null : shortName(value)
}

function organizationData(node: Json, ctx: MapContext): { data: Json; complete: boolean } {
  const data = {
    name: plainText(node.name, ctx),
    url: absoluteUrl(node.url, ctx),
    telephone: str(node.telephone),
    email: email(node.email),
    address: addressText(node.address),
    sameAs: asArray(node.sameAs).map(str).filter((s): s is string => s !== null),
  }
  return { data, complete: data.name !== null }
}

function hasContactDetails(node: Json): boolean {
  return [node.telephone, node.email, node.address, node.contactPoint].some((v) => asArray(v).length > 0)
}

/** Contact details of an organization (its own and its contactPoints') or of a standalone ContactPoint. */
function contactData(node: Json, ctx: MapContext): { data: Json; complete: boolean } {
  const contactPoints = asArray(node.contactPoint).filter(isObject).map((p) => ({
    contactType: str(p.contactType),
    telephone: str(p.telephone),
    email: email(p.email),
  }))
  const data = {
    name: plainText(node.name, ctx),
    contactType: str(node.contactType),
    telephone: str(node.telephone) ?? contactPoints.find((p) => p.telephone)?.telephone ?? null,
    email: email(node.email) ?? contactPoints.find((p) => p.email)?.email ?? null,
    address: addressText(node.address),
    contactPoints,
  }
  return { data, complete: data.telephone !== null || data.email !== null || data.address !== null }
}

function articleData(node: Json, ctx: MapContext): { data: Json; complete: boolean } {
  const data = {
    headline: plainText(node.headline, ctx) ?? plainText(node.name, ctx),
    description: plainText(node.description, ctx),
    authors: asArray(node.author).map(nameOf).filter((a): a is string => a !== null),
    publisher: nameOf(node.publisher),
    datePublished: str(node.datePublished),
    dateModified: str(node.dateModified),
    image: absoluteUrl(node.image, ctx),
    url: absoluteUrl(node.url, ctx) ?? absoluteUrl(node.mainEntityOfPage, ctx),
  }
  return { data, complete: data.headline !== null && data.datePublished !== null }
}

function breadcrumbData(node: Json, ctx: MapContext): { data: Json; complete: boolean } {
  const items = asArray(node.itemListElement).filter(isObject).map((entry, index) => ({
    position: Number(str(entry.position)) || index + 1,
    name: plainText(entry.name, ctx) ?? nameOf(entry.item),
    url: absoluteUrl(entry.item, ctx) ?? absoluteUrl(entry.url, ctx),
  })).sort((a, b) => a.position - b.position)
  return { data: { items }, complete: items.length > 0 && items.every((i) => i.name !== null) }
}

// ---------- platform ----------

/** Asset URLs (stylesheets, scripts, images) as written in the page: platforms show in their paths. */
function assetUrls(doc: Document): string[] {
  const urls: string[] = []
  for (const el of doc.querySelectorAll('link[href], script[src], img[src]')) urls.push(el.getAttribute('href') ?? el.getAttribute('src') ?? '')
  return urls
}

function inlineScripts(doc: Document): string {
  let scripts = ''
  for (const el of doc.querySelectorAll('script:not([src])')) scripts += `${el.textContent ?? ''}\n`
  return scripts
}

// No library detects shops/CMSs from markup, so these are hand-written: one evidence string per independent signal.
function platformSignals(doc: Document, generators: string[]): Record<Exclude<Platform, 'generic'>, string[]> {
  const assets = assetUrls(doc)
  const asset = (pattern: RegExp, label: string): string[] => {
    const url = assets.find((u) => pattern.test(u))
    return url ? [`${label}: ${url}`] : []
  }
  const generator = (pattern: RegExp): string[] => {
    const found = generators.find((g) => pattern.test(g))
    return found ? [`meta generator: ${found}`] : []
  }
  const bodyClasses = [...(doc.body?.classList ?? [])]
  const found = (condition: boolean, evidence: string): string[] => (condition ? [evidence] : [])
  return {
    woocommerce: [
      ...found(bodyClasses.some((c) => c === 'woocommerce' || c.startsWith('woocommerce-')), 'body class woocommerce'),
      ...asset(/woocommerce/i, 'WooCommerce asset'),
      ...found(doc.querySelector('[class*="wc-block-"], [class*="wp-block-woocommerce"]') !== null, 'WooCommerce blocks (wc-block-*)'),
      ...generator(/woocommerce/i),
    ],
    shopify: [
      ...asset(/(^|\/\/|\.)cdn\.shopify\.com\//i, 'Shopify CDN asset'),
      ...found(inlineScripts(doc).includes('Shopify.theme'), 'inline script sets Shopify.theme'),
      ...generator(/shopify/i),
    ],
    wordpress: [
      ...asset(/\/wp-(content|includes)\//i, 'WordPress asset'),
      ...found([...doc.querySelectorAll('link[rel][href]')].some((el) => /api\.w\.org/.test(el.getAttribute('rel') ?? '')), 'WordPress REST API link (api.w.org)'),
      ...generator(/wordpress/i),
    ],
  }
}

function signalConfidence(count: number): number {
  if (count >= 3) return 0.95
  return count === 2 ? 0.8 : 0.6
}

/** The most specific platform with any signal: WooCommerce (a WordPress plugin) before Shopify before WordPress. */
function detectPlatform(doc: Document, generators: string[]): PlatformGuess {
  const signals = platformSignals(doc, generators)
  for (const platform of ['woocommerce', 'shopify', 'wordpress'] as const) {
    const evidence = signals[platform]
    if (evidence.length > 0) return { platform, confidence: signalConfidence(evidence.length), evidence }
  }
  return { platform: 'generic', confidence: 1, evidence: [] }
}
