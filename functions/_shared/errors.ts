// One error shape for every function: `{ error: { code, message } }`. 4xx = the caller's input,
// with a stable code; 5xx = our fault, logged with the request id and never leaking internals.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export class ApiError extends Error {
  readonly status: ContentfulStatusCode
  readonly code: string

  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } }
}

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json(errorBody(code, message), status)
}

/** Hono onError handler: ApiError -> its status; anything else -> logged 500. */
export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message)
  const requestId = c.get('requestId' as never) as string | undefined
  console.error(JSON.stringify({ level: 'error', requestId, path: c.req.path, message: err.message, stack: err.stack }))
  return errorResponse(c, 500, 'internal_error', `Internal error (request id ${requestId ?? 'unknown'})`)
}
