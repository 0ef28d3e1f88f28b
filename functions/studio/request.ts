// What the studio function hands the database about a request, and how database errors become HTTP.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError } from '../_shared/errors.ts'

/**
 * The request headers the audit log records (client IP, user agent), as PostgREST passes them in
 * request.headers; the function sets the same setting in its transactions.
 */
export function auditHeaders(c: Context): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of ['x-forwarded-for', 'x-real-ip', 'user-agent']) {
    const value = c.req.header(name)
    if (value) headers[name] = value
  }
  return headers
}

/**
 * Database errors with a stable code: SQLSTATE PTnnn carries the HTTP status (as PostgREST maps
 * it) and the hint the code (version_conflict, tier_limit_projects, ...); 22023 + hint is a 400.
 * Anything else is rethrown (a 500).
 */
export function databaseError(error: unknown): unknown {
  const e = error as { code?: string; hint?: string; message?: string }
  const status = /^PT([1-5]\d\d)$/.exec(e?.code ?? '')
  if (status && e.hint) return new ApiError(Number(status[1]) as ContentfulStatusCode, e.hint, e.message ?? e.hint)
  if (e?.code === '22023' && e.hint) return new ApiError(400, e.hint, e.message ?? e.hint)
  return error
}

export async function mapDatabaseErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw databaseError(error)
  }
}
