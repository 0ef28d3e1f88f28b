-- Every search RPC ranks by a vector through its HNSW index (issue 19). Same signatures and
-- results as before; what changes is how each statement is planned:
--   * plpgsql, one statement per branch (semantic / full text / no query), so the semantic branch's
--     ORDER BY is the bare distance expression an HNSW index can serve (the old
--     `case when query_embedding is not null then distance end` could not be);
--   * plan_cache_mode = force_custom_plan: each call is planned with its arguments' values (LIMIT
--     known, unused filters folded away), never with a generic plan;
--   * enable_seqscan off around the semantic statement only: pgvector 0.8 costs an HNSW scan above a
--     sequential scan + top-N sort of a table of a few 10,000 rows whose vectors live in TOAST (the
--     sort's cost leaves out reading every 6 KB vector), so the planner would otherwise read every
--     vector; index scans on the filter columns (btree, bitmap) stay open to the planner, so a very
--     selective filter can still be answered exactly from its own index;
--   * jit off: a LIMIT-k search never repays compiling its plan (the old generic plans paid
--     JIT on every call on the real engine);
--   * hnsw.iterative_scan = relaxed_order (pgvector >= 0.8; PGlite's pgvector is 0.8 too) keeps
--     "k rows whenever k rows match" under selective filters; results are re-sorted by distance.
-- The settings are SET clauses of the functions (restored when the function returns) except
-- enable_seqscan, set and restored around the one statement with set_config (a transaction or
-- savepoint that aborts restores it too).

-- Shared primitive: cosine top-k with an optional jsonb containment filter.
create or replace function private.match_vectors(
  target regclass,
  id_column text,
  vector_column text,
  query_embedding extensions.vector,
  match_count integer default 10,
  filter jsonb default '{}'
)
returns table (id text, similarity double precision)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
as $$
declare
  seqscan text := current_setting('enable_seqscan');
begin
  perform set_config('enable_seqscan', 'off', true);
  return query execute format(
    'with ranked as materialized (
       select t.%1$I::text as id, t.%2$I operator(extensions.<=>) $1 as distance
       from %3$s t
       where t.%2$I is not null %4$s
       order by t.%2$I operator(extensions.<=>) $1
       limit $3)
     select r.id, 1 - r.distance from ranked r order by r.distance',
    id_column, vector_column, target,
    case when coalesce(filter, '{}'::jsonb) = '{}'::jsonb then '' else 'and to_jsonb(t) @> $2' end)
  using query_embedding, coalesce(filter, '{}'::jsonb), match_count;
  perform set_config('enable_seqscan', seqscan, true);
end;
$$;
comment on function private.match_vectors(regclass, text, text, extensions.vector, integer, jsonb) is
  'Cosine top-k over target.vector_column (HNSW, iterative scan): ids and similarity (1 = identical). filter = jsonb the row must contain.';

-- Shared primitive: hybrid search (full text + vector, reciprocal rank fusion).
create or replace function private.hybrid_search(
  target regclass,
  id_column text,
  fts_column text,
  vector_column text,
  query_text text,
  query_embedding extensions.vector,
  match_count integer default 10,
  full_text_weight double precision default 1,
  semantic_weight double precision default 1,
  rrf_k integer default 50,
  filter jsonb default '{}',
  text_config regconfig default 'english'
)
returns table (id text, score double precision, full_text_rank bigint, semantic_rank bigint)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
as $$
declare
  seqscan text := current_setting('enable_seqscan');
  row_filter text := case when coalesce(filter, '{}'::jsonb) = '{}'::jsonb then '' else 'and to_jsonb(t) @> $6' end;
begin
  perform set_config('enable_seqscan', 'off', true);
  return query execute format(
    'with full_text as (
       select t.%1$I::text as id,
              row_number() over (order by ts_rank_cd(t.%2$I, websearch_to_tsquery($7, $1)) desc) as rank_ix
       from %4$s t
       where t.%2$I @@ websearch_to_tsquery($7, $1) %5$s
       order by rank_ix
       limit $3 * 2),
     semantic as (
       select s.id, row_number() over (order by s.distance) as rank_ix
       from (select t.%1$I::text as id, t.%3$I operator(extensions.<=>) $2 as distance
             from %4$s t
             where t.%3$I is not null %5$s
             order by t.%3$I operator(extensions.<=>) $2
             limit $3 * 2) s)
     select coalesce(f.id, s.id),
            coalesce(1.0 / ($5 + f.rank_ix), 0.0) * $8 + coalesce(1.0 / ($5 + s.rank_ix), 0.0) * $9,
            f.rank_ix, s.rank_ix
     from full_text f full outer join semantic s on f.id = s.id
     order by 2 desc, 1
     limit $3',
    id_column, fts_column, vector_column, target, row_filter)
  using query_text, query_embedding, match_count, null, rrf_k, coalesce(filter, '{}'::jsonb), text_config,
        full_text_weight, semantic_weight;
  perform set_config('enable_seqscan', seqscan, true);
end;
$$;
comment on function private.hybrid_search(regclass, text, text, text, text, extensions.vector, integer, double precision, double precision, integer, jsonb, regconfig) is
  'Hybrid search (full-text + vector, reciprocal rank fusion) over target: ids with fused score and each rank.';

-- Catalog: instance search. Semantic (HNSW) when a query embedding is given, else cheapest first
-- (instances_price_monthly_idx); the same filters in both.
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
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
as $$
#variable_conflict use_column
declare
  seqscan text := current_setting('enable_seqscan');
  k integer := greatest(match_count, 0);
  located boolean := coalesce(country_filter, city_filter, continent_filter) is not null;
begin
  if query_embedding is null then
    return query
      select i.id, i.provider, i.instance_id, i.name, i.cpu_cores, i.memory_gb, i.gpu_count, i.gpu_model, i.gpu_memory_gb,
             i.price_hourly, i.price_monthly, i.price_currency, i.regions, i.available, null::double precision
      from cloud.instances i
      where (not available_only or i.available)
        and (provider_filter is null or i.provider = lower(provider_filter))
        and (gpu_model_filter is null or lower(i.gpu_model) = lower(gpu_model_filter))
        and (min_gpu_count is null or i.gpu_count >= min_gpu_count)
        and (max_price_hourly is null or i.price_hourly <= max_price_hourly)
        and (max_price_monthly is null or i.price_monthly <= max_price_monthly)
        and (min_vcpu is null or i.cpu_cores >= min_vcpu)
        and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
        and (not located or exists (
          select 1 from cloud.regions r
          where r.provider = i.provider and i.regions ? r.region_id
            and (country_filter is null or r.country = country_filter)
            and (city_filter is null or r.city = city_filter)
            and (continent_filter is null or r.continent = continent_filter)))
      order by i.price_monthly nulls last, i.id
      limit k;
    return;
  end if;

  perform set_config('enable_seqscan', 'off', true);
  return query
    with matches as materialized (
      select i.id, i.provider, i.instance_id, i.name, i.cpu_cores, i.memory_gb, i.gpu_count, i.gpu_model, i.gpu_memory_gb,
             i.price_hourly, i.price_monthly, i.price_currency, i.regions, i.available,
             i.embedding operator(extensions.<=>) query_embedding as distance
      from cloud.instances i
      where i.embedding is not null
        and (not available_only or i.available)
        and (provider_filter is null or i.provider = lower(provider_filter))
        and (gpu_model_filter is null or lower(i.gpu_model) = lower(gpu_model_filter))
        and (min_gpu_count is null or i.gpu_count >= min_gpu_count)
        and (max_price_hourly is null or i.price_hourly <= max_price_hourly)
        and (max_price_monthly is null or i.price_monthly <= max_price_monthly)
        and (min_vcpu is null or i.cpu_cores >= min_vcpu)
        and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
        and (not located or exists (
          select 1 from cloud.regions r
          where r.provider = i.provider and i.regions ? r.region_id
            and (country_filter is null or r.country = country_filter)
            and (city_filter is null or r.city = city_filter)
            and (continent_filter is null or r.continent = continent_filter)))
      order by i.embedding operator(extensions.<=>) query_embedding
      limit k
    )
    select m.id, m.provider, m.instance_id, m.name, m.cpu_cores, m.memory_gb, m.gpu_count, m.gpu_model, m.gpu_memory_gb,
           m.price_hourly, m.price_monthly, m.price_currency, m.regions, m.available, 1 - m.distance
    from matches m
    order by m.distance, m.price_monthly nulls last, m.id;
  perform set_config('enable_seqscan', seqscan, true);
end;
$$;
comment on function cloud.search_instances is 'Instance search: semantic (query_embedding of the offer description) or cheapest first, with provider, GPU, price, vCPU, memory, location and availability filters. Returns match_count rows whenever that many match.';

-- Catalog: hybrid package search. Full text (search_tsv, GIN) and the description, README and
-- keywords embeddings (one HNSW index each), fused by reciprocal rank fusion; ties go to the
-- package with more stars. Without a query: the most starred packages that pass the filters.
create or replace function cloud.search_packages(
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
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
as $$
#variable_conflict use_column
declare
  seqscan text := current_setting('enable_seqscan');
  sort text := current_setting('enable_sort');
begin
  if query_text is null and query_embedding is null then
    return query
      select p.package_id, p.name, p.description, p.version, p.category, p.is_operator, p.official, p.cncf,
             p.repository_verified_publisher, p.deprecated, p.stars, 0::double precision
      from cloud.bitnami_packages p
      where (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
        and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
        and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
      order by p.stars desc, p.name
      limit match_count;
    return;
  end if;

  -- The rankers' filters (not deprecated, category, flags) have btree indexes the planner would
  -- read and sort instead of walking each HNSW index: with a query embedding, no sequential scan and
  -- no sort where an index gives the order (the full-text rank and the fusion still sort their
  -- few rows, whatever the plan).
  if query_embedding is not null then
    perform set_config('enable_seqscan', 'off', true);
    perform set_config('enable_sort', 'off', true);
  end if;
  -- Each ranker reads the table itself with the filters inline, ordered by its own index's
  -- expression (a shared CTE would be scanned in full by every ranker).
  return query
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
        select f.package_id, f.rank_ix, full_text_weight as w from full_text f
        union all select d.package_id, d.rank_ix, semantic_weight / 3 from by_description d
        union all select d.package_id, d.rank_ix, semantic_weight / 3 from by_readme d
        union all select d.package_id, d.rank_ix, semantic_weight / 3 from by_keywords d
      ) r group by r.package_id
    )
    select p.package_id, p.name, p.description, p.version, p.category, p.is_operator, p.official, p.cncf,
           p.repository_verified_publisher, p.deprecated, p.stars, f.score
    from fused f join cloud.bitnami_packages p on p.package_id = f.package_id
    order by f.score desc, p.stars desc, p.name
    limit match_count;
  perform set_config('enable_seqscan', seqscan, true);
  perform set_config('enable_sort', sort, true);
end;
$$;
comment on function cloud.search_packages is 'Hybrid package search (full text + description/README/keywords embeddings, RRF) with category, operator, official, CNCF, verified-publisher and deprecation filters; ties by stars.';

-- Sites: passages of one domain for a question with its embedding: HNSW similarity fused (RRF) with
-- the full-text rank (GIN), the domain as the filter of both.
create or replace function sites.search_embeddings(query text, query_embedding extensions.vector, domain text, k integer default 10)
returns table (id uuid, page_id uuid, url text, title text, chunk_text text, similarity double precision, score double precision, metadata jsonb)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
as $$
#variable_conflict use_column
declare
  seqscan text := current_setting('enable_seqscan');
  sort text := current_setting('enable_sort');
  target uuid;
  depth integer := greatest(coalesce(k, 10), 1) * 4;
begin
  -- One claim of the host: the caller's own (RLS), or for the service role the verified claim
  -- (sites.domains.verified_at, 20261202070000), never several tenants' passages at once.
  select d.id into target from sites.domains d where d.domain = lower(search_embeddings.domain)
  order by (to_jsonb(d) ->> 'verified_at') is null, d.created_at, d.id
  limit 1;
  if target is null then
    return;
  end if;
  -- A domain of more than 2,000 passages is ranked through the HNSW index (iterative scan within the
  -- domain); a smaller one exactly, from the domain's btree index (2,000 distances cost less than
  -- walking the graph past other domains' passages). The planner alone costs the HNSW scan above a
  -- sort of the whole domain, hence enable_sort off for the large case.
  perform set_config('enable_seqscan', 'off', true);
  if (select count(*) from (select 1 from sites.page_embeddings e where e.domain_id = target limit 2001) s) > 2000 then
    perform set_config('enable_sort', 'off', true);
  end if;
  return query
    with semantic as materialized (
      select s.id, row_number() over (order by s.distance) as rank
      from (
        select e.id, e.embedding operator(extensions.<=>) query_embedding as distance
        from sites.page_embeddings e
        where e.domain_id = target and e.embedding is not null
        order by e.embedding operator(extensions.<=>) query_embedding
        limit depth
      ) s
    ),
    lexical as materialized (
      select l.id, row_number() over (order by l.rank_cd desc) as rank
      from (
        select e.id, ts_rank_cd(e.fts, q) as rank_cd
        from sites.page_embeddings e, websearch_to_tsquery('english', query) q
        where e.domain_id = target and e.fts operator(pg_catalog.@@) q
        order by ts_rank_cd(e.fts, q) desc
        limit depth
      ) l
    ),
    fused as (
      select coalesce(s.id, l.id) as id,
             coalesce(1.0 / (50 + s.rank), 0) + coalesce(1.0 / (50 + l.rank), 0) as score
      from semantic s full join lexical l on l.id = s.id
    )
    select e.id, e.page_id, coalesce(e.metadata ->> 'url', p.url), coalesce(e.metadata ->> 'title', p.title), e.chunk_text,
           case when e.embedding is null then null else 1 - (e.embedding operator(extensions.<=>) query_embedding) end,
           f.score::double precision, e.metadata
    from fused f
    join sites.page_embeddings e on e.id = f.id
    join sites.scraped_pages p on p.id = e.page_id
    order by f.score desc, e.id
    limit k;
  perform set_config('enable_seqscan', seqscan, true);
  perform set_config('enable_sort', sort, true);
end;
$$;
comment on function sites.search_embeddings(text, extensions.vector, text, integer) is 'Top-k passages of one domain for a question: HNSW similarity to query_embedding fused (RRF) with full-text rank of query.';

-- Sites, text only (seed 003's signature): the best full-text hit's own embedding stands in for the
-- query's (pseudo-relevance feedback) and the vector overload above ranks; without any full-text
-- hit, trigram similarity within the domain.
create or replace function sites.search_embeddings(query text, domain text, k integer default 10)
returns table (id uuid, page_id uuid, url text, title text, chunk_text text, similarity double precision, score double precision, metadata jsonb)
language plpgsql
stable
set search_path = ''
set plan_cache_mode = 'force_custom_plan'
set jit = off
as $$
#variable_conflict use_column
declare
  target uuid;
  anchor extensions.vector;
begin
  -- One claim of the host: the caller's own (RLS), or for the service role the verified claim
  -- (sites.domains.verified_at, 20261202070000), never several tenants' passages at once.
  select d.id into target from sites.domains d where d.domain = lower(search_embeddings.domain)
  order by (to_jsonb(d) ->> 'verified_at') is null, d.created_at, d.id
  limit 1;
  if target is null then
    return;
  end if;
  select e.embedding into anchor
  from sites.page_embeddings e
  where e.domain_id = target and e.fts operator(pg_catalog.@@) websearch_to_tsquery('english', query) and e.embedding is not null
  order by ts_rank_cd(e.fts, websearch_to_tsquery('english', query)) desc
  limit 1;
  if anchor is not null then
    return query select * from sites.search_embeddings(query, anchor, domain, k);
    return;
  end if;
  return query
    select e.id, e.page_id, coalesce(e.metadata ->> 'url', p.url), coalesce(e.metadata ->> 'title', p.title), e.chunk_text,
           null::double precision, extensions.word_similarity(query, e.chunk_text)::double precision, e.metadata
    from sites.page_embeddings e
    join sites.scraped_pages p on p.id = e.page_id
    where e.domain_id = target and extensions.word_similarity(query, e.chunk_text) > 0.3
    order by 7 desc, e.id
    limit k;
end;
$$;
comment on function sites.search_embeddings(text, text, integer) is 'Top-k passages of one domain for a text query (seed 003''s signature): full-text rank fused with vector similarity to the best full-text hit.';
