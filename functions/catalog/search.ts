// The read endpoints: instance search, package search, price comparison. They run the cloud
// schema's RPCs as the anon role, so the function reads exactly what a supabase-js client may.
import type { z } from 'zod'
import { withRole } from '../_shared/db.ts'
import { embedQuery, toVectorLiteral } from '../_shared/embeddings/provider.ts'
import type { CompareQuery, InstanceQuery, PackageQuery } from './schemas.ts'

export async function searchInstances(q: z.infer<typeof InstanceQuery>) {
  const embedding = q.q ? toVectorLiteral(await embedQuery(q.q)) : null
  return await withRole('anon', {}, (sql) => sql`
    select * from cloud.search_instances(
      query_embedding => ${embedding}::extensions.vector, match_count => ${q.limit},
      provider_filter => ${q.provider ?? null}, gpu_model_filter => ${q.gpu_model ?? null},
      min_gpu_count => ${q.min_gpu_count ?? null}, max_price_hourly => ${q.max_price_hourly ?? null},
      max_price_monthly => ${q.max_price_monthly ?? null}, min_vcpu => ${q.min_vcpu ?? null},
      min_memory_gb => ${q.min_memory_gb ?? null}, country_filter => ${q.country ?? null}, city_filter => ${q.city ?? null},
      continent_filter => ${q.continent ?? null}, available_only => ${q.available_only})`)
}

export async function searchPackages(q: z.infer<typeof PackageQuery>) {
  const embedding = q.q ? toVectorLiteral(await embedQuery(q.q)) : null
  return await withRole('anon', {}, (sql) => sql`
    select * from cloud.search_packages(
      query_text => ${q.q ?? null}, query_embedding => ${embedding}::extensions.vector, match_count => ${q.limit},
      category_filter => ${q.category ?? null}, operator_only => ${q.operator_only}, official_only => ${q.official},
      cncf_only => ${q.cncf}, verified_publisher_only => ${q.verified_publisher}, exclude_deprecated => ${!q.include_deprecated})`)
}

export async function comparePrices(q: z.infer<typeof CompareQuery>) {
  return await withRole('anon', {}, (sql) => sql`
    select * from cloud.compare_prices(
      gpu_model_filter => ${q.gpu_model ?? null}, gpu_count_filter => ${q.gpu_count ?? null}, min_vcpu => ${q.min_vcpu ?? null},
      min_memory_gb => ${q.min_memory_gb ?? null}, target_currency => ${q.currency.toUpperCase()}, match_count => ${q.limit})`)
}
