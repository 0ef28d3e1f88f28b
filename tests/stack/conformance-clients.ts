// Clients for the conformance suite (tests/stack/conformance-*.test.ts): unmodified supabase-js
// against the local gateway, over a fetch that records every answer (so a file can assert that no
// request answered 5xx), and optionally over a fetch that behaves like Chromium on a page of another
// origin: a CORS preflight whenever the request needs one, then the request with its Origin, each
// refused as the browser refuses it ("TypeError: Failed to fetch"), and only the response headers
// CORS lets a page read.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import type { RunningStack } from '../../stack/stack.ts'
import type { Database } from '../../types/database.ts'
import { startTestStack } from '../support/test-stack.ts'

export interface Exchange {
  method: string
  path: string
  status: number
}

export interface Preflight {
  /** e.g. "POST /auth/v1/signup" */
  request: string
  /** Access-Control-Request-Headers as the browser sent it: lower case, sorted, comma-separated. */
  requestHeaders: string[]
  status: number
  allowOrigin: string | null
  allowMethods: string[]
  allowHeaders: string[]
}

/** Records every answer the gateway gives; `serverErrors()` lists those that were 5xx. */
export class Recorder {
  readonly exchanges: Exchange[] = []
  private readonly inner: typeof fetch

  constructor(inner: typeof fetch = fetch) {
    this.inner = inner
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const res = await this.inner(input, init)
    this.exchanges.push({ method: request.method, path: new URL(request.url).pathname, status: res.status })
    return res
  }

  serverErrors(): Exchange[] {
    return this.exchanges.filter((e) => e.status >= 500)
  }
}

// Fetch standard: CORS-safelisted request headers need no preflight (Accept, Accept-Language,
// Content-Language; Content-Type only for the three form/text types), and a page reads only the
// CORS-safelisted response headers plus those named in Access-Control-Expose-Headers.
const SAFELISTED_REQUEST_HEADERS = new Set(['accept', 'accept-language', 'content-language'])
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'])
const SIMPLE_METHODS = new Set(['GET', 'HEAD', 'POST'])
const SAFELISTED_RESPONSE_HEADERS = new Set(['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma'])
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/** The header names a browser lists in Access-Control-Request-Headers for this request. */
export function corsUnsafeHeaderNames(headers: Headers): string[] {
  const names: string[] = []
  for (const [name, value] of headers) {
    if (SAFELISTED_REQUEST_HEADERS.has(name)) continue
    if (name === 'content-type' && SIMPLE_CONTENT_TYPES.has(value.split(';')[0].trim().toLowerCase())) continue
    names.push(name)
  }
  return names.sort()
}

const list = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)

/** fetch as a page on `origin` gets it from Chromium. */
export class BrowserPage {
  readonly preflights: Preflight[] = []
  readonly origin: string

  constructor(origin: string) {
    this.origin = origin
  }

  /** The latest preflight the page sent for `METHOD /path`. */
  preflightFor(request: string): Preflight | undefined {
    return this.preflights.findLast((p) => p.request === request)
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const label = `${request.method} ${url.pathname}`
    const unsafe = corsUnsafeHeaderNames(request.headers)

    if (!SIMPLE_METHODS.has(request.method) || unsafe.length > 0) {
      const headers: Record<string, string> = { origin: this.origin, 'access-control-request-method': request.method }
      if (unsafe.length > 0) headers['access-control-request-headers'] = unsafe.join(',')
      const res = await fetch(request.url, { method: 'OPTIONS', headers })
      await res.arrayBuffer()
      const preflight: Preflight = {
        request: label,
        requestHeaders: unsafe,
        status: res.status,
        allowOrigin: res.headers.get('access-control-allow-origin'),
        allowMethods: list(res.headers.get('access-control-allow-methods')).map((m) => m.toUpperCase()),
        allowHeaders: list(res.headers.get('access-control-allow-headers')),
      }
      this.preflights.push(preflight)
      const refusal = this.preflightRefusal(preflight, request.method)
      if (refusal) throw new TypeError(`Failed to fetch (CORS preflight for ${label}: ${refusal})`)
    }

    const headers = new Headers(request.headers)
    headers.set('origin', this.origin)
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer()
    const res = await fetch(request.url, { method: request.method, headers, body })
    const allowOrigin = res.headers.get('access-control-allow-origin')
    if (allowOrigin !== '*' && allowOrigin !== this.origin) {
      await res.arrayBuffer()
      throw new TypeError(`Failed to fetch (${label} answered ${res.status} without Access-Control-Allow-Origin for ${this.origin})`)
    }
    const exposed = new Set(list(res.headers.get('access-control-expose-headers')))
    const readable = new Headers()
    for (const [name, value] of res.headers) {
      if (SAFELISTED_RESPONSE_HEADERS.has(name) || exposed.has(name) || exposed.has('*')) readable.set(name, value)
    }
    return new Response(NULL_BODY_STATUSES.has(res.status) ? null : res.body, { status: res.status, statusText: res.statusText, headers: readable })
  }

  private preflightRefusal(p: Preflight, method: string): string | null {
    if (p.status < 200 || p.status > 299) return `status ${p.status}`
    if (p.allowOrigin !== '*' && p.allowOrigin !== this.origin) return `Access-Control-Allow-Origin is ${p.allowOrigin ?? 'missing'}`
    if (!SIMPLE_METHODS.has(method) && !p.allowMethods.includes(method) && !p.allowMethods.includes('*')) return `method ${method} not allowed`
    // A wildcard never covers Authorization (Fetch standard).
    const missing = p.requestHeaders.filter((h) => !p.allowHeaders.includes(h) && !(p.allowHeaders.includes('*') && h !== 'authorization'))
    return missing.length > 0 ? `request header(s) ${missing.join(', ')} not allowed` : null
  }
}

/** supabase-js as an app creates it, with its requests going through `fetchImpl`. */
export function conformanceClient(stack: RunningStack, key: string, fetchImpl: typeof fetch): SupabaseClient<Database> {
  return createClient<Database>(stack.status.API_URL, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { fetch: fetchImpl },
  })
}

/** The same, signed up (and so signed in) as a new user. */
export async function signedUpClient(stack: RunningStack, email: string, fetchImpl: typeof fetch): Promise<{ client: SupabaseClient<Database>; id: string }> {
  const client = conformanceClient(stack, stack.status.ANON_KEY, fetchImpl)
  const { data, error } = await client.auth.signUp({ email, password: `${email}-password` })
  if (error || !data.user) throw new Error(`sign-up of ${email} failed: ${error?.message}`)
  return { client, id: data.user.id }
}

/** A test stack with the three clients a conformance file uses: anon, service role and a new user. */
export async function startConformanceStack(email: string, fetchImpl: typeof fetch) {
  const stack = await startTestStack()
  const { client: user, id: userId } = await signedUpClient(stack, email, fetchImpl)
  return {
    stack,
    anon: conformanceClient(stack, stack.status.ANON_KEY, fetchImpl),
    service: conformanceClient(stack, stack.status.SERVICE_ROLE_KEY, fetchImpl),
    user,
    userId,
  }
}
