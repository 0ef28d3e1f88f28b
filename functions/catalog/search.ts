// The read endpoints: instance search, package search, price comparison. They run the cloud
// schema's RPCs as the anon role, so the function reads exactly what a supabase-js client may.
import type { z } from 'zod'
import { db, withRole } from '../_shared/db.ts'
import { embedQuery, toVectorLiteral } from '../_shared/embeddings/provider.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { type OfferFilters, type ParsedOfferQuery, parseOfferQuery } from './offer-query.ts'
import { parseOfferQueryWithModel } from './offer-query-model.ts'
import type { CompareQuery, InstanceQuery, PackageQuery } from './schemas.ts'

type InstanceParams = z.infer<typeof InstanceQuery>

const FILTER_KEYS = [
  'provider', 'gpu_model', 'min_gpu_count', 'min_vcpu', 'min_memory_gb', 'max_price_hourly', 'max_price_monthly', 'country', 'city', 'continent',
] as const satisfies readonly (keyof OfferFilters)[]

// The cities and providers the catalog knows, for the parser; read as anon, kept a minute.
let vocabulary: { at: number; url: string; cities: string[]; providers: string[] } | undefined
async function offerVocabulary() {
  const url = env('SUPABASE_DB_URL') ?? ''
  if (vocabulary && vocabulary.url === url && Date.now() - vocabulary.at < 60_000) return vocabulary
  const [cities, providers] = await withRole('anon', {}, async (sql) => [
    (await sql<{ city: string }[]>`select distinct city from cloud.regions where city is not null`).map((r) => r.city),
    (await sql<{ provider: string }[]>`select provider from cloud.providers`).map((r) => r.provider),
  ])
  vocabulary = { at: Date.now(), url, cities, providers }
  return vocabulary
}

/** The question's filters, order and text: the deterministic parse, or the model's when configured and text is left. */
export async function understandOfferQuestion(question: string): Promise<ParsedOfferQuery> {
  const known = await offerVocabulary()
  const parsed = parseOfferQuery(question, known)
  if (!parsed.text) return parsed
  return (await parseOfferQueryWithModel(question, parsed, known)) ?? parsed
}

export interface InstanceSearch {
  instances: Awaited<ReturnType<typeof runSearch>>
  query: ParsedOfferQuery
}

/**
 * GET /catalog/instances: q parsed into filters (explicit parameters win), then cheapest first when
 * asked or when no text is left, else by similarity to the text left. A result empty because a
 * filter value matches nothing the catalog knows is a 400 unknown_filter_value naming the filter.
 */
export async function searchInstances(params: InstanceParams): Promise<InstanceSearch> {
  const parsed: ParsedOfferQuery = params.q ? await understandOfferQuestion(params.q) : { filters: {}, sort: 'price', text: null }
  const filters: OfferFilters = { ...parsed.filters }
  for (const key of FILTER_KEYS) if (params[key] !== undefined) (filters as Record<string, unknown>)[key] = params[key]
  const query: ParsedOfferQuery = { filters, sort: parsed.text && parsed.sort === 'similarity' ? 'similarity' : 'price', text: parsed.text }
  const embedding = query.sort === 'similarity' && query.text ? toVectorLiteral(await embedQuery(query.text)) : null
  const instances = await runSearch(filters, embedding, params.limit, params.available_only)
  if (instances.length === 0) await rejectUnknownFilterValue(filters)
  return { instances, query }
}

async function runSearch(f: OfferFilters, embedding: string | null, limit: number, availableOnly: boolean) {
  return await withRole('anon', {}, (sql) => sql`
    select * from cloud.search_instances(
      query_embedding => ${embedding}::extensions.vector, match_count => ${limit},
      provider_filter => ${f.provider ?? null}, gpu_model_filter => ${f.gpu_model ?? null},
      min_gpu_count => ${f.min_gpu_count ?? null}, max_price_hourly => ${f.max_price_hourly ?? null},
      max_price_monthly => ${f.max_price_monthly ?? null}, min_vcpu => ${f.min_vcpu ?? null},
      min_memory_gb => ${f.min_memory_gb ?? null}, country_filter => ${f.country ?? null}, city_filter => ${f.city ?? null},
      continent_filter => ${f.continent ?? null}, available_only => ${availableOnly})`)
}

/** 400 unknown_filter_value when a filter's value can match no offer (private.offer_filter_problem). */
async function rejectUnknownFilterValue(f: OfferFilters): Promise<void> {
  const [row] = await db()<{ filter: string | null }[]>`
    select private.offer_filter_problem(${f.provider ?? null}, ${f.gpu_model ?? null}, ${f.country ?? null}, ${f.city ?? null}, ${f.continent ?? null}) as filter`
  if (row?.filter) {
    const value = f[row.filter as keyof OfferFilters]
    throw new ApiError(400, 'unknown_filter_value', `${row.filter} '${value}' matches nothing the catalog knows`)
  }
}

export async function searchPackages(q: z.infer<typeof PackageQuery>) {
  const embedding = q.q ? toVectorLiteral(await embedQuery(q.q)) : null
  return await withRole('anon', {}, (sql) => sql`
    select * from cloud.search_packages(
      query_text => ${q.q ?? null}, query_embedding => ${embedding}::extensions.vector, match_count => ${q.limit},
      category_filter => ${q.category ?? null}, operator_only => ${q.operator_only}, official_only => ${q.official},
      cncf_only => ${q.cncf}, verified_publisher_only => ${q.verified_publisher}, exclude_deprecated => ${!q.include_deprecated})`)
}

/** Price comparison; an unknown currency (no rate in cloud.currency_rates) is a 400 unknown_currency. */
export async function comparePrices(q: z.infer<typeof CompareQuery>) {
  const currency = q.currency.toUpperCase()
  try {
    return await withRole('anon', {}, (sql) => sql`
      select * from cloud.compare_prices(
        gpu_model_filter => ${q.gpu_model ?? null}, gpu_count_filter => ${q.gpu_count ?? null}, min_vcpu => ${q.min_vcpu ?? null},
        min_memory_gb => ${q.min_memory_gb ?? null}, target_currency => ${currency}, match_count => ${q.limit})`)
  } catch (error) {
    const e = error as { code?: string; hint?: string }
    if (e.code === '22023' && e.hint === 'unknown_currency') {
      throw new ApiError(400, 'unknown_currency', `No exchange rate for currency ${currency}`)
    }
    throw error
  }
}
