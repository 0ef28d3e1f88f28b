-- Catalog ingestion: the catalog function fetches each provider's offers and regions (and the
-- ArtifactHub packages) and hands one snapshot per source to these RPCs, which upsert on the
-- natural keys in one transaction. A row is only written when something in it changed, so an
-- unchanged re-sync writes nothing (updated_at stays, no embedding jobs); offers that vanished
-- upstream become available = false and are never deleted.

-- snapshot = {regions: [{region_id, city, country, continent, status, extra_info}],
--             instances: [{instance_id, name, ..., regions: [...], raw_data}], fetched_at}
create function cloud.sync_provider_snapshot(provider_key text, snapshot jsonb)
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

  create temporary table if not exists pg_temp.incoming_instances (like cloud.instances including defaults) on commit drop;
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

  update cloud.instances t set available = false
  where t.provider = provider_key and t.available
    and not exists (select 1 from pg_temp.incoming_instances i where i.instance_id = t.instance_id);
  get diagnostics deactivated = row_count;

  return jsonb_build_object('provider', provider_key, 'offers', seen, 'inserted', inserted, 'updated', updated,
    'deactivated', deactivated, 'regions_written', regions_written);
end;
$$;
comment on function cloud.sync_provider_snapshot(text, jsonb) is 'Ingestion: upserts one provider''s regions and offers (natural keys), writes only changed rows, marks vanished offers unavailable. Service role.';
revoke all on function cloud.sync_provider_snapshot(text, jsonb) from public;
grant execute on function cloud.sync_provider_snapshot(text, jsonb) to service_role;

-- snapshot = {packages: [{name, repository_name, ..., keywords: [...], capabilities}], fetched_at}
create function cloud.sync_packages(snapshot jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  seen integer;
  inserted integer;
  updated integer;
begin
  create temporary table if not exists pg_temp.incoming_packages (like cloud.bitnami_packages including defaults) on commit drop;
  truncate pg_temp.incoming_packages;
  insert into pg_temp.incoming_packages (name, normalized_name, category, is_operator, official, cncf, description, home_url, readme,
    version, app_version, digest, deprecated, contains_security_updates, prerelease, signed, content_url, stars, license, keywords,
    repository_name, repository_display_name, repository_url, repository_verified_publisher, repository_official, repository_id,
    repository_kind, repository_organization_name, repository_organization_display_name, logo_image_id, ts,
    production_organizations_count, has_values_schema, links, available_versions, container_images, security_report_summary)
  select r.name, r.normalized_name,
    (select c.category_id from cloud.bitnami_categories c where c.category_id = r.category),
    coalesce(r.is_operator, false), coalesce(r.official, false), coalesce(r.cncf, false), r.description, r.home_url, r.readme,
    r.version, r.app_version, r.digest, coalesce(r.deprecated, false), coalesce(r.contains_security_updates, false),
    coalesce(r.prerelease, false), coalesce(r.signed, false), r.content_url, coalesce(r.stars, 0), r.license, coalesce(r.keywords, '[]'),
    r.repository_name, r.repository_display_name, r.repository_url, coalesce(r.repository_verified_publisher, false),
    coalesce(r.repository_official, false), r.repository_id, r.repository_kind, r.repository_organization_name,
    r.repository_organization_display_name, r.logo_image_id, r.ts, coalesce(r.production_organizations_count, 0),
    coalesce(r.has_values_schema, false), r.links, r.available_versions, r.container_images, r.security_report_summary
  from jsonb_to_recordset(coalesce(snapshot -> 'packages', '[]')) as r(
    name text, normalized_name text, category integer, is_operator boolean, official boolean, cncf boolean, description text,
    home_url text, readme text, version text, app_version text, digest text, deprecated boolean, contains_security_updates boolean,
    prerelease boolean, signed boolean, content_url text, stars integer, license text, keywords jsonb, repository_name text,
    repository_display_name text, repository_url text, repository_verified_publisher boolean, repository_official boolean,
    repository_id text, repository_kind integer, repository_organization_name text, repository_organization_display_name text,
    logo_image_id text, ts bigint, production_organizations_count integer, has_values_schema boolean, links jsonb,
    available_versions jsonb, container_images jsonb, security_report_summary jsonb);
  get diagnostics seen = row_count;

  with upserted as (
    insert into cloud.bitnami_packages as t (name, normalized_name, category, is_operator, official, cncf, description, home_url,
      readme, version, app_version, digest, deprecated, contains_security_updates, prerelease, signed, content_url, stars, license,
      keywords, repository_name, repository_display_name, repository_url, repository_verified_publisher, repository_official,
      repository_id, repository_kind, repository_organization_name, repository_organization_display_name, logo_image_id, ts,
      production_organizations_count, has_values_schema, links, available_versions, container_images, security_report_summary)
    select name, normalized_name, category, is_operator, official, cncf, description, home_url, readme, version, app_version, digest,
      deprecated, contains_security_updates, prerelease, signed, content_url, stars, license, keywords, repository_name,
      repository_display_name, repository_url, repository_verified_publisher, repository_official, repository_id, repository_kind,
      repository_organization_name, repository_organization_display_name, logo_image_id, ts, production_organizations_count,
      has_values_schema, links, available_versions, container_images, security_report_summary
    from pg_temp.incoming_packages
    on conflict (repository_name, name) do update
      set normalized_name = excluded.normalized_name, category = excluded.category, is_operator = excluded.is_operator,
          official = excluded.official, cncf = excluded.cncf, description = excluded.description, home_url = excluded.home_url,
          readme = excluded.readme, version = excluded.version, app_version = excluded.app_version, digest = excluded.digest,
          deprecated = excluded.deprecated, contains_security_updates = excluded.contains_security_updates,
          prerelease = excluded.prerelease, signed = excluded.signed, content_url = excluded.content_url, stars = excluded.stars,
          license = excluded.license, keywords = excluded.keywords, repository_display_name = excluded.repository_display_name,
          repository_url = excluded.repository_url, repository_verified_publisher = excluded.repository_verified_publisher,
          repository_official = excluded.repository_official, repository_id = excluded.repository_id,
          repository_kind = excluded.repository_kind, repository_organization_name = excluded.repository_organization_name,
          repository_organization_display_name = excluded.repository_organization_display_name,
          logo_image_id = excluded.logo_image_id, ts = excluded.ts,
          production_organizations_count = excluded.production_organizations_count,
          has_values_schema = excluded.has_values_schema, links = excluded.links, available_versions = excluded.available_versions,
          container_images = excluded.container_images, security_report_summary = excluded.security_report_summary
      where (t.normalized_name, t.category, t.is_operator, t.official, t.cncf, t.description, t.home_url, t.readme, t.version,
             t.app_version, t.digest, t.deprecated, t.contains_security_updates, t.prerelease, t.signed, t.content_url, t.stars,
             t.license, t.keywords, t.repository_display_name, t.repository_url, t.repository_verified_publisher,
             t.repository_official, t.repository_id, t.repository_kind, t.repository_organization_name,
             t.repository_organization_display_name, t.logo_image_id, t.ts, t.production_organizations_count, t.has_values_schema,
             t.links, t.available_versions, t.container_images, t.security_report_summary)
        is distinct from
            (excluded.normalized_name, excluded.category, excluded.is_operator, excluded.official, excluded.cncf,
             excluded.description, excluded.home_url, excluded.readme, excluded.version, excluded.app_version, excluded.digest,
             excluded.deprecated, excluded.contains_security_updates, excluded.prerelease, excluded.signed, excluded.content_url,
             excluded.stars, excluded.license, excluded.keywords, excluded.repository_display_name, excluded.repository_url,
             excluded.repository_verified_publisher, excluded.repository_official, excluded.repository_id,
             excluded.repository_kind, excluded.repository_organization_name, excluded.repository_organization_display_name,
             excluded.logo_image_id, excluded.ts, excluded.production_organizations_count, excluded.has_values_schema,
             excluded.links, excluded.available_versions, excluded.container_images, excluded.security_report_summary)
    returning (xmax = 0) as is_insert
  )
  select count(*) filter (where is_insert), count(*) filter (where not is_insert) into inserted, updated from upserted;

  -- Operator capability levels, counted over the operators in this snapshot.
  insert into cloud.bitnami_operator_capabilities as t (capability_id, name, total)
  select lower(r.capabilities), initcap(r.capabilities), count(*)::integer
  from jsonb_to_recordset(coalesce(snapshot -> 'packages', '[]')) as r(capabilities text)
  where r.capabilities is not null and btrim(r.capabilities) <> ''
  group by lower(r.capabilities), initcap(r.capabilities)
  on conflict (capability_id) do update set total = excluded.total where t.total is distinct from excluded.total;

  update cloud.bitnami_categories c set total = x.n
  from (select c2.category_id, count(p.package_id)::integer as n
        from cloud.bitnami_categories c2 left join cloud.bitnami_packages p on p.category = c2.category_id
        group by c2.category_id) x
  where c.category_id = x.category_id and c.total is distinct from x.n;

  return jsonb_build_object('packages', seen, 'inserted', inserted, 'updated', updated);
end;
$$;
comment on function cloud.sync_packages(jsonb) is 'Ingestion: upserts ArtifactHub packages on (repository_name, name), writing only changed rows; refreshes category totals and operator capability counts. Service role.';
revoke all on function cloud.sync_packages(jsonb) from public;
grant execute on function cloud.sync_packages(jsonb) to service_role;

-- Daily sync at 04:00 UTC.
select private.schedule_function('catalog-sync', '0 4 * * *', 'catalog/sync', '{}');
