// POST /billing/usage: daily pre-aggregated usage from the service role, or from a cluster's own
// metering agent with its usage key (X-Cluster-Key) for that cluster only. Each record replaces the
// day's totals (billing.record_usage charges only the difference).
import type { z } from 'zod'
import { verifyJwt, bearerToken } from '../_shared/auth.ts'
import { db, transaction } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { sha256Hex } from '../_shared/hash.ts'
import type { UsageBody } from './schemas.ts'

/** The cluster a usage key belongs to; undefined for the service role (any cluster). */
export async function usageCaller(authorization: string | undefined, clusterKey: string | undefined): Promise<string | undefined> {
  if (clusterKey) {
    const [row] = await db()<{ id: string }[]>`
      select id from billing.hopsworks_clusters where usage_key_sha256 = ${await sha256Hex(clusterKey)}`
    if (!row) throw new ApiError(401, 'invalid_cluster_key', 'Unknown cluster key')
    return row.id
  }
  const token = bearerToken(authorization)
  if (!token) throw new ApiError(401, 'missing_credentials', 'Send the service role JWT or X-Cluster-Key')
  if ((await verifyJwt(token)).role !== 'service_role') throw new ApiError(403, 'forbidden', 'Usage is posted by the service role or a cluster key')
  return undefined
}

export async function recordUsage(body: z.infer<typeof UsageBody>, onlyCluster: string | undefined) {
  if (onlyCluster && body.records.some((r) => r.cluster_id !== onlyCluster)) {
    throw new ApiError(403, 'wrong_cluster', 'A cluster key may only post usage for its own cluster')
  }
  // One lock order for every request (user, cluster, date), so two requests never wait on each other
  // in a cycle; a conflict that still happens re-runs the transaction.
  // Answers keep the request's order.
  const order = body.records.map((r, i) => ({ r, i })).sort(({ r: a }, { r: b }) =>
    a.user_id.localeCompare(b.user_id) || (a.cluster_id ?? '').localeCompare(b.cluster_id ?? '') || a.date.localeCompare(b.date))
  return await transaction(async (sql) => {
    const days: unknown[] = new Array(body.records.length)
    for (const { r, i } of order) {
      const [day] = await sql`
        select id, user_id, date::text, total_cost::int, charged_cents::int, uncovered_cents::int
        from billing.record_usage(${r.user_id}, ${r.cluster_id}, ${r.date}::date, ${r.cpu_hours}, ${r.gpu_hours}, ${r.storage_gb_months}, ${r.api_calls})`
      days[i] = day
    }
    return days
  })
}
