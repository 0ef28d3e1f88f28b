// Azure Retail Prices API: GET /api/retail/prices?api-version=2023-01-01-preview&$filter=... (public,
// no key), {BillingCurrency, Items: [...], NextPageLink, Count}; NextPageLink is the absolute URL of
// the next page (null on the last). Each item is one meter: armSkuName (Standard_D4s_v5),
// armRegionName, retailPrice per unitOfMeasure ('1 Hour'), productName ('Virtual Machines Dv5
// Series' or '... Windows'), skuName ('D4s v5', '... Spot', '... Low Priority'). The API has no
// memory or GPU specs: vCPUs follow the documented size naming (family letters, then the vCPU count),
// GPUs come from the accelerator SKUs listed below. One offer per size: Linux pay-as-you-go, the
// cheapest region's price, sold in every region with a price.
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
  gpuManufacturer,
  joinUrl,
  monthlyFromHourly,
  num,
  str,
} from './types.ts'

const PROVIDER = 'azure'
export const AZURE_FILTER = "serviceName eq 'Virtual Machines' and priceType eq 'Consumption'"
// Azure meters can be paged past 100,000 items; the sync stops well before MAX_PAGES.
const MAX_AZURE_PAGES = MAX_PAGES * 20

/** GPU sizes (Azure docs, N-series): GPU model, count and memory per GPU. */
const GPU_SIZES: Record<string, { model: string; count: number; memoryGb: number }> = {
  Standard_NC4as_T4_v3: { model: 'NVIDIA T4', count: 1, memoryGb: 16 },
  Standard_NC8as_T4_v3: { model: 'NVIDIA T4', count: 1, memoryGb: 16 },
  Standard_NC16as_T4_v3: { model: 'NVIDIA T4', count: 1, memoryGb: 16 },
  Standard_NC64as_T4_v3: { model: 'NVIDIA T4', count: 4, memoryGb: 16 },
  Standard_NC24ads_A100_v4: { model: 'NVIDIA A100', count: 1, memoryGb: 80 },
  Standard_NC48ads_A100_v4: { model: 'NVIDIA A100', count: 2, memoryGb: 80 },
  Standard_NC96ads_A100_v4: { model: 'NVIDIA A100', count: 4, memoryGb: 80 },
  Standard_ND96asr_v4: { model: 'NVIDIA A100', count: 8, memoryGb: 40 },
  Standard_ND96amsr_A100_v4: { model: 'NVIDIA A100', count: 8, memoryGb: 80 },
  Standard_NC40ads_H100_v5: { model: 'NVIDIA H100', count: 1, memoryGb: 94 },
  Standard_NC80adis_H100_v5: { model: 'NVIDIA H100', count: 2, memoryGb: 94 },
  Standard_ND96isr_H100_v5: { model: 'NVIDIA H100', count: 8, memoryGb: 80 },
}

/** armRegionName -> [city, ISO country]. */
const REGIONS: Record<string, [string, string]> = {
  eastus: ['Virginia', 'US'], eastus2: ['Virginia', 'US'], westus2: ['Washington', 'US'], westus3: ['Phoenix', 'US'],
  centralus: ['Iowa', 'US'], southcentralus: ['Texas', 'US'], canadacentral: ['Toronto', 'CA'],
  westeurope: ['Amsterdam', 'NL'], northeurope: ['Dublin', 'IE'], germanywestcentral: ['Frankfurt', 'DE'],
  francecentral: ['Paris', 'FR'], uksouth: ['London', 'GB'], swedencentral: ['Gävle', 'SE'], switzerlandnorth: ['Zurich', 'CH'],
  polandcentral: ['Warsaw', 'PL'], italynorth: ['Milan', 'IT'], japaneast: ['Tokyo', 'JP'], koreacentral: ['Seoul', 'KR'],
  southeastasia: ['Singapore', 'SG'], centralindia: ['Pune', 'IN'], australiaeast: ['Sydney', 'AU'],
  brazilsouth: ['São Paulo', 'BR'], southafricanorth: ['Johannesburg', 'ZA'], uaenorth: ['Dubai', 'AE'],
}

export function mapRegion(armRegionName: string, location: string | null): RegionRecord {
  const known = REGIONS[armRegionName]
  return {
    region_id: armRegionName,
    city: known?.[0] ?? null,
    country: known ? countryName(known[1]) : null,
    continent: known ? (continentOf(known[1]) ?? (known[1] === 'IE' ? 'Europe' : null)) : null,
    status: 'available',
    extra_info: { location },
  }
}

/** A pay-as-you-go Linux VM meter (not Windows, Spot, Low Priority or a per-unit meter). */
export function isLinuxOnDemand(item: Json): boolean {
  const product = String(item.productName ?? '')
  const sku = String(item.skuName ?? '')
  return (
    item.type === 'Consumption' &&
    item.unitOfMeasure === '1 Hour' &&
    typeof item.armSkuName === 'string' &&
    item.armSkuName !== '' &&
    !/windows/i.test(product) &&
    !/\b(spot|low priority)\b/i.test(sku)
  )
}

/** vCPUs from the size name: Standard_D4s_v5 -> 4, Standard_NC24ads_A100_v4 -> 24, Standard_E8-4ds_v5 -> 4 (constrained). */
export function vcpusOf(armSkuName: string): number | null {
  const m = /^(?:Standard|Basic)_[A-Z]+(\d+)(?:-(\d+))?/.exec(armSkuName)
  if (!m) return null
  return Number(m[2] ?? m[1])
}

export function mapSize(armSkuName: string, items: Json[]): InstanceRecord {
  const byRegion = new Map<string, number>()
  for (const item of items) {
    const price = num(item.retailPrice)
    const region = str(item.armRegionName)
    if (price === null || !region) continue
    const seen = byRegion.get(region)
    if (seen === undefined || price < seen) byRegion.set(region, price)
  }
  const cheapest = [...byRegion.values()].sort((a, b) => a - b)[0] ?? null
  const cheapestItem = items.find((i) => num(i.retailPrice) === cheapest) ?? items[0]
  const gpu = GPU_SIZES[armSkuName]
  return {
    instance_id: armSkuName,
    name: str(cheapestItem.skuName) ?? armSkuName,
    instance_type: str(cheapestItem.productName)?.replace(/^Virtual Machines\s*/, '').replace(/\s*Series$/, '') ?? null,
    cpu_cores: vcpusOf(armSkuName),
    cpu_manufacturer: /^Standard_[A-Z]+\d+[a-z]*a[a-z]*_/.test(armSkuName) ? 'AMD' : null,
    memory_mb: null,
    memory_gb: null,
    disk_gb: null,
    disk_type: null,
    transfer_tb: null,
    bandwidth_mbps: null,
    price_monthly: monthlyFromHourly(cheapest),
    price_hourly: cheapest,
    price_currency: (str(cheapestItem.currencyCode) ?? 'USD').toUpperCase(),
    gpu_count: gpu?.count ?? 0,
    gpu_model: gpu?.model ?? null,
    gpu_memory_gb: gpu?.memoryGb ?? null,
    gpu_manufacturer: gpuManufacturer(gpu?.model ?? null),
    regions: [...byRegion.keys()].sort(),
    description: str(cheapestItem.productName),
    // The meters behind the offer, cheapest first (one per region).
    raw_data: items
      .filter((i) => byRegion.get(String(i.armRegionName)) === num(i.retailPrice))
      .sort((a, b) => (num(a.retailPrice) ?? 0) - (num(b.retailPrice) ?? 0) || String(a.armRegionName).localeCompare(String(b.armRegionName))),
  }
}

export const azure: ProviderAdapter = {
  provider: PROVIDER,
  defaultBaseUrl: 'https://prices.azure.com',
  async fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot> {
    const sizes = new Map<string, Json[]>()
    const regions = new Map<string, RegionRecord>()
    let url: string | null = joinUrl(ctx.baseUrl, '/api/retail/prices', { 'api-version': '2023-01-01-preview', $filter: AZURE_FILTER })
    for (let page = 0; url && page < MAX_AZURE_PAGES; page++) {
      const { body }: { body: Json } = await getJson<Json>(ctx, PROVIDER, url)
      if (!Array.isArray(body.Items)) throw new UpstreamError(PROVIDER, 502, 'response has no Items array')
      for (const item of body.Items as Json[]) {
        if (!isLinuxOnDemand(item)) continue
        const sku = item.armSkuName as string
        sizes.set(sku, [...(sizes.get(sku) ?? []), item])
        const region = str(item.armRegionName)
        if (region && !regions.has(region)) regions.set(region, mapRegion(region, str(item.location)))
      }
      url = str(body.NextPageLink)
    }
    return {
      provider: PROVIDER,
      regions: [...regions.values()].sort((a, b) => a.region_id.localeCompare(b.region_id)),
      instances: [...sizes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sku, items]) => mapSize(sku, items)),
    }
  },
}
