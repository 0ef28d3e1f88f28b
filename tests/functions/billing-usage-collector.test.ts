// Usage collection (issue 20 point 3) against loopback Kubernetes API servers with Prometheus behind
// their service proxy: a day of collected usage equals the usage the loopback metrics hold and is
// charged once; a re-run changes nothing; a failing cluster does not stop the others; the kubeconfig
// is sealed at rest.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/billing/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { loopbackKubeconfig, startKubernetesLoopback, type KubernetesLoopback } from '../support/kubernetes-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'billing-collector-secret-with-at-least-32-characters'
const DAY = '2026-11-20'
const START = Date.parse(`${DAY}T00:00:00Z`) / 1000
const END = START + 86_400
const GB = 1e9
let db: TestDatabase
let good: KubernetesLoopback
let unauthorized: KubernetesLoopback
let service: string
let ann: string
let ben: string
const clusters: Record<string, string> = {}

const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { authorization: `Bearer ${service}` } })
  return { status: res.status, body: await res.json() }
}
const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

/** A CPU counter sampled every 5 minutes from the day before to the day after, at `cores` during [from, to). */
function cpuCounter(cores: number, from: number, to: number): [number, number][] {
  const out: [number, number][] = []
  for (let t = START - 86_400; t <= END + 86_400; t += 300) out.push([t, cores * Math.max(0, Math.min(t, to) - from)])
  return out
}
const constant = (bytes: (t: number) => number): [number, number][] => {
  const out: [number, number][] = []
  for (let t = START - 86_400; t <= END + 86_400; t += 60) out.push([t, bytes(t)])
  return out
}

const days = () => query<{ user_id: string; cpu_hours: string; gpu_hours: string; storage_gb_months: string; total_cost: string; charged_cents: string }>(
  `select user_id, cpu_hours::text, gpu_hours::text, storage_gb_months::text, total_cost::text, charged_cents::text from billing.usage_daily where date = $1 order by user_id`, [DAY])
const ledger = () => query<{ user_id: string; n: number; sum: string }>(
  `select user_id, count(*)::int as n, sum(amount_cents)::text as sum from billing.credit_ledger where kind = 'usage' group by user_id order by user_id`)

beforeAll(async () => {
  db = await startTestDatabase()
  good = await startKubernetesLoopback('token-good')
  unauthorized = await startKubernetesLoopback('token-expected')
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET: SECRET, CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), USAGE_COLLECTOR_TIMEOUT_MS: '5000' })
  service = await signRoleKey('service_role', SECRET)
  ;[{ id: ann }] = await query<{ id: string }>(`select tests.create_supabase_user('ann', 'ann@example.test') as id`)
  ;[{ id: ben }] = await query<{ id: string }>(`select tests.create_supabase_user('ben', 'ben@example.test') as id`)
  for (const name of ['a-unauthorized', 'b-good', 'c-down', 'd-no-kubeconfig']) {
    ;[{ id: clusters[name] }] = await query<{ id: string }>(`insert into billing.hopsworks_clusters (name, api_url, api_key) values ($1, 'https://hw.test', 'k') returning id`, [name])
  }
  // ann and ben are on b-good, confirmed, with their Hopsworks usernames.
  await query(`update billing.hopsworks_clusters set status = 'inactive' where name <> 'b-good'`)
  await query(`select billing.assign_cluster($1, 'ann001'), billing.assign_cluster($2, 'ben002')`, [ann, ben])
  await query(`update billing.hopsworks_clusters set status = 'active'`)
  await query(`select billing.add_credit_entry($1, 'purchase', 100000, 'seed-ann', 'test'), billing.add_credit_entry($2, 'purchase', 100000, 'seed-ben', 'test')`, [ann, ben])

  // b-good's metrics. ann: 2 cores from 06:00 to 12:00 (12 CPU-hours), 1 GPU from 08:00 to 11:00
  // (3 GPU-hours), a 50 GB volume all day. ben: 0.5 cores all day and beyond (12 CPU-hours), a volume
  // of 10 GB in the first half of the day and 0 in the second (5 GB on average). ghost: a label no
  // assignment has. A pod without the label is nobody's.
  const label = (user: string) => ({ hopsworks_user: user })
  good.pods.push(
    { namespace: 'proj1', pod: 'ann-job', labels: label('ann001'), cpu: cpuCounter(2, START + 6 * 3600, START + 12 * 3600), gpu: { count: 1, from: START + 8 * 3600, to: START + 11 * 3600 } },
    { namespace: 'proj2', pod: 'ben-nb', labels: label('ben002'), cpu: cpuCounter(0.5, START - 86_400, END + 86_400) },
    { namespace: 'proj3', pod: 'ghost', labels: label('ghost9'), cpu: cpuCounter(1, START, END) },
    { namespace: 'kube-system', pod: 'coredns', labels: {}, cpu: cpuCounter(4, START, END) },
  )
  good.pvcs.push(
    { namespace: 'proj1', pvc: 'ann-data', labels: label('ann001'), used: constant(() => 50 * GB) },
    { namespace: 'proj2', pvc: 'ben-data', labels: label('ben002'), used: constant((t) => (t <= START + 43_200 ? 10 * GB : 0)) },
  )
})
afterAll(async () => {
  await closeDb()
  await good.close()
  await unauthorized.close()
  await db.stop()
})

describe('PUT /billing/clusters/:id/kubeconfig', () => {
  it('stores the kubeconfig sealed (the token is nowhere in the row) and clears the plaintext column', async () => {
    await query(`update billing.hopsworks_clusters set kubeconfig = 'plaintext-token-good' where id = $1`, [clusters['b-good']])
    const res = await call('PUT', `/billing/clusters/${clusters['b-good']}/kubeconfig`, { kubeconfig: loopbackKubeconfig(good.url, 'token-good') })
    expect(res).toEqual({ status: 200, body: { cluster_id: clusters['b-good'], server: good.url, prometheus_service: 'monitoring/prometheus-k8s:9090', usage_user_label: 'hopsworks_user' } })
    const [row] = await query<{ kubeconfig: string | null; sealed: string }>(`select kubeconfig, kubeconfig_sealed::text as sealed from billing.hopsworks_clusters where id = $1`, [clusters['b-good']])
    expect(row.kubeconfig).toBeNull()
    expect(JSON.parse(row.sealed)).toMatchObject({ alg: 'A256GCM' })
    expect(row.sealed).not.toContain('token-good')
    expect(row.sealed).not.toContain(good.url)
  })

  it('refuses a kubeconfig without usable credentials or not in JSON (400 invalid_kubeconfig), and stores nothing', async () => {
    const noUser = JSON.parse(loopbackKubeconfig(good.url, 'x'))
    noUser.users[0].user = { exec: { command: 'aws' } }
    for (const kubeconfig of ['apiVersion: v1\nkind: Config', JSON.stringify(noUser)]) {
      const res = await call('PUT', `/billing/clusters/${clusters['d-no-kubeconfig']}/kubeconfig`, { kubeconfig })
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_kubeconfig' } } })
    }
    expect(await query(`select kubeconfig_sealed from billing.hopsworks_clusters where id = $1`, [clusters['d-no-kubeconfig']])).toEqual([{ kubeconfig_sealed: null }])
  })

  it('without CREDENTIALS_ENCRYPTION_KEY: 503 credentials_key_not_configured, nothing stored', async () => {
    const res = await withoutEnv(['CREDENTIALS_ENCRYPTION_KEY'], () =>
      call('PUT', `/billing/clusters/${clusters['d-no-kubeconfig']}/kubeconfig`, { kubeconfig: loopbackKubeconfig(good.url, 'token-good') }))
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'credentials_key_not_configured' } } })
    expect(await query(`select kubeconfig_sealed from billing.hopsworks_clusters where id = $1`, [clusters['d-no-kubeconfig']])).toEqual([{ kubeconfig_sealed: null }])
  })
})

describe('POST /billing/collect-usage', () => {
  it('records the day each user used on the cluster, as the metrics say, and charges it once; failing clusters are reported, the others collected', async () => {
    await call('PUT', `/billing/clusters/${clusters['a-unauthorized']}/kubeconfig`, { kubeconfig: loopbackKubeconfig(unauthorized.url, 'token-wrong') })
    await call('PUT', `/billing/clusters/${clusters['c-down']}/kubeconfig`, { kubeconfig: loopbackKubeconfig('http://127.0.0.1:1', 'token-down') /* nothing listens: connection refused */ })

    const res = await call('POST', '/billing/collect-usage', { date: DAY })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      date: DAY,
      clusters: [
        { cluster_id: clusters['a-unauthorized'], name: 'a-unauthorized', status: 'failed', error: 'HTTP 401: Unauthorized' },
        { cluster_id: clusters['b-good'], name: 'b-good', status: 'ok', users: 2, unmatched: ['ghost9'] },
        { cluster_id: clusters['c-down'], name: 'c-down', status: 'failed', error: expect.stringContaining('ECONNREFUSED') },
      ],
    })
    // Each query was evaluated at the end of the UTC day.
    expect(new Set(good.queries.map((q) => q.time))).toEqual(new Set([END]))

    // Free tier: 6 c/CPU-hour, 250 c/GPU-hour, 10 c/GB-month; November has 30 days.
    const [a, b] = [ann, ben].sort()
    const expected = {
      [ann]: { cpu_hours: '12.0000', gpu_hours: '3.0000', storage_gb_months: (50 / 30).toFixed(4), total_cost: String(Math.round(12 * 6 + 3 * 250 + (50 / 30) * 10)) },
      [ben]: { cpu_hours: '12.0000', gpu_hours: '0.0000', storage_gb_months: (5 / 30).toFixed(4), total_cost: String(Math.round(12 * 6 + (5 / 30) * 10)) },
    }
    const rows = await days()
    expect(rows).toEqual([a, b].map((id) => ({ user_id: id, ...expected[id], charged_cents: expected[id].total_cost })))
    const charged = await ledger()
    expect(charged).toEqual([a, b].map((id) => ({ user_id: id, n: 1, sum: String(-Number(expected[id].total_cost)) })))

    // A re-run of the same day changes nothing: same rows, no new ledger entry, same balances.
    const balances = await query(`select user_id, balance::text from billing.user_credits order by user_id`)
    const again = await call('POST', '/billing/collect-usage', { date: DAY })
    expect(again.body.clusters.map((c: { status: string }) => c.status)).toEqual(['failed', 'ok', 'failed'])
    expect(await days()).toEqual(rows)
    expect(await ledger()).toEqual(charged)
    expect(await query(`select user_id, balance::text from billing.user_credits order by user_id`)).toEqual(balances)
  })

  it('a Prometheus error fails that cluster with its message; nothing is recorded for it', async () => {
    const before = await days()
    good.failWith = 503
    try {
      const res = await call('POST', '/billing/collect-usage', { date: '2026-11-21' })
      expect(res.body.clusters[1]).toEqual({ cluster_id: clusters['b-good'], name: 'b-good', status: 'failed', error: 'HTTP 503: loopback failure' })
    } finally {
      good.failWith = undefined
    }
    expect(await query(`select count(*)::int as n from billing.usage_daily where date = '2026-11-21'`)).toEqual([{ n: 0 }])
    expect(await days()).toEqual(before)
  })

  it('is for the service role only; a bad date is 400', async () => {
    const res = await app.request('/billing/collect-usage', { method: 'POST', body: JSON.stringify({ date: DAY }) })
    expect(res.status).toBe(401)
    expect((await call('POST', '/billing/collect-usage', { date: '2026-13-01' })).status).toBe(400)
  })
})
