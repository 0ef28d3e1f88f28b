// One error shape for every function: `{ error: { code, message } }`. 4xx = the caller's input,
// with a stable code; 5xx = our fault, logged with the request id and never leaking internals.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export class ApiError extends Error {
  readonly status: ContentfulStatusCode
  readonly code: string
  /** When set, the answer carries Retry-After (a rate limit, an unavailable upstream). */
  readonly retryAfterSeconds?: number

  constructor(status: ContentfulStatusCode, code: string, message: string, retryAfterSeconds?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } }
}

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json(errorBody(code, message), status)
}

/** Hono onError handler: ApiError -> its status (and Retry-After when it has one); a transaction aborted by concurrency (serialization
 * failure 40001, deadlock 40P01) that outlived its retries -> 503 with Retry-After; anything else ->
 * logged 500. */
export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) {
    if (err.retryAfterSeconds !== undefined) c.header('retry-after', String(err.retryAfterSeconds))
    return errorResponse(c, err.status, err.code, err.message)
  }
  const requestId = c.get('requestId' as never) as string | undefined
  const sqlstate = (err as { code?: unknown }).code
  if (sqlstate === '40001' || sqlstate === '40P01') {
    console.warn(JSON.stringify({ level: 'warn', requestId, path: c.req.path, sqlstate, message: err.message }))
    c.header('retry-after', '1')
    return errorResponse(c, 503, 'concurrency_conflict', 'The database was busy with a conflicting request; retry shortly')
  }
  console.error(JSON.stringify({ level: 'error', requestId, path: c.req.path, message: err.message, stack: err.stack }))
  return errorResponse(c, 500, 'internal_error', `Internal error (request id ${requestId ?? 'unknown'})`)
}
