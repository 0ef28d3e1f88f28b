// One polite HTTP fetch of one URL: conditional (ETag / Last-Modified), a timeout, retries with
// exponential backoff on 429 and 5xx honouring Retry-After, HTML only, a size cap read off the
// stream. Redirects are not followed here: the crawler queues their target like a link, so every
// URL is fetched once per crawl and the chain length is counted in the frontier.
import { allowList, type AllowList } from '../_shared/outbound/address-policy.ts'
import { type Clock, systemClock } from './clock.ts'
import { RefusedDestinationError, type SafeFetch, safeFetcher } from '../_shared/outbound/pinned-fetch.ts'
import { type Resolver, systemResolver } from '../_shared/outbound/resolver.ts'

export interface FetchSettings {
  userAgent: string
  /** One attempt, from sending the request to the last byte of the body. */
  timeoutMs: number
  maxBytes: number
  maxRetries: number
  /** Longer Retry-After waits are handed back to the frontier instead of slept through. */
  maxRetryWaitMs: number
  /** Time, sleeps and timeouts (the system clock unless a test brings its own). */
  clock?: Clock
  /** Politeness between requests to one host (Crawl-delay): awaited before every attempt, told when it is over. */
  pacer?: Pacer
  /** Host name resolution (the system resolver unless a test brings its own). */
  resolve?: Resolver
  /** Private destinations allowed anyway (SCRAPE_ALLOWED_PRIVATE_HOSTS); none by default. */
  allowed?: AllowList
  /** The vetting, pinning fetch of a crawl step; built from resolve and allowed when absent. */
  fetch?: SafeFetch
}

/** The SSRF-proof fetch of these settings: the step's own, or a new one. */
export function safeFetchOf(settings: FetchSettings): SafeFetch {
  return settings.fetch ?? safeFetcher({ resolve: settings.resolve ?? systemResolver, allowed: settings.allowed ?? allowList(undefined) })
}

export interface Pacer {
  before(signal?: AbortSignal): Promise<void>
  after(): void
}

/** Crawl-delay: every request starts at least delayMs after the previous one to the host was over. */
export function crawlDelayPacer(delayMs: number, clock: Clock = systemClock): Pacer {
  let lastEnd: number | undefined
  return {
    async before(signal) {
      const wait = lastEnd === undefined ? 0 : lastEnd + delayMs - clock.now()
      if (wait > 0) await clock.sleep(wait, signal)
    },
    after() {
      lastEnd = clock.now()
    },
  }
}

export interface Validators {
  etag?: string | null
  lastModified?: Date | string | null
}

export type FetchOutcome =
  | { kind: 'ok'; status: number; html: string; contentType: string; etag: string | null; lastModified: string | null; bytes: number }
  | { kind: 'not_modified'; status: 304; etag: string | null; lastModified: string | null }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'non_html'; status: number; contentType: string }
  | { kind: 'too_large'; status: number; bytes: number }
  | { kind: 'retry_later'; status: number; retryAt: Date }
  | { kind: 'failed'; status: number | null; error: string }

const HTML = /^(text\/html|application\/xhtml\+xml)\b/i

/** Seconds or an HTTP date; undefined when absent or unparsable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

async function readCapped(response: Response, maxBytes: number): Promise<{ text: string } | { tooLarge: number }> {
  const reader = response.body!.getReader()
  const parts: Uint8Array[] = []
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.length
    if (bytes > maxBytes) {
      await reader.cancel()
      return { tooLarge: bytes }
    }
    parts.push(value)
  }
  const all = new Uint8Array(bytes)
  let offset = 0
  for (const part of parts) {
    all.set(part, offset)
    offset += part.length
  }
  return { text: new TextDecoder().decode(all) }
}

/** One attempt's result: an outcome, or a reason to try again after waitMs. */
type Attempt = FetchOutcome | { kind: 'again'; status: number | null; error: string; waitMs: number }

async function attemptOnce(url: string, validators: Validators, settings: FetchSettings, clock: Clock, attempt: number,
  fetch: SafeFetch, signal?: AbortSignal): Promise<Attempt> {
  const headers: Record<string, string> = { 'user-agent': settings.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' }
  if (validators.etag) headers['if-none-match'] = validators.etag
  if (validators.lastModified) headers['if-modified-since'] = new Date(validators.lastModified).toUTCString()
  // The timeout covers the whole attempt: waiting for the answer and reading its body.
  const timeout = clock.timeout(settings.timeoutMs)
  try {
    const response = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout })
    return await readResponse(url, response, validators, settings, clock, attempt)
  } catch (error) {
    if (signal?.aborted) throw error
    // A private destination stays private: refused at once, never retried.
    if (error instanceof RefusedDestinationError) return { kind: 'failed', status: null, error: error.message }
    // A slow page stays slow: a timeout fails at once; connection errors are retried.
    if (timeout.aborted) return { kind: 'failed', status: null, error: `timed out after ${settings.timeoutMs} ms` }
    return { kind: 'again', status: null, error: (error as Error).message, waitMs: 500 * 2 ** attempt }
  }
}

async function readResponse(url: string, response: Response, validators: Validators, settings: FetchSettings, clock: Clock,
  attempt: number): Promise<Attempt> {
  const status = response.status
  if (status === 429 || status >= 500) {
    await response.body?.cancel()
    const waitMs = retryAfterMs(response.headers.get('retry-after'), clock.now()) ?? 500 * 2 ** attempt
    return { kind: 'again', status, error: `HTTP ${status}`, waitMs }
  }
  const etag = response.headers.get('etag')
  const lastModified = response.headers.get('last-modified')
  if (status === 304) return { kind: 'not_modified', status, etag: etag ?? validators.etag ?? null, lastModified: lastModified ?? null }
  if (status >= 300 && status < 400) {
    await response.body?.cancel()
    const location = response.headers.get('location')
    if (!location) return { kind: 'failed', status, error: 'redirect without Location' }
    return { kind: 'redirect', status, location: new URL(location, url).toString() }
  }
  if (status !== 200) {
    await response.body?.cancel()
    return { kind: 'failed', status, error: `HTTP ${status}` }
  }
  const contentType = response.headers.get('content-type') ?? ''
  if (!HTML.test(contentType)) {
    await response.body?.cancel()
    return { kind: 'non_html', status, contentType }
  }
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > settings.maxBytes) {
    await response.body?.cancel()
    return { kind: 'too_large', status, bytes: declared }
  }
  const body = await readCapped(response, settings.maxBytes)
  if ('tooLarge' in body) return { kind: 'too_large', status, bytes: body.tooLarge }
  return { kind: 'ok', status, html: body.text, contentType, etag, lastModified, bytes: new TextEncoder().encode(body.text).length }
}

/** What fetchPage answers: the outcome, and how many times it retried within the fetch (429 / 5xx / connection errors). */
export type FetchResult = FetchOutcome & { retries: number }

export async function fetchPage(url: string, validators: Validators, settings: FetchSettings, signal?: AbortSignal): Promise<FetchResult> {
  const clock = settings.clock ?? systemClock
  const fetch = safeFetchOf(settings)
  for (let attempt = 0; ; attempt++) {
    await settings.pacer?.before(signal)
    let outcome: Attempt
    try {
      outcome = await attemptOnce(url, validators, settings, clock, attempt, fetch, signal)
    } finally {
      settings.pacer?.after()
    }
    if (outcome.kind !== 'again') return { ...outcome, retries: attempt }
    const { status, error, waitMs } = outcome
    if (attempt >= settings.maxRetries) {
      return { kind: 'failed', status, error: status === null ? error : `HTTP ${status} after ${attempt + 1} attempts`, retries: attempt }
    }
    if (status !== null && waitMs > settings.maxRetryWaitMs) return { kind: 'retry_later', status, retryAt: new Date(clock.now() + waitMs), retries: attempt }
    await clock.sleep(waitMs, signal)
  }
}
