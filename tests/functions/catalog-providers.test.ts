import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fetchPackages } from '../../functions/catalog/providers/artifacthub.ts'
import { azure } from '../../functions/catalog/providers/azure.ts'
import { gcp } from '../../functions/catalog/providers/gcp.ts'
import { lambdalabs } from '../../functions/catalog/providers/lambdalabs.ts'
import { runpod } from '../../functions/catalog/providers/runpod.ts'
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
  for (const p of ['digitalocean', 'hetzner', 'vultr', 'linode', 'lambdalabs', 'runpod', 'azure', 'gcp', 'artifacthub']) apis.setFailure(p, undefined)
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
  it('lists the compute adapters with their public API hosts', () => {
    expect(PROVIDER_ADAPTERS.map((a) => a.provider)).toEqual(['digitalocean', 'hetzner', 'vultr', 'linode', 'azure', 'gcp', 'lambdalabs', 'runpod', 'aws'])
    expect(Object.fromEntries(PROVIDER_ADAPTERS.map((a) => [a.provider, new URL(a.defaultBaseUrl).host]))).toEqual({
      digitalocean: 'api.digitalocean.com', hetzner: 'api.hetzner.cloud', vultr: 'api.vultr.com', linode: 'api.linode.com',
      azure: 'prices.azure.com', gcp: 'cloudbilling.googleapis.com', lambdalabs: 'cloud.lambda.ai', runpod: 'api.runpod.io', aws: 'pricing.us-east-1.amazonaws.com',
    })
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

describe('lambdalabs', () => {
  it('maps every instance type with its GPUs, specs, cents-per-hour price and the regions with capacity', async () => {
    const snap = await lambdalabs.fetchSnapshot(ctx('lambdalabs'))
    expect(apis.requests).toEqual([{ provider: 'lambdalabs', path: '/api/v1/instance-types', auth: `Bearer ${TEST_TOKEN}` }])
    expect(snap.provider).toBe('lambdalabs')
    expect(snap.instances).toHaveLength(Object.keys(fixtures.lambdalabs.instance_types).length)
    expect(byId(snap.instances, 'gpu_8x_a100_80gb_sxm4')).toMatchObject({
      name: '8x A100 (80 GB SXM4)', gpu_count: 8, gpu_model: 'NVIDIA A100', gpu_memory_gb: 80, gpu_manufacturer: 'NVIDIA',
      cpu_cores: 240, memory_gb: 1800, memory_mb: 1800 * 1024, disk_gb: 19500, price_hourly: 14.32, price_monthly: 10453.6,
      price_currency: 'USD', regions: ['us-east-1', 'europe-central-1'],
    })
    expect(byId(snap.instances, 'gpu_1x_a10')).toMatchObject({ price_hourly: 0.75, gpu_model: 'NVIDIA A10', gpu_memory_gb: 24 })
    // A type without capacity stays listed, sold nowhere right now.
    expect(byId(snap.instances, 'gpu_1x_gh200')).toMatchObject({ regions: [], gpu_model: 'NVIDIA GH200', gpu_memory_gb: 96 })
    expect(snap.regions).toEqual([
      expect.objectContaining({ region_id: 'europe-central-1', city: null, country: 'Germany', continent: 'Europe' }),
      expect.objectContaining({ region_id: 'us-east-1', city: 'Virginia', country: 'United States', continent: 'North America' }),
      expect.objectContaining({ region_id: 'us-south-1', city: 'Texas', country: 'United States' }),
      expect.objectContaining({ region_id: 'us-west-1', city: 'California' }),
    ])
  })

  it('raises 401 for a bad key and the status of a failing API', async () => {
    await expectUpstream(lambdalabs.fetchSnapshot(ctx('lambdalabs', 'wrong')), 401)
    const err = await lambdalabs.fetchSnapshot(ctx('lambdalabs', 'wrong')).catch((e: Error) => e)
    expect((err as Error).message).toContain('API key was invalid')
    apis.setFailure('lambdalabs', 503)
    await expectUpstream(lambdalabs.fetchSnapshot(ctx('lambdalabs')), 503)
  })
})

describe('runpod', () => {
  it('asks the gpuTypes query and makes one offer per priced cloud tier', async () => {
    const snap = await runpod.fetchSnapshot(ctx('runpod'))
    expect(apis.requests).toEqual([{ provider: 'runpod', path: '/graphql', auth: `Bearer ${TEST_TOKEN}` }])
    expect(snap.instances.map((i) => i.instance_id).sort()).toEqual([
      'AMD Instinct MI300X OAM/secure',
      'NVIDIA A100 80GB PCIe/community', 'NVIDIA A100 80GB PCIe/secure',
      'NVIDIA GeForce RTX 4090/community', 'NVIDIA GeForce RTX 4090/secure',
      'NVIDIA H100 80GB HBM3/community', 'NVIDIA H100 80GB HBM3/secure',
      'NVIDIA RTX A6000/community',
    ])
    expect(byId(snap.instances, 'NVIDIA H100 80GB HBM3/secure')).toMatchObject({
      name: 'H100 SXM (Secure Cloud)', gpu_count: 1, gpu_model: 'NVIDIA H100', gpu_memory_gb: 80, price_hourly: 2.69,
      price_monthly: 1963.7, price_currency: 'USD', instance_type: 'gpu-secure',
    })
    expect(byId(snap.instances, 'NVIDIA H100 80GB HBM3/community')).toMatchObject({ price_hourly: 2.39, instance_type: 'gpu-community' })
    expect(byId(snap.instances, 'AMD Instinct MI300X OAM/secure')).toMatchObject({ gpu_manufacturer: 'AMD', gpu_memory_gb: 192 })
  })

  it('raises GraphQL errors and HTTP failures', async () => {
    await expectUpstream(runpod.fetchSnapshot(ctx('runpod', 'wrong')), 401)
    apis.setFailure('runpod', 500)
    await expectUpstream(runpod.fetchSnapshot(ctx('runpod')), 500)
  })
})

describe('azure', () => {
  it('follows NextPageLink with the VM filter and keeps Linux pay-as-you-go meters, one offer per size', async () => {
    const snap = await azure.fetchSnapshot(ctx('azure', null))
    const pages = pathsOf('azure', '/api/retail/prices')
    const vmMeters = fixtures.azure.items.filter((i) => i.type === 'Consumption')
    expect(pages).toHaveLength(Math.ceil(vmMeters.length / PAGE_CAPS.azure))
    const first = new URL(`http://x${pages[0]}`).searchParams
    expect(first.get('$filter')).toBe("serviceName eq 'Virtual Machines' and priceType eq 'Consumption'")
    expect(first.get('api-version')).toBe('2023-01-01-preview')
    expect(new URL(`http://x${pages[1]}`).searchParams.get('$skip')).toBe(String(PAGE_CAPS.azure))
    expect(apis.requests.every((r) => r.auth === undefined)).toBe(true)

    expect(snap.instances.map((i) => i.instance_id)).toEqual([
      'Standard_D2s_v5', 'Standard_D4as_v5', 'Standard_E8-4ds_v5', 'Standard_NC24ads_A100_v4', 'Standard_ND96isr_H100_v5',
    ])
    // Windows, Spot and Low Priority meters are not the Linux on-demand price.
    expect(byId(snap.instances, 'Standard_D2s_v5')).toMatchObject({
      name: 'D2s v5', cpu_cores: 2, price_hourly: 0.096, price_monthly: 70.08, price_currency: 'USD', regions: ['eastus', 'westeurope'],
      gpu_count: 0, memory_gb: null,
    })
    expect(byId(snap.instances, 'Standard_E8-4ds_v5').cpu_cores).toBe(4) // constrained vCPU size
    expect(byId(snap.instances, 'Standard_D4as_v5')).toMatchObject({ cpu_manufacturer: 'AMD', price_hourly: 0.194 })
    expect(byId(snap.instances, 'Standard_NC24ads_A100_v4')).toMatchObject({
      gpu_count: 1, gpu_model: 'NVIDIA A100', gpu_memory_gb: 80, cpu_cores: 24, price_hourly: 3.673, regions: ['eastus', 'westeurope'],
    })
    expect(byId(snap.instances, 'Standard_ND96isr_H100_v5')).toMatchObject({ gpu_count: 8, gpu_model: 'NVIDIA H100' })
    expect(snap.regions.find((r) => r.region_id === 'westeurope')).toMatchObject({ city: 'Amsterdam', country: 'Netherlands', continent: 'Europe' })
    expect(snap.regions.find((r) => r.region_id === 'germanywestcentral')).toMatchObject({ country: 'Germany', continent: 'Europe' })
  })

  it('raises the status of a failing API', async () => {
    apis.setFailure('azure', 500)
    await expectUpstream(azure.fetchSnapshot(ctx('azure', null)), 500)
  })
})

describe('gcp', () => {
  it('pages through the Compute Engine SKUs with the API key and prices machine types from their on-demand parts', async () => {
    const snap = await gcp.fetchSnapshot(ctx('gcp'))
    const pages = pathsOf('gcp', '/v1/services/6F81-5844-456A/skus')
    expect(pages).toHaveLength(Math.ceil(fixtures.gcp.skus.length / PAGE_CAPS.gcp))
    for (const p of pages) expect(new URL(`http://x${p}`).searchParams.get('key')).toBe(TEST_TOKEN)
    expect(new URL(`http://x${pages[1]}`).searchParams.get('pageToken')).toBeTruthy()

    // n2-standard-4 = 4 vCPU x 0.031611 + 16 GiB x 0.004237 (Americas, cheaper than Frankfurt); spot,
    // committed-use and custom SKUs are not used.
    expect(byId(snap.instances, 'n2-standard-4')).toMatchObject({
      cpu_cores: 4, memory_gb: 16, price_hourly: 0.194236, price_monthly: 141.79, price_currency: 'USD',
      regions: ['europe-west3', 'us-central1', 'us-east1'], gpu_count: 0,
    })
    expect(byId(snap.instances, 'e2-standard-2')).toMatchObject({ price_hourly: 0.067011, regions: ['us-central1'] })
    // e2-standard-2 = 2 x 0.02181159 + 8 x 0.00292353; a2-highgpu-1g = 12 vCPU + 85 GiB + 1 A100 at 2.933908.
    expect(byId(snap.instances, 'a2-highgpu-1g')).toMatchObject({
      gpu_count: 1, gpu_model: 'NVIDIA A100', gpu_memory_gb: 40, cpu_cores: 12, memory_gb: 85, price_hourly: 3.673385,
    })
    expect(byId(snap.instances, 'a2-highgpu-8g')).toMatchObject({ gpu_count: 8, cpu_cores: 96, memory_gb: 680 })
    // No C3 SKUs in the catalog: no C3 offers.
    expect(snap.instances.some((i) => i.instance_id.startsWith('c3-'))).toBe(false)
    expect(snap.regions.find((r) => r.region_id === 'europe-west3')).toMatchObject({ city: 'Frankfurt', country: 'Germany', continent: 'Europe' })
  })

  it('raises 403 for a missing or wrong key and the status of a failing API', async () => {
    await expectUpstream(gcp.fetchSnapshot(ctx('gcp', 'wrong')), 403)
    apis.setFailure('gcp', 500)
    await expectUpstream(gcp.fetchSnapshot(ctx('gcp')), 500)
  })
})
