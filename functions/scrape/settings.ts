// Crawler settings from the environment (see README, Sites).
import { env } from '../_shared/env.ts'
import { type Clock, systemClock } from './clock.ts'

export interface CrawlSettings {
  userAgent: string
  /** Concurrent requests to one host; never above 4. */
  concurrency: number
  timeoutMs: number
  maxBytes: number
  maxRetries: number
  maxRetryWaitMs: number
  maxRedirects: number
  /** Wall-clock budget of one invocation (Edge limits: 150 s free, 400 s paid). */
  budgetMs: number
  maxPages: number
  maxDepth: number
  chunkTokens: number
  chunkOverlap: number
  allowPrivateHosts: boolean
  /** Time, sleeps and timeouts: the system clock; tests run crawls on their own. */
  clock: Clock
}

const number = (name: string, fallback: number) => {
  const value = Number(env(name) ?? fallback)
  return Number.isFinite(value) && value >= 0 ? value : fallback
}

export function crawlSettings(): CrawlSettings {
  return {
    userAgent: env('SCRAPE_USER_AGENT') ?? 'FiveDomainsCrawler/1.0 (+https://github.com/five-domains/crawler)',
    concurrency: Math.min(4, Math.max(1, number('SCRAPE_CONCURRENCY', 4))),
    timeoutMs: number('SCRAPE_TIMEOUT_MS', 15_000),
    maxBytes: number('SCRAPE_MAX_BYTES', 5 * 1024 * 1024),
    maxRetries: 3,
    maxRetryWaitMs: number('SCRAPE_MAX_RETRY_WAIT_MS', 10_000),
    maxRedirects: 5,
    budgetMs: number('SCRAPE_BUDGET_SECONDS', 120) * 1000,
    maxPages: number('SCRAPE_MAX_PAGES', 500),
    maxDepth: number('SCRAPE_MAX_DEPTH', 5),
    chunkTokens: number('SCRAPE_CHUNK_TOKENS', 400),
    chunkOverlap: number('SCRAPE_CHUNK_OVERLAP', 50),
    allowPrivateHosts: env('SCRAPE_ALLOW_PRIVATE_HOSTS') === 'true',
    clock: systemClock,
  }
}
