// Sitemaps (sitemaps.org): a urlset lists pages, a sitemapindex lists more sitemaps. Parsed with
// fast-xml-parser; nested indexes are followed to a small depth, and the total is capped.
import { XMLParser } from 'fast-xml-parser'

const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, isArray: (name) => name === 'url' || name === 'sitemap' })

export interface SitemapEntries {
  pages: string[]
  sitemaps: string[]
}

export function parseSitemap(xml: string): SitemapEntries {
  let doc: Record<string, { url?: { loc?: unknown }[]; sitemap?: { loc?: unknown }[] }>
  try {
    doc = parser.parse(xml)
  } catch {
    return { pages: [], sitemaps: [] }
  }
  const locs = (items: { loc?: unknown }[] | undefined) =>
    (items ?? []).map((i) => (typeof i.loc === 'string' ? i.loc.trim() : '')).filter(Boolean)
  return { pages: locs(doc.urlset?.url), sitemaps: locs(doc.sitemapindex?.sitemap) }
}

/** Every page URL reachable from the given sitemaps, at most `limit`. fetchText returns undefined on failure. */
export async function sitemapPages(start: string[], fetchText: (url: string) => Promise<string | undefined>, limit: number): Promise<string[]> {
  const pages = new Set<string>()
  const seen = new Set<string>()
  let level = start
  for (let depth = 0; depth < 3 && level.length && pages.size < limit; depth++) {
    const next: string[] = []
    for (const url of level) {
      if (seen.has(url) || pages.size >= limit) continue
      seen.add(url)
      const xml = await fetchText(url)
      if (!xml) continue
      const entries = parseSitemap(xml)
      for (const page of entries.pages) if (pages.size < limit) pages.add(page)
      next.push(...entries.sitemaps)
    }
    level = next
  }
  return [...pages]
}
