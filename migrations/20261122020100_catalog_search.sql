-- Catalog search RPCs, callable from supabase-js (.schema('cloud').rpc(...)) and from the catalog
-- function. SECURITY INVOKER: they read only what the caller may read (the catalog is public).
-- HNSW iterative scans keep "k rows whenever k rows match" true under selective filters.

-- Instance search: semantic when a query embedding is given (else cheapest first), with filters.
create function cloud.search_instances(
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
language sql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
as $$
  with matches as materialized (
    select i.*, case when query_embedding is null then null
                     else i.embedding operator(extensions.<=>) query_embedding end as distance
    from cloud.instances i
    where (not available_only or i.available)
      and (provider_filter is null or i.provider = lower(provider_filter))
      and (gpu_model_filter is null or lower(i.gpu_model) = lower(gpu_model_filter))
      and (min_gpu_count is null or i.gpu_count >= min_gpu_count)
      and (max_price_hourly is null or i.price_hourly <= max_price_hourly)
      and (max_price_monthly is null or i.price_monthly <= max_price_monthly)
      and (min_vcpu is null or i.cpu_cores >= min_vcpu)
      and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
      and (query_embedding is null or i.embedding is not null)
      and (coalesce(country_filter, city_filter, continent_filter) is null or exists (
        select 1 from cloud.regions r
        where r.provider = i.provider and i.regions ? r.region_id
          and (country_filter is null or r.country = country_filter)
          and (city_filter is null or r.city = city_filter)
          and (continent_filter is null or r.continent = continent_filter)))
    order by
      case when query_embedding is not null then i.embedding operator(extensions.<=>) query_embedding end,
      i.price_monthly nulls last, i.id
    limit greatest(match_count, 0)
  )
  select m.id, m.provider, m.instance_id, m.name, m.cpu_cores, m.memory_gb, m.gpu_count, m.gpu_model, m.gpu_memory_gb,
         m.price_hourly, m.price_monthly, m.price_currency, m.regions, m.available, 1 - m.distance
  from matches m
  order by m.distance nulls last, m.price_monthly nulls last, m.id;
$$;
comment on function cloud.search_instances is 'Instance search: semantic (query_embedding of the offer description) or cheapest first, with provider, GPU, price, vCPU, memory, location and availability filters. Returns match_count rows whenever that many match.';

-- Package search: hybrid. Full text (search_tsv) and the description, README and keywords
-- embeddings, fused by reciprocal rank fusion; ties go to the package with more stars.
create function cloud.search_packages(
  query_text text default null,
  query_embedding extensions.vector(1536) default null,
  match_count integer default 10,
  category_filter integer default null,
  operator_only boolean default false,
  official_only boolean default false,
  cncf_only boolean default false,
  verified_publisher_only boolean default false,
  exclude_deprecated boolean default true,
  full_text_weight double precision default 1,
  semantic_weight double precision default 1,
  rrf_k integer default 50
)
returns table (
  package_id uuid,
  name text,
  description text,
  version text,
  category integer,
  is_operator boolean,
  official boolean,
  cncf boolean,
  repository_verified_publisher boolean,
  deprecated boolean,
  stars integer,
  score double precision
)
language sql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
as $$
  -- Each ranker reads the table itself with the filters inline (a shared CTE would be scanned
  -- in full by every ranker and keep the HNSW indexes out of reach).
  with full_text as (
    select p.package_id, row_number() over (order by ts_rank_cd(p.search_tsv, websearch_to_tsquery('english', query_text)) desc, p.stars desc) as rank_ix
    from cloud.bitnami_packages p
    where query_text is not null and p.search_tsv @@ websearch_to_tsquery('english', query_text)
      and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
      and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
      and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
    order by rank_ix limit match_count * 2
  ),
  by_description as (
    select x.package_id, row_number() over (order by x.d) as rank_ix from (
      select p.package_id, p.description_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
      where query_embedding is not null and p.description_embedding is not null
        and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
        and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
        and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
      order by p.description_embedding operator(extensions.<=>) query_embedding limit match_count * 2) x
  ),
  by_readme as (
    select x.package_id, row_number() over (order by x.d) as rank_ix from (
      select p.package_id, p.readme_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
      where query_embedding is not null and p.readme_embedding is not null
        and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
        and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
        and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
      order by p.readme_embedding operator(extensions.<=>) query_embedding limit match_count * 2) x
  ),
  by_keywords as (
    select x.package_id, row_number() over (order by x.d) as rank_ix from (
      select p.package_id, p.keywords_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
      where query_embedding is not null and p.keywords_embedding is not null
        and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
        and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
        and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
      order by p.keywords_embedding operator(extensions.<=>) query_embedding limit match_count * 2) x
  ),
  fused as (
    select r.package_id, sum(r.w / (rrf_k + r.rank_ix)) as score from (
      select package_id, rank_ix, full_text_weight as w from full_text
      union all select package_id, rank_ix, semantic_weight / 3 from by_description
      union all select package_id, rank_ix, semantic_weight / 3 from by_readme
      union all select package_id, rank_ix, semantic_weight / 3 from by_keywords
    ) r group by r.package_id
  ),
  ranked as (
    -- Without a query, the most starred packages that pass the filters.
    select f.package_id, f.score from fused f
    union all
    select p.package_id, 0 from cloud.bitnami_packages p
    where query_text is null and query_embedding is null
      and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
      and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
      and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
  )
  select p.package_id, p.name, p.description, p.version, p.category, p.is_operator, p.official, p.cncf,
         p.repository_verified_publisher, p.deprecated, p.stars, r.score
  from ranked r join cloud.bitnami_packages p on p.package_id = r.package_id
  order by r.score desc, p.stars desc, p.name
  limit match_count;
$$;
comment on function cloud.search_packages is 'Hybrid package search (full text + description/README/keywords embeddings, RRF) with category, operator, official, CNCF, verified-publisher and deprecation filters; ties by stars.';

-- Price comparison: the cheapest matching offer of each provider, converted to one currency.
create function cloud.compare_prices(
  gpu_model_filter text default null,
  gpu_count_filter integer default null,
  min_vcpu integer default null,
  min_memory_gb numeric default null,
  target_currency char(3) default 'USD',
  match_count integer default 20
)
returns table (
  provider varchar,
  instance_id varchar,
  name varchar,
  cpu_cores integer,
  memory_gb numeric,
  gpu_count integer,
  gpu_model varchar,
  price_hourly numeric,
  price_monthly numeric,
  currency char(3),
  original_price_monthly numeric,
  original_currency char(3),
  locations text[]
)
language sql
stable
set search_path = ''
as $$
  with target as (select r.per_usd from cloud.currency_rates r where r.currency = upper(target_currency)),
  offers as (
    select distinct on (i.provider)
      i.*, src.per_usd as src_per_usd
    from cloud.instances i
    join cloud.currency_rates src on src.currency = i.price_currency
    where i.available
      and (gpu_model_filter is null or lower(i.gpu_model) = lower(gpu_model_filter))
      and (gpu_count_filter is null or i.gpu_count = gpu_count_filter)
      and (min_vcpu is null or i.cpu_cores >= min_vcpu)
      and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
      and i.price_monthly is not null
    order by i.provider, i.price_monthly / src.per_usd, i.id
  )
  select o.provider, o.instance_id, o.name, o.cpu_cores, o.memory_gb, o.gpu_count, o.gpu_model,
         round(o.price_hourly / o.src_per_usd * t.per_usd, 6),
         round(o.price_monthly / o.src_per_usd * t.per_usd, 4),
         upper(target_currency)::char(3),
         o.price_monthly, o.price_currency,
         array(select concat_ws(', ', r.city, r.country) from cloud.regions r
               where r.provider = o.provider and o.regions ? r.region_id order by 1)
  from offers o cross join target t
  order by o.price_monthly / o.src_per_usd, o.provider
  limit match_count;
$$;
comment on function cloud.compare_prices is 'Cheapest available offer per provider for a GPU model/count or a CPU/memory shape, monthly and hourly, converted to target_currency (cloud.currency_rates); empty for an unknown currency.';

revoke all on function cloud.search_instances from public;
revoke all on function cloud.search_packages from public;
revoke all on function cloud.compare_prices from public;
grant execute on function cloud.search_instances to anon, authenticated, service_role;
grant execute on function cloud.search_packages to anon, authenticated, service_role;
grant execute on function cloud.compare_prices to anon, authenticated, service_role;
