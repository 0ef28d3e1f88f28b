// Hetzner Cloud API: GET /v1/server_types and /v1/locations (Bearer token), paginated with
// ?page=&per_page= (max 50) and meta.pagination.next_page. Memory is in GB (float), disk in GB,
// and prices are per location as decimal strings in EUR ({net, gross}).
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
  countryName,
  getJson,
  joinUrl,
  num,
  round,
  str,
} from './types.ts'

const PROVIDER = 'hetzner'
const PER_PAGE = 50
const TIB = 1024 ** 4

interface Page {
  meta?: { pagination?: { next_page?: number | null } }
  [key: string]: unknown
}

async function listAll(ctx: AdapterContext, path: string, key: string): Promise<Json[]> {
  const items: Json[] = []
  let page: number | null | undefined = 1
  for (let n = 0; n < MAX_PAGES && page; n++) {
    const url = joinUrl(ctx.baseUrl, path, { page, per_page: PER_PAGE })
    const { body } = await getJson<Page>(ctx, PROVIDER, url, bearer(ctx.token))
    const batch = body[key]
    if (!Array.isArray(batch)) throw new UpstreamError(PROVIDER, 502, `response has no ${key} array`)
    items.push(...(batch as Json[]))
    const next: number | null | undefined = body.meta?.pagination?.next_page
    page = typeof next === 'number' && next > page ? next : null
  }
  return items
}

const NETWORK_ZONES: Record<string, string> = {
  'eu-central': 'Europe',
  'us-east': 'North America',
  'us-west': 'North America',
  'ap-southeast': 'Asia',
}

export function mapLocation(l: Json): RegionRecord {
  const zone = str(l.network_zone)
  return {
    region_id: String(l.name),
    city: str(l.city),
    country: countryName(l.country),
    continent: zone ? (NETWORK_ZONES[zone] ?? null) : null,
    // Hetzner lists only locations that are in service.
    status: 'available',
    extra_info: {
      id: l.id ?? null,
      description: l.description ?? null,
      country_code: l.country ?? null,
      network_zone: zone,
      latitude: l.latitude ?? null,
      longitude: l.longitude ?? null,
    },
  }
}

function cpuManufacturer(t: Json): string | null {
  const name = String(t.name)
  if (t.architecture === 'arm') return 'Ampere'
  if (name.startsWith('cpx') || name.startsWith('ccx')) return 'AMD'
  return null
}

interface LocationPrice {
  location: string
  hourly: number | null
  monthly: number | null
  includedTraffic: number | null
}

export function mapServerType(t: Json): InstanceRecord {
  const prices: LocationPrice[] = (Array.isArray(t.prices) ? (t.prices as Json[]) : []).map((p) => ({
    location: String(p.location),
    hourly: num((p.price_hourly as Json | undefined)?.gross),
    monthly: num((p.price_monthly as Json | undefined)?.gross),
    includedTraffic: num(p.included_traffic),
  }))
  // The catalog carries one price per offer: the cheapest location's.
  const cheapest = [...prices]
    .filter((p) => p.monthly !== null)
    .sort((a, b) => (a.monthly as number) - (b.monthly as number))[0]
  const memoryGb = num(t.memory)
  return {
    instance_id: String(t.name),
    name: String(t.name),
    instance_type: str(t.category) ?? str(t.cpu_type),
    cpu_cores: num(t.cores),
    cpu_manufacturer: cpuManufacturer(t),
    memory_mb: memoryGb === null ? null : Math.round(memoryGb * 1024),
    memory_gb: memoryGb,
    disk_gb: num(t.disk),
    disk_type: str(t.storage_type),
    transfer_tb: cheapest?.includedTraffic == null ? null : round(cheapest.includedTraffic / TIB),
    bandwidth_mbps: null,
    price_monthly: cheapest?.monthly ?? null,
    price_hourly: cheapest?.hourly ?? null,
    price_currency: 'EUR',
    gpu_count: 0, // Hetzner Cloud server types have no GPUs
    gpu_model: null,
    gpu_memory_gb: null,
    gpu_manufacturer: null,
    regions: prices.map((p) => p.location),
    description: str(t.description),
    raw_data: t,
  }
}

export const hetzner: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://api.hetzner.cloud',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const [types, locations] = await Promise.all([
      listAll(ctx, '/v1/server_types', 'server_types'),
      listAll(ctx, '/v1/locations', 'locations'),
    ])
    return { provider: PROVIDER, regions: locations.map(mapLocation), instances: types.map(mapServerType) }
  },
}
