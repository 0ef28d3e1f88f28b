// Lambda Cloud API: GET /api/v1/instance-types (API key as a Bearer token), one unpaged answer
// {data: {<type name>: {instance_type: {name, description, gpu_description, price_cents_per_hour,
// specs: {vcpus, memory_gib, storage_gib, gpus}}, regions_with_capacity_available: [{name,
// description}]}}}. Prices are USD cents per hour; errors are {error: {code, message, suggestion?}}.
import {
  type AdapterContext,
  type InstanceRecord,
  type Json,
  type ProviderAdapter,
  type ProviderSnapshot,
  type RegionRecord,
  UpstreamError,
  bearer,
  continentOf,
  countryName,
  getJson,
  gpuManufacturer,
  joinUrl,
  monthlyFromHourly,
  num,
  round,
  str,
} from './types.ts'

const PROVIDER = 'lambdalabs'

// The country part of Lambda's region descriptions ("Virginia, USA", "Germany", "Tokyo, Japan").
const COUNTRY_CODES: Record<string, string> = {
  usa: 'US', 'united states': 'US', germany: 'DE', japan: 'JP', israel: 'IL', sweden: 'SE', india: 'IN',
  'south korea': 'KR', korea: 'KR', australia: 'AU', 'united kingdom': 'GB', uk: 'GB', canada: 'CA', netherlands: 'NL',
}

export function mapRegion(r: Json): RegionRecord {
  const description = str(r.description)
  const parts = description ? description.split(',').map((p) => p.trim()) : []
  const code = parts.length ? (COUNTRY_CODES[parts[parts.length - 1].toLowerCase()] ?? null) : null
  return {
    region_id: String(r.name),
    city: parts.length > 1 ? parts[0] : null,
    country: code ? countryName(code) : (parts.at(-1) ?? null),
    continent: code ? continentOf(code) : null,
    status: 'available',
    extra_info: { description },
  }
}

/** "H100 (80 GB SXM5)" -> model "NVIDIA H100", 80 GB per GPU. */
export function parseGpu(description: string | null): { model: string | null; memoryGb: number | null } {
  if (!description) return { model: null, memoryGb: null }
  const name = description.replace(/\(.*\)/, '').trim()
  const memory = /(\d+)\s*GB/i.exec(description)
  const model = /^(nvidia|amd|intel)\b/i.test(name) ? name : `NVIDIA ${name}`
  return { model, memoryGb: memory ? Number(memory[1]) : null }
}

export function mapInstanceType(name: string, entry: Json): InstanceRecord {
  const t = (entry.instance_type ?? {}) as Json
  const specs = (t.specs ?? {}) as Json
  const cents = num(t.price_cents_per_hour)
  const hourly = cents === null ? null : round(cents / 100, 4)
  const gpus = num(specs.gpus) ?? 0
  const gpu = gpus > 0 ? parseGpu(str(t.gpu_description)) : { model: null, memoryGb: null }
  const memoryGb = num(specs.memory_gib)
  const regions = Array.isArray(entry.regions_with_capacity_available) ? (entry.regions_with_capacity_available as Json[]) : []
  return {
    instance_id: str(t.name) ?? name,
    name: str(t.description) ?? name,
    instance_type: gpus > 0 ? 'gpu' : 'cpu',
    cpu_cores: num(specs.vcpus),
    cpu_manufacturer: null,
    memory_mb: memoryGb === null ? null : Math.round(memoryGb * 1024),
    memory_gb: memoryGb,
    disk_gb: num(specs.storage_gib),
    disk_type: 'local',
    transfer_tb: null,
    bandwidth_mbps: null,
    price_monthly: monthlyFromHourly(hourly),
    price_hourly: hourly,
    price_currency: 'USD',
    gpu_count: gpus,
    gpu_model: gpu.model,
    gpu_memory_gb: gpu.memoryGb,
    gpu_manufacturer: gpuManufacturer(gpu.model),
    // Where it can be launched now; a type without capacity stays listed with no regions.
    regions: regions.map((r) => String(r.name)),
    description: str(t.gpu_description),
    raw_data: entry,
  }
}

export const lambdalabs: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://cloud.lambda.ai',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const { body } = await getJson<{ data?: unknown }>(ctx, PROVIDER, joinUrl(ctx.baseUrl, '/api/v1/instance-types'), bearer(ctx.token))
    if (!body.data || typeof body.data !== 'object' || Array.isArray(body.data)) {
      throw new UpstreamError(PROVIDER, 502, 'response has no data object')
    }
    const entries = Object.entries(body.data as Record<string, Json>)
    const regions = new Map<string, RegionRecord>()
    for (const [, entry] of entries) {
      for (const r of (entry.regions_with_capacity_available as Json[] | undefined) ?? []) regions.set(String(r.name), mapRegion(r))
    }
    return {
      provider: PROVIDER,
      regions: [...regions.values()].sort((a, b) => a.region_id.localeCompare(b.region_id)),
      instances: entries.map(([name, entry]) => mapInstanceType(name, entry)),
    }
  },
}
