export interface RegionRecord {
  region_id: string
  city: string | null
  country: string | null
  continent: string | null
  status: string | null
  extra_info: Record<string, unknown>
}

export interface InstanceRecord {
  instance_id: string
  name: string | null
  instance_type: string | null
  cpu_cores: number | null
  cpu_manufacturer: string | null
  memory_mb: number | null
  memory_gb: number | null
  disk_gb: number | null
  disk_type: string | null
  transfer_tb: number | null
  bandwidth_mbps: number | null
  price_monthly: number | null
  price_hourly: number | null
  price_currency: string // ISO 4217, upper case
  gpu_count: number
  gpu_model: string | null
  gpu_memory_gb: number | null
  gpu_manufacturer: string | null
  regions: string[] // provider region ids where the offer is sold
  description: string | null
  raw_data: unknown // the API's JSON object for this offer
}

export interface ProviderSnapshot {
  provider: string
  regions: RegionRecord[]
  instances: InstanceRecord[]
}

export interface AdapterContext {
  baseUrl: string
  token?: string
  fetch: typeof fetch
}

export interface ProviderAdapter {
  provider: string
  defaultBaseUrl: string
  fetchSnapshot(ctx: AdapterContext): Promise<ProviderSnapshot>
}

export class UpstreamError extends Error {
  status: number
  provider: string
  constructor(provider: string, status: number, message: string) {
    super(`${provider}: upstream answered ${status}: ${message}`)
    this.name = 'UpstreamError'
    this.provider = provider
    this.status = status
  }
}

export interface PackageRecord {
  name: string
  normalized_name: string | null
  category: number | null
  is_operator: boolean
  official: boolean
  cncf: boolean
  description: string | null
  home_url: string | null
  readme: string | null
  version: string | null
  app_version: string | null
  digest: string | null
  deprecated: boolean
  contains_security_updates: boolean
  prerelease: boolean
  signed: boolean
  content_url: string | null
  stars: number
  license: string | null
  keywords: string[]
  repository_name: string
  repository_display_name: string | null
  repository_url: string | null
  repository_verified_publisher: boolean
  repository_official: boolean
  repository_id: string | null
  repository_kind: number | null
  repository_organization_name: string | null
  repository_organization_display_name: string | null
  logo_image_id: string | null
  ts: number | null
  production_organizations_count: number
  has_values_schema: boolean
  links: unknown
  available_versions: unknown
  container_images: unknown
  security_report_summary: unknown
  capabilities: string | null
}

export interface PackageSnapshot {
  packages: PackageRecord[]
}

// ---- helpers shared by the adapters ----

export type Json = Record<string, unknown>

export interface JsonResponse<T> {
  body: T
  headers: Headers
}

/** GET a JSON document; non-2xx answers become UpstreamError carrying the API's own error message. */
export async function getJson<T = Json>(
  ctx: AdapterContext,
  provider: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  let res: Response
  try {
    res = await ctx.fetch(url, { headers: { accept: 'application/json', ...headers } })
  } catch (err) {
    throw new UpstreamError(provider, 0, `request failed: ${(err as Error).message}`)
  }
  const text = await res.text()
  if (!res.ok) throw new UpstreamError(provider, res.status, errorMessage(text) ?? res.statusText)
  try {
    return { body: JSON.parse(text) as T, headers: res.headers }
  } catch {
    throw new UpstreamError(provider, res.status, 'response is not JSON')
  }
}

export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {}
}

/** Pull a human message out of the error shapes these APIs use. */
function errorMessage(text: string): string | null {
  try {
    const b = JSON.parse(text) as Json
    const err = b.error
    if (typeof err === 'string') return err // Vultr
    if (err && typeof err === 'object' && typeof (err as Json).message === 'string') return (err as Json).message as string // Hetzner
    if (typeof b.message === 'string') return b.message // DigitalOcean, ArtifactHub
    const errors = b.errors
    if (Array.isArray(errors) && errors[0] && typeof errors[0].reason === 'string') return errors[0].reason // Linode
  } catch {
    // not JSON
  }
  return text ? text.slice(0, 200) : null
}

export function joinUrl(base: string, path: string, query: Record<string, string | number | undefined> = {}): string {
  const url = new URL(base.replace(/\/+$/, '') + path)
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v))
  return url.toString()
}

/** Numbers arrive as numbers or decimal strings (Hetzner); anything else is null. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v)
    return Number.isFinite(n) ? n : null
  }
  return null
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null
}

export function round(n: number | null, digits = 3): number | null {
  if (n === null) return null
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export function gpuManufacturer(model: string | null): string | null {
  if (!model) return null
  const m = model.toLowerCase()
  if (/nvidia|rtx|quadro|tesla|\b[ahlv]\d{1,3}\b|h100|h200|a100|l40|gh200|b200/.test(m)) return 'NVIDIA'
  if (/amd|mi\d{3}|instinct|radeon/.test(m)) return 'AMD'
  if (/intel|gaudi/.test(m)) return 'Intel'
  return null
}

// ISO 3166-1 alpha-2 -> English name, for the countries these providers operate in.
const COUNTRY_NAMES: Record<string, string> = {
  AE: 'United Arab Emirates', AU: 'Australia', BR: 'Brazil', CA: 'Canada', CH: 'Switzerland', CL: 'Chile',
  DE: 'Germany', ES: 'Spain', FI: 'Finland', FR: 'France', GB: 'United Kingdom', ID: 'Indonesia', IL: 'Israel',
  IN: 'India', IT: 'Italy', JP: 'Japan', KR: 'South Korea', MX: 'Mexico', NL: 'Netherlands', PL: 'Poland',
  SE: 'Sweden', SG: 'Singapore', US: 'United States', ZA: 'South Africa', UK: 'United Kingdom',
}

export function countryName(code: unknown): string | null {
  const c = str(code)
  if (!c) return null
  return COUNTRY_NAMES[c.toUpperCase()] ?? c.toUpperCase()
}

const CONTINENTS: Record<string, string> = {
  AE: 'Asia', AU: 'Oceania', BR: 'South America', CA: 'North America', CH: 'Europe', CL: 'South America',
  DE: 'Europe', ES: 'Europe', FI: 'Europe', FR: 'Europe', GB: 'Europe', ID: 'Asia', IL: 'Asia', IN: 'Asia',
  IT: 'Europe', JP: 'Asia', KR: 'Asia', MX: 'North America', NL: 'Europe', PL: 'Europe', SE: 'Europe',
  SG: 'Asia', US: 'North America', ZA: 'Africa', UK: 'Europe',
}

export function continentOf(code: unknown): string | null {
  const c = str(code)
  return c ? (CONTINENTS[c.toUpperCase()] ?? null) : null
}

/** Guard against a misbehaving upstream paging forever. */
export const MAX_PAGES = 100

/** Hours in a billing month as the providers count them (730 = 8760 / 12). */
export const HOURS_PER_MONTH = 730

export function monthlyFromHourly(hourly: number | null): number | null {
  return hourly === null ? null : round(hourly * HOURS_PER_MONTH, 2)
}
