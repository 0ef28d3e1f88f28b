// Daily usage collection (POST /billing/collect-usage, job billing-collect-usage): for each active
// cluster with a sealed kubeconfig, three instant queries to the cluster's Prometheus through the
// Kubernetes API server's service proxy, evaluated at the end of the UTC day over the day's window
// ([1d]), give per-user totals directly: CPU-seconds (increase of container_cpu_usage_seconds_total),
// GPU-minutes requested (sum_over_time of kube_pod_container_resource_requests{resource="nvidia_com_gpu"}
// at a 1-minute step) and the day's average bytes of the user's volumes (kubelet_volume_stats_used_bytes).
// Pods and PVCs are attributed to a Hopsworks username by a label (usage_user_label, exported by
// kube-state-metrics as label_<name>). The day is recorded through recordUsage, the path of
// POST /billing/usage: totals replace the day's, so a re-run changes nothing. One cluster failing does
// not stop the others: each answers ok or failed in the report.
import { db } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { open, type SealedSecret } from '../_shared/secrets.ts'
import { kubeGet, parseKubeconfig, type KubeAccess } from './kubeconfig.ts'
import { recordUsage } from './usage.ts'

interface ClusterRow {
  id: string
  name: string
  kubeconfig_sealed: SealedSecret
  prometheus_service: string
  usage_user_label: string
}

export interface UserDay {
  cpu_hours: number
  gpu_hours: number
  storage_gb_months: number
}

const USER = 'hopsworks_user'

/** The PromQL of each measure; `label` is the Kubernetes label carrying the username. */
export function usageQueries(label: string) {
  const owner = (metric: string, key: string) =>
    `max by (namespace, ${key}, ${USER}) (label_replace(${metric}{label_${label}!=""}, "${USER}", "$1", "label_${label}", "(.*)"))`
  const pods = owner('kube_pod_labels', 'pod')
  return {
    cpu_seconds: `sum by (${USER}) (increase(container_cpu_usage_seconds_total{container!=""}[1d]) * on (namespace, pod) group_left (${USER}) ${pods})`,
    gpu_minutes: `sum by (${USER}) (sum_over_time(kube_pod_container_resource_requests{resource="nvidia_com_gpu"}[1d:1m]) * on (namespace, pod) group_left (${USER}) ${pods})`,
    storage_bytes: `sum by (${USER}) (avg_over_time(kubelet_volume_stats_used_bytes[1d]) * on (namespace, persistentvolumeclaim) group_left (${USER}) ${owner('kube_persistentvolumeclaim_labels', 'persistentvolumeclaim')})`,
  }
}

/** The cluster could not be read (API server or Prometheus error, timeout, unexpected answer). */
class CollectionFailed extends Error {}

function proxyPath(service: string): string {
  const [namespace, rest] = service.split('/')
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(rest)}/proxy`
}

async function instantVector(access: KubeAccess, service: string, query: string, time: number): Promise<Map<string, number>> {
  const timeout = Number(env('USAGE_COLLECTOR_TIMEOUT_MS') ?? 30_000)
  const path = `${proxyPath(service)}/api/v1/query?${new URLSearchParams({ query, time: String(time) })}`
  let res
  try {
    res = await kubeGet(access, path, timeout)
  } catch (err) {
    throw new CollectionFailed((err as Error).name === 'TimeoutError' ? `no answer within ${timeout} ms` : (err as Error).message)
  }
  let body: { status?: string; kind?: string; message?: string; error?: string; data?: { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[] } }
  try {
    body = JSON.parse(res.body)
  } catch {
    throw new CollectionFailed(`HTTP ${res.status}: not JSON`)
  }
  // The API server answers its own errors as a Status object; Prometheus as {status: "error", error}.
  if (res.status !== 200 || body.status !== 'success') {
    throw new CollectionFailed(`HTTP ${res.status}: ${body.kind === 'Status' ? body.message : body.error ?? 'unexpected answer'}`)
  }
  if (body.data?.resultType !== 'vector') throw new CollectionFailed(`expected a vector, got ${body.data?.resultType}`)
  const out = new Map<string, number>()
  for (const sample of body.data.result ?? []) {
    const user = sample.metric[USER]
    const value = Number(sample.value[1])
    if (user && Number.isFinite(value) && value > 0) out.set(user, (out.get(user) ?? 0) + value)
  }
  return out
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000

/** Per-user usage of one UTC day on one cluster, by Hopsworks username. */
export async function readClusterDay(access: KubeAccess, service: string, label: string, date: string): Promise<Map<string, UserDay>> {
  const end = Date.parse(`${date}T00:00:00Z`) / 1000 + 86_400
  const q = usageQueries(label)
  const [cpu, gpu, storage] = [
    await instantVector(access, service, q.cpu_seconds, end),
    await instantVector(access, service, q.gpu_minutes, end),
    await instantVector(access, service, q.storage_bytes, end),
  ]
  const [y, m] = date.split('-').map(Number)
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const users = new Map<string, UserDay>()
  for (const name of new Set([...cpu.keys(), ...gpu.keys(), ...storage.keys()])) {
    users.set(name, {
      cpu_hours: round4((cpu.get(name) ?? 0) / 3600),
      gpu_hours: round4((gpu.get(name) ?? 0) / 60),
      // A day's share of a month at the day's average size, in GB (10^9 bytes).
      storage_gb_months: round4((storage.get(name) ?? 0) / 1e9 / daysInMonth),
    })
  }
  return users
}

export interface ClusterReport {
  cluster_id: string
  name: string
  status: 'ok' | 'failed'
  users?: number
  unmatched?: string[]
  error?: string
}

async function collectCluster(cluster: ClusterRow, date: string): Promise<ClusterReport> {
  const base = { cluster_id: cluster.id, name: cluster.name }
  let access: KubeAccess
  try {
    access = parseKubeconfig(await open<string>(cluster.kubeconfig_sealed))
  } catch (err) {
    if (err instanceof ApiError && err.status === 503) throw err // no credentials key: nothing can be collected
    return { ...base, status: 'failed', error: `kubeconfig: ${(err as Error).message}` }
  }
  let usage: Map<string, UserDay>
  try {
    usage = await readClusterDay(access, cluster.prometheus_service, cluster.usage_user_label, date)
  } catch (err) {
    if (!(err instanceof CollectionFailed)) throw err
    return { ...base, status: 'failed', error: err.message }
  }
  const members = await db()<{ user_id: string; hopsworks_username: string }[]>`
    select user_id, hopsworks_username from billing.user_hopsworks_assignments
    where hopsworks_cluster_id = ${cluster.id} and state <> 'pending' and hopsworks_username is not null`
  const byName = new Map(members.map((m) => [m.hopsworks_username, m.user_id]))
  const records = []
  const unmatched = []
  for (const [name, day] of usage) {
    const userId = byName.get(name)
    if (!userId) {
      unmatched.push(name)
      continue
    }
    records.push({ user_id: userId, cluster_id: cluster.id, date, ...day, api_calls: 0 })
  }
  for (let i = 0; i < records.length; i += 1000) await recordUsage({ records: records.slice(i, i + 1000) }, cluster.id)
  return { ...base, status: 'ok', users: records.length, unmatched: unmatched.sort() }
}

/** Collects one UTC day (default: yesterday) on every active cluster with a sealed kubeconfig. */
export async function collectUsage(date: string) {
  const clusters = await db()<ClusterRow[]>`
    select id, name, kubeconfig_sealed, prometheus_service, usage_user_label from billing.hopsworks_clusters
    where status = 'active' and kubeconfig_sealed is not null order by name`
  const reports: ClusterReport[] = []
  for (const cluster of clusters) {
    try {
      reports.push(await collectCluster(cluster, date))
    } catch (err) {
      if (err instanceof ApiError) throw err
      reports.push({ cluster_id: cluster.id, name: cluster.name, status: 'failed', error: (err as Error).message })
    }
  }
  return { date, clusters: reports }
}
