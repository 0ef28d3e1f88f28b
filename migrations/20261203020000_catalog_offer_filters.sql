-- Offer questions understood (issue 18 point 1) and instance search at index speed (issue 19):
-- cloud.search_instances and cloud.compare_prices normalise their filter values for every caller
-- (the catalog function and supabase-js alike):
--   * continent, country and city: any case; country also as ISO 3166-1 alpha-2 or alpha-3 code or
--     a common other name ('DE', 'de', 'DEU', 'Germany', 'UK', 'Holland'), through
--     private.country_codes; continent also 'EU' (Europe);
--   * GPU model: any spelling of the model ('A100', 'a100', 'NVIDIA A100', 'a100-80gb') matches
--     every spelling the providers use ('A100', 'NVIDIA A100', 'NVIDIA A100-SXM4-80GB', ...) through
--     private.gpu_model_key (expression index instances_gpu_model_key_idx). A memory size in the
--     filter ('A100 80GB') narrows to that variant (gpu_memory_gb per GPU, or the machine's total:
--     sources store either); without one, every variant matches (40 GB and 80 GB A100s alike);
--   * provider: any case, surrounding spaces ignored.
-- A filter value that can match nothing (a continent that does not exist, a country code no
-- country has) returns no rows (the RPC does not raise: a client gets []); the catalog function
-- then answers 400 unknown_filter_value, naming the filter (private.offer_filter_problem).
-- compare_prices raises 22023 (hint unknown_currency) for a currency without a rate: clients get
-- an error instead of an empty list that looks like "no offers".
--
-- Cheapest first compares prices in one currency (USD, converted with cloud.currency_rates): the
-- cheapest k of each currency (each from the price index) are merged. Before, EUR prices were
-- compared as if they were USD.
--
-- Semantic branch: ef_search 150 (recall@10 by distance on the full volume, 20 queries: 0.95 at
-- 100, 0.99 at 150, 0.99-1.00 at 200 at a third more time), and, unfiltered, enable_sort off beside
-- enable_seqscan off around that one statement only: at these ef_search values pgvector costs the
-- index scan above a full index scan + top-N sort of every row. With filters sorting stays allowed:
-- a selective filter (one provider's GPUs: 1.6 % of rows) is answered exactly from its own index.

-- Countries: the codes and names the country filter accepts (the names cloud.regions uses).
create table private.country_codes (
  alpha2 char(2) primary key check (alpha2 ~ '^[A-Z]{2}$'),
  alpha3 char(3) not null unique check (alpha3 ~ '^[A-Z]{3}$'),
  name text not null unique,
  aliases text[] not null default '{}'
);
comment on table private.country_codes is 'ISO 3166-1 codes, English short name (as cloud.regions spells it) and other names of the countries the catalog filters by. Kept equal to functions/catalog/locations.ts.';
revoke all on private.country_codes from public, anon, authenticated;

insert into private.country_codes (alpha2, alpha3, name, aliases) values
  ('AE', 'ARE', 'United Arab Emirates', '{UAE,Emirates}'), ('AR', 'ARG', 'Argentina', '{}'), ('AT', 'AUT', 'Austria', '{}'),
  ('AU', 'AUS', 'Australia', '{}'), ('BE', 'BEL', 'Belgium', '{}'), ('BG', 'BGR', 'Bulgaria', '{}'), ('BH', 'BHR', 'Bahrain', '{}'),
  ('BR', 'BRA', 'Brazil', '{}'), ('CA', 'CAN', 'Canada', '{}'), ('CH', 'CHE', 'Switzerland', '{}'), ('CL', 'CHL', 'Chile', '{}'),
  ('CN', 'CHN', 'China', '{}'), ('CO', 'COL', 'Colombia', '{}'), ('CY', 'CYP', 'Cyprus', '{}'), ('CZ', 'CZE', 'Czechia', '{Czech Republic}'),
  ('DE', 'DEU', 'Germany', '{Deutschland}'), ('DK', 'DNK', 'Denmark', '{}'), ('EE', 'EST', 'Estonia', '{}'), ('EG', 'EGY', 'Egypt', '{}'),
  ('ES', 'ESP', 'Spain', '{}'), ('FI', 'FIN', 'Finland', '{}'), ('FR', 'FRA', 'France', '{}'),
  ('GB', 'GBR', 'United Kingdom', '{UK,Great Britain,Britain,England}'), ('GR', 'GRC', 'Greece', '{}'), ('HK', 'HKG', 'Hong Kong', '{}'),
  ('HR', 'HRV', 'Croatia', '{}'), ('HU', 'HUN', 'Hungary', '{}'), ('ID', 'IDN', 'Indonesia', '{}'), ('IE', 'IRL', 'Ireland', '{}'),
  ('IL', 'ISR', 'Israel', '{}'), ('IN', 'IND', 'India', '{}'), ('IS', 'ISL', 'Iceland', '{}'), ('IT', 'ITA', 'Italy', '{}'),
  ('JP', 'JPN', 'Japan', '{}'), ('KE', 'KEN', 'Kenya', '{}'), ('KR', 'KOR', 'South Korea', '{Korea,Republic of Korea}'),
  ('KW', 'KWT', 'Kuwait', '{}'), ('KZ', 'KAZ', 'Kazakhstan', '{}'), ('LT', 'LTU', 'Lithuania', '{}'), ('LU', 'LUX', 'Luxembourg', '{}'),
  ('LV', 'LVA', 'Latvia', '{}'), ('MA', 'MAR', 'Morocco', '{}'), ('MX', 'MEX', 'Mexico', '{}'), ('MY', 'MYS', 'Malaysia', '{}'),
  ('NG', 'NGA', 'Nigeria', '{}'), ('NL', 'NLD', 'Netherlands', '{Holland,The Netherlands}'), ('NO', 'NOR', 'Norway', '{}'),
  ('NZ', 'NZL', 'New Zealand', '{}'), ('OM', 'OMN', 'Oman', '{}'), ('PE', 'PER', 'Peru', '{}'), ('PH', 'PHL', 'Philippines', '{}'),
  ('PK', 'PAK', 'Pakistan', '{}'), ('PL', 'POL', 'Poland', '{}'), ('PT', 'PRT', 'Portugal', '{}'), ('QA', 'QAT', 'Qatar', '{}'),
  ('RO', 'ROU', 'Romania', '{}'), ('RS', 'SRB', 'Serbia', '{}'), ('SA', 'SAU', 'Saudi Arabia', '{}'), ('SE', 'SWE', 'Sweden', '{}'),
  ('SG', 'SGP', 'Singapore', '{}'), ('SI', 'SVN', 'Slovenia', '{}'), ('SK', 'SVK', 'Slovakia', '{}'), ('TH', 'THA', 'Thailand', '{}'),
  ('TR', 'TUR', 'Türkiye', '{Turkey}'), ('TW', 'TWN', 'Taiwan', '{}'), ('UA', 'UKR', 'Ukraine', '{}'),
  ('US', 'USA', 'United States', '{United States of America}'), ('UY', 'URY', 'Uruguay', '{}'), ('VN', 'VNM', 'Vietnam', '{}'),
  ('ZA', 'ZAF', 'South Africa', '{}');

-- Every lower-case spelling a country filter value stands for: the country's name and other names
-- when the value is a code, name or alias of private.country_codes; else the value itself.
create function private.country_spellings(value text)
returns text[]
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select array_append(array(select pg_catalog.lower(a) from unnest(c.aliases) a), pg_catalog.lower(c.name))
     from private.country_codes c
     where c.alpha2 = pg_catalog.upper(pg_catalog.btrim(value)) or c.alpha3 = pg_catalog.upper(pg_catalog.btrim(value))
        or pg_catalog.lower(c.name) = pg_catalog.lower(pg_catalog.btrim(value))
        or pg_catalog.lower(pg_catalog.btrim(value)) = any (array(select pg_catalog.lower(a) from unnest(c.aliases) a))
     limit 1),
    array[pg_catalog.lower(pg_catalog.btrim(value))]);
$$;
comment on function private.country_spellings(text) is 'Lower-case names a country filter value (ISO alpha-2/alpha-3 code, name or alias, any case) stands for.';

-- The continent a filter value names ('europe', 'EU' -> Europe), lower case; else the value, lower case.
create function private.continent_key(value text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case pg_catalog.lower(pg_catalog.btrim(value))
    when 'eu' then 'europe' when 'european' then 'europe'
    when 'n. america' then 'north america' when 's. america' then 'south america'
    when 'latam' then 'south america' when 'latin america' then 'south america' when 'australasia' then 'oceania'
    else pg_catalog.lower(pg_catalog.btrim(value)) end;
$$;
comment on function private.continent_key(text) is 'Lower-case continent a filter value names (EU -> europe).';

-- The match key of a GPU model name: lower case, without vendor/family words, form factors,
-- "generation" and memory sizes, letters and digits only ('NVIDIA A100-SXM4-80GB' -> 'a100').
-- The same rule as gpuModelKey in functions/catalog/gpu-models.ts.
create function private.gpu_model_key(model text)
returns text
language sql
immutable
parallel safe
strict
set search_path = ''
as $$
  select nullif(pg_catalog.regexp_replace(
    pg_catalog.regexp_replace(pg_catalog.lower(model),
      '\m(nvidia|amd|tesla|geforce|instinct|radeon|generation|gen|pcie|sxm[0-9]?|nvl|[0-9]+ ?gb|hbm[0-9]?e?)\M', ' ', 'g'),
    '[^a-z0-9]+', '', 'g'), '');
$$;
comment on function private.gpu_model_key(text) is 'Match key of a GPU model name (NVIDIA A100 80GB -> a100).';

-- The GPU memory a model name states ('A100 80GB' -> 80), else null.
create function private.gpu_model_memory_gb(model text)
returns integer
language sql
immutable
parallel safe
strict
set search_path = ''
as $$
  select (pg_catalog.regexp_match(pg_catalog.lower(model), '([0-9]+) ?gb'))[1]::integer;
$$;
comment on function private.gpu_model_memory_gb(text) is 'GPU memory in GB a model name states (A100 80GB -> 80), else null.';

-- The RPCs run with the caller's rights: the helpers are callable by the API roles (private is not exposed).
revoke all on function private.country_spellings(text), private.continent_key(text), private.gpu_model_key(text),
  private.gpu_model_memory_gb(text) from public;
grant execute on function private.country_spellings(text), private.continent_key(text), private.gpu_model_key(text),
  private.gpu_model_memory_gb(text) to anon, authenticated, service_role;

create index instances_gpu_model_key_idx on cloud.instances (private.gpu_model_key(gpu_model)) where gpu_model is not null;
-- Cheapest first per currency (then merged in USD): the price index leads with the currency.
drop index cloud.instances_price_monthly_idx;
create index instances_price_monthly_idx on cloud.instances (price_currency, price_monthly);

-- Which filter of a search has a value that can match nothing the catalog knows (null: none):
-- a provider not in cloud.providers, a GPU model no offer has, a continent / country / city no
-- region is in (a known country or continent without regions is not an error: it has no offers).
create function private.offer_filter_problem(
  provider_filter text default null,
  gpu_model_filter text default null,
  country_filter text default null,
  city_filter text default null,
  continent_filter text default null
)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when provider_filter is not null
         and not exists (select 1 from cloud.providers p where p.provider = pg_catalog.lower(pg_catalog.btrim(provider_filter)))
      then 'provider'
    when gpu_model_filter is not null and (private.gpu_model_key(gpu_model_filter) is null or not exists (
           select 1 from cloud.instances i
           where i.gpu_model is not null and private.gpu_model_key(i.gpu_model) = private.gpu_model_key(gpu_model_filter)))
      then 'gpu_model'
    when country_filter is not null
         and not exists (select 1 from cloud.regions r where pg_catalog.lower(r.country) = any (private.country_spellings(country_filter)))
         and not exists (select 1 from private.country_codes c
                         where pg_catalog.lower(c.name) = any (private.country_spellings(country_filter)))
      then 'country'
    when city_filter is not null
         and not exists (select 1 from cloud.regions r where pg_catalog.lower(r.city) = pg_catalog.lower(pg_catalog.btrim(city_filter)))
      then 'city'
    when continent_filter is not null
         and private.continent_key(continent_filter) not in ('africa', 'antarctica', 'asia', 'europe', 'north america', 'oceania', 'south america')
         and not exists (select 1 from cloud.regions r where pg_catalog.lower(r.continent) = private.continent_key(continent_filter))
      then 'continent'
  end;
$$;
comment on function private.offer_filter_problem(text, text, text, text, text) is 'The first instance-search filter whose value can match nothing the catalog knows (provider, gpu_model, country, city, continent), else null. The catalog function answers 400 unknown_filter_value with it.';
revoke all on function private.offer_filter_problem(text, text, text, text, text) from public;
grant execute on function private.offer_filter_problem(text, text, text, text, text) to service_role;

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
as $$
#variable_conflict use_column
declare
  k integer := greatest(match_count, 0);
  provider_key text := pg_catalog.lower(pg_catalog.btrim(provider_filter));
  gpu_key text := private.gpu_model_key(gpu_model_filter);
  gpu_memory integer := private.gpu_model_memory_gb(gpu_model_filter);
  -- The location filters as the regions spell them (resolved once; none: nothing can match).
  continents text[];
  countries text[];
  cities text[];
  located boolean := coalesce(country_filter, city_filter, continent_filter) is not null;
  seqscan text;
  sort text;
begin
  if k = 0 or (gpu_model_filter is not null and gpu_key is null) then
    return;
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

  seqscan := current_setting('enable_seqscan');
  sort := current_setting('enable_sort');
  -- Unfiltered, the only good plan is the HNSW scan: at ef_search 200 pgvector costs it above a
  -- full index scan + top-N sort, so sorting is disabled too. With filters the planner may sort the
  -- few rows a selective filter's own index finds (exact, and faster than an iterative scan
  -- discarding most of what it reads).
  perform set_config('enable_seqscan', 'off', true),
          set_config('enable_sort', case when num_nonnulls(provider_filter, gpu_model_filter, min_gpu_count, max_price_hourly,
            max_price_monthly, min_vcpu, min_memory_gb, country_filter, city_filter, continent_filter) = 0 then 'off' else sort end, true);
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
  perform set_config('enable_seqscan', seqscan, true), set_config('enable_sort', sort, true);
end;
$$;
comment on function cloud.search_instances is 'Instance search: semantic (query_embedding of the offer description) or cheapest first (in USD at cloud.currency_rates), with provider, GPU, price, vCPU, memory, location and availability filters. Filter values in any case; country also as ISO alpha-2/alpha-3 code; GPU model in any spelling (A100, NVIDIA A100, a100-80gb; a memory size narrows to that variant). A value matching nothing gives no rows. Returns match_count rows whenever that many match.';

create or replace function cloud.compare_prices(
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
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  target numeric;
  gpu_key text := private.gpu_model_key(gpu_model_filter);
  gpu_memory integer := private.gpu_model_memory_gb(gpu_model_filter);
begin
  select r.per_usd into target from cloud.currency_rates r where r.currency = pg_catalog.upper(target_currency);
  if target is null then
    raise exception 'unknown currency %', pg_catalog.upper(target_currency)
      using errcode = '22023', hint = 'unknown_currency',
            detail = 'Known currencies are those of cloud.currency_rates.';
  end if;
  if gpu_model_filter is not null and gpu_key is null then
    return;
  end if;
  return query
    with offers as (
      select distinct on (i.provider)
        i.provider, i.instance_id, i.name, i.cpu_cores, i.memory_gb, i.gpu_count, i.gpu_model, i.price_hourly, i.price_monthly,
        i.price_currency, i.regions, i.id, src.per_usd as src_per_usd
      from cloud.instances i
      join cloud.currency_rates src on src.currency = i.price_currency
      where i.available
        and (gpu_model_filter is null or private.gpu_model_key(i.gpu_model) = gpu_key)
        and (gpu_memory is null or i.gpu_memory_gb = gpu_memory or i.gpu_memory_gb = gpu_memory * i.gpu_count)
        and (gpu_count_filter is null or i.gpu_count = gpu_count_filter)
        and (min_vcpu is null or i.cpu_cores >= min_vcpu)
        and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
        and i.price_monthly is not null
      order by i.provider, i.price_monthly / src.per_usd, i.id
    )
    select o.provider, o.instance_id, o.name, o.cpu_cores, o.memory_gb, o.gpu_count, o.gpu_model,
           round(o.price_hourly / o.src_per_usd * target, 6),
           round(o.price_monthly / o.src_per_usd * target, 4),
           pg_catalog.upper(target_currency)::char(3),
           o.price_monthly, o.price_currency,
           array(select concat_ws(', ', r.city, r.country) from cloud.regions r
                 where r.provider = o.provider and o.regions ? r.region_id order by 1)
    from offers o
    order by o.price_monthly / o.src_per_usd, o.provider
    limit match_count;
end;
$$;
comment on function cloud.compare_prices is 'Cheapest available offer per provider for a GPU model/count or a CPU/memory shape, monthly and hourly, converted to target_currency (cloud.currency_rates). GPU model in any spelling, as cloud.search_instances. An unknown currency raises 22023 (hint unknown_currency).';

revoke all on function cloud.search_instances from public;
revoke all on function cloud.compare_prices from public;
grant execute on function cloud.search_instances to anon, authenticated, service_role;
grant execute on function cloud.compare_prices to anon, authenticated, service_role;
