// One polite HTTP fetch of one URL: conditional (ETag / Last-Modified), a timeout, retries with
// exponential backoff on 429 and 5xx honouring Retry-After, HTML only, a size cap read off the
// stream. Redirects are not followed here: the crawler queues their target like a link, so every
// URL is fetched once per crawl and the chain length is counted in the frontier.

export interface FetchSettings {
  userAgent: string
  timeoutMs: number
  maxBytes: number
  maxRetries: number
  /** Longer Retry-After waits are handed back to the frontier instead of slept through. */
  maxRetryWaitMs: number
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
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => {
    clearTimeout(timer)
    reject(signal.reason)
  }, { once: true })
})

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

export async function fetchPage(url: string, validators: Validators, settings: FetchSettings, signal?: AbortSignal): Promise<FetchOutcome> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { 'user-agent': settings.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' }
    if (validators.etag) headers['if-none-match'] = validators.etag
    if (validators.lastModified) headers['if-modified-since'] = new Date(validators.lastModified).toUTCString()
    let response: Response
    try {
      const timeout = AbortSignal.timeout(settings.timeoutMs)
      response = await fetch(url, { headers, redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout })
    } catch (error) {
      if (signal?.aborted) throw error
      // A slow page stays slow: a timeout fails at once; connection errors are retried.
      if ((error as Error).name === 'TimeoutError') return { kind: 'failed', status: null, error: `timed out after ${settings.timeoutMs} ms` }
      const message = (error as Error).message
      if (attempt < settings.maxRetries) {
        await sleep(500 * 2 ** attempt, signal)
        continue
      }
      return { kind: 'failed', status: null, error: message }
    }
    const status = response.status
    if (status === 429 || status >= 500) {
      await response.body?.cancel()
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? 500 * 2 ** attempt
      if (attempt >= settings.maxRetries) return { kind: 'failed', status, error: `HTTP ${status} after ${attempt + 1} attempts` }
      if (wait > settings.maxRetryWaitMs) return { kind: 'retry_later', status, retryAt: new Date(Date.now() + wait) }
      await sleep(wait, signal)
      continue
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
}
