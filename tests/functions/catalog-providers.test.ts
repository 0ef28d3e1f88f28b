import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fetchPackages } from '../../functions/catalog/providers/artifacthub.ts'
import { digitalocean } from '../../functions/catalog/providers/digitalocean.ts'
import { hetzner } from '../../functions/catalog/providers/hetzner.ts'
import { PROVIDER_ADAPTERS } from '../../functions/catalog/providers/index.ts'
import { linode } from '../../functions/catalog/providers/linode.ts'
import { UpstreamError, type AdapterContext, type InstanceRecord } from '../../functions/catalog/providers/types.ts'
import { vultr } from '../../functions/catalog/providers/vultr.ts'
import { PAGE_CAPS, TEST_TOKEN, createFixtures, startProviderApis, type ProviderApis } from '../support/provider-apis.ts'

let apis: ProviderApis
const fixtures = createFixtures()

beforeAll(async () => {
  apis = await startProviderApis()
})
afterAll(async () => {
  await apis?.close()
})
afterEach(() => {
  for (const p of ['digitalocean', 'hetzner', 'vultr', 'linode', 'artifacthub']) apis.setFailure(p, undefined)
  apis.requests.length = 0
})

// null = send no token (an explicit undefined would pick up the default).
const ctx = (provider: keyof ProviderApis['baseUrls'], token: string | null = TEST_TOKEN): AdapterContext => ({
  baseUrl: apis.baseUrls[provider],
  token: token ?? undefined,
  fetch: globalThis.fetch,
})
const byId = (instances: InstanceRecord[], id: string) => {
  const found = instances.find((i) => i.instance_id === id)
  expect(found, id).toBeDefined()
  return found!
}
const pathsOf = (provider: string, prefix: string) =>
  apis.requests.filter((r) => r.provider === provider && r.path.startsWith(prefix)).map((r) => r.path)

async function expectUpstream(promise: Promise<unknown>, status: number) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(UpstreamError)
  expect((err as UpstreamError).status).toBe(status)
}

describe('provider registry', () => {
  it('lists the four compute adapters with their public API hosts', () => {
    expect(PROVIDER_ADAPTERS.map((a) => a.provider)).toEqual(['digitalocean', 'hetzner', 'vultr', 'linode'])
    for (const a of PROVIDER_ADAPTERS) expect(a.defaultBaseUrl).toMatch(/^https:\/\/api\./)
  })
})

describe('digitalocean', () => {
  it('maps every page of sizes and regions', async () => {
    const snap = await digitalocean.fetchSnapshot(ctx('digitalocean'))
    const sold = fixtures.digitalocean.sizes.filter((s) => s.available !== false)
    expect(snap.provider).toBe('digitalocean')
    expect(snap.instances).toHaveLength(sold.length)
    expect(snap.instances.map((i) => i.instance_id)).not.toContain('512mb')
    expect(snap.regions).toHaveLength(fixtures.digitalocean.regions.length)

    const sizePages = pathsOf('digitalocean', '/v2/sizes')
    expect(sizePages.length).toBe(Math.ceil(fixtures.digitalocean.sizes.length / PAGE_CAPS.digitalocean))
    expect(sizePages[0]).toContain('per_page=200')
    expect(apis.requests.every((r) => r.auth === `Bearer ${TEST_TOKEN}`)).toBe(true)

    const gpu = byId(snap.instances, 'gpu-h100x8-640gb')
    expect(gpu).toMatchObject({
      gpu_count: 8, gpu_model: 'nvidia_h100', gpu_memory_gb: 640, gpu_manufacturer: 'NVIDIA',
      cpu_cores: 160, memory_mb: 1966080, memory_gb: 1920, disk_gb: 2046, transfer_tb: 60,
      price_monthly: 17796.48, price_hourly: 23.92, price_currency: 'USD', regions: ['nyc2', 'tor1'],
    })
    const basic = byId(snap.instances, 's-1vcpu-1gb')
    expect(basic).toMatchObject({ gpu_count: 0, gpu_model: null, price_monthly: 6, memory_gb: 1, instance_type: 'Basic' })
    expect(basic.regions).toContain('ams3')
    expect(byId(snap.instances, 's-2vcpu-4gb-amd').cpu_manufacturer).toBe('AMD')
    expect(basic.raw_data).toEqual(fixtures.digitalocean.sizes[0])

    expect(snap.regions.find((r) => r.region_id === 'nyc3')).toMatchObject({
      city: 'New York', country: 'United States', continent: 'North America', status: 'available',
    })
    expect(snap.regions.find((r) => r.region_id === 'ams3')).toMatchObject({ city: 'Amsterdam', continent: 'Europe' })
  })

  it('sees a removed size and a new price on the next fetch', async () => {
    apis.mutate((d) => {
      d.digitalocean.sizes = d.digitalocean.sizes.filter((s) => s.slug !== 'c-4')
      const basic = d.digitalocean.sizes.find((s) => s.slug === 's-1vcpu-1gb')!
      basic.price_monthly = 7
    })
    try {
      const snap = await digitalocean.fetchSnapshot(ctx('digitalocean'))
      expect(snap.instances.map((i) => i.instance_id)).not.toContain('c-4')
      expect(byId(snap.instances, 's-1vcpu-1gb').price_monthly).toBe(7)
    } finally {
      apis.mutate((d) => {
        d.digitalocean.sizes = createFixtures().digitalocean.sizes
      })
    }
  })

  it('raises 401 without or with a wrong token, and the status of a failing API', async () => {
    await expectUpstream(digitalocean.fetchSnapshot(ctx('digitalocean', null)), 401)
    await expectUpstream(digitalocean.fetchSnapshot(ctx('digitalocean', 'nope')), 401)
    apis.setFailure('digitalocean', 500)
    await expectUpstream(digitalocean.fetchSnapshot(ctx('digitalocean')), 500)
  })
})

describe('hetzner', () => {
  it('maps every page of server types and locations with the cheapest location price', async () => {
    const snap = await hetzner.fetchSnapshot(ctx('hetzner'))
    expect(snap.instances).toHaveLength(fixtures.hetzner.server_types.length)
    expect(snap.regions).toHaveLength(fixtures.hetzner.locations.length)
    expect(pathsOf('hetzner', '/v1/server_types').length).toBe(Math.ceil(fixtures.hetzner.server_types.length / PAGE_CAPS.hetzner))
    expect(pathsOf('hetzner', '/v1/server_types')[0]).toContain('per_page=50')

    const ccx = byId(snap.instances, 'ccx13')
    expect(ccx).toMatchObject({
      cpu_cores: 2, memory_gb: 8, memory_mb: 8192, disk_gb: 80, disk_type: 'local', instance_type: 'dedicated',
      cpu_manufacturer: 'AMD', price_monthly: 14.27, price_hourly: 0.0226, price_currency: 'EUR', transfer_tb: 20,
      gpu_count: 0, gpu_model: null,
    })
    expect(typeof ccx.price_monthly).toBe('number')
    expect(ccx.regions).toEqual(['hil', 'fsn1', 'ash'])
    expect(byId(snap.instances, 'cax11').cpu_manufacturer).toBe('Ampere')
    // Deprecated types are still orderable until unavailable_after, so they stay in the catalog.
    expect((byId(snap.instances, 'cx11').raw_data as { deprecated: boolean }).deprecated).toBe(true)

    expect(snap.regions.find((r) => r.region_id === 'hel1')).toMatchObject({ city: 'Helsinki', country: 'Finland', continent: 'Europe' })
    expect(snap.regions.find((r) => r.region_id === 'sin')).toMatchObject({ country: 'Singapore', continent: 'Asia' })
    expect(snap.regions.find((r) => r.region_id === 'hil')).toMatchObject({ country: 'United States', continent: 'North America' })
  })

  it('raises 401 for a bad token and 503 when the API is down', async () => {
    await expectUpstream(hetzner.fetchSnapshot(ctx('hetzner', null)), 401)
    await expectUpstream(hetzner.fetchSnapshot(ctx('hetzner', 'wrong')), 401)
    apis.setFailure('hetzner', 503)
    await expectUpstream(hetzner.fetchSnapshot(ctx('hetzner')), 503)
  })
})

describe('vultr', () => {
  it('follows cursors through every page of plans and regions', async () => {
    const snap = await vultr.fetchSnapshot(ctx('vultr'))
    expect(snap.instances).toHaveLength(fixtures.vultr.plans.length)
    expect(snap.regions).toHaveLength(fixtures.vultr.regions.length)
    const planPages = pathsOf('vultr', '/v2/plans')
    expect(planPages.length).toBe(Math.ceil(fixtures.vultr.plans.length / PAGE_CAPS.vultr))
    expect(planPages[1]).toContain('cursor=')

    expect(byId(snap.instances, 'vcg-l40s-32c-375g-96vram')).toMatchObject({
      gpu_count: 2, gpu_model: 'NVIDIA L40S', gpu_memory_gb: 96, gpu_manufacturer: 'NVIDIA',
      cpu_cores: 32, price_monthly: 2555, price_currency: 'USD', transfer_tb: 10, regions: ['ord', 'lax'], instance_type: 'vcg',
    })
    // A fractional (vGPU) plan still has one GPU device.
    expect(byId(snap.instances, 'vcg-a100-1c-6g-4vram')).toMatchObject({ gpu_count: 1, gpu_memory_gb: 4, gpu_model: 'NVIDIA A100' })
    const small = byId(snap.instances, 'vc2-1c-1gb')
    expect(small).toMatchObject({ memory_mb: 1024, memory_gb: 1, disk_gb: 25, transfer_tb: 1, price_monthly: 5, gpu_count: 0 })
    expect(small.price_hourly).toBeCloseTo(0.007, 3)
    expect(byId(snap.instances, 'vhp-2c-4gb-amd').cpu_manufacturer).toBe('AMD')

    expect(snap.regions.find((r) => r.region_id === 'ams')).toMatchObject({
      city: 'Amsterdam', country: 'Netherlands', continent: 'Europe', extra_info: { country_code: 'NL' },
    })
  })

  it('raises 401 for a bad token and 500 when the API fails', async () => {
    await expectUpstream(vultr.fetchSnapshot(ctx('vultr', null)), 401)
    await expectUpstream(vultr.fetchSnapshot(ctx('vultr', 'bad')), 401)
    apis.setFailure('vultr', 500)
    const err = await vultr.fetchSnapshot(ctx('vultr')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpstreamError)
    expect(err).toMatchObject({ status: 500 })
    expect((err as Error).message).toContain('vultr')
  })
})

describe('linode', () => {
  it('pages through types and regions without a token', async () => {
    const snap = await linode.fetchSnapshot(ctx('linode', null))
    expect(snap.instances).toHaveLength(fixtures.linode.types.length)
    expect(snap.regions).toHaveLength(fixtures.linode.regions.length)
    expect(pathsOf('linode', '/v4/linode/types').length).toBe(Math.ceil(fixtures.linode.types.length / PAGE_CAPS.linode))
    expect(pathsOf('linode', '/v4/linode/types')[0]).toContain('page_size=500')
    expect(apis.requests.every((r) => r.auth === undefined)).toBe(true)

    const gpu = byId(snap.instances, 'g1-gpu-rtx6000-2')
    expect(gpu).toMatchObject({
      gpu_count: 2, gpu_model: 'NVIDIA Quadro RTX 6000', gpu_memory_gb: 48, gpu_manufacturer: 'NVIDIA',
      cpu_cores: 16, memory_gb: 64, disk_gb: 1280, transfer_tb: 20, bandwidth_mbps: 10000,
      price_hourly: 3, price_monthly: 2000, price_currency: 'USD', instance_type: 'gpu',
    })
    expect(gpu.regions.sort()).toEqual(['ap-south', 'eu-central', 'us-east'])
    expect(byId(snap.instances, 'g2-gpu-rtx4000a1-s')).toMatchObject({ gpu_count: 1, gpu_model: 'NVIDIA RTX 4000 Ada', gpu_memory_gb: 20 })
    const nanode = byId(snap.instances, 'g6-nanode-1')
    expect(nanode).toMatchObject({ memory_mb: 1024, disk_gb: 25, transfer_tb: 1, price_monthly: 5, price_hourly: 0.0075, gpu_count: 0 })
    expect(nanode.regions).toHaveLength(fixtures.linode.regions.length)

    expect(snap.regions.find((r) => r.region_id === 'us-east')).toMatchObject({
      city: 'Newark', country: 'United States', continent: 'North America', status: 'available',
    })
    expect(snap.regions.find((r) => r.region_id === 'eu-west')).toMatchObject({ city: 'London', country: 'United Kingdom' })
    expect(snap.regions.find((r) => r.region_id === 'id-cgk')?.status).toBe('outage')
  })

  it('sends a token when given, and rejects a wrong one with 401', async () => {
    await linode.fetchSnapshot(ctx('linode'))
    expect(apis.requests.every((r) => r.auth === `Bearer ${TEST_TOKEN}`)).toBe(true)
    await expectUpstream(linode.fetchSnapshot(ctx('linode', 'expired')), 401)
    apis.setFailure('linode', 500)
    await expectUpstream(linode.fetchSnapshot(ctx('linode', null)), 500)
  })
})

describe('artifacthub', () => {
  it('pages through search, fetches every detail and maps the flags', async () => {
    const { packages } = await fetchPackages(ctx('artifacthub', null))
    const all = fixtures.artifacthub.packages
    expect(packages).toHaveLength(all.length)
    expect(pathsOf('artifacthub', '/api/v1/packages/search').length).toBe(Math.ceil(all.length / PAGE_CAPS.artifacthub))
    expect(pathsOf('artifacthub', '/api/v1/packages/search')[0]).toMatch(/kind=0.*limit=60/)
    expect(pathsOf('artifacthub', '/api/v1/packages/helm/')).toHaveLength(all.length)

    const byName = Object.fromEntries(packages.map((p) => [p.name, p]))
    expect(byName['nginx-ingress']).toMatchObject({ deprecated: true, repository_name: 'stable', license: null })
    expect(byName['strimzi-kafka-operator']).toMatchObject({ is_operator: true, capabilities: 'Full Lifecycle', category: 8 })
    expect(byName['postgresql']).toMatchObject({ is_operator: false, deprecated: false })

    const prom = byName['kube-prometheus-stack']
    expect(prom).toMatchObject({
      normalized_name: 'kube-prometheus-stack', category: 4, is_operator: true, cncf: true, stars: 320,
      version: '66.3.1', app_version: 'v0.78.2', license: 'Apache-2.0', signed: false, prerelease: false,
      repository_name: 'prometheus-community', repository_display_name: 'Prometheus Community',
      repository_url: 'https://prometheus-community.github.io/helm-charts', repository_verified_publisher: true,
      repository_official: false, repository_kind: 0, repository_organization_name: 'prometheus',
      keywords: ['kube-prometheus-stack', 'kubernetes'], home_url: 'https://kube-prometheus-stack.example.org',
      has_values_schema: true, production_organizations_count: 1, ts: 1763000000,
      capabilities: 'Deep Insights',
    })
    expect(prom.readme).toContain('# kube-prometheus-stack')
    expect(prom.digest).toMatch(/^sha256:/)
    expect(prom.content_url).toContain('.tgz')
    expect(prom.available_versions).toHaveLength(2)
    expect(prom.container_images).toEqual([expect.objectContaining({ image: 'docker.io/example/kube-prometheus-stack:v0.78.2' })])
    expect(prom.links).toEqual([{ name: 'source', url: 'https://github.com/example/kube-prometheus-stack' }])
    expect(byName['postgresql']).toMatchObject({ official: true, signed: true, production_organizations_count: 12, repository_official: true })
    expect(byName['grafana'].contains_security_updates).toBe(true)
  })

  it('stops at maxPackages', async () => {
    const { packages } = await fetchPackages({ ...ctx('artifacthub'), maxPackages: 3 })
    expect(packages).toHaveLength(3)
    expect(pathsOf('artifacthub', '/api/v1/packages/helm/')).toHaveLength(3)
  })

  it('raises the status of a failing API', async () => {
    apis.setFailure('artifacthub', 500)
    await expectUpstream(fetchPackages(ctx('artifacthub')), 500)
  })
})
