// Real overlap for concurrency tests: connections are opened and reserved first, then every call is
// sent at once, so on a multi-connection server (real PostgreSQL) the calls race inside the
// database instead of being spread out by connection setup. On PGlite they still run one at a time.
import type postgres from 'postgres'

/** Runs `calls` calls spread over `connections` reserved connections (at most 1 in flight each). */
export async function race<T>(
  sql: postgres.Sql,
  connections: number,
  calls: number,
  fn: (conn: postgres.ReservedSql, i: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const reserved = await Promise.all(Array.from({ length: Math.min(connections, calls) }, () => sql.reserve()))
  try {
    const results: PromiseSettledResult<T>[] = new Array(calls)
    await Promise.all(reserved.map(async (conn, c) => {
      for (let i = c; i < calls; i += reserved.length) {
        results[i] = await fn(conn, i).then((value) => ({ status: 'fulfilled', value }) as const, (reason) => ({ status: 'rejected', reason }) as const)
      }
    }))
    return results
  } finally {
    for (const conn of reserved) conn.release()
  }
}

/** The messages of the rejected results (expected to be [] where nothing may fail). */
export const failures = (results: PromiseSettledResult<unknown>[]) =>
  results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason?.message ?? r.reason))
