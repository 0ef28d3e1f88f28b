// Crawler settings from the environment (see README, Sites).
import { env } from '../_shared/env.ts'
import { allowList, type AllowList } from '../_shared/outbound/address-policy.ts'
import { type Clock, systemClock } from './clock.ts'
import { type Resolver, systemResolver } from '../_shared/outbound/resolver.ts'

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
  /** Private destinations the crawler may reach anyway (SCRAPE_ALLOWED_PRIVATE_HOSTS); none by default. */
  allowed: AllowList
  /** Host name resolution: the system resolver; tests bring their own. */
  resolve: Resolver
  /** How long a step's lease on its job (and its URLs) lasts unless renewed: a dead worker's crawl is taken over after this. */
  leaseSeconds: number
  /** How often a running step renews its leases. */
  heartbeatMs: number
  /** Time, sleeps and timeouts: the system clock; tests run crawls on their own. */
  clock: Clock
}

/** A crawl whose worker died is taken over this long after its last heartbeat. */
export const LEASE_SECONDS = 20
/** A running step renews its leases this often (four beats per lease). */
export const HEARTBEAT_MS = 5_000

/** A non-negative number from a variable's value, else the default. */
const number = (value: string | undefined, fallback: number) => {
  const parsed = Number(value ?? fallback)
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback
}

export function crawlSettings(): CrawlSettings {
  return {
    userAgent: env('SCRAPE_USER_AGENT') ?? 'FiveDomainsCrawler/1.0 (+https://github.com/five-domains/crawler)',
    concurrency: Math.min(4, Math.max(1, number(env('SCRAPE_CONCURRENCY'), 4))),
    timeoutMs: number(env('SCRAPE_TIMEOUT_MS'), 15_000),
    maxBytes: number(env('SCRAPE_MAX_BYTES'), 5 * 1024 * 1024),
    maxRetries: 3,
    maxRetryWaitMs: number(env('SCRAPE_MAX_RETRY_WAIT_MS'), 10_000),
    maxRedirects: 5,
    budgetMs: number(env('SCRAPE_BUDGET_SECONDS'), 120) * 1000,
    maxPages: number(env('SCRAPE_MAX_PAGES'), 500),
    maxDepth: number(env('SCRAPE_MAX_DEPTH'), 5),
    chunkTokens: number(env('SCRAPE_CHUNK_TOKENS'), 400),
    chunkOverlap: number(env('SCRAPE_CHUNK_OVERLAP'), 50),
    allowed: allowList(env('SCRAPE_ALLOWED_PRIVATE_HOSTS')),
    resolve: systemResolver,
    leaseSeconds: LEASE_SECONDS,
    heartbeatMs: HEARTBEAT_MS,
    clock: systemClock,
  }
}
