// Vultr API v2: GET /v2/plans and /v2/regions, cursor pagination (?per_page=&cursor=, next cursor in
// meta.links.next, '' on the last page). Plans carry ram in MB, disk in GB, bandwidth in GB, USD
// costs, and gpu_vram_gb / gpu_type on cloud GPU plans.
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
  continentOf,
  countryName,
  getJson,
  gpuManufacturer,
  joinUrl,
  num,
  round,
  str,
} from './types.ts'

const PROVIDER = 'vultr'
const PER_PAGE = 100

interface Page {
  meta?: { total?: number; links?: { next?: string; prev?: string } }
  [key: string]: unknown
}

async function listAll(ctx: AdapterContext, path: string, key: string): Promise<Json[]> {
  const items: Json[] = []
  const seen = new Set<string>()
  let cursor: string | undefined
  for (let n = 0; n < MAX_PAGES; n++) {
    const url = joinUrl(ctx.baseUrl, path, { per_page: PER_PAGE, cursor })
    const { body } = await getJson<Page>(ctx, PROVIDER, url, bearer(ctx.token))
    const batch = body[key]
    if (!Array.isArray(batch)) throw new UpstreamError(PROVIDER, 502, `response has no ${key} array`)
    items.push(...(batch as Json[]))
    const next = body.meta?.links?.next
    if (!next || seen.has(next) || batch.length === 0) break
    seen.add(next)
    cursor = next
  }
  return items
}

export function mapRegion(r: Json): RegionRecord {
  return {
    region_id: String(r.id),
    city: str(r.city),
    country: countryName(r.country),
    continent: str(r.continent) ?? continentOf(r.country),
    // Vultr lists only regions that are in service.
    status: 'available',
    extra_info: { country_code: r.country ?? null, options: r.options ?? [] },
  }
}

// Full-card VRAM, to tell how many GPUs a plan's total VRAM amounts to (Vultr gives no count).
const CARD_VRAM_GB: Record<string, number> = {
  A16: 16, A40: 48, A100: 80, L40S: 48, H100: 80, H200: 141, GH200: 96, MI300X: 192, MI325X: 256, B200: 192,
}

function gpuCount(gpuType: string | null, vramGb: number | null): number {
  if (!gpuType) return 0
  const card = Object.entries(CARD_VRAM_GB).find(([k]) => gpuType.toUpperCase().endsWith(`_${k}`) || gpuType.toUpperCase() === k)
  if (!card || vramGb === null) return 1
  // Fractional (vGPU) plans still give the machine one GPU device.
  return Math.max(1, Math.round(vramGb / card[1]))
}

function cpuManufacturer(id: string): string | null {
  if (id.endsWith('-amd')) return 'AMD'
  if (id.endsWith('-intel')) return 'Intel'
  return null
}

export function mapPlan(p: Json): InstanceRecord {
  const id = String(p.id)
  const ramMb = num(p.ram)
  const bandwidthGb = num(p.bandwidth)
  const gpuType = str(p.gpu_type)
  const vram = num(p.gpu_vram_gb)
  const gpuModel = gpuType ? gpuType.replace(/_/g, ' ') : null
  return {
    instance_id: id,
    name: id,
    instance_type: str(p.type),
    cpu_cores: num(p.vcpu_count),
    cpu_manufacturer: cpuManufacturer(id),
    memory_mb: ramMb,
    memory_gb: ramMb === null ? null : round(ramMb / 1024),
    disk_gb: num(p.disk),
    disk_type: null,
    transfer_tb: bandwidthGb === null ? null : round(bandwidthGb / 1024),
    bandwidth_mbps: null,
    price_monthly: num(p.monthly_cost),
    price_hourly: num(p.hourly_cost),
    price_currency: 'USD',
    gpu_count: gpuCount(gpuType, vram),
    gpu_model: gpuModel,
    gpu_memory_gb: gpuType ? vram : null,
    gpu_manufacturer: gpuManufacturer(gpuModel),
    regions: Array.isArray(p.locations) ? (p.locations as string[]) : [],
    description: null,
    raw_data: p,
  }
}

export const vultr: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://api.vultr.com',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const [plans, regions] = await Promise.all([listAll(ctx, '/v2/plans', 'plans'), listAll(ctx, '/v2/regions', 'regions')])
    return { provider: PROVIDER, regions: regions.map(mapRegion), instances: plans.map(mapPlan) }
  },
}
