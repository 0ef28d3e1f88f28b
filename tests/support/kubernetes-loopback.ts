// A loopback Kubernetes API server with a Prometheus behind its service proxy:
// GET /api/v1/namespaces/:ns/services/:svc/proxy/api/v1/query?query&time (Bearer token checked; a bad
// one answers the API server's 401 Status object). The Prometheus part evaluates the three instant
// queries of functions/billing/collector.ts over its raw series, as Prometheus would at `time` with a
// [1d] window: increase of each pod's CPU counter (samples at the window's edges), GPU requests
// summed per minute (1-minute subquery step), the average of each PVC's used bytes; pods and PVCs
// attributed by the label the query names (label_<name>), grouped by hopsworks_user. Anything else:
// 400 {status: "error", errorType: "bad_data"}. `failWith` answers every query with that HTTP status.
import { Hono } from 'hono'
import { listenOnLoopback } from './listen.ts'

export interface PodSeries {
  namespace: string
  pod: string
  labels: Record<string, string>
  /** container_cpu_usage_seconds_total samples [unix seconds, counter]. */
  cpu: [number, number][]
  /** kube_pod_container_resource_requests{resource="nvidia_com_gpu"}: GPUs requested in [from, to) (unix seconds). */
  gpu?: { count: number; from: number; to: number }
}

export interface PvcSeries {
  namespace: string
  pvc: string
  labels: Record<string, string>
  /** kubelet_volume_stats_used_bytes samples [unix seconds, bytes]. */
  used: [number, number][]
}

export interface KubernetesLoopback {
  url: string
  token: string
  service: string
  pods: PodSeries[]
  pvcs: PvcSeries[]
  failWith?: number
  queries: { query: string; time: number }[]
  close(): Promise<void>
}

const WINDOW = 86_400

export async function startKubernetesLoopback(token: string, service = 'monitoring/prometheus-k8s:9090'): Promise<KubernetesLoopback> {
  const state: KubernetesLoopback = { url: '', token, service, pods: [], pvcs: [], queries: [], close: async () => {} }
  const app = new Hono()
  const [ns, svc] = service.split('/')

  app.get(`/api/v1/namespaces/:ns/services/:svc/proxy/api/v1/query`, (c) => {
    if (c.req.header('authorization') !== `Bearer ${state.token}`) {
      return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }, 401)
    }
    if (c.req.param('ns') !== ns || c.req.param('svc') !== svc) {
      return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `services "${c.req.param('svc')}" not found`, reason: 'NotFound', code: 404 }, 404)
    }
    if (state.failWith) return c.json({ status: 'error', errorType: 'internal', error: 'loopback failure' }, state.failWith as 500)
    const query = c.req.query('query') ?? ''
    const time = Number(c.req.query('time'))
    state.queries.push({ query, time })
    const label = /label_([A-Za-z0-9_]+)!=""/.exec(query)?.[1]
    if (!label || !Number.isFinite(time) || !query.startsWith('sum by (hopsworks_user)') || !query.includes('[1d')) {
      return c.json({ status: 'error', errorType: 'bad_data', error: 'unsupported query' }, 400)
    }
    const from = time - WINDOW
    const totals = new Map<string, number>()
    const add = (user: string | undefined, v: number) => {
      if (user !== undefined) totals.set(user, (totals.get(user) ?? 0) + v)
    }
    if (query.includes('container_cpu_usage_seconds_total')) {
      for (const p of state.pods) {
        const inWindow = p.cpu.filter(([t]) => t >= from && t <= time)
        if (inWindow.length >= 2) add(p.labels[label], inWindow[inWindow.length - 1][1] - inWindow[0][1])
      }
    } else if (query.includes('nvidia_com_gpu')) {
      for (const p of state.pods) {
        if (!p.gpu) continue
        let sum = 0
        for (let t = from + 60; t <= time; t += 60) if (t > p.gpu.from && t <= p.gpu.to) sum += p.gpu.count
        if (sum > 0) add(p.labels[label], sum)
      }
    } else if (query.includes('kubelet_volume_stats_used_bytes')) {
      for (const v of state.pvcs) {
        const inWindow = v.used.filter(([t]) => t > from && t <= time)
        if (inWindow.length) add(v.labels[label], inWindow.reduce((s, [, b]) => s + b, 0) / inWindow.length)
      }
    } else {
      return c.json({ status: 'error', errorType: 'bad_data', error: 'unknown metric' }, 400)
    }
    const result = [...totals].map(([user, v]) => ({ metric: { hopsworks_user: user }, value: [time, String(v)] }))
    return c.json({ status: 'success', data: { resultType: 'vector', result } })
  })

  const server = await listenOnLoopback(app.fetch)
  state.url = server.url
  state.close = server.close
  return state
}

/** A kubeconfig (JSON) for the loopback, token auth. */
export function loopbackKubeconfig(url: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'loopback',
    clusters: [{ name: 'loopback', cluster: { server: url } }],
    users: [{ name: 'collector', user: { token } }],
    contexts: [{ name: 'loopback', context: { cluster: 'loopback', user: 'collector' } }],
  })
}
