-- `npm run seed:full`: the catalog at the volume seed 000 documents, generated deterministically
-- on top of the default seed: 9 providers, 234 regions, 16,695 instances, 8 categories,
-- 5 operator capabilities, 13,435 packages. Real provider, CPU and GPU names; prices follow each
-- provider's level; regions are real cities. Safe to re-run: it only tops up to the target counts.

select setseed(0.000695);

-- Regions: real cities, provider-style ids, up to 234 in all.
with cities(city, country, continent) as (values
  ('Ashburn', 'United States', 'North America'), ('Columbus', 'United States', 'North America'), ('Dallas', 'United States', 'North America'),
  ('Atlanta', 'United States', 'North America'), ('Chicago', 'United States', 'North America'), ('Seattle', 'United States', 'North America'),
  ('Los Angeles', 'United States', 'North America'), ('Miami', 'United States', 'North America'), ('Phoenix', 'United States', 'North America'),
  ('Salt Lake City', 'United States', 'North America'), ('Denver', 'United States', 'North America'), ('Toronto', 'Canada', 'North America'),
  ('Montreal', 'Canada', 'North America'), ('Mexico City', 'Mexico', 'North America'), ('Sao Paulo', 'Brazil', 'South America'),
  ('Santiago', 'Chile', 'South America'), ('Bogota', 'Colombia', 'South America'), ('London', 'United Kingdom', 'Europe'),
  ('Manchester', 'United Kingdom', 'Europe'), ('Dublin', 'Ireland', 'Europe'), ('Paris', 'France', 'Europe'), ('Marseille', 'France', 'Europe'),
  ('Frankfurt', 'Germany', 'Europe'), ('Berlin', 'Germany', 'Europe'), ('Munich', 'Germany', 'Europe'), ('Amsterdam', 'Netherlands', 'Europe'),
  ('Brussels', 'Belgium', 'Europe'), ('Zurich', 'Switzerland', 'Europe'), ('Milan', 'Italy', 'Europe'), ('Madrid', 'Spain', 'Europe'),
  ('Lisbon', 'Portugal', 'Europe'), ('Stockholm', 'Sweden', 'Europe'), ('Oslo', 'Norway', 'Europe'), ('Helsinki', 'Finland', 'Europe'),
  ('Warsaw', 'Poland', 'Europe'), ('Vienna', 'Austria', 'Europe'), ('Copenhagen', 'Denmark', 'Europe'), ('Tel Aviv', 'Israel', 'Asia'),
  ('Dubai', 'United Arab Emirates', 'Asia'), ('Doha', 'Qatar', 'Asia'), ('Riyadh', 'Saudi Arabia', 'Asia'), ('Mumbai', 'India', 'Asia'),
  ('Delhi', 'India', 'Asia'), ('Chennai', 'India', 'Asia'), ('Singapore', 'Singapore', 'Asia'), ('Jakarta', 'Indonesia', 'Asia'),
  ('Hong Kong', 'Hong Kong', 'Asia'), ('Taipei', 'Taiwan', 'Asia'), ('Seoul', 'South Korea', 'Asia'), ('Tokyo', 'Japan', 'Asia'),
  ('Osaka', 'Japan', 'Asia'), ('Sydney', 'Australia', 'Oceania'), ('Melbourne', 'Australia', 'Oceania'), ('Auckland', 'New Zealand', 'Oceania'),
  ('Johannesburg', 'South Africa', 'Africa'), ('Cape Town', 'South Africa', 'Africa'), ('Lagos', 'Nigeria', 'Africa'), ('Nairobi', 'Kenya', 'Africa')),
numbered as (select row_number() over () as n, * from cities),
providers(provider, n_regions, style) as (values
  ('aws', 30, 'aws'), ('gcp', 35, 'gcp'), ('azure', 45, 'azure'), ('digitalocean', 13, 'do'), ('hetzner', 6, 'hetzner'),
  ('vultr', 32, 'vultr'), ('linode', 27, 'linode'), ('lambdalabs', 12, 'aws'), ('runpod', 34, 'runpod')),
generated as (
  select p.provider, c.city, c.country, c.continent,
    case p.style
      when 'aws' then lower(left(c.continent, 2)) || '-' || lower(regexp_replace(c.city, '[^A-Za-z]', '', 'g')) || '-' || k
      when 'gcp' then lower(regexp_replace(c.continent, '[^A-Za-z]', '', 'g')) || '-' || lower(left(regexp_replace(c.city, '[^A-Za-z]', '', 'g'), 6)) || k
      when 'azure' then lower(regexp_replace(c.city || c.country, '[^A-Za-z]', '', 'g')) || k
      when 'do' then lower(left(regexp_replace(c.city, '[^A-Za-z]', '', 'g'), 3)) || k
      when 'hetzner' then lower(left(regexp_replace(c.city, '[^A-Za-z]', '', 'g'), 3)) || k
      when 'vultr' then lower(left(regexp_replace(c.city, '[^A-Za-z]', '', 'g'), 3)) || '-' || k
      when 'linode' then lower(left(c.country, 2)) || '-' || lower(left(regexp_replace(c.city, '[^A-Za-z]', '', 'g'), 3)) || '-' || k
      else upper(left(c.country, 2)) || '-' || upper(left(regexp_replace(c.city, '[^A-Za-z]', '', 'g'), 3)) || '-' || k
    end as region_id,
    row_number() over (partition by p.provider order by k, (c.n * 7 + length(p.provider)) % 58) as rank_in_provider,
    p.n_regions
  from providers p cross join numbered c cross join generate_series(1, 2) k
)
insert into cloud.regions (provider, region_id, city, country, continent, status)
select g.provider, g.region_id, g.city, g.country, g.continent, 'available'
from generated g
where g.rank_in_provider <= g.n_regions
  and not exists (select 1 from cloud.regions r where r.provider = g.provider and r.city = g.city)
order by g.rank_in_provider, g.provider
limit greatest(0, 234 - (select count(*) from cloud.regions))
on conflict (provider, region_id) do nothing;

-- Instances: provider families x sizes x generations x OS images, until 16,695.
with providers(provider, per_vcpu, currency, cpu_make, cpu_model) as (values
  ('aws', 14.0, 'USD', 'Intel', 'Xeon Platinum 8488C'), ('gcp', 12.5, 'USD', 'AMD', 'EPYC 9B14'), ('azure', 13.5, 'USD', 'Intel', 'Xeon Platinum 8573C'),
  ('digitalocean', 6.0, 'USD', 'Intel', 'Xeon Gold 6248'), ('hetzner', 3.2, 'EUR', 'AMD', 'EPYC 9454P'), ('vultr', 5.5, 'USD', 'AMD', 'EPYC 9254'),
  ('linode', 6.0, 'USD', 'AMD', 'EPYC 7713'), ('lambdalabs', 9.0, 'USD', 'AMD', 'EPYC 9554'), ('runpod', 7.0, 'USD', 'AMD', 'EPYC 7763')),
gpus(gpu, make, mem, per_hour) as (values
  ('H100', 'NVIDIA', 80, 3.5), ('H200', 'NVIDIA', 141, 4.2), ('A100', 'NVIDIA', 80, 1.9), ('L40S', 'NVIDIA', 48, 1.1), ('L4', 'NVIDIA', 24, 0.7),
  ('A10', 'NVIDIA', 24, 0.75), ('T4', 'NVIDIA', 16, 0.45), ('RTX 4090', 'NVIDIA', 24, 0.7), ('RTX 6000 Ada', 'NVIDIA', 48, 1.2),
  ('MI300X', 'AMD', 192, 2.6)),
plan as (
  select i,
    (array['aws', 'gcp', 'azure', 'digitalocean', 'hetzner', 'vultr', 'linode', 'lambdalabs', 'runpod'])[1 + i % 9] as provider,
    (array[1, 2, 4, 8, 16, 32, 48, 64, 96, 128])[1 + (i / 9) % 10] as vcpu,
    (array[1, 2, 4, 8])[1 + (i / 90) % 4] as mem_per_vcpu,
    (i / 360) % 12 as generation,
    case when i % 7 = 0 then (array[1, 2, 4, 8])[1 + (i / 7) % 4] else 0 end as gpus,
    1 + (i / 11) % 10 as gpu_idx
  from generate_series(1, 40000) i
)
insert into cloud.instances (provider, instance_id, name, instance_type, cpu_cores, cpu_threads, cpu_manufacturer, cpu_model, memory_mb,
  memory_gb, disk_gb, disk_type, disk_count, bandwidth_mbps, transfer_tb, price_monthly, price_hourly, price_currency, gpu_count, gpu_model,
  gpu_memory_gb, gpu_manufacturer, regions, available, stock_status, os_type, data_source_timestamp, raw_data)
select p.provider,
  -- (provider, size, memory ratio, generation) is unique within each block of 4,320; the series
  -- number tells the blocks apart (providers sell the same shape in several series).
  format('gen%s-%s%s-%svcpu-%sgb-s%s', p.generation, case p.mem_per_vcpu when 1 then 'c' when 2 then 's' when 4 then 'g' else 'm' end,
         case when p.gpus > 0 then '-' || lower(replace(g.gpu, ' ', '')) || 'x' || p.gpus else '' end, p.vcpu, p.vcpu * p.mem_per_vcpu, p.i / 4320),
  format('%s gen %s %s vCPU / %s GB%s', initcap(p.provider), p.generation, p.vcpu, p.vcpu * p.mem_per_vcpu,
         case when p.gpus > 0 then format(' + %sx %s', p.gpus, g.gpu) else '' end),
  case when p.gpus > 0 then 'gpu' when p.mem_per_vcpu = 1 then 'compute-optimized' when p.mem_per_vcpu = 8 then 'memory-optimized' else 'general-purpose' end,
  p.vcpu, p.vcpu * 2, pr.cpu_make, pr.cpu_model, p.vcpu * p.mem_per_vcpu * 1024, p.vcpu * p.mem_per_vcpu,
  greatest(25, p.vcpu * 20), 'NVMe', 1, least(25000, 1000 * p.vcpu), least(20, p.vcpu)::numeric,
  round((pr.per_vcpu * p.vcpu * (0.7 + 0.15 * p.mem_per_vcpu) * (1 - p.generation * 0.02) + coalesce(g.per_hour * p.gpus * 730, 0))::numeric, 2),
  round(((pr.per_vcpu * p.vcpu * (0.7 + 0.15 * p.mem_per_vcpu) * (1 - p.generation * 0.02)) / 730 + coalesce(g.per_hour * p.gpus, 0))::numeric, 5),
  pr.currency, p.gpus, case when p.gpus > 0 then g.gpu end, case when p.gpus > 0 then g.mem * p.gpus end,
  case when p.gpus > 0 then g.make end,
  (select coalesce(jsonb_agg(r.region_id order by r.region_id), '[]') from (
     select r.region_id from cloud.regions r where r.provider = p.provider
     order by md5(r.region_id || p.i) limit case when p.gpus > 0 then 3 else 8 end) r),
  p.i % 53 <> 0, case when p.gpus = 8 then 'limited' else 'in_stock' end, 'linux',
  timestamptz '2026-11-01 00:00:00+00', jsonb_build_object('generated', true, 'i', p.i)
from plan p join providers pr on pr.provider = p.provider
left join gpus g on g.gpu = (array['H100', 'H200', 'A100', 'L40S', 'L4', 'A10', 'T4', 'RTX 4090', 'RTX 6000 Ada', 'MI300X'])[p.gpu_idx]
order by p.i
limit greatest(0, 16695 - (select count(*) from cloud.instances))
on conflict (provider, instance_id) do nothing;

-- Packages: real chart names across publishing repositories, until 13,435.
with bases(name, category, description, keywords) as (values
  ('postgresql', 2, 'PostgreSQL relational database', '["postgresql","database","sql"]'::jsonb), ('mysql', 2, 'MySQL relational database', '["mysql","database"]'),
  ('redis', 2, 'Redis in-memory key-value store and cache', '["redis","cache"]'), ('mongodb', 2, 'MongoDB document database', '["mongodb","nosql"]'),
  ('kafka', 8, 'Apache Kafka event streaming platform', '["kafka","streaming"]'), ('rabbitmq', 8, 'RabbitMQ message broker', '["rabbitmq","amqp"]'),
  ('nginx', 5, 'NGINX web server and reverse proxy', '["nginx","proxy"]'), ('traefik', 5, 'Traefik edge router and ingress controller', '["ingress","proxy"]'),
  ('cert-manager', 6, 'Certificate management for Kubernetes with ACME', '["tls","certificates"]'), ('vault', 6, 'Secrets management and PKI', '["secrets","vault"]'),
  ('prometheus', 4, 'Prometheus metrics and alerting', '["prometheus","metrics"]'), ('grafana', 4, 'Grafana dashboards and visualization', '["grafana","dashboards"]'),
  ('loki', 4, 'Log aggregation system', '["logs","loki"]'), ('argo-cd', 3, 'GitOps continuous delivery', '["gitops","cd"]'),
  ('jenkins', 3, 'Automation server for CI', '["ci","jenkins"]'), ('minio', 7, 'S3-compatible object storage', '["s3","storage"]'),
  ('velero', 7, 'Backup and restore of cluster resources', '["backup","restore"]'), ('jupyterhub', 1, 'Multi-user notebooks for data science', '["jupyter","notebooks"]'),
  ('mlflow', 1, 'Machine learning lifecycle platform', '["mlops","mlflow"]'), ('ollama', 1, 'Run large language models with GPU support', '["llm","gpu","inference"]')),
orgs as (select format('%s-%s', (array['acme', 'contoso', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell',
    'soylent', 'cyberdyne', 'aperture', 'blackmesa', 'oscorp'])[1 + k % 15], k) as repo, k from generate_series(0, 700) k)
insert into cloud.bitnami_packages (name, normalized_name, category, is_operator, official, cncf, description, version, app_version, stars,
  license, keywords, repository_name, repository_display_name, repository_verified_publisher, repository_official, readme, deprecated)
select b.name, b.name, b.category, o.k % 9 = 0, o.k % 23 = 0, o.k % 17 = 0,
  format('%s, packaged by %s', b.description, o.repo), format('%s.%s.%s', 1 + o.k % 20, o.k % 10, o.k % 7), format('%s.%s', 1 + o.k % 9, o.k % 5),
  (abs(hashtext(b.name || o.repo)) % 2000), 'Apache-2.0', b.keywords, o.repo, initcap(replace(o.repo, '-', ' ')), o.k % 5 = 0, o.k % 23 = 0,
  format(E'# %s\n\n%s.\n\n## Install\n\n```\nhelm install my-%s %s/%s\n```\n', b.name, b.description, b.name, o.repo, b.name), o.k % 41 = 0
from orgs o cross join bases b
order by o.k, b.name
limit greatest(0, 13435 - (select count(*) from cloud.bitnami_packages))
on conflict (repository_name, name) do nothing;

update cloud.bitnami_categories c set total = x.n
from (select c2.category_id, count(p.package_id)::integer as n from cloud.bitnami_categories c2
      left join cloud.bitnami_packages p on p.category = c2.category_id group by c2.category_id) x
where c.category_id = x.category_id and c.total is distinct from x.n;
