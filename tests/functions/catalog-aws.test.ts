// The AWS adapter against a loopback Price List Bulk API: the region index, streamed per-region offer
// files, which products become offers, the idempotent sync through cloud.sync_provider_snapshot (the
// RPC POST /catalog/sync calls), and a large offer file parsed with bounded memory.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { aws, AWS_DEFAULT_REGIONS } from '../../functions/catalog/providers/aws.ts'
import { UpstreamError, type AdapterContext, type InstanceRecord } from '../../functions/catalog/providers/types.ts'
import { closeDb, db as appDb } from '../../functions/_shared/db.ts'
import { awsOnDemand, awsProduct, createAwsFixtures, startAwsPricingApi, type AwsPricingApi } from '../support/provider-apis.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let api: AwsPricingApi
let db: TestDatabase
const ctx = (): AdapterContext => ({ baseUrl: api.baseUrl, fetch: globalThis.fetch })
const byId = (instances: InstanceRecord[], id: string) => {
  const found = instances.find((i) => i.instance_id === id)
  expect(found, id).toBeDefined()
  return found!
}

beforeAll(async () => {
  api = await startAwsPricingApi()
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
})
afterAll(async () => {
  await closeDb()
  await api?.close()
  await db?.stop()
})
afterEach(() => {
  delete process.env.AWS_PRICING_REGIONS
  api.failure = undefined
  api.requests.length = 0
  api.onChunk = undefined
})

describe('aws adapter', () => {
  it('reads the region index, then each configured region offer file, keeping Linux / Shared / NA / Used hourly on-demand compute', async () => {
    process.env.AWS_PRICING_REGIONS = 'us-east-1, eu-central-1'
    const snap = await aws.fetchSnapshot(ctx())
    expect(api.requests).toEqual([
      '/offers/v1.0/aws/AmazonEC2/current/region_index.json',
      '/offers/v1.0/aws/AmazonEC2/20261201000000/us-east-1/index.json',
      '/offers/v1.0/aws/AmazonEC2/20261201000000/eu-central-1/index.json',
    ])
    expect(snap.provider).toBe('aws')
    // Windows, dedicated, SQL Web, capacity reservation, storage and the unpriced us-east-1 c7g are not offers;
    // c7g.large is one through its eu-central-1 price.
    expect(snap.instances.map((i) => i.instance_id)).toEqual(['c7g.large', 'g5.xlarge', 'm6i.large', 'm6i.xlarge', 'p4d.24xlarge'])
    const m6i = byId(snap.instances, 'm6i.large')
    expect(m6i).toMatchObject({
      cpu_cores: 2, memory_gb: 8, memory_mb: 8192, price_hourly: 0.096, price_monthly: 70.08, price_currency: 'USD',
      gpu_count: 0, gpu_model: null, regions: ['eu-central-1', 'us-east-1'], cpu_manufacturer: 'Intel', instance_type: 'm6i',
    })
    // Not the Windows (0.188), dedicated (0.106) or SQL (0.116) price of the same type.
    expect(m6i.raw_data).toEqual([
      { sku: 'UE1M6ILARGE', regionCode: 'us-east-1', location: 'US East (N. Virginia)', pricePerHourUSD: 0.096 },
      { sku: 'EC1M6ILARGE', regionCode: 'eu-central-1', location: 'EU (Frankfurt)', pricePerHourUSD: 0.115 },
    ])
    expect(byId(snap.instances, 'p4d.24xlarge')).toMatchObject({
      gpu_count: 8, gpu_model: 'NVIDIA A100', gpu_memory_gb: 40, gpu_manufacturer: 'NVIDIA', memory_gb: 1152, price_hourly: 32.7726,
    })
    expect(byId(snap.instances, 'g5.xlarge')).toMatchObject({ gpu_count: 1, gpu_model: 'NVIDIA A10G', cpu_manufacturer: 'AMD' })
    expect(byId(snap.instances, 'c7g.large')).toMatchObject({ price_hourly: 0.0725, regions: ['eu-central-1'], cpu_manufacturer: 'AWS' })
    expect(snap.regions).toEqual([
      { region_id: 'eu-central-1', city: 'Frankfurt', country: 'Germany', continent: 'Europe', status: 'available', extra_info: { location: 'EU (Frankfurt)' } },
      { region_id: 'us-east-1', city: 'Virginia', country: 'United States', continent: 'North America', status: 'available', extra_info: { location: 'US East (N. Virginia)' } },
    ])
  })

  it('defaults to a few regions and skips one the index does not publish', async () => {
    const snap = await aws.fetchSnapshot(ctx())
    expect(AWS_DEFAULT_REGIONS).toContain('eu-west-1') // not in the loopback index
    expect(api.requests.filter((r) => r.endsWith('/index.json')).map((r) => r.split('/')[6])).toEqual(
      AWS_DEFAULT_REGIONS.filter((r) => r in createAwsFixtures()),
    )
    expect(snap.instances.length).toBeGreaterThan(0)
    expect(snap.regions.map((r) => r.region_id)).not.toContain('ap-southeast-1') // published, but not asked for
  })

  it('reports an upstream failure with its status, and never a half snapshot', async () => {
    api.failure = 503
    const err = await aws.fetchSnapshot(ctx()).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(UpstreamError)
    expect((err as UpstreamError).status).toBe(503)
  })
})

describe('aws sync (cloud.sync_provider_snapshot, as POST /catalog/sync runs it)', () => {
  const sync = async () => {
    const snapshot = await aws.fetchSnapshot(ctx())
    const sql = appDb()
    const [{ result }] = await sql`select cloud.sync_provider_snapshot('aws', ${sql.json({ ...snapshot, fetched_at: new Date().toISOString() } as never)}) as result`
    return result as Record<string, number>
  }
  const rows = async () =>
    (await db.sql.query<{ instance_id: string; price: number; available: boolean; updated_at: string }>(
      `select instance_id, price_hourly::float as price, available, updated_at::text from cloud.instances where provider = 'aws' and raw_data ? 'seed' is not true order by instance_id`)).rows
  const jobs = async () => (await db.sql.query<{ n: number }>(`select count(*)::int as n from private.embedding_jobs`)).rows[0].n

  it('inserts, writes nothing on an unchanged re-sync, updates one changed price, and keeps a vanished sku as unavailable', async () => {
    process.env.AWS_PRICING_REGIONS = 'us-east-1,eu-central-1'
    // The test database's seed rows for aws are not in this snapshot: they become unavailable, nothing else.
    const seeded = (await db.sql.query<{ n: number }>(`select count(*)::int as n from cloud.instances where provider = 'aws' and available`)).rows[0].n
    const first = await sync()
    expect(first).toMatchObject({ inserted: 5, updated: 0, deactivated: seeded })
    const before = await rows()
    expect(before.every((r) => r.available)).toBe(true)
    const jobsBefore = await jobs()

    expect(await sync()).toMatchObject({ inserted: 0, updated: 0, deactivated: 0, regions_written: 0 })
    expect(await rows()).toEqual(before)
    expect(await jobs()).toBe(jobsBefore)

    api.data['us-east-1'].onDemand.UE1M6IXL = awsOnDemand('UE1M6IXL', '0.2010000000')
    delete api.data['us-east-1'].products.UE1G5XL
    delete api.data['us-east-1'].onDemand.UE1G5XL
    expect(await sync()).toMatchObject({ inserted: 0, updated: 1, deactivated: 1 })
    const after = await rows()
    expect(after.find((r) => r.instance_id === 'm6i.xlarge')!.price).toBe(0.201)
    expect(after.find((r) => r.instance_id === 'g5.xlarge')!.available).toBe(false)
    // Nothing else moved.
    const untouched = (list: typeof before) => list.filter((r) => !['m6i.xlarge', 'g5.xlarge'].includes(r.instance_id))
    expect(untouched(after)).toEqual(untouched(before))

    // A product turning Windows-only is a vanished Linux offer, not a price change.
    api.data['eu-central-1'].products.EC1C7GL = awsProduct('EC1C7GL', 'eu-central-1', 'c7g.large', { vcpu: 2, memory: '4 GiB' }, { operatingSystem: 'Windows' })
    expect(await sync()).toMatchObject({ inserted: 0, updated: 0, deactivated: 1 })
  })
})

describe('aws large offer file', () => {
  it('parses a 50,000-product offer file as it streams, holding far less than the body', async () => {
    const products = 50_000
    api.generated['sa-east-1'] = products
    process.env.AWS_PRICING_REGIONS = 'sa-east-1'
    // What the process holds (V8 heap and buffers outside it), measured after a full collection, so
    // garbage already let go of does not count. Sampled while the loopback is still sending.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const held = () => {
      gc()
      const m = process.memoryUsage()
      return m.heapUsed + m.external
    }
    const baseline = held()
    let peak = baseline
    let chunks = 0
    api.onChunk = () => {
      if (++chunks % 16 === 0) peak = Math.max(peak, held())
    }
    try {
      const snap = await aws.fetchSnapshot(ctx())
      const body = api.bytesSent['sa-east-1']
      // Every 1000th product is a Linux on-demand one: 50 offers, from the whole file.
      expect(snap.instances).toHaveLength(products / 1000)
      expect(byId(snap.instances, 'gen49.0xlarge').raw_data).toEqual([{ sku: 'GEN49000', regionCode: 'sa-east-1', location: 'sa-east-1', pricePerHourUSD: 0.1 }])
      expect(body).toBeGreaterThan(50 * 1024 * 1024)
      expect(chunks).toBeGreaterThan(body / 131072) // the body arrived in pieces of about 64 KiB
      // The body is >50 MB; an adapter buffering it (res.text(), res.json()) holds most of it by the last chunks.
      expect(peak - baseline).toBeLessThan(body / 3)
    } finally {
      delete api.generated['sa-east-1']
    }
  }, 300_000)
})
