// POST /catalog/sync against loopback servers speaking the providers' and ArtifactHub's APIs:
// upserts on natural keys, idempotent re-sync, vanished offers kept as unavailable, failures isolated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/catalog/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { seal } from '../../functions/_shared/secrets.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { startAwsPricingApi, startProviderApis, TEST_TOKEN, type AwsPricingApi, type ProviderApis } from '../support/provider-apis.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'sync-test-secret-with-at-least-32-characters'
const COMPUTE = ['digitalocean', 'hetzner', 'vultr', 'linode', 'azure', 'gcp', 'lambdalabs', 'runpod', 'aws']
let db: TestDatabase
let apis: ProviderApis
let aws: AwsPricingApi
let serviceKey: string

interface Source {
  source: string
  ok: boolean
  result?: Record<string, number>
  error?: { code: string; status?: number; message: string }
}

async function sync(body: Record<string, unknown> = {}): Promise<{ status: number; ok: boolean; sources: Record<string, Source> }> {
  const res = await app.request('/catalog/sync', { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${serviceKey}` } })
  const json = await res.json()
  return { status: res.status, ok: json.ok, sources: Object.fromEntries(json.sources.map((s: Source) => [s.source, s])) }
}

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

/** Every catalog row's updated_at and the queue size: what a no-op sync must leave untouched. */
const footprint = async () => ({
  instances: await query(`select id, updated_at from cloud.instances order by id`),
  packages: await query(`select package_id, updated_at from cloud.bitnami_packages order by package_id`),
  regions: await query(`select * from cloud.regions order by id`),
  jobs: (await query<{ n: number }>(`select count(*)::int as n from private.embedding_jobs`))[0].n,
})

beforeAll(async () => {
  db = await startTestDatabase()
  apis = await startProviderApis()
  aws = await startAwsPricingApi()
  process.env.AWS_PRICING_API_URL = aws.baseUrl
  process.env.AWS_PRICING_REGIONS = 'us-east-1,eu-central-1'
  process.env.SUPABASE_DB_URL = db.url
  process.env.JWT_SECRET = SECRET
  process.env.DIGITALOCEAN_API_URL = apis.baseUrls.digitalocean
  process.env.HETZNER_API_URL = apis.baseUrls.hetzner
  process.env.VULTR_API_URL = apis.baseUrls.vultr
  process.env.LINODE_API_URL = apis.baseUrls.linode
  process.env.AZURE_PRICES_API_URL = apis.baseUrls.azure
  process.env.CURRENCY_RATES_API_URL = apis.baseUrls.frankfurter
  process.env.LAMBDA_API_URL = apis.baseUrls.lambdalabs
  process.env.RUNPOD_API_URL = apis.baseUrls.runpod
  process.env.GCP_BILLING_API_URL = apis.baseUrls.gcp
  process.env.GCP_API_KEY = TEST_TOKEN
  process.env.LAMBDA_API_KEY = TEST_TOKEN
  process.env.RUNPOD_API_KEY = TEST_TOKEN
  process.env.ARTIFACTHUB_API_URL = apis.baseUrls.artifacthub
  for (const p of ['DIGITALOCEAN', 'HETZNER', 'VULTR']) process.env[`${p}_TOKEN`] = TEST_TOKEN
  process.env.CREDENTIALS_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64')
  serviceKey = await signRoleKey('service_role', SECRET)
})
afterAll(async () => {
  await closeDb()
  await apis.close()
  await aws.close()
  await db.stop()
})

describe('POST /catalog/sync', () => {
  it('loads every source, on the natural keys, with raw data and source timestamps', async () => {
    const first = await sync()
    expect(first.status).toBe(200)
    expect(Object.values(first.sources).filter((s) => !s.ok)).toEqual([])
    expect(first.ok).toBe(true)
    for (const name of COMPUTE) {
      expect(first.sources[name].ok, name).toBe(true)
      const [{ n }] = await query<{ n: number }>(
        `select count(*)::int as n from cloud.instances where provider = $1 and available and raw_data ? 'seed' is not true`, [name])
      expect(n).toBe(first.sources[name].result!.offers)
    }
    const [gpu] = await query<{ gpu_count: number; raw: boolean; ts: boolean }>(
      `select gpu_count, raw_data is not null as raw, data_source_timestamp is not null as ts from cloud.instances
       where provider = 'digitalocean' and gpu_count > 0 and available order by gpu_count desc limit 1`)
    expect(gpu).toEqual({ gpu_count: 8, raw: true, ts: true })
    expect(first.sources.artifacthub.ok).toBe(true)
    expect(first.sources.artifacthub.result!.inserted).toBeGreaterThan(0)
    const capabilities = await query<{ total: number }>(`select total from cloud.bitnami_operator_capabilities where total > 0`)
    expect(capabilities.length).toBeGreaterThan(0)
  })

  it('writes nothing on a second sync of unchanged data: no updated_at moves, no embedding jobs', async () => {
    const before = await footprint()
    const second = await sync()
    expect(second.ok).toBe(true)
    for (const name of COMPUTE) {
      expect(second.sources[name].result, name).toMatchObject({ inserted: 0, updated: 0, deactivated: 0, regions_written: 0 })
    }
    expect(second.sources.artifacthub.result).toMatchObject({ inserted: 0, updated: 0 })
    expect(await footprint()).toEqual(before)
  })

  it('updates only a changed offer (and re-embeds it), and keeps a vanished offer as unavailable', async () => {
    // Start from an empty queue, so any job this sync enqueues stands out.
    await db.sql.exec(`delete from private.embedding_jobs`)
    const jobsBefore = (await footprint()).jobs
    apis.mutate((d) => {
      const size = d.digitalocean.sizes.find((s) => s.slug === 's-1vcpu-1gb')!
      size.price_monthly = 7
      size.price_hourly = 0.01042
      d.vultr.plans.splice(d.vultr.plans.findIndex((p) => p.id === 'vc2-2c-4gb'), 1)
    })
    const third = await sync({ providers: ['digitalocean', 'vultr'], packages: false })
    expect(third.sources.digitalocean.result).toMatchObject({ inserted: 0, updated: 1, deactivated: 0 })
    expect(third.sources.vultr.result).toMatchObject({ inserted: 0, updated: 0, deactivated: 1 })
    expect(await query(`select price_monthly::float as price from cloud.instances where provider = 'digitalocean' and instance_id = 's-1vcpu-1gb'`))
      .toEqual([{ price: 7 }])
    expect(await query(`select available from cloud.instances where provider = 'vultr' and instance_id = 'vc2-2c-4gb'`)).toEqual([{ available: false }])
    // The changed offer's text (it includes the price) gets a job for exactly the new text; the
    // vanished offer's text is unchanged (only availability moved), so nothing else is enqueued.
    expect((await footprint()).jobs).toBe(jobsBefore + 1)
    expect(await query(`
      select j.content_hash = private.text_sha256(i.search_text) as current
      from cloud.instances i join private.embedding_jobs j on j.target_table = 'instances' and j.target_id = i.id::text and j.status = 'pending'
      where i.provider = 'digitalocean' and i.instance_id = 's-1vcpu-1gb'`)).toEqual([{ current: true }])
  })

  it('updates a changed Lambda, RunPod and Azure price, and keeps their vanished offers as unavailable', async () => {
    const before = await footprint()
    apis.mutate((d) => {
      ;(d.lambdalabs.instance_types.gpu_1x_a10.instance_type as Record<string, unknown>).price_cents_per_hour = 79
      d.runpod.gpuTypes = d.runpod.gpuTypes.filter((g) => g.id !== 'NVIDIA RTX A6000')
      d.azure.items.find((i) => i.armSkuName === 'Standard_ND96isr_H100_v5')!.retailPrice = 95.1
    })
    const run = await sync({ providers: ['azure', 'gcp', 'lambdalabs', 'runpod'], packages: false })
    expect(run.sources.gcp.result).toMatchObject({ inserted: 0, updated: 0, deactivated: 0, regions_written: 0 })
    expect(run.sources.lambdalabs.result).toMatchObject({ inserted: 0, updated: 1, deactivated: 0 })
    expect(run.sources.runpod.result).toMatchObject({ inserted: 0, updated: 0, deactivated: 1 })
    expect(run.sources.azure.result).toMatchObject({ inserted: 0, updated: 1, deactivated: 0 })
    expect(await query(`select instance_id, price_hourly::float as hourly, available from cloud.instances
      where (provider, instance_id) in (('lambdalabs', 'gpu_1x_a10'), ('runpod', 'NVIDIA RTX A6000/community'), ('azure', 'Standard_ND96isr_H100_v5'))
      order by instance_id`)).toEqual([
      { instance_id: 'NVIDIA RTX A6000/community', hourly: 0.33, available: false },
      { instance_id: 'Standard_ND96isr_H100_v5', hourly: 95.1, available: true },
      { instance_id: 'gpu_1x_a10', hourly: 0.79, available: true },
    ])
    // Every other offer is untouched.
    const after = await footprint()
    const moved = after.instances.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before.instances[i]))
    expect(moved).toHaveLength(3)
    // The price changes are in the history (and the withdrawal, with no price).
    expect(await query(`select i.instance_id, h.price_hourly::float as hourly, h.available from cloud.price_history h
      join cloud.instances i on i.id = h.offer_id where i.provider in ('lambdalabs', 'runpod', 'azure') and i.instance_id in
      ('gpu_1x_a10', 'NVIDIA RTX A6000/community', 'Standard_ND96isr_H100_v5') order by i.instance_id, h.id`)).toEqual([
      { instance_id: 'NVIDIA RTX A6000/community', hourly: 0.33, available: true },
      { instance_id: 'NVIDIA RTX A6000/community', hourly: null, available: false },
      { instance_id: 'Standard_ND96isr_H100_v5', hourly: 98.32, available: true },
      { instance_id: 'Standard_ND96isr_H100_v5', hourly: 95.1, available: true },
      { instance_id: 'gpu_1x_a10', hourly: 0.75, available: true },
      { instance_id: 'gpu_1x_a10', hourly: 0.79, available: true },
    ])
  })

  it('skips a provider whose key is missing and one answering 5xx, and syncs the others', async () => {
    apis.setFailure('runpod', 503)
    try {
      const asked = apis.requests.filter((r) => r.provider === 'lambdalabs').length
      const run = await withoutEnv(['LAMBDA_API_KEY'], () => sync({ packages: false }))
      expect(run.status).toBe(200)
      expect(run.sources.lambdalabs).toMatchObject({ ok: false, error: { code: 'lambdalabs_not_configured', message: expect.stringContaining('LAMBDA_API_KEY') } })
      expect(apis.requests.filter((r) => r.provider === 'lambdalabs').length).toBe(asked) // not called
      expect(run.sources.runpod).toMatchObject({ ok: false, error: { code: 'upstream_error', status: 503 } })
      for (const name of ['digitalocean', 'hetzner', 'vultr', 'linode', 'azure', 'gcp']) expect(run.sources[name].ok, name).toBe(true)
      const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from cloud.instances where provider in ('lambdalabs', 'runpod') and available and raw_data ? 'seed' is not true`)
      expect(n).toBeGreaterThan(0) // neither is marked unavailable
    } finally {
      apis.setFailure('runpod', undefined)
    }
  })

  it('reports a failing provider and still syncs the others', async () => {
    apis.setFailure('vultr', 500)
    try {
      const run = await sync({ packages: false })
      expect(run.status).toBe(200)
      expect(run.ok).toBe(false)
      expect(run.sources.vultr).toMatchObject({ ok: false, error: { code: 'upstream_error', status: 500 } })
      for (const name of ['digitalocean', 'hetzner', 'linode']) expect(run.sources[name].ok).toBe(true)
      const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from cloud.instances where provider = 'vultr' and available`)
      expect(n).toBeGreaterThan(0) // a failed fetch never marks offers unavailable
    } finally {
      apis.setFailure('vultr', undefined)
    }
  })

  it('uses the sealed credentials stored for a provider when no token is in the environment', async () => {
    delete process.env.HETZNER_TOKEN
    try {
      // With neither, the provider is reported as not configured and its API is not called at all.
      const asked = apis.requests.filter((r) => r.provider === 'hetzner').length
      const missing = await sync({ providers: ['hetzner'], packages: false })
      expect(missing.sources.hetzner).toMatchObject({ ok: false, error: { code: 'hetzner_not_configured', message: expect.stringContaining('HETZNER_TOKEN') } })
      expect(apis.requests.filter((r) => r.provider === 'hetzner').length).toBe(asked)
      await db.sql.query(`update cloud.providers set provider_credentials = $1 where provider = 'hetzner'`, [await seal({ token: TEST_TOKEN })])
      expect((await sync({ providers: ['hetzner'], packages: false })).sources.hetzner.ok).toBe(true)
      expect(apis.requests.filter((r) => r.provider === 'hetzner').at(-1)!.auth).toBe(`Bearer ${TEST_TOKEN}`)
    } finally {
      process.env.HETZNER_TOKEN = TEST_TOKEN
    }
  })

  it('sealed credentials without CREDENTIALS_ENCRYPTION_KEY: credentials_key_not_configured for that source, its API not called', async () => {
    await db.sql.query(`update cloud.providers set provider_credentials = $1 where provider = 'digitalocean'`, [await seal({ token: TEST_TOKEN })])
    const asked = apis.requests.length
    const run = await withoutEnv(['DIGITALOCEAN_TOKEN', 'CREDENTIALS_ENCRYPTION_KEY'], () => sync({ providers: ['digitalocean', 'linode'], packages: false }))
    expect(run.sources.digitalocean).toMatchObject({ ok: false, error: { code: 'credentials_key_not_configured', message: expect.stringContaining('CREDENTIALS_ENCRYPTION_KEY') } })
    expect(run.sources.linode.ok).toBe(true) // public API, no token needed
    expect(apis.requests.slice(asked).filter((r) => r.provider === 'digitalocean')).toEqual([])
    await db.sql.query(`update cloud.providers set provider_credentials = null where provider = 'digitalocean'`)
  })

  it('is for the service role only, and validates its body', async () => {
    const anon = await app.request('/catalog/sync', { method: 'POST', headers: { authorization: `Bearer ${await signRoleKey('anon', SECRET)}` } })
    expect(anon.status).toBe(403)
    const bad = await app.request('/catalog/sync', { method: 'POST', body: '{"packages": "yes"}', headers: { authorization: `Bearer ${serviceKey}` } })
    expect(bad.status).toBe(400)
    const broken = await app.request('/catalog/sync', { method: 'POST', body: '{not json', headers: { authorization: `Bearer ${serviceKey}` } })
    expect((await broken.json()).error.code).toBe('invalid_json')
  })
})
