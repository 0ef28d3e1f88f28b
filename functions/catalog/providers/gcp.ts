// Google Cloud Billing Catalog API: GET /v1/services/6F81-5844-456A/skus?key=<API key>&pageSize=
// (Compute Engine's service id), paged with nextPageToken ("" on the last page):
// {skus: [{skuId, description, category: {resourceFamily, resourceGroup, usageType}, serviceRegions,
// pricingInfo: [{pricingExpression: {usageUnit, tieredRates: [{startUsageAmount, unitPrice:
// {currencyCode, units, nanos}}]}}]}], nextPageToken}. Compute Engine prices a VM by its parts
// (per vCPU hour, per GiB of memory hour, per GPU hour), so an offer is a predefined machine type
// (shape from the Compute Engine machine family docs) priced from its family's on-demand core, RAM
// and GPU SKUs in each region; the catalog carries the cheapest region's price.
import {
  type AdapterContext,
  type InstanceRecord,
  type Json,
  type ProviderAdapter,
  type ProviderSnapshot,
  type RegionRecord,
  MAX_PAGES,
  UpstreamError,
  continentOf,
  countryName,
  getJson,
  joinUrl,
  monthlyFromHourly,
  num,
  round,
  str,
} from './types.ts'

const PROVIDER = 'gcp'
export const COMPUTE_ENGINE_SERVICE = '6F81-5844-456A'
const PAGE_SIZE = 5000

interface MachineType {
  name: string
  family: string // the SKU description prefix: "N2 Instance Core ..."
  vcpus: number
  memoryGb: number
  gpu?: { model: string; count: number; memoryGb: number; sku: string }
}

const shapes = (prefix: string, family: string, sizes: number[], gbPerVcpu: number): MachineType[] =>
  sizes.map((n) => ({ name: `${prefix}-${n}`, family, vcpus: n, memoryGb: n * gbPerVcpu }))

/** Predefined machine types (Compute Engine docs, general-purpose and accelerator-optimized families). */
export const MACHINE_TYPES: MachineType[] = [
  ...shapes('e2-standard', 'E2', [2, 4, 8, 16, 32], 4),
  ...shapes('n2-standard', 'N2', [2, 4, 8, 16, 32, 64], 4),
  ...shapes('n2-highmem', 'N2', [2, 4, 8, 16, 32, 64], 8),
  ...shapes('n2-highcpu', 'N2', [2, 4, 8, 16, 32, 64], 1),
  ...shapes('c3-standard', 'C3', [4, 8, 22, 44, 88, 176], 4),
  ...[1, 2, 4, 8].map((g) => ({
    name: `a2-highgpu-${g}g`, family: 'A2', vcpus: 12 * g, memoryGb: 85 * g,
    gpu: { model: 'NVIDIA A100', count: g, memoryGb: 40, sku: 'Nvidia Tesla A100 GPU' },
  })),
]

/** Region -> [city, ISO country]. */
const REGIONS: Record<string, [string, string]> = {
  'us-central1': ['Council Bluffs', 'US'], 'us-east1': ['Moncks Corner', 'US'], 'us-east4': ['Ashburn', 'US'],
  'us-west1': ['The Dalles', 'US'], 'us-west2': ['Los Angeles', 'US'], 'northamerica-northeast1': ['Montréal', 'CA'],
  'southamerica-east1': ['São Paulo', 'BR'], 'europe-west1': ['St. Ghislain', 'BE'], 'europe-west2': ['London', 'GB'],
  'europe-west3': ['Frankfurt', 'DE'], 'europe-west4': ['Eemshaven', 'NL'], 'europe-west6': ['Zurich', 'CH'],
  'europe-west9': ['Paris', 'FR'], 'europe-north1': ['Hamina', 'FI'], 'europe-central2': ['Warsaw', 'PL'],
  'asia-east1': ['Changhua County', 'TW'], 'asia-northeast1': ['Tokyo', 'JP'], 'asia-northeast3': ['Seoul', 'KR'],
  'asia-south1': ['Mumbai', 'IN'], 'asia-southeast1': ['Singapore', 'SG'], 'australia-southeast1': ['Sydney', 'AU'],
  'me-west1': ['Tel Aviv', 'IL'],
}

export function mapRegion(region: string): RegionRecord {
  const known = REGIONS[region]
  const continent = known ? (continentOf(known[1]) ?? ({ BE: 'Europe', TW: 'Asia' } as Record<string, string>)[known[1]] ?? null) : null
  return {
    region_id: region,
    city: known?.[0] ?? null,
    country: known ? countryName(known[1]) : null,
    continent,
    status: 'available',
    extra_info: {},
  }
}

/** The on-demand price per usage unit (first tier) of a SKU, and its currency. */
export function unitPrice(sku: Json): { price: number; currency: string } | null {
  const info = Array.isArray(sku.pricingInfo) ? (sku.pricingInfo as Json[])[0] : undefined
  const rates = ((info?.pricingExpression as Json | undefined)?.tieredRates ?? []) as Json[]
  const rate = rates.find((r) => (num(r.startUsageAmount) ?? 0) === 0) ?? rates[0]
  const unit = rate?.unitPrice as Json | undefined
  if (!unit) return null
  const units = num(unit.units) ?? 0
  const nanos = num(unit.nanos) ?? 0
  return { price: units + nanos / 1e9, currency: str(unit.currencyCode) ?? 'USD' }
}

type Part = 'core' | 'ram' | 'gpu'

/** Which machine-family part an on-demand SKU prices: "N2 Instance Core running in Americas" -> [N2, core]. */
export function partOf(sku: Json): { key: string; part: Part } | null {
  const category = (sku.category ?? {}) as Json
  if (category.usageType !== 'OnDemand' || category.resourceFamily !== 'Compute' && category.resourceFamily !== 'GPU') return null
  const d = String(sku.description ?? '')
  if (/custom|sole tenancy|premium|extended/i.test(d)) return null
  const m = /^(\w+) Instance (Core|Ram) running in /.exec(d)
  if (m) return { key: m[1].toUpperCase(), part: m[2] === 'Core' ? 'core' : 'ram' }
  const g = /^(Nvidia [\w ]+? GPU) running in /.exec(d)
  if (g) return { key: g[1], part: 'gpu' }
  return null
}

export function priceMachines(skus: Json[]): { instances: InstanceRecord[]; regions: string[] } {
  // prices[key][part][region] = per-unit hourly price
  const prices = new Map<string, Record<Part, Map<string, number>>>()
  const currencies = new Set<string>()
  const skuIds = new Map<string, string[]>()
  for (const sku of skus) {
    const part = partOf(sku)
    const price = part ? unitPrice(sku) : null
    if (!part || !price) continue
    currencies.add(price.currency)
    const entry = prices.get(part.key) ?? { core: new Map(), ram: new Map(), gpu: new Map() }
    for (const region of (sku.serviceRegions as string[] | undefined) ?? []) entry[part.part].set(region, price.price)
    prices.set(part.key, entry)
    skuIds.set(part.key, [...(skuIds.get(part.key) ?? []), String(sku.skuId)])
  }
  const currency = currencies.size === 1 ? [...currencies][0] : 'USD'
  const seenRegions = new Set<string>()
  const instances: InstanceRecord[] = []
  for (const mt of MACHINE_TYPES) {
    const family = prices.get(mt.family)
    const gpu = mt.gpu ? prices.get(mt.gpu.sku) : undefined
    if (!family || (mt.gpu && !gpu)) continue
    const byRegion = new Map<string, number>()
    for (const [region, core] of family.core) {
      const ram = family.ram.get(region)
      const gpuPrice = mt.gpu ? gpu!.gpu.get(region) : 0
      if (ram === undefined || gpuPrice === undefined) continue
      byRegion.set(region, round(mt.vcpus * core + mt.memoryGb * ram + (mt.gpu ? mt.gpu.count * gpuPrice : 0), 6)!)
    }
    if (byRegion.size === 0) continue
    const regions = [...byRegion.keys()].sort()
    regions.forEach((r) => seenRegions.add(r))
    const hourly = Math.min(...byRegion.values())
    instances.push({
      instance_id: mt.name,
      name: mt.name,
      instance_type: mt.name.split('-').slice(0, 2).join('-'),
      cpu_cores: mt.vcpus,
      cpu_manufacturer: null,
      memory_mb: Math.round(mt.memoryGb * 1024),
      memory_gb: mt.memoryGb,
      disk_gb: null,
      disk_type: null,
      transfer_tb: null,
      bandwidth_mbps: null,
      price_monthly: monthlyFromHourly(hourly),
      price_hourly: round(hourly, 6),
      price_currency: currency,
      gpu_count: mt.gpu?.count ?? 0,
      gpu_model: mt.gpu?.model ?? null,
      gpu_memory_gb: mt.gpu?.memoryGb ?? null,
      gpu_manufacturer: mt.gpu ? 'NVIDIA' : null,
      regions,
      description: `${mt.family} machine type, ${mt.vcpus} vCPU, ${mt.memoryGb} GB${mt.gpu ? `, ${mt.gpu.count}x ${mt.gpu.model}` : ''}`,
      raw_data: {
        family: mt.family,
        sku_ids: [...(skuIds.get(mt.family) ?? []), ...(mt.gpu ? (skuIds.get(mt.gpu.sku) ?? []) : [])].sort(),
        hourly_by_region: Object.fromEntries(regions.map((r) => [r, byRegion.get(r)])),
      },
    })
  }
  return { instances, regions: [...seenRegions].sort() }
}

export const gcp: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://cloudbilling.googleapis.com',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const skus: Json[] = []
    let pageToken: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = joinUrl(ctx.baseUrl, `/v1/services/${COMPUTE_ENGINE_SERVICE}/skus`, { key: ctx.token, pageSize: PAGE_SIZE, pageToken })
      const { body } = await getJson<{ skus?: unknown; nextPageToken?: unknown }>(ctx, PROVIDER, url)
      if (!Array.isArray(body.skus)) throw new UpstreamError(PROVIDER, 502, 'response has no skus array')
      skus.push(...(body.skus as Json[]))
      pageToken = str(body.nextPageToken) ?? undefined
      if (!pageToken) break
    }
    const { instances, regions } = priceMachines(skus)
    return { provider: PROVIDER, regions: regions.map(mapRegion), instances }
  },
}
