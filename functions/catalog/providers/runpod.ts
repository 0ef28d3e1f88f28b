// RunPod GraphQL API: POST /graphql (API key as a Bearer token) with the gpuTypes query. Each GPU
// type has a per-GPU hourly USD price in Secure Cloud (RunPod's data centres) and in Community Cloud
// (third-party hosts); each priced tier is one offer of one GPU. GraphQL errors arrive as
// {errors: [{message}]}, with 200 or an HTTP error status.
import {
  type AdapterContext,
  type InstanceRecord,
  type Json,
  type ProviderAdapter,
  type ProviderSnapshot,
  UpstreamError,
  bearer,
  gpuManufacturer,
  joinUrl,
  monthlyFromHourly,
  num,
  str,
} from './types.ts'

const PROVIDER = 'runpod'

export const GPU_TYPES_QUERY = `query GpuTypes {
  gpuTypes {
    id
    displayName
    manufacturer
    memoryInGb
    maxGpuCount
    secureCloud
    communityCloud
    securePrice
    communityPrice
  }
}`

async function graphql(ctx: AdapterContext, query: string): Promise<Json> {
  let res: Response
  try {
    res = await ctx.fetch(joinUrl(ctx.baseUrl, '/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...bearer(ctx.token) },
      body: JSON.stringify({ query }),
    })
  } catch (err) {
    throw new UpstreamError(PROVIDER, 0, `request failed: ${(err as Error).message}`)
  }
  const text = await res.text()
  let body: Json | null = null
  try {
    body = JSON.parse(text) as Json
  } catch {
    // not JSON
  }
  const errors = body?.errors
  const message = Array.isArray(errors) && typeof errors[0]?.message === 'string' ? (errors[0].message as string) : null
  if (!res.ok) throw new UpstreamError(PROVIDER, res.status, message ?? (text.slice(0, 200) || res.statusText))
  if (!body) throw new UpstreamError(PROVIDER, res.status, 'response is not JSON')
  if (message) throw new UpstreamError(PROVIDER, 502, message)
  return (body.data ?? {}) as Json
}

const TIERS = [
  { key: 'secure', enabled: 'secureCloud', price: 'securePrice', label: 'Secure Cloud' },
  { key: 'community', enabled: 'communityCloud', price: 'communityPrice', label: 'Community Cloud' },
] as const

export function mapGpuType(g: Json): InstanceRecord[] {
  const display = str(g.displayName) ?? String(g.id)
  const id = String(g.id) // the full name, e.g. "NVIDIA H100 80GB HBM3"
  const manufacturer = str(g.manufacturer)
  const model = /^(nvidia|amd|intel)\b/i.test(id) ? id.replace(/\s+\d+\s*GB.*$/i, '') : display
  const offers: InstanceRecord[] = []
  for (const tier of TIERS) {
    const hourly = num(g[tier.price])
    if (g[tier.enabled] !== true || hourly === null || hourly <= 0) continue
    offers.push({
      instance_id: `${id}/${tier.key}`,
      name: `${display} (${tier.label})`,
      instance_type: `gpu-${tier.key}`,
      cpu_cores: null,
      cpu_manufacturer: null,
      memory_mb: null,
      memory_gb: null,
      disk_gb: null,
      disk_type: null,
      transfer_tb: null,
      bandwidth_mbps: null,
      price_monthly: monthlyFromHourly(hourly),
      price_hourly: hourly,
      price_currency: 'USD',
      gpu_count: 1,
      gpu_model: model,
      gpu_memory_gb: num(g.memoryInGb),
      gpu_manufacturer: manufacturer ?? gpuManufacturer(model),
      regions: [],
      description: `${display} on RunPod ${tier.label}, per GPU; up to ${num(g.maxGpuCount) ?? 1} GPUs per pod`,
      raw_data: g,
    })
  }
  return offers
}

export const runpod: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://api.runpod.io',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const data = await graphql(ctx, GPU_TYPES_QUERY)
    if (!Array.isArray(data.gpuTypes)) throw new UpstreamError(PROVIDER, 502, 'response has no gpuTypes array')
    return { provider: PROVIDER, regions: [], instances: (data.gpuTypes as Json[]).flatMap(mapGpuType) }
  },
}
