// Linode (Akamai) API v4: GET /v4/linode/types and /v4/regions, public (a token is sent when given),
// paginated with ?page=&page_size= (max 500) and {data, page, pages, results}. Types carry memory and
// disk in MB, transfer in GB, network_out in Mbps, a base USD price and region_prices overrides.
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

const PROVIDER = 'linode'
const PAGE_SIZE = 500

interface Page {
  data?: unknown
  page?: number
  pages?: number
  results?: number
}

async function listAll(ctx: AdapterContext, path: string): Promise<Json[]> {
  const items: Json[] = []
  let pages = 1
  for (let page = 1; page <= pages && page <= MAX_PAGES; page++) {
    const url = joinUrl(ctx.baseUrl, path, { page, page_size: PAGE_SIZE })
    const { body } = await getJson<Page>(ctx, PROVIDER, url, bearer(ctx.token))
    if (!Array.isArray(body.data)) throw new UpstreamError(PROVIDER, 502, 'response has no data array')
    items.push(...(body.data as Json[]))
    pages = typeof body.pages === 'number' ? body.pages : 1
  }
  return items
}

export function mapRegion(r: Json): RegionRecord {
  const label = str(r.label)
  const status = str(r.status)
  return {
    region_id: String(r.id),
    city: label ? label.split(',')[0].trim() : null,
    country: countryName(r.country),
    continent: continentOf(r.country),
    status: status === 'ok' ? 'available' : status,
    extra_info: {
      label,
      country_code: r.country ?? null,
      capabilities: r.capabilities ?? [],
      site_type: r.site_type ?? null,
    },
  }
}

// Linode names the card only in the type label ("Dedicated 32GB + RTX6000 GPU x1", "RTX4000 Ada x1 Small").
const GPU_CARDS: { pattern: RegExp; model: string; vramGb: number }[] = [
  { pattern: /RTX\s?4000\s?Ada/i, model: 'NVIDIA RTX 4000 Ada', vramGb: 20 },
  { pattern: /RTX\s?6000/i, model: 'NVIDIA Quadro RTX 6000', vramGb: 24 },
]

function gpuCard(label: string | null) {
  return label ? (GPU_CARDS.find((c) => c.pattern.test(label)) ?? null) : null
}

export function mapType(t: Json, regions: RegionRecord[]): InstanceRecord {
  const memoryMb = num(t.memory)
  const diskMb = num(t.disk)
  const transferGb = num(t.transfer)
  const price = (t.price ?? {}) as Json
  const gpus = num(t.gpus) ?? 0
  const label = str(t.label)
  const card = gpus > 0 ? gpuCard(label) : null
  // Types are sold everywhere Linodes are, GPU types only where the region offers GPU Linodes;
  // region_prices only overrides the price in some regions.
  const capability = gpus > 0 ? 'GPU Linodes' : 'Linodes'
  const soldIn = regions
    .filter((r) => {
      const caps = r.extra_info.capabilities
      return !Array.isArray(caps) || caps.length === 0 || caps.includes(capability)
    })
    .map((r) => r.region_id)
  return {
    instance_id: String(t.id),
    name: label,
    instance_type: str(t.class),
    cpu_cores: num(t.vcpus),
    cpu_manufacturer: null,
    memory_mb: memoryMb,
    memory_gb: memoryMb === null ? null : round(memoryMb / 1024),
    disk_gb: diskMb === null ? null : round(diskMb / 1024),
    disk_type: 'ssd',
    transfer_tb: transferGb === null ? null : round(transferGb / 1000),
    bandwidth_mbps: num(t.network_out),
    price_monthly: num(price.monthly),
    price_hourly: num(price.hourly),
    price_currency: 'USD',
    gpu_count: gpus,
    gpu_model: card?.model ?? null,
    gpu_memory_gb: card ? card.vramGb * gpus : null,
    gpu_manufacturer: card ? gpuManufacturer(card.model) : null,
    regions: soldIn,
    description: label,
    raw_data: t,
  }
}

export const linode: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://api.linode.com',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const [types, rawRegions] = await Promise.all([listAll(ctx, '/v4/linode/types'), listAll(ctx, '/v4/regions')])
    const regions = rawRegions.map(mapRegion)
    return { provider: PROVIDER, regions, instances: types.map((t) => mapType(t, regions)) }
  },
}
