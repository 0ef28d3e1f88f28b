// ArtifactHub API: GET /api/v1/packages/search (limit max 60, offset; total in the
// Pagination-Total-Count header, body {packages: [...]}) then GET /api/v1/packages/helm/{repo}/{name}
// for the details search does not return (readme, keywords, links, versions, images, digest...).
// Read endpoints are anonymous. The API strips null fields, so every field may be absent.
import {
  type AdapterContext,
  type Json,
  type PackageRecord,
  type PackageSnapshot,
  UpstreamError,
  getJson,
  joinUrl,
  num,
  str,
} from './types.ts'

const PROVIDER = 'artifacthub'
const PAGE_SIZE = 60
const DETAIL_CONCURRENCY = 4
export const ARTIFACTHUB_BASE_URL = 'https://artifacthub.io'

async function searchAll(ctx: AdapterContext, max: number): Promise<Json[]> {
  const found: Json[] = []
  // Advance by what arrived: a server may cap limit below what was asked.
  for (let offset = 0; found.length < max; ) {
    const limit = Math.min(PAGE_SIZE, max - found.length)
    const url = joinUrl(ctx.baseUrl, '/api/v1/packages/search', {
      kind: 0, // Helm charts
      // Search hides deprecated packages unless asked; the catalog tracks them with their flag.
      deprecated: 'true',
      limit,
      offset,
    })
    const { body, headers } = await getJson<{ packages?: unknown }>(ctx, PROVIDER, url)
    const batch = body.packages
    if (!Array.isArray(batch)) throw new UpstreamError(PROVIDER, 502, 'response has no packages array')
    found.push(...(batch as Json[]))
    const total = num(headers.get('pagination-total-count'))
    const done = batch.length === 0 || (total !== null ? offset + batch.length >= total : batch.length < limit)
    if (done) break
    offset += batch.length
  }
  return found.slice(0, max)
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

async function fetchDetail(ctx: AdapterContext, summary: Json): Promise<Json | null> {
  const repo = (summary.repository ?? {}) as Json
  const name = str(summary.normalized_name) ?? str(summary.name)
  if (!name || !str(repo.name)) return null
  const url = joinUrl(ctx.baseUrl, `/api/v1/packages/helm/${encodeURIComponent(String(repo.name))}/${encodeURIComponent(name)}`)
  try {
    return (await getJson<Json>(ctx, PROVIDER, url)).body
  } catch (err) {
    // Removed between the search and the detail request: keep what the search said.
    if (err instanceof UpstreamError && err.status === 404) return null
    throw err
  }
}

const bool = (v: unknown) => v === true

export function mapPackage(summary: Json, detail: Json | null): PackageRecord {
  const d = detail ?? {}
  const pick = (key: string): unknown => d[key] ?? summary[key]
  const repo = ((d.repository ?? summary.repository ?? {}) as Json)
  const prodOrgs = d.production_organizations
  return {
    name: String(pick('name')),
    normalized_name: str(pick('normalized_name')),
    category: num(summary.category ?? d.category),
    is_operator: bool(d.is_operator ?? summary.is_operator ?? summary.operator),
    official: bool(pick('official')),
    cncf: bool(pick('cncf')),
    description: str(pick('description')),
    home_url: str(d.home_url),
    readme: str(d.readme),
    version: str(pick('version')),
    app_version: str(pick('app_version')),
    digest: str(d.digest),
    deprecated: bool(pick('deprecated')),
    contains_security_updates: bool(d.contains_security_updates),
    prerelease: bool(d.prerelease),
    signed: bool(pick('signed')),
    content_url: str(d.content_url),
    stars: num(summary.stars ?? d.stars) ?? 0,
    license: str(pick('license')),
    keywords: Array.isArray(d.keywords) ? (d.keywords as unknown[]).filter((k): k is string => typeof k === 'string') : [],
    repository_name: String(repo.name ?? ''),
    repository_display_name: str(repo.display_name),
    repository_url: str(repo.url),
    repository_verified_publisher: bool(repo.verified_publisher),
    repository_official: bool(repo.official),
    repository_id: str(repo.repository_id),
    repository_kind: num(repo.kind),
    repository_organization_name: str(repo.organization_name),
    repository_organization_display_name: str(repo.organization_display_name),
    logo_image_id: str(pick('logo_image_id')),
    ts: num(pick('ts')),
    production_organizations_count:
      num(summary.production_organizations_count) ?? (Array.isArray(prodOrgs) ? prodOrgs.length : 0),
    has_values_schema: bool(pick('has_values_schema')),
    links: d.links ?? null,
    available_versions: d.available_versions ?? null,
    container_images: d.containers_images ?? null,
    security_report_summary: pick('security_report_summary') ?? null,
    capabilities: str(pick('capabilities')),
  }
}

export async function fetchPackages(ctx: AdapterContext & { maxPackages?: number }): Promise<PackageSnapshot> {
  const summaries = await searchAll(ctx, ctx.maxPackages ?? Infinity)
  const details = await mapLimited(summaries, DETAIL_CONCURRENCY, (s) => fetchDetail(ctx, s))
  return { packages: summaries.map((s, i) => mapPackage(s, details[i])) }
}
