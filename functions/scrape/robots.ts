// robots.txt for one origin (robots-parser: Allow/Disallow with wildcards, Crawl-delay, Sitemap). A
// missing robots.txt (4xx) allows everything; an unreachable one (5xx, network) allows nothing, as
// RFC 9309 asks.
import robotsModule from 'robots-parser'

// robots-parser is CommonJS (module.exports = fn) but its types declare a named default export;
// at runtime the default import is the function under Node and Deno alike.
const robotsParser = robotsModule as unknown as typeof robotsModule.default

export interface Robots {
  text: string
  isAllowed(url: string): boolean
  crawlDelaySeconds: number | undefined
  sitemaps: string[]
}

export function parseRobots(origin: string, text: string, userAgent: string): Robots {
  const robots = robotsParser(`${origin}/robots.txt`, text)
  return {
    text,
    isAllowed: (url) => robots.isAllowed(url, userAgent) !== false,
    crawlDelaySeconds: robots.getCrawlDelay(userAgent),
    sitemaps: robots.getSitemaps(),
  }
}

export const ALLOW_ALL = (origin: string, userAgent: string) => parseRobots(origin, '', userAgent)
export const DISALLOW_ALL = (origin: string, userAgent: string) => parseRobots(origin, 'User-agent: *\nDisallow: /', userAgent)
