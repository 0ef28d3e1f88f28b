// An error the caller may retry after a while (a rate limit, an unreachable or failing GitHub or
// deploy backend): answered like any ApiError, plus a Retry-After header with `retryAfterSeconds`.
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError } from '../_shared/errors.ts'

export class RetryLaterError extends ApiError {
  readonly retryAfterSeconds: number

  constructor(status: ContentfulStatusCode, code: string, message: string, retryAfterSeconds: number) {
    super(status, code, message)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** Runs fn; a RetryLaterError it throws sets Retry-After on the answer before going on to the error handler. */
export async function withRetryAfter<T>(setHeader: (name: string, value: string) => void, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof RetryLaterError) setHeader('retry-after', String(error.retryAfterSeconds))
    throw error
  }
}
