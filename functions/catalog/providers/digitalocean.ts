// DigitalOcean API v2: GET /v2/sizes and /v2/regions (Bearer token), paginated with
// links.pages.next and meta.total. Sizes carry memory in MB, disk in GB, transfer in TB, USD prices,
// and gpu_info {count, vram {amount, unit}, model} on GPU Droplet sizes.
import {
  type AdapterContext,
  type InstanceRecord,
  type Json,
  type ProviderAdapter,
  type ProviderSnapshot,
  type RegionRecord,
  MAX_PAGES,
  UpstreamError,
  bearer,
  getJson,
  gpuManufacturer,
  joinUrl,
  num,
  round,
  str,
} from './types.ts'

const PROVIDER = 'digitalocean'
const PER_PAGE = 200

interface Page {
  links?: { pages?: { next?: string } }
  meta?: { total?: number }
  [key: string]: unknown
}

async function listAll(ctx: AdapterContext, path: string, key: string): Promise<Json[]> {
  const items: Json[] = []
  let page = 1
  for (let n = 0; n < MAX_PAGES; n++) {
    const url = joinUrl(ctx.baseUrl, path, { page, per_page: PER_PAGE })
    const { body } = await getJson<Page>(ctx, PROVIDER, url, bearer(ctx.token))
    const batch = body[key]
    if (!Array.isArray(batch)) throw new UpstreamError(PROVIDER, 502, `response has no ${key} array`)
    items.push(...(batch as Json[]))
    const next = body.links?.pages?.next
    const total = body.meta?.total
    if (!next || batch.length === 0 || (typeof total === 'number' && items.length >= total)) break
    // Only the page number is taken from the next link, so the token is never sent to another host.
    const nextPage = Number(new URL(next, ctx.baseUrl).searchParams.get('page'))
    if (!Number.isInteger(nextPage) || nextPage <= page) break
    page = nextPage
  }
  return items
}

// DO region slugs are a city code plus a number (nyc1, ams3, ...).
const REGION_CITIES: Record<string, { city: string; country: string; continent: string }> = {
  nyc: { city: 'New York', country: 'United States', continent: 'North America' },
  sfo: { city: 'San Francisco', country: 'United States', continent: 'North America' },
  atl: { city: 'Atlanta', country: 'United States', continent: 'North America' },
  tor: { city: 'Toronto', country: 'Canada', continent: 'North America' },
  ams: { city: 'Amsterdam', country: 'Netherlands', continent: 'Europe' },
  lon: { city: 'London', country: 'United Kingdom', continent: 'Europe' },
  fra: { city: 'Frankfurt', country: 'Germany', continent: 'Europe' },
  sgp: { city: 'Singapore', country: 'Singapore', continent: 'Asia' },
  blr: { city: 'Bangalore', country: 'India', continent: 'Asia' },
  syd: { city: 'Sydney', country: 'Australia', continent: 'Oceania' },
}

export function mapRegion(r: Json): RegionRecord {
  const slug = String(r.slug)
  const place = REGION_CITIES[slug.replace(/\d+$/, '')]
  return {
    region_id: slug,
    city: place?.city ?? str(r.name)?.replace(/\s+\d+$/, '') ?? null,
    country: place?.country ?? null,
    continent: place?.continent ?? null,
    status: r.available === false ? 'unavailable' : 'available',
    extra_info: { name: r.name ?? null, features: r.features ?? [], sizes: r.sizes ?? [] },
  }
}

function cpuManufacturer(slug: string): string | null {
  if (slug.endsWith('-intel')) return 'Intel'
  if (slug.endsWith('-amd')) return 'AMD'
  return null
}

function vramGb(vram: unknown): number | null {
  if (!vram || typeof vram !== 'object') return null
  const v = vram as Json
  const amount = num(v.amount)
  if (amount === null) return null
  const unit = String(v.unit ?? 'gib').toLowerCase()
  if (unit === 'mib' || unit === 'mb') return round(amount / 1024)
  if (unit === 'tib' || unit === 'tb') return amount * 1024
  return amount
}

export function mapSize(s: Json): InstanceRecord {
  const slug = String(s.slug)
  const memoryMb = num(s.memory)
  const gpu = (s.gpu_info ?? null) as Json | null
  const gpuModel = gpu ? str(gpu.model) : null
  const diskInfo = Array.isArray(s.disk_info) ? (s.disk_info as Json[]) : []
  return {
    instance_id: slug,
    name: slug,
    instance_type: str(s.description),
    cpu_cores: num(s.vcpus),
    cpu_manufacturer: cpuManufacturer(slug),
    memory_mb: memoryMb,
    memory_gb: memoryMb === null ? null : round(memoryMb / 1024),
    disk_gb: num(s.disk),
    disk_type: str(diskInfo[0]?.type) ?? 'ssd',
    transfer_tb: num(s.transfer),
    bandwidth_mbps: null,
    price_monthly: num(s.price_monthly),
    price_hourly: num(s.price_hourly),
    price_currency: 'USD',
    gpu_count: gpu ? (num(gpu.count) ?? 0) : 0,
    gpu_model: gpuModel,
    gpu_memory_gb: gpu ? vramGb(gpu.vram) : null,
    gpu_manufacturer: gpuManufacturer(gpuModel),
    regions: Array.isArray(s.regions) ? (s.regions as string[]) : [],
    description: str(s.description),
    raw_data: s,
  }
}

export const digitalocean: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://api.digitalocean.com',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const [sizes, regions] = await Promise.all([listAll(ctx, '/v2/sizes', 'sizes'), listAll(ctx, '/v2/regions', 'regions')])
    return {
      provider: PROVIDER,
      regions: regions.map(mapRegion),
      // Sizes DO no longer sells stay in the API with available=false; they are not offers.
      instances: sizes.filter((s) => s.available !== false).map(mapSize),
    }
  },
}
