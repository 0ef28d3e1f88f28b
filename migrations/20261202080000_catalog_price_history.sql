-- Catalog price history (issue 18 point 5): an append-only record of each offer's price changes.
-- A row is written by a trigger on cloud.instances, so it lands in the same transaction as the
-- write that changed the price (the sync's cloud.sync_provider_snapshot, a seed, an operator's
-- update): one row when an offer first appears with a price, one when its price or currency
-- changes, one with null prices when it is withdrawn (available -> false) and one when it returns.
-- An unchanged re-sync writes no row. Clients read it as they read the offers and cannot write it.

create table cloud.price_history (
  id bigint generated always as identity primary key,
  offer_id uuid not null references cloud.instances (id) on delete cascade,
  price_hourly numeric(14, 6) check (price_hourly >= 0),
  price_monthly numeric(14, 4) check (price_monthly >= 0),
  price_currency char(3) not null check (price_currency ~ '^[A-Z]{3}$'),
  available boolean not null,
  recorded_at timestamptz not null
);
comment on table cloud.price_history is 'Append-only price changes per offer (cloud.instances.id): a row when an offer appears, changes price or currency, is withdrawn (available false, prices null) or returns. Readable by everyone; written only by the database.';
comment on column cloud.price_history.offer_id is 'The offer (cloud.instances.id).';
comment on column cloud.price_history.price_hourly is 'Hourly price from recorded_at on, in price_currency; null while the offer is withdrawn.';
comment on column cloud.price_history.price_monthly is 'Monthly price from recorded_at on, in price_currency; null while the offer is withdrawn.';
comment on column cloud.price_history.available is 'Whether the provider listed the offer from recorded_at on.';
comment on column cloud.price_history.recorded_at is 'When the provider API returned this price (the offer''s data_source_timestamp), else the write time.';
create index price_history_offer_idx on cloud.price_history (offer_id, recorded_at desc, id desc);
create index price_history_recorded_idx on cloud.price_history (recorded_at);

-- The writer: AFTER INSERT/UPDATE on cloud.instances, owned by the migration role.
create function private.record_price_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE'
     and (old.price_hourly, old.price_monthly, old.price_currency, old.available)
         is not distinct from (new.price_hourly, new.price_monthly, new.price_currency, new.available) then
    return null;
  end if;
  if tg_op = 'INSERT' and not new.available then
    return null;
  end if;
  insert into cloud.price_history (offer_id, price_hourly, price_monthly, price_currency, available, recorded_at)
  values (new.id,
          case when new.available then new.price_hourly end,
          case when new.available then new.price_monthly end,
          new.price_currency, new.available,
          greatest(coalesce(new.data_source_timestamp, now()),
                   coalesce((select max(h.recorded_at) from cloud.price_history h where h.offer_id = new.id), '-infinity')));
  return null;
end;
$$;
comment on function private.record_price_change() is 'Trigger: appends a cloud.price_history row when an offer appears, or its price, currency or availability changes.';
revoke all on function private.record_price_change() from public;

create trigger instances_record_price_change
  after insert or update of price_hourly, price_monthly, price_currency, available on cloud.instances
  for each row execute function private.record_price_change();

-- Append-only: no update, and no delete except the cascade from a deleted offer.
create function private.price_history_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
    return old; -- cascade from cloud.instances
  end if;
  raise exception 'cloud.price_history is append-only' using errcode = '55000';
end;
$$;
comment on function private.price_history_append_only() is 'Trigger: refuses updates and direct deletes on cloud.price_history.';
revoke all on function private.price_history_append_only() from public;

create trigger price_history_append_only
  before update or delete on cloud.price_history
  for each row execute function private.price_history_append_only();

-- The sync as in 20261201030100, except that a vanished offer's data_source_timestamp becomes the
-- fetch time (the withdrawal's history row is dated by it, not by the offer's last listing).
create or replace function cloud.sync_provider_snapshot(provider_key text, snapshot jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  fetched timestamptz := coalesce((snapshot ->> 'fetched_at')::timestamptz, now());
  regions_written integer;
  inserted integer;
  updated integer;
  deactivated integer;
  seen integer;
begin
  insert into cloud.providers (provider) values (provider_key) on conflict (provider) do nothing;

  with incoming as (
    select * from jsonb_to_recordset(coalesce(snapshot -> 'regions', '[]'))
      as r(region_id text, city text, country text, continent text, status text, extra_info jsonb)
  ),
  written as (
    insert into cloud.regions as t (provider, region_id, city, country, continent, status, extra_info)
    select provider_key, i.region_id, i.city, i.country, i.continent, i.status, coalesce(i.extra_info, '{}')
    from incoming i
    on conflict (provider, region_id) do update
      set city = excluded.city, country = excluded.country, continent = excluded.continent,
          status = excluded.status, extra_info = excluded.extra_info
      where (t.city, t.country, t.continent, t.status, t.extra_info)
        is distinct from (excluded.city, excluded.country, excluded.continent, excluded.status, excluded.extra_info)
    returning 1
  )
  select count(*) into regions_written from written;

  -- lint: the pragma after the CREATE declares the table to plpgsql_check (see the header).
  create temporary table if not exists pg_temp.incoming_instances (like cloud.instances including defaults) on commit drop;
  perform 'PRAGMA:TABLE: pg_temp.incoming_instances (like cloud.instances)';
  truncate pg_temp.incoming_instances;
  insert into pg_temp.incoming_instances (provider, instance_id, name, instance_type, cpu_cores, cpu_manufacturer, memory_mb, memory_gb,
    disk_gb, disk_type, transfer_tb, bandwidth_mbps, price_monthly, price_hourly, price_currency, gpu_count, gpu_model, gpu_memory_gb,
    gpu_manufacturer, regions, description, raw_data, available, data_source_timestamp)
  select provider_key, r.instance_id, r.name, r.instance_type, r.cpu_cores, r.cpu_manufacturer, r.memory_mb, r.memory_gb,
    r.disk_gb, r.disk_type, r.transfer_tb, r.bandwidth_mbps, r.price_monthly, r.price_hourly, upper(coalesce(r.price_currency, 'USD')),
    coalesce(r.gpu_count, 0), r.gpu_model, r.gpu_memory_gb, r.gpu_manufacturer, coalesce(r.regions, '[]'), r.description, r.raw_data,
    true, fetched
  from jsonb_to_recordset(coalesce(snapshot -> 'instances', '[]')) as r(
    instance_id text, name text, instance_type text, cpu_cores integer, cpu_manufacturer text, memory_mb integer, memory_gb numeric,
    disk_gb integer, disk_type text, transfer_tb numeric, bandwidth_mbps integer, price_monthly numeric, price_hourly numeric,
    price_currency text, gpu_count integer, gpu_model text, gpu_memory_gb integer, gpu_manufacturer text, regions jsonb,
    description text, raw_data jsonb);
  get diagnostics seen = row_count;

  with upserted as (
    insert into cloud.instances as t (provider, instance_id, name, instance_type, cpu_cores, cpu_manufacturer, memory_mb, memory_gb,
      disk_gb, disk_type, transfer_tb, bandwidth_mbps, price_monthly, price_hourly, price_currency, gpu_count, gpu_model, gpu_memory_gb,
      gpu_manufacturer, regions, description, raw_data, available, data_source_timestamp)
    select provider, instance_id, name, instance_type, cpu_cores, cpu_manufacturer, memory_mb, memory_gb, disk_gb, disk_type,
      transfer_tb, bandwidth_mbps, price_monthly, price_hourly, price_currency, gpu_count, gpu_model, gpu_memory_gb, gpu_manufacturer,
      regions, description, raw_data, available, data_source_timestamp
    from pg_temp.incoming_instances
    on conflict (provider, instance_id) do update
      set name = excluded.name, instance_type = excluded.instance_type, cpu_cores = excluded.cpu_cores,
          cpu_manufacturer = excluded.cpu_manufacturer, memory_mb = excluded.memory_mb, memory_gb = excluded.memory_gb,
          disk_gb = excluded.disk_gb, disk_type = excluded.disk_type, transfer_tb = excluded.transfer_tb,
          bandwidth_mbps = excluded.bandwidth_mbps, price_monthly = excluded.price_monthly, price_hourly = excluded.price_hourly,
          price_currency = excluded.price_currency, gpu_count = excluded.gpu_count, gpu_model = excluded.gpu_model,
          gpu_memory_gb = excluded.gpu_memory_gb, gpu_manufacturer = excluded.gpu_manufacturer, regions = excluded.regions,
          description = excluded.description, raw_data = excluded.raw_data, available = true,
          data_source_timestamp = excluded.data_source_timestamp
      -- Only real changes are written; the fetch time alone is not a change.
      where (t.name, t.instance_type, t.cpu_cores, t.cpu_manufacturer, t.memory_mb, t.memory_gb, t.disk_gb, t.disk_type,
             t.transfer_tb, t.bandwidth_mbps, t.price_monthly, t.price_hourly, t.price_currency, t.gpu_count, t.gpu_model,
             t.gpu_memory_gb, t.gpu_manufacturer, t.regions, t.description, t.raw_data, t.available)
        is distinct from
            (excluded.name, excluded.instance_type, excluded.cpu_cores, excluded.cpu_manufacturer, excluded.memory_mb,
             excluded.memory_gb, excluded.disk_gb, excluded.disk_type, excluded.transfer_tb, excluded.bandwidth_mbps,
             excluded.price_monthly, excluded.price_hourly, excluded.price_currency, excluded.gpu_count, excluded.gpu_model,
             excluded.gpu_memory_gb, excluded.gpu_manufacturer, excluded.regions, excluded.description, excluded.raw_data, true)
    returning (xmax = 0) as is_insert
  )
  select count(*) filter (where is_insert), count(*) filter (where not is_insert) into inserted, updated from upserted;

  -- The fetch time is when the offer was seen gone: cloud.price_history dates the withdrawal by it.
  update cloud.instances t set available = false, data_source_timestamp = fetched
  where t.provider = provider_key and t.available
    and not exists (select 1 from pg_temp.incoming_instances i where i.instance_id = t.instance_id);
  get diagnostics deactivated = row_count;

  return jsonb_build_object('provider', provider_key, 'offers', seen, 'inserted', inserted, 'updated', updated,
    'deactivated', deactivated, 'regions_written', regions_written);
end;
$$;

-- History for the offers already in the table.
insert into cloud.price_history (offer_id, price_hourly, price_monthly, price_currency, available, recorded_at)
select i.id, i.price_hourly, i.price_monthly, i.price_currency, true, coalesce(i.data_source_timestamp, i.updated_at)
from cloud.instances i
where i.available;

alter table cloud.price_history enable row level security;
revoke all on cloud.price_history from public, anon, authenticated, service_role;
grant select on cloud.price_history to anon, authenticated;
grant select on cloud.price_history to service_role;
create policy "catalog: everyone reads price history" on cloud.price_history for select to anon, authenticated using (true);

-- One offer's history, oldest first.
create function cloud.offer_price_history(offer_id uuid)
returns table (
  recorded_at timestamptz,
  price_hourly numeric,
  price_monthly numeric,
  price_currency char(3),
  available boolean
)
language sql
stable
set search_path = ''
as $$
  select h.recorded_at, h.price_hourly, h.price_monthly, h.price_currency, h.available
  from cloud.price_history h
  where h.offer_id = offer_price_history.offer_id
  order by h.recorded_at, h.id;
$$;
comment on function cloud.offer_price_history(uuid) is 'One offer''s price changes (cloud.instances.id), oldest first: recorded_at, prices in price_currency (null while withdrawn), available.';

-- The cheapest price of a shape per day: for each day from since to until (UTC), the price each
-- matching offer had at the end of that day, converted with the latest cloud.currency_rates, and
-- the cheapest of them. Days before any matching offer had a price are left out.
create function cloud.cheapest_price_history(
  gpu_model_filter text default null,
  gpu_count_filter integer default null,
  min_vcpu integer default null,
  min_memory_gb numeric default null,
  continent_filter text default null,
  country_filter text default null,
  since date default null,
  until date default null,
  target_currency text default 'USD'
)
returns table (
  day date,
  price_monthly numeric,
  price_hourly numeric,
  currency char(3),
  offer_id uuid,
  provider varchar,
  instance_id varchar
)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  last_day date := coalesce(until, (now() at time zone 'utc')::date);
  first_day date := coalesce(since, coalesce(until, (now() at time zone 'utc')::date) - 30);
  target_per_usd numeric;
begin
  select r.per_usd into target_per_usd from cloud.currency_rates r where r.currency = upper(target_currency);
  if target_per_usd is null then
    raise exception 'unknown currency: %', target_currency using errcode = '22023', hint = 'unknown_currency';
  end if;
  if first_day > last_day or last_day - first_day > 366 then
    raise exception 'the range must run forward and span at most 366 days' using errcode = '22023', hint = 'invalid_range';
  end if;

  return query
  with shape as (
    select i.id, i.provider, i.instance_id
    from cloud.instances i
    where (gpu_model_filter is null or lower(i.gpu_model) = lower(gpu_model_filter))
      and (gpu_count_filter is null or i.gpu_count = gpu_count_filter)
      and (min_vcpu is null or i.cpu_cores >= min_vcpu)
      and (min_memory_gb is null or i.memory_gb >= min_memory_gb)
      and (continent_filter is null and country_filter is null or exists (
        select 1 from cloud.regions r
        where r.provider = i.provider and i.regions ? r.region_id
          and (continent_filter is null or lower(r.continent) = lower(continent_filter))
          and (country_filter is null or lower(r.country) = lower(country_filter))))
  ),
  days as (
    select d::date as day from generate_series(first_day, last_day, interval '1 day') d
  ),
  priced as (
    select d.day, s.id, s.provider, s.instance_id, p.price_monthly, p.price_hourly, p.price_currency
    from days d
    cross join shape s
    cross join lateral (
      select h.price_monthly, h.price_hourly, h.price_currency
      from cloud.price_history h
      where h.offer_id = s.id and h.recorded_at < (d.day + 1)::timestamp at time zone 'utc'
      order by h.recorded_at desc, h.id desc
      limit 1
    ) p
    where p.price_monthly is not null
  )
  select distinct on (x.day)
    x.day,
    round(x.price_monthly / src.per_usd * target_per_usd, 4),
    round(x.price_hourly / src.per_usd * target_per_usd, 6),
    upper(target_currency)::char(3),
    x.id, x.provider, x.instance_id
  from priced x
  join cloud.currency_rates src on src.currency = x.price_currency
  order by x.day, x.price_monthly / src.per_usd, x.provider, x.instance_id;
end;
$$;
comment on function cloud.cheapest_price_history(text, integer, integer, numeric, text, text, date, date, text) is 'Daily cheapest monthly price (UTC days, at most 366) of available offers of a shape (GPU model/count, minimum vCPU and memory, continent, country), converted to target_currency with the latest rates; the offer that had it each day. Unknown currency: 22023 (hint unknown_currency).';

revoke all on function cloud.offer_price_history(uuid) from public;
revoke all on function cloud.cheapest_price_history(text, integer, integer, numeric, text, text, date, date, text) from public;
grant execute on function cloud.offer_price_history(uuid) to anon, authenticated, service_role;
grant execute on function cloud.cheapest_price_history(text, integer, integer, numeric, text, text, date, date, text) to anon, authenticated, service_role;
