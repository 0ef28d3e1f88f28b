// URL identity for the crawler: one page, one URL. normalize-url does the work (scheme and host
// case, default ports, fragments, tracking parameters, sorted query, the root's slash); the site
// test treats www.example.com and example.com as one site.
import normalizeUrl from 'normalize-url'

const TRACKING = [/^utm_\w+/i, /^mc_\w+/i, 'fbclid', 'gclid', 'dclid', 'msclkid', 'yclid', '_ga', '_gl', 'ref', 'ref_src']

/** The crawl identity of href resolved against base; undefined for non-http(s) links. */
export function crawlUrl(href: string, base?: string): string | undefined {
  let url: URL
  try {
    url = new URL(href, base)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  return normalizeUrl(url.toString(), {
    stripHash: true,
    stripWWW: false,
    removeQueryParameters: TRACKING,
    sortQueryParameters: true,
    // /products/ and /products are different resources on many servers; only the root's slash goes.
    removeTrailingSlash: false,
    removeSingleSlash: true,
    removeDirectoryIndex: false,
    normalizeProtocol: false,
    forceHttps: false,
  })
}

const siteHost = (host: string) => host.toLowerCase().replace(/^www\./, '')

export function sameSite(a: string, b: string): boolean {
  return siteHost(new URL(a).host) === siteHost(new URL(b).host)
}
