// AWS EC2 price list (Price List Bulk API, public, no key): GET
// /offers/v1.0/aws/AmazonEC2/current/region_index.json -> {regions: {code: {regionCode, currentVersionUrl}}};
// each region's offer file (currentVersionUrl, relative to the API origin) is one JSON document of
// hundreds of MB: {products: {sku: {productFamily, attributes}}, terms: {OnDemand: {sku: {offerTermCode:
// {priceDimensions: {rateCode: {unit, pricePerUnit: {USD}}}}}}}}. It is parsed as it streams
// (@streamparser/json, one product or term at a time, emitted values dropped from their parent), and
// only Linux / Shared tenancy / no pre-installed software / Used capacity compute products with an
// hourly USD on-demand price are kept. One offer per instance type: the cheapest region's price, sold
// in every region with a price. Regions: AWS_PRICING_REGIONS (comma-separated), default AWS_DEFAULT_REGIONS.
import { JSONParser } from '@streamparser/json'
import { env } from '../../_shared/env.ts'
import {
  type AdapterContext,
  type InstanceRecord,
  type Json,
  type ProviderAdapter,
  type ProviderSnapshot,
  type RegionRecord,
  UpstreamError,
  continentOf,
  countryName,
  getJson,
  gpuManufacturer,
  joinUrl,
  monthlyFromHourly,
  num,
  str,
} from './types.ts'

const PROVIDER = 'aws'
export const AWS_DEFAULT_REGIONS = ['us-east-1', 'eu-central-1', 'eu-west-1']
export const AWS_REGION_INDEX_PATH = '/offers/v1.0/aws/AmazonEC2/current/region_index.json'

/** regionCode -> [city, ISO country]. */
const REGIONS: Record<string, [string, string]> = {
  'us-east-1': ['Virginia', 'US'], 'us-east-2': ['Ohio', 'US'], 'us-west-1': ['California', 'US'], 'us-west-2': ['Oregon', 'US'],
  'ca-central-1': ['Montreal', 'CA'], 'eu-central-1': ['Frankfurt', 'DE'], 'eu-west-1': ['Dublin', 'IE'], 'eu-west-2': ['London', 'GB'],
  'eu-west-3': ['Paris', 'FR'], 'eu-north-1': ['Stockholm', 'SE'], 'eu-south-1': ['Milan', 'IT'], 'eu-central-2': ['Zurich', 'CH'],
  'eu-south-2': ['Spain', 'ES'], 'ap-northeast-1': ['Tokyo', 'JP'], 'ap-northeast-2': ['Seoul', 'KR'], 'ap-southeast-1': ['Singapore', 'SG'],
  'ap-southeast-2': ['Sydney', 'AU'], 'ap-south-1': ['Mumbai', 'IN'], 'sa-east-1': ['São Paulo', 'BR'], 'af-south-1': ['Cape Town', 'ZA'],
  'me-central-1': ['UAE', 'AE'], 'il-central-1': ['Tel Aviv', 'IL'], 'mx-central-1': ['Querétaro', 'MX'],
}

/** GPU instance families (EC2 accelerated computing docs): GPU model and memory per GPU. The offer files give the count only. */
const GPU_FAMILIES: Record<string, { model: string; memoryGb: number }> = {
  p5: { model: 'NVIDIA H100', memoryGb: 80 }, p5e: { model: 'NVIDIA H200', memoryGb: 141 }, p5en: { model: 'NVIDIA H200', memoryGb: 141 },
  p4d: { model: 'NVIDIA A100', memoryGb: 40 }, p4de: { model: 'NVIDIA A100', memoryGb: 80 }, p3: { model: 'NVIDIA V100', memoryGb: 16 },
  p3dn: { model: 'NVIDIA V100', memoryGb: 32 }, g6: { model: 'NVIDIA L4', memoryGb: 24 }, g6e: { model: 'NVIDIA L40S', memoryGb: 48 },
  g5: { model: 'NVIDIA A10G', memoryGb: 24 }, g4dn: { model: 'NVIDIA T4', memoryGb: 16 }, g4ad: { model: 'AMD Radeon Pro V520', memoryGb: 8 },
}

export function awsRegions(): string[] {
  const list = (env('AWS_PRICING_REGIONS') ?? '').split(',').map((r) => r.trim()).filter(Boolean)
  return list.length ? list : AWS_DEFAULT_REGIONS
}

export function mapRegion(regionCode: string, location: string | null): RegionRecord {
  const known = REGIONS[regionCode]
  return {
    region_id: regionCode,
    city: known?.[0] ?? null,
    country: known ? countryName(known[1]) : null,
    continent: known ? (continentOf(known[1]) ?? (known[1] === 'IE' ? 'Europe' : null)) : null,
    status: 'available',
    extra_info: { location },
  }
}

/** What the adapter keeps of one product: a few attributes, not the document. */
interface ComputeProduct {
  sku: string
  instanceType: string
  vcpu: number | null
  memoryGb: number | null
  gpu: number
  physicalProcessor: string | null
  regionCode: string
  location: string | null
}

/** A Linux, shared-tenancy, no-licensed-software, on-demand-capacity compute instance. */
export function computeProduct(sku: string, product: Json): ComputeProduct | null {
  const a = (product.attributes ?? {}) as Json
  if (product.productFamily !== 'Compute Instance') return null
  if (a.operatingSystem !== 'Linux' || a.tenancy !== 'Shared' || a.preInstalledSw !== 'NA' || a.capacitystatus !== 'Used') return null
  const instanceType = str(a.instanceType)
  const regionCode = str(a.regionCode)
  if (!instanceType || !regionCode) return null
  const memory = /^([\d.,]+)\s*GiB$/i.exec(String(a.memory ?? ''))
  return {
    sku,
    instanceType,
    vcpu: num(a.vcpu),
    memoryGb: memory ? Number(memory[1].replace(/,/g, '')) : null,
    gpu: num(a.gpu) ?? 0,
    physicalProcessor: str(a.physicalProcessor),
    regionCode,
    location: str(a.location),
  }
}

/** The hourly USD price of an on-demand term ({offerTermCode: {priceDimensions}}), or null. */
export function hourlyUsd(terms: Json): number | null {
  for (const term of Object.values(terms)) {
    const dims = ((term as Json)?.priceDimensions ?? {}) as Json
    for (const dim of Object.values(dims)) {
      const d = dim as Json
      const usd = num(((d.pricePerUnit ?? {}) as Json).USD)
      if (d.unit === 'Hrs' && usd !== null && usd > 0) return usd
    }
  }
  return null
}

interface PricedProduct extends ComputeProduct {
  price: number
}

/** Stream one region's offer file, returning its priced compute products. */
async function readOfferFile(ctx: AdapterContext, url: string): Promise<PricedProduct[]> {
  let res: Response
  try {
    res = await ctx.fetch(url, { headers: { accept: 'application/json' } })
  } catch (err) {
    throw new UpstreamError(PROVIDER, 0, `request failed: ${(err as Error).message}`)
  }
  if (!res.ok || !res.body) throw new UpstreamError(PROVIDER, res.status, (await res.text()).slice(0, 200) || res.statusText)
  const products = new Map<string, ComputeProduct>()
  const priced: PricedProduct[] = []
  const parser = new JSONParser({ paths: ['$.products.*', '$.terms.OnDemand.*'], keepStack: false })
  parser.onValue = ({ value, key, stack }) => {
    if (typeof key !== 'string' || !value || typeof value !== 'object') return
    // stack[1] is the "products" or "terms" member of the root object.
    const section = stack[1]?.key
    if (section === 'products') {
      const product = computeProduct(key, value as Json)
      if (product) products.set(key, product)
    } else if (section === 'terms') {
      const product = products.get(key)
      const price = product ? hourlyUsd(value as Json) : null
      if (product && price !== null) priced.push({ ...product, price })
    }
  }
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.write(value)
    }
    if (!parser.isEnded) parser.end()
  } catch (err) {
    throw new UpstreamError(PROVIDER, 502, `offer file is not valid JSON: ${(err as Error).message}`)
  }
  return priced
}

export function mapInstanceType(instanceType: string, rows: PricedProduct[]): InstanceRecord {
  const sorted = [...rows].sort((a, b) => a.price - b.price || a.regionCode.localeCompare(b.regionCode))
  const cheapest = sorted[0]
  const family = instanceType.split('.')[0]
  const gpu = cheapest.gpu > 0 ? GPU_FAMILIES[family] : undefined
  const gpuModel = gpu?.model ?? null
  return {
    instance_id: instanceType,
    name: instanceType,
    instance_type: family,
    cpu_cores: cheapest.vcpu,
    cpu_manufacturer: /amd/i.test(cheapest.physicalProcessor ?? '') ? 'AMD' : /intel/i.test(cheapest.physicalProcessor ?? '') ? 'Intel' : /graviton|aws/i.test(cheapest.physicalProcessor ?? '') ? 'AWS' : null,
    memory_mb: cheapest.memoryGb === null ? null : Math.round(cheapest.memoryGb * 1024),
    memory_gb: cheapest.memoryGb,
    disk_gb: null,
    disk_type: null,
    transfer_tb: null,
    bandwidth_mbps: null,
    price_monthly: monthlyFromHourly(cheapest.price),
    price_hourly: cheapest.price,
    price_currency: 'USD',
    gpu_count: cheapest.gpu,
    gpu_model: gpuModel,
    gpu_memory_gb: gpu?.memoryGb ?? null,
    gpu_manufacturer: gpuManufacturer(gpuModel),
    regions: [...new Set(sorted.map((r) => r.regionCode))].sort(),
    description: cheapest.physicalProcessor ? `${instanceType} (${cheapest.physicalProcessor})` : instanceType,
    // One entry per region: the product's sku and on-demand price, cheapest first.
    raw_data: sorted.map((r) => ({ sku: r.sku, regionCode: r.regionCode, location: r.location, pricePerHourUSD: r.price })),
  }
}

export const aws: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://pricing.us-east-1.amazonaws.com',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const { body } = await getJson<Json>(ctx, PROVIDER, joinUrl(ctx.baseUrl, AWS_REGION_INDEX_PATH))
    const index = body.regions
    if (!index || typeof index !== 'object') throw new UpstreamError(PROVIDER, 502, 'region index has no regions object')
    const byType = new Map<string, PricedProduct[]>()
    const regions = new Map<string, RegionRecord>()
    // One region at a time: each offer file is large, and only its kept products stay in memory.
    for (const code of awsRegions()) {
      const entry = (index as Json)[code] as Json | undefined
      const path = str(entry?.currentVersionUrl)
      if (!path) continue // a region the price list does not publish
      for (const row of await readOfferFile(ctx, /^https?:/.test(path) ? path : joinUrl(ctx.baseUrl, path))) {
        byType.set(row.instanceType, [...(byType.get(row.instanceType) ?? []), row])
        if (!regions.has(row.regionCode)) regions.set(row.regionCode, mapRegion(row.regionCode, row.location))
      }
    }
    return {
      provider: PROVIDER,
      regions: [...regions.values()].sort((a, b) => a.region_id.localeCompare(b.region_id)),
      instances: [...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, rows]) => mapInstanceType(t, rows)),
    }
  },
}
