// Database errors answered as hosted PostgREST answers them. @supabase/lite 0.10 maps only some
// SQLSTATEs to HTTP statuses and answers every other one 500 {"code": "SUP", "message":
// "PostgresError: ..."}, a CHECK violation (23514) or a RAISE (P0001) included; and it logs every
// database error, client-caused ones too, with console.error and so with a stack trace.
//
// lite calls `connection.normalizeDbError(error)` before mapping, and honours PostgREST's
// RAISE SQLSTATE 'PGRST' protocol (MESSAGE = JSON {code, message, details, hint}, DETAIL = JSON
// {status, headers}). The gateway therefore replaces normalizeDbError: a PostgreSQL error becomes
// that protocol's error with the original SQLSTATE as the code and the status from PostgREST's table
// (https://docs.postgrest.org/en/stable/references/errors.html#http-status-codes), so the body is
// PostgREST's {code, details, hint, message}. Kept as lite maps them: 42501 (401 for anon, 403
// otherwise: lite knows the role, this hook does not), PTnnn (status nnn, as PostgREST), 42703 (lite
// names the table in the message, as PostgREST), and the PGRST protocol itself. A client-caused
// error (4xx) is logged as one line; a 5xx keeps its stack trace. lite's own "no such table" (404
// PGRST205) comes through here too, and is logged as one line as well.
import { inspect } from 'node:util'
import { RelationNotFoundError } from '@supabase/lite'

const STATUS_BY_CODE: Record<string, number> = {
  '23503': 409,
  '23505': 409,
  '25006': 405,
  '53400': 500,
  P0001: 400,
  '42883': 404,
  '42P01': 404,
  '42P17': 500,
}

const STATUS_BY_CLASS: Record<string, number> = {
  '08': 503,
  '09': 500,
  '0L': 403,
  '0P': 403,
  '25': 500,
  '28': 403,
  '2D': 500,
  '38': 500,
  '39': 500,
  '3B': 500,
  '40': 500,
  '53': 503,
  '54': 500,
  '55': 500,
  '57': 500,
  '58': 500,
  F0: 500,
  HV: 500,
  P0: 500,
  XX: 500,
}

/** The HTTP status PostgREST answers for a SQLSTATE (42501 aside, which depends on the role). */
export function postgrestStatus(sqlstate: string): number {
  return STATUS_BY_CODE[sqlstate] ?? STATUS_BY_CLASS[sqlstate.slice(0, 2)] ?? 400
}

interface DatabaseError extends Error {
  code: string
  detail?: string
  hint?: string
}

const SQLSTATE = /^[0-9A-Z]{5}$/

function isDatabaseError(error: unknown): error is DatabaseError {
  const code: unknown = (error as { code?: unknown } | null)?.code
  return error instanceof Error && typeof code === 'string' && SQLSTATE.test(code)
}

/** SQLSTATEs lite already answers as PostgREST does (see the header). */
function liteMapsIt(code: string): boolean {
  return code === '42501' || code === '42703' || /^PT\d{3}$/.test(code)
}

function oneLine(status: string | number, error: DatabaseError): string {
  const detail = error.detail?.split('\n')[0]
  return `[rest] ${status} ${error.code} ${error.message}${detail ? ` (${detail.length > 160 ? `${detail.slice(0, 159)}…` : detail})` : ''}`
}

/** A database error in PostgREST's RAISE SQLSTATE 'PGRST' shape, for lite to answer as given. */
class PostgrestAnswer extends Error {
  readonly code = 'PGRST'
  readonly detail: string
  readonly status: number
  readonly original: DatabaseError

  constructor(status: number, original: DatabaseError) {
    super(JSON.stringify({ code: original.code, message: original.message, details: original.detail ?? null, hint: original.hint ?? null }))
    this.name = 'PostgrestAnswer'
    this.detail = JSON.stringify({ status, headers: {} })
    this.status = status
    this.original = original
  }

  [inspect.custom](): unknown {
    return this.status < 500 ? oneLine(this.status, this.original) : this.original
  }
}

/** Replacement for the connection's normalizeDbError (lite's is the identity for PostgreSQL). */
export function toPostgrestError(error: unknown): unknown {
  if (error instanceof RelationNotFoundError) {
    Object.defineProperty(error, inspect.custom, { value: () => `[rest] 404 PGRST205 ${error.message}` })
    return error
  }
  if (!isDatabaseError(error)) return error
  if (error.code === 'PGRST') return error
  if (liteMapsIt(error.code)) {
    const status = error.code === '42501' ? '401/403' : error.code.startsWith('PT') ? Number(error.code.slice(2)) : 400
    if (typeof status === 'string' || status < 500) Object.defineProperty(error, inspect.custom, { value: () => oneLine(status, error) })
    return error
  }
  return new PostgrestAnswer(postgrestStatus(error.code), error)
}
