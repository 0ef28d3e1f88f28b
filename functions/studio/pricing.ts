// Monthly cost of the compute shapes a design names, priced from the catalog domain: for each shape,
// cloud.compare_prices (the cheapest available offer per provider with at least the vCPUs and memory,
// exactly the GPU model and count, or no GPU; converted to USD) in one round trip. The cheapest
// offer wins (of the named provider when data.provider is set). Amounts are integer cents.
import type postgres from 'postgres'
import type { ComputeShape } from './analyze.ts'

export interface Offer {
  provider: string
  instance_id: string
  name: string | null
  cpu_cores: number | null
  memory_gb: string | null
  gpu_count: number
  gpu_model: string | null
  price_monthly_usd: string
  original_price_monthly: string
  original_currency: string
  monthly_cents: number
}

export interface PricedNode {
  node_id: string
  label: string
  shape: { vcpus: number | null; memory_gb: number | null; gpu: string | null; gpu_count: number; provider: string | null }
  replicas: number
  unit_monthly_cents: number
  monthly_cents: number
  offer: Offer
  alternatives: Offer[]
}

export interface CostEstimate {
  currency: 'USD'
  monthly_cents: number
  nodes: PricedNode[]
  unpriced: { node_id: string; label: string; reason: string }[]
}

/** "NVIDIA H100", "nvidia-h100" -> "H100" as the catalog names GPU models. */
export function catalogGpuModel(gpu: string): string {
  return gpu.trim().replace(/^(nvidia|amd|intel)[\s_-]+/i, '').trim()
}

const shapeKey = (s: ComputeShape) => JSON.stringify([s.vcpus === null ? null : Math.ceil(s.vcpus), s.memory_gb, s.gpu && catalogGpuModel(s.gpu), s.gpu_count])

export async function estimateCost(sql: postgres.Sql | postgres.TransactionSql, shapes: ComputeShape[]): Promise<CostEstimate> {
  const keys = [...new Set(shapes.map(shapeKey))]
  const offers = new Map<string, Offer[]>()
  if (keys.length > 0) {
    const rows = await sql<(Offer & { key: string })[]>`
      select s.key, p.provider, p.instance_id, p.name, p.cpu_cores, p.memory_gb::text as memory_gb, p.gpu_count, p.gpu_model,
             p.price_monthly::text as price_monthly_usd, p.original_price_monthly::text as original_price_monthly,
             p.original_currency::text as original_currency, round(p.price_monthly * 100)::int as monthly_cents
      from jsonb_to_recordset(${sql.json(keys.map((key) => {
        const [vcpus, memory_gb, gpu, gpu_count] = JSON.parse(key)
        return { key, vcpus, memory_gb, gpu, gpu_count }
      }))}::jsonb) as s(key text, vcpus integer, memory_gb numeric, gpu text, gpu_count integer)
      cross join lateral cloud.compare_prices(s.gpu, s.gpu_count, s.vcpus, s.memory_gb, 'USD', 50) p`
    for (const { key, ...offer } of rows) offers.set(key, [...(offers.get(key) ?? []), offer])
  }

  const estimate: CostEstimate = { currency: 'USD', monthly_cents: 0, nodes: [], unpriced: [] }
  for (const shape of shapes) {
    const candidates = (offers.get(shapeKey(shape)) ?? [])
      .filter((o) => !shape.provider || o.provider === shape.provider)
      .sort((a, b) => a.monthly_cents - b.monthly_cents || a.provider.localeCompare(b.provider))
    const { vcpus, memory_gb, gpu, gpu_count, provider } = shape
    if (candidates.length === 0) {
      const wanted = [vcpus && `${vcpus} vCPU`, memory_gb && `${memory_gb} GB`, gpu && `${gpu_count}x ${gpu}`, provider && `on ${provider}`].filter(Boolean).join(', ')
      estimate.unpriced.push({ node_id: shape.node_id, label: shape.label, reason: `No available catalog offer matches ${wanted}` })
      continue
    }
    const [offer, ...rest] = candidates
    const node: PricedNode = {
      node_id: shape.node_id,
      label: shape.label,
      shape: { vcpus, memory_gb, gpu, gpu_count, provider },
      replicas: shape.replicas,
      unit_monthly_cents: offer.monthly_cents,
      monthly_cents: offer.monthly_cents * shape.replicas,
      offer,
      alternatives: rest.slice(0, 2),
    }
    estimate.nodes.push(node)
    estimate.monthly_cents += node.monthly_cents
  }
  return estimate
}
