// The functions' direct database client (postgres.js over SUPABASE_DB_URL, which the hosted
// runtime and the local gateway both provide; unset: 503 database_not_configured). Use it for one RPC or one transaction per request;
// data that users read goes through RLS via supabase-js instead.
import postgres from 'postgres'
import { requireEnv } from './env.ts'

let client: postgres.Sql | undefined
let clientUrl: string | undefined

export function db(): postgres.Sql {
  const url = requireEnv('SUPABASE_DB_URL', 'database_not_configured')
  if (!client || clientUrl !== url) {
    client = postgres(url, {
      max: 5,
      idle_timeout: 20,
      connect_timeout: 5,
      onnotice: () => {},
      connection: { application_name: 'edge-functions' },
    })
    clientUrl = url
  }
  return client
}

/** SQLSTATEs after which the whole transaction may simply run again: serialization failure, deadlock. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01'])

/**
 * db().begin(fn), run again (up to `attempts` times, with a short jittered pause) when PostgreSQL
 * aborts it as a serialization failure or a deadlock victim. fn must only touch the database, since
 * it may run more than once. What still fails after the last attempt reaches the error handler
 * (503 concurrency_conflict, see errors.ts), never a bare 500.
 */
export async function transaction<T>(fn: (sql: postgres.TransactionSql) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await db().begin(fn)) as T
    } catch (error) {
      const code = (error as { code?: string }).code
      if (attempt >= attempts || !code || !RETRYABLE_SQLSTATES.has(code)) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt))
    }
  }
}

/** Closes the pool (tests, shutdown). */
export async function closeDb(): Promise<void> {
  const current = client
  client = undefined
  clientUrl = undefined
  await current?.end({ timeout: 5 })
}

/**
 * Runs fn in a transaction as an API role (anon/authenticated) with the given JWT claims, so RLS
 * and grants apply exactly as for a supabase-js request.
 */
export async function withRole<T>(
  role: 'anon' | 'authenticated',
  claims: Record<string, unknown>,
  fn: (sql: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return (await db().begin(async (tx) => {
    await tx`select set_config('role', ${role}, true),
                    set_config('request.jwt.claims', ${JSON.stringify({ ...claims, role })}, true),
                    set_config('request.jwt.claim.sub', ${String(claims.sub ?? '')}, true),
                    set_config('request.jwt.claim.role', ${role}, true)`
    return await fn(tx)
  })) as T
}
