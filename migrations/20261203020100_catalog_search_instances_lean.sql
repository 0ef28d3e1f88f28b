-- cloud.search_instances, leaner per call (issue 19: first call in a new connection, p50): same
-- signature, results and normalisation as 20261203020000.
--   * an unfiltered semantic call runs one statement on cloud.instances alone (no filter clauses to
--     plan, no cloud.regions to open, no helper to look up);
--   * the normalisation helpers run only for the filters given;
--   * enable_seqscan off is a SET clause of the function instead of two set_config statements per
--     call (the other statements read tiny tables or their own indexes: cloud.regions, 234 rows, and
--     cloud.currency_rates by its key; the cheapest-first branch reads the price index anyway);
--     enable_sort off stays around the unfiltered semantic statement only.

create or replace function cloud.search_instances(
  query_embedding extensions.vector(1536) default null,
  match_count integer default 10,
  provider_filter text default null,
  gpu_model_filter text default null,
  min_gpu_count integer default null,
  max_price_hourly numeric default null,
  max_price_monthly numeric default null,
  min_vcpu integer default null,
  min_memory_gb numeric default null,
  country_filter text default null,
  city_filter text default null,
  continent_filter text default null,
  available_only boolean default true
)
returns table (
  id uuid,
  provider varchar,
  instance_id varchar,
  name varchar,
  cpu_cores integer,
  memory_gb numeric,
  gpu_count integer,
  gpu_model varchar,
  gpu_memory_gb integer,
  price_hourly numeric,
  price_monthly numeric,
  price_currency char(3),
  regions jsonb,
  available boolean,
  similarity double precision
)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 150
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
set enable_seqscan = off
as $$
#variable_conflict use_column
declare
  k integer := greatest(match_count, 0);
  provider_key text;
  gpu_key text;
  gpu_memory integer;
  -- The location filters as the regions spell them (resolved once; none: nothing can match).
  continents text[];
  countries text[];
  cities text[];
  located boolean := coalesce(country_filter, city_filter, continent_filter) is not null;
  sort text;
begin
  if k = 0 then
    return;
  end if;

  -- Unfiltered semantic search: one lean statement, the HNSW scan and nothing else (at these
  -- ef_search values pgvector costs it above a full index scan + top-N sort: sorting is disabled
  -- around this statement only).
  if query_embedding is not null and num_nonnulls(provider_filter, gpu_model_filter, min_gpu_count, max_price_hourly,
       max_price_monthly, min_vcpu, min_memory_gb, country_filter, city_filter, continent_filter) = 0 then
    sort := current_setting('enable_sort');
    perform set_config('enable_sort', 'off', true);
    return query
      with matches as materialized (
        select i.id, i.provider, i.instance_id, i.name, i.cpu_cores, i.memory_gb, i.gpu_count, i.gpu_model, i.gpu_memory_gb,
               i.price_hourly, i.price_monthly, i.price_currency, i.regions, i.available,
               i.embedding operator(extensions.<=>) query_embedding as distance
        from cloud.instances i
        where i.embedding is not null and (not available_only or i.available)
        order by i.embedding operator(extensions.<=>) query_embedding
        limit k
      )
      select m.id, m.provider, m.instance_id, m.name, m.cpu_cores, m.memory_gb, m.gpu_count, m.gpu_model, m.gpu_memory_gb,
             m.price_hourly, m.price_monthly, m.price_currency, m.regions, m.available, 1 - m.distance
      from matches m
      order by m.distance, m.price_monthly nulls last, m.id;
    perform set_config('enable_sort', sort, true);
    return;
  end if;

  -- Normalised filter values; the helpers run only for the filters given.
  if provider_filter is not null then
    provider_key := pg_catalog.lower(pg_catalog.btrim(provider_filter));
  end if;
  if gpu_model_filter is not null then
    gpu_key := private.gpu_model_key(gpu_model_filter);
    if gpu_key is null then
      return;
    end if;
    gpu_memory := private.gpu_model_memory_gb(gpu_model_filter);
  end if;
  if located then
    select array_agg(distinct r.continent) filter (where continent_filter is not null and pg_catalog.lower(r.continent) = private.continent_key(continent_filter)),
           array_agg(distinct r.country) filter (where country_filter is not null and pg_catalog.lower(r.country) = any (private.country_spellings(country_filter))),
           array_agg(distinct r.city) filter (where city_filter is not null and pg_catalog.lower(r.city) = pg_catalog.lower(pg_catalog.btrim(city_filter)))
      into continents, countries, cities
      from cloud.regions r;
    if (continent_filter is not null and continents is null) or (country_filter is not null and countries is null)
       or (city_filter is not null and cities is null) then
      return;
    end if;
  end if;

  if query_embedding is null then
    -- Cheapest first in USD: the cheapest k of each currency (price index), merged after conversion.
    return query
      select c.id, c.provider, c.instance_id, c.name, c.cpu_cores, c.memory_gb, c.gpu_count, c.gpu_model, c.gpu_memory_gb,
             c.price_hourly, c.price_monthly, c.price_currency, c.regions, c.available, null::double precision
      from cloud.currency_rates cur
      cross join lateral (
        select i.id, i.provider, i.instance_id, i.name, i.cpu_cores, i.memory_gb, i.gpu_count, i.gpu_model, i.gpu_memory_gb,
               i.price_hourly, i.price_monthly, i.price_currency, i.regions, i.available
        from cloud.instances i
        where i.price_currency = cur.currency
          and (not available_only or i.available)
          and (provider_filter is null or i.provider = provider_key)
          and (gpu_model_filter is null or private.gpu_model_key(i.gpu_model) = gpu_key)
          and (gpu_memory is null or i.gpu_memory_gb = gpu_memory or i.gpu_memory_gb = gpu_memory * i.gpu_count)
          and (min_gpu_count is null or i.gpu_count >= min_gpu_count)
          and (max_price_hourly is null or i.price_hourly <= max_price_hourly)
          and (max_price_monthly is null or i.price_monthly <= max_price_monthly)
          and (min_vcpu is null or i.cpu_cores >= min_vcpu)
          and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
          and (not located or exists (
            select 1 from cloud.regions r
            where r.provider = i.provider and i.regions ? r.region_id
              and (continents is null or r.continent = any (continents))
              and (countries is null or r.country = any (countries))
              and (cities is null or r.city = any (cities))))
        order by i.price_monthly nulls last, i.id
        limit k
      ) c
      order by c.price_monthly / cur.per_usd nulls last, c.id
      limit k;
    return;
  end if;

  -- Filtered semantic search: the HNSW index with the filters applied during an iterative scan,
  -- or, for a selective filter, its own index and a sort of the few rows it finds (exact).
  return query
    with matches as materialized (
      select i.id, i.provider, i.instance_id, i.name, i.cpu_cores, i.memory_gb, i.gpu_count, i.gpu_model, i.gpu_memory_gb,
             i.price_hourly, i.price_monthly, i.price_currency, i.regions, i.available,
             i.embedding operator(extensions.<=>) query_embedding as distance
      from cloud.instances i
      where i.embedding is not null
        and (not available_only or i.available)
        and (provider_filter is null or i.provider = provider_key)
        and (gpu_model_filter is null or private.gpu_model_key(i.gpu_model) = gpu_key)
        and (gpu_memory is null or i.gpu_memory_gb = gpu_memory or i.gpu_memory_gb = gpu_memory * i.gpu_count)
        and (min_gpu_count is null or i.gpu_count >= min_gpu_count)
        and (max_price_hourly is null or i.price_hourly <= max_price_hourly)
        and (max_price_monthly is null or i.price_monthly <= max_price_monthly)
        and (min_vcpu is null or i.cpu_cores >= min_vcpu)
        and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
        and (not located or exists (
          select 1 from cloud.regions r
          where r.provider = i.provider and i.regions ? r.region_id
            and (continents is null or r.continent = any (continents))
            and (countries is null or r.country = any (countries))
            and (cities is null or r.city = any (cities))))
      order by i.embedding operator(extensions.<=>) query_embedding
      limit k
    )
    select m.id, m.provider, m.instance_id, m.name, m.cpu_cores, m.memory_gb, m.gpu_count, m.gpu_model, m.gpu_memory_gb,
           m.price_hourly, m.price_monthly, m.price_currency, m.regions, m.available, 1 - m.distance
    from matches m
    order by m.distance, m.price_monthly nulls last, m.id;
end;
$$;
comment on function cloud.search_instances is 'Instance search: semantic (query_embedding of the offer description) or cheapest first (in USD at cloud.currency_rates), with provider, GPU, price, vCPU, memory, location and availability filters. Filter values in any case; country also as ISO alpha-2/alpha-3 code; GPU model in any spelling (A100, NVIDIA A100, a100-80gb; a memory size narrows to that variant). A value matching nothing gives no rows. Returns match_count rows whenever that many match.';

revoke all on function cloud.search_instances from public;
grant execute on function cloud.search_instances to anon, authenticated, service_role;
