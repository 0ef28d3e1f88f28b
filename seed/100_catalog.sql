-- Catalog default seed (local development): 9 real providers, their main regions, a few hundred
-- deterministic offers with real CPU/GPU names and plausible prices, the ArtifactHub categories
-- and operator capabilities, and well-known packages. Embeddings follow through the pipeline.

insert into cloud.providers (provider, logo_url) values
  ('digitalocean', 'https://www.digitalocean.com/favicon.ico'),
  ('hetzner', 'https://www.hetzner.com/favicon.ico'),
  ('vultr', 'https://www.vultr.com/favicon.ico'),
  ('linode', 'https://www.linode.com/favicon.ico'),
  ('aws', 'https://aws.amazon.com/favicon.ico'),
  ('gcp', 'https://cloud.google.com/favicon.ico'),
  ('azure', 'https://azure.microsoft.com/favicon.ico'),
  ('lambdalabs', 'https://lambdalabs.com/favicon.ico'),
  ('runpod', 'https://www.runpod.io/favicon.ico')
on conflict (provider) do nothing;

insert into cloud.regions (provider, region_id, continent, country, city, status) values
  ('digitalocean', 'nyc1', 'North America', 'United States', 'New York', 'available'),
  ('digitalocean', 'nyc3', 'North America', 'United States', 'New York', 'available'),
  ('digitalocean', 'sfo3', 'North America', 'United States', 'San Francisco', 'available'),
  ('digitalocean', 'tor1', 'North America', 'Canada', 'Toronto', 'available'),
  ('digitalocean', 'lon1', 'Europe', 'United Kingdom', 'London', 'available'),
  ('digitalocean', 'ams3', 'Europe', 'Netherlands', 'Amsterdam', 'available'),
  ('digitalocean', 'fra1', 'Europe', 'Germany', 'Frankfurt', 'available'),
  ('digitalocean', 'sgp1', 'Asia', 'Singapore', 'Singapore', 'available'),
  ('digitalocean', 'blr1', 'Asia', 'India', 'Bangalore', 'available'),
  ('digitalocean', 'syd1', 'Oceania', 'Australia', 'Sydney', 'available'),
  ('hetzner', 'fsn1', 'Europe', 'Germany', 'Falkenstein', 'available'),
  ('hetzner', 'nbg1', 'Europe', 'Germany', 'Nuremberg', 'available'),
  ('hetzner', 'hel1', 'Europe', 'Finland', 'Helsinki', 'available'),
  ('hetzner', 'ash', 'North America', 'United States', 'Ashburn', 'available'),
  ('hetzner', 'hil', 'North America', 'United States', 'Hillsboro', 'available'),
  ('hetzner', 'sin', 'Asia', 'Singapore', 'Singapore', 'available'),
  ('vultr', 'ewr', 'North America', 'United States', 'Newark', 'available'),
  ('vultr', 'ord', 'North America', 'United States', 'Chicago', 'available'),
  ('vultr', 'lax', 'North America', 'United States', 'Los Angeles', 'available'),
  ('vultr', 'ams', 'Europe', 'Netherlands', 'Amsterdam', 'available'),
  ('vultr', 'fra', 'Europe', 'Germany', 'Frankfurt', 'available'),
  ('vultr', 'nrt', 'Asia', 'Japan', 'Tokyo', 'available'),
  ('vultr', 'bom', 'Asia', 'India', 'Mumbai', 'available'),
  ('vultr', 'syd', 'Oceania', 'Australia', 'Sydney', 'available'),
  ('linode', 'us-east', 'North America', 'United States', 'Newark', 'available'),
  ('linode', 'us-ord', 'North America', 'United States', 'Chicago', 'available'),
  ('linode', 'eu-west', 'Europe', 'United Kingdom', 'London', 'available'),
  ('linode', 'eu-central', 'Europe', 'Germany', 'Frankfurt', 'available'),
  ('linode', 'ap-south', 'Asia', 'Singapore', 'Singapore', 'available'),
  ('linode', 'jp-osa', 'Asia', 'Japan', 'Osaka', 'available'),
  ('aws', 'us-east-1', 'North America', 'United States', 'Ashburn', 'available'),
  ('aws', 'us-west-2', 'North America', 'United States', 'Portland', 'available'),
  ('aws', 'eu-central-1', 'Europe', 'Germany', 'Frankfurt', 'available'),
  ('aws', 'eu-west-1', 'Europe', 'Ireland', 'Dublin', 'available'),
  ('aws', 'ap-northeast-1', 'Asia', 'Japan', 'Tokyo', 'available'),
  ('aws', 'ap-south-1', 'Asia', 'India', 'Mumbai', 'available'),
  ('gcp', 'us-central1', 'North America', 'United States', 'Council Bluffs', 'available'),
  ('gcp', 'us-east4', 'North America', 'United States', 'Ashburn', 'available'),
  ('gcp', 'europe-west4', 'Europe', 'Netherlands', 'Eemshaven', 'available'),
  ('gcp', 'europe-west3', 'Europe', 'Germany', 'Frankfurt', 'available'),
  ('gcp', 'asia-northeast1', 'Asia', 'Japan', 'Tokyo', 'available'),
  ('azure', 'eastus', 'North America', 'United States', 'Virginia', 'available'),
  ('azure', 'westus2', 'North America', 'United States', 'Washington', 'available'),
  ('azure', 'westeurope', 'Europe', 'Netherlands', 'Amsterdam', 'available'),
  ('azure', 'germanywestcentral', 'Europe', 'Germany', 'Frankfurt', 'available'),
  ('azure', 'japaneast', 'Asia', 'Japan', 'Tokyo', 'available'),
  ('lambdalabs', 'us-east-1', 'North America', 'United States', 'Washington', 'available'),
  ('lambdalabs', 'us-west-1', 'North America', 'United States', 'San Francisco', 'available'),
  ('lambdalabs', 'europe-central-1', 'Europe', 'Germany', 'Frankfurt', 'available'),
  ('runpod', 'US-TX-3', 'North America', 'United States', 'Dallas', 'available'),
  ('runpod', 'EU-RO-1', 'Europe', 'Romania', 'Bucharest', 'available'),
  ('runpod', 'CA-MTL-1', 'North America', 'Canada', 'Montreal', 'available')
on conflict (provider, region_id) do nothing;

-- CPU plans: every provider x a ladder of shapes. Prices follow each provider's level.
with providers(provider, cpu_make, cpu_model, per_vcpu, currency, disk_type) as (values
  ('digitalocean', 'Intel', 'Xeon Gold 6248', 6.0, 'USD', 'SSD'),
  ('hetzner', 'AMD', 'EPYC 7002', 3.2, 'EUR', 'NVMe'),
  ('vultr', 'AMD', 'EPYC 7513', 5.5, 'USD', 'NVMe'),
  ('linode', 'AMD', 'EPYC 7642', 6.0, 'USD', 'SSD'),
  ('aws', 'Intel', 'Xeon Platinum 8375C', 14.0, 'USD', 'EBS'),
  ('gcp', 'AMD', 'EPYC 7B13', 12.5, 'USD', 'PD-SSD'),
  ('azure', 'Intel', 'Xeon Platinum 8370C', 13.5, 'USD', 'Premium SSD')),
shapes(vcpu, mem_per_vcpu) as (
  select v, m from unnest(array[1, 2, 4, 8, 16, 32, 48, 64]) v, unnest(array[1, 2, 4, 8]) m),
region_sets as (
  select provider, jsonb_agg(region_id order by region_id) as regions from cloud.regions group by provider)
insert into cloud.instances (provider, instance_id, name, instance_type, cpu_cores, cpu_threads, cpu_manufacturer, cpu_model,
  cpu_mhz, memory_mb, memory_gb, disk_gb, disk_type, disk_count, bandwidth_mbps, transfer_tb, price_monthly, price_hourly,
  price_currency, gpu_count, regions, available, stock_status, os_type, data_source_timestamp, raw_data)
select p.provider,
       format('%s-%svcpu-%sgb', case s.mem_per_vcpu when 1 then 'c' when 2 then 's' when 4 then 'g' else 'm' end, s.vcpu, s.vcpu * s.mem_per_vcpu),
       format('%s %s vCPU / %s GB', initcap(p.provider), s.vcpu, s.vcpu * s.mem_per_vcpu),
       case s.mem_per_vcpu when 1 then 'compute-optimized' when 2 then 'basic' when 4 then 'general-purpose' else 'memory-optimized' end,
       s.vcpu, s.vcpu * 2, p.cpu_make, p.cpu_model, 2600 + (s.vcpu % 5) * 100,
       s.vcpu * s.mem_per_vcpu * 1024, s.vcpu * s.mem_per_vcpu, greatest(25, s.vcpu * 25), p.disk_type, 1,
       least(10000, 1000 * s.vcpu), least(12, s.vcpu)::numeric,
       round((p.per_vcpu * s.vcpu * (0.7 + 0.15 * s.mem_per_vcpu))::numeric, 2),
       round((p.per_vcpu * s.vcpu * (0.7 + 0.15 * s.mem_per_vcpu) / 730)::numeric, 5),
       p.currency, 0, r.regions, not (s.vcpu = 64 and p.provider = 'digitalocean'), 'in_stock', 'linux',
       timestamptz '2026-11-01 00:00:00+00', jsonb_build_object('seed', true)
from providers p cross join shapes s join region_sets r on r.provider = p.provider
on conflict (provider, instance_id) do nothing;

-- GPU offers: real GPUs, 1/2/4/8 per machine, on the providers that sell them.
with gpus(provider, gpu, make, gpu_mem, per_gpu_hour, vcpu_per_gpu, mem_per_gpu) as (values
  ('aws', 'H100', 'NVIDIA', 80, 6.88, 24, 256), ('aws', 'A100', 'NVIDIA', 40, 4.10, 12, 144), ('aws', 'L4', 'NVIDIA', 24, 0.98, 8, 32),
  ('aws', 'T4', 'NVIDIA', 16, 0.53, 4, 16), ('gcp', 'H100', 'NVIDIA', 80, 11.06, 26, 234), ('gcp', 'A100', 'NVIDIA', 40, 3.67, 12, 85),
  ('gcp', 'L4', 'NVIDIA', 24, 0.71, 8, 32), ('azure', 'H100', 'NVIDIA', 80, 12.29, 40, 320), ('azure', 'A100', 'NVIDIA', 80, 3.67, 24, 220),
  ('azure', 'T4', 'NVIDIA', 16, 0.53, 4, 28), ('lambdalabs', 'H100', 'NVIDIA', 80, 2.99, 26, 225), ('lambdalabs', 'A100', 'NVIDIA', 40, 1.29, 30, 200),
  ('lambdalabs', 'A10', 'NVIDIA', 24, 0.75, 30, 200), ('runpod', 'H100', 'NVIDIA', 80, 2.69, 16, 188), ('runpod', 'A100', 'NVIDIA', 80, 1.64, 8, 117),
  ('runpod', 'L40S', 'NVIDIA', 48, 0.86, 12, 62), ('runpod', 'RTX 4090', 'NVIDIA', 24, 0.69, 6, 41), ('runpod', 'MI300X', 'AMD', 192, 2.49, 24, 283),
  ('digitalocean', 'H100', 'NVIDIA', 80, 3.39, 20, 240), ('digitalocean', 'RTX 4000 Ada', 'NVIDIA', 20, 0.76, 8, 32),
  ('vultr', 'A100', 'NVIDIA', 80, 2.60, 12, 120), ('vultr', 'L40S', 'NVIDIA', 48, 1.67, 16, 180), ('vultr', 'MI300X', 'AMD', 192, 2.19, 13, 255),
  ('linode', 'RTX 6000 Ada', 'NVIDIA', 48, 1.50, 8, 32), ('hetzner', 'RTX 4000 Ada', 'NVIDIA', 20, 0.25, 14, 64)),
counts(n) as (select unnest(array[1, 2, 4, 8])),
region_sets as (
  select provider, jsonb_agg(region_id order by region_id) as regions from cloud.regions group by provider)
insert into cloud.instances (provider, instance_id, name, instance_type, cpu_cores, cpu_threads, cpu_manufacturer, memory_mb, memory_gb,
  disk_gb, disk_type, disk_count, price_monthly, price_hourly, price_currency, gpu_count, gpu_model, gpu_memory_gb, gpu_manufacturer,
  regions, available, stock_status, os_type, data_source_timestamp, raw_data, description)
select g.provider,
       format('gpu-%s-x%s', lower(replace(g.gpu, ' ', '-')), c.n),
       format('%sx %s %s', c.n, g.make, g.gpu),
       'gpu',
       g.vcpu_per_gpu * c.n, g.vcpu_per_gpu * c.n * 2, case when g.make = 'AMD' then 'AMD' else 'Intel' end,
       g.mem_per_gpu * c.n * 1024, g.mem_per_gpu * c.n, 500 * c.n, 'NVMe', c.n,
       round((g.per_gpu_hour * c.n * 730)::numeric, 2), round((g.per_gpu_hour * c.n)::numeric, 4),
       case when g.provider = 'hetzner' then 'EUR' else 'USD' end,
       c.n, g.gpu, g.gpu_mem, g.make,
       -- GPUs sell in the provider's first two or three regions only.
       (select jsonb_agg(x) from (select jsonb_array_elements(r.regions) x limit 2 + c.n % 2) y),
       true, case when g.gpu = 'H100' and c.n = 8 then 'limited' else 'in_stock' end, 'linux',
       timestamptz '2026-11-01 00:00:00+00', jsonb_build_object('seed', true),
       format('%s %s GPU server for AI training and inference', g.make, g.gpu)
from gpus g cross join counts c join region_sets r on r.provider = g.provider
on conflict (provider, instance_id) do nothing;

insert into cloud.bitnami_categories (category_id, name, total) values
  (1, 'AI / Machine learning', 0), (2, 'Database', 0), (3, 'Integration and delivery', 0), (4, 'Monitoring and logging', 0),
  (5, 'Networking', 0), (6, 'Security', 0), (7, 'Storage', 0), (8, 'Streaming and messaging', 0)
on conflict (category_id) do nothing;

insert into cloud.bitnami_operator_capabilities (capability_id, name, total) values
  ('basic install', 'Basic Install', 0), ('seamless upgrades', 'Seamless Upgrades', 0), ('full lifecycle', 'Full Lifecycle', 0),
  ('deep insights', 'Deep Insights', 0), ('auto pilot', 'Auto Pilot', 0)
on conflict (capability_id) do nothing;

insert into cloud.bitnami_packages (name, normalized_name, category, is_operator, official, cncf, description, version, app_version,
  stars, license, keywords, repository_name, repository_display_name, repository_verified_publisher, repository_official, readme, home_url)
select v.name, v.name, v.category, v.is_operator, v.official, v.cncf, v.description, v.version, v.app_version, v.stars, v.license,
       v.keywords, v.repo, initcap(v.repo), v.repo in ('bitnami', 'prometheus-community', 'jetstack', 'argo'), v.repo = 'bitnami',
       format(E'# %s\n\n%s\n\n## Installing the chart\n\n```\nhelm install my-%s %s/%s\n```\n', v.name, v.description, v.name, v.repo, v.name),
       format('https://artifacthub.io/packages/helm/%s/%s', v.repo, v.name)
from (values
  ('postgresql', 2, false, true, false, 'PostgreSQL is an open source object-relational database known for reliability and data integrity.', '16.2.1', '17.2.0', 2150, 'Apache-2.0', '["postgresql","database","sql","replication"]'::jsonb, 'bitnami'),
  ('postgresql-ha', 2, false, true, false, 'PostgreSQL with repmgr and Pgpool-II for high availability and automatic failover.', '15.1.2', '17.2.0', 640, 'Apache-2.0', '["postgresql","ha","pgpool","failover"]', 'bitnami'),
  ('cloudnative-pg', 2, true, false, true, 'CloudNativePG operator manages PostgreSQL clusters on Kubernetes for their full lifecycle.', '0.22.1', '1.24.1', 1890, 'Apache-2.0', '["postgresql","operator","database","backup"]', 'cnpg'),
  ('mysql', 2, false, true, false, 'MySQL is a fast, reliable, scalable and easy to use open source relational database.', '11.1.19', '8.4.3', 1320, 'Apache-2.0', '["mysql","database","sql"]', 'bitnami'),
  ('mongodb', 2, false, true, false, 'MongoDB is a document-oriented NoSQL database for high volume data storage.', '16.3.1', '8.0.3', 1510, 'Apache-2.0', '["mongodb","nosql","database","document"]', 'bitnami'),
  ('redis', 2, false, true, false, 'Redis is an open source in-memory key-value store used as database, cache and message broker.', '20.2.1', '7.4.1', 2480, 'Apache-2.0', '["redis","cache","keyvalue","database"]', 'bitnami'),
  ('cassandra', 2, false, true, false, 'Apache Cassandra is a distributed NoSQL database for large amounts of data across many servers.', '12.0.5', '5.0.2', 380, 'Apache-2.0', '["cassandra","nosql","database"]', 'bitnami'),
  ('clickhouse', 2, false, true, false, 'ClickHouse is a column-oriented database for real-time analytical queries.', '6.3.1', '24.10.1', 520, 'Apache-2.0', '["clickhouse","olap","analytics","database"]', 'bitnami'),
  ('kafka', 8, false, true, false, 'Apache Kafka is a distributed event streaming platform for high-performance data pipelines.', '31.0.0', '3.9.0', 1720, 'Apache-2.0', '["kafka","streaming","events","messaging"]', 'bitnami'),
  ('strimzi-kafka-operator', 8, true, false, true, 'Strimzi runs Apache Kafka on Kubernetes with operators for brokers, topics and users.', '0.44.0', '0.44.0', 1150, 'Apache-2.0', '["kafka","operator","streaming"]', 'strimzi'),
  ('rabbitmq', 8, false, true, false, 'RabbitMQ is an open source message broker supporting multiple messaging protocols.', '15.1.0', '4.0.3', 1260, 'Apache-2.0', '["rabbitmq","amqp","messaging","queue"]', 'bitnami'),
  ('nats', 8, false, false, true, 'NATS is a simple, secure and high performance messaging system for cloud native applications.', '1.2.6', '2.10.22', 610, 'Apache-2.0', '["nats","messaging","pubsub"]', 'nats'),
  ('nginx', 5, false, true, false, 'NGINX Open Source is a web server that can also be used as a reverse proxy and load balancer.', '18.2.5', '1.27.2', 1990, 'Apache-2.0', '["nginx","http","webserver","proxy"]', 'bitnami'),
  ('ingress-nginx', 5, false, false, true, 'Ingress controller for Kubernetes using NGINX as a reverse proxy and load balancer.', '4.11.3', '1.11.3', 2900, 'Apache-2.0', '["ingress","nginx","load balancer"]', 'ingress-nginx'),
  ('traefik', 5, false, false, false, 'Traefik is a modern HTTP reverse proxy and load balancer for microservices.', '33.0.0', '3.2.0', 1430, 'Apache-2.0', '["traefik","ingress","proxy"]', 'traefik'),
  ('cilium', 5, false, false, true, 'Cilium provides eBPF-based networking, security and observability for Kubernetes.', '1.16.3', '1.16.3', 1670, 'Apache-2.0', '["cilium","cni","ebpf","networking"]', 'cilium'),
  ('external-dns', 5, false, true, false, 'ExternalDNS synchronizes exposed Kubernetes services and ingresses with DNS providers.', '8.5.1', '0.15.0', 880, 'Apache-2.0', '["dns","route53","cloudflare"]', 'bitnami'),
  ('cert-manager', 6, true, false, true, 'cert-manager adds certificates and certificate issuers as resource types in Kubernetes clusters.', '1.16.1', '1.16.1', 2750, 'Apache-2.0', '["certificates","tls","letsencrypt","acme"]', 'jetstack'),
  ('keycloak', 6, false, true, false, 'Keycloak is an open source identity and access management solution with single sign-on.', '24.1.0', '26.0.5', 1180, 'Apache-2.0', '["keycloak","oauth","oidc","sso","identity"]', 'bitnami'),
  ('vault', 6, false, false, false, 'HashiCorp Vault secures, stores and tightly controls access to tokens, passwords and certificates.', '0.29.0', '1.18.1', 1540, 'MPL-2.0', '["vault","secrets","pki"]', 'hashicorp'),
  ('falco', 6, false, false, true, 'Falco is a cloud native runtime security tool detecting threats in Kubernetes.', '4.12.0', '0.39.1', 720, 'Apache-2.0', '["falco","runtime security","ebpf"]', 'falcosecurity'),
  ('kyverno', 6, false, false, true, 'Kyverno is a policy engine designed for Kubernetes to validate, mutate and generate configurations.', '3.3.2', '1.13.1', 830, 'Apache-2.0', '["policy","admission","kyverno"]', 'kyverno'),
  ('prometheus', 4, false, true, true, 'Prometheus is a monitoring system and time series database collecting metrics from targets.', '1.3.26', '3.0.0', 2380, 'Apache-2.0', '["prometheus","monitoring","metrics","alerting"]', 'prometheus-community'),
  ('kube-prometheus-stack', 4, true, false, true, 'kube-prometheus-stack installs Prometheus Operator, Grafana dashboards and alerting rules.', '65.5.0', '0.77.2', 3100, 'Apache-2.0', '["prometheus","grafana","operator","monitoring"]', 'prometheus-community'),
  ('grafana', 4, false, true, false, 'Grafana is an open source analytics and interactive visualization web application for metrics.', '11.3.26', '11.3.0', 2260, 'AGPL-3.0', '["grafana","dashboards","visualization"]', 'bitnami'),
  ('loki', 4, false, false, false, 'Grafana Loki is a horizontally scalable, multi-tenant log aggregation system.', '6.18.0', '3.2.1', 990, 'AGPL-3.0', '["loki","logs","logging"]', 'grafana'),
  ('fluent-bit', 4, false, true, true, 'Fluent Bit is a fast log processor and forwarder for Linux, containers and Kubernetes.', '2.3.25', '3.1.10', 860, 'Apache-2.0', '["fluentbit","logs","forwarder"]', 'bitnami'),
  ('elasticsearch', 4, false, true, false, 'Elasticsearch is a distributed search and analytics engine for all types of data.', '21.3.26', '8.15.3', 1350, 'Apache-2.0', '["elasticsearch","search","logs","analytics"]', 'bitnami'),
  ('opentelemetry-collector', 4, false, false, true, 'The OpenTelemetry Collector receives, processes and exports telemetry data.', '0.108.0', '0.112.0', 760, 'Apache-2.0', '["opentelemetry","tracing","metrics"]', 'open-telemetry'),
  ('argo-cd', 3, false, true, true, 'Argo CD is a declarative, GitOps continuous delivery tool for Kubernetes.', '7.1.1', '2.13.0', 2640, 'Apache-2.0', '["gitops","cd","argo","deployment"]', 'argo'),
  ('argo-workflows', 3, false, false, true, 'Argo Workflows is a container-native workflow engine for orchestrating parallel jobs on Kubernetes.', '0.42.7', '3.6.0', 940, 'Apache-2.0', '["workflows","argo","pipelines"]', 'argo'),
  ('flux2', 3, true, false, true, 'Flux keeps Kubernetes clusters in sync with configuration sources like Git repositories.', '2.14.0', '2.4.0', 880, 'Apache-2.0', '["gitops","flux","cd"]', 'fluxcd'),
  ('jenkins', 3, false, true, false, 'Jenkins is an open source automation server for continuous integration and delivery.', '13.4.26', '2.479.1', 700, 'Apache-2.0', '["jenkins","ci","automation"]', 'bitnami'),
  ('harbor', 3, false, true, true, 'Harbor is an open source registry that secures artifacts with policies and role-based access control.', '24.0.1', '2.11.1', 820, 'Apache-2.0', '["registry","containers","oci"]', 'bitnami'),
  ('minio', 7, false, true, false, 'MinIO is a high performance object storage server compatible with Amazon S3.', '14.8.5', '2024.11.7', 1450, 'AGPL-3.0', '["s3","object storage","minio"]', 'bitnami'),
  ('rook-ceph', 7, true, false, true, 'Rook turns Ceph distributed storage into a self-managing storage service on Kubernetes.', '1.15.5', '1.15.5', 910, 'Apache-2.0', '["ceph","storage","operator","block"]', 'rook'),
  ('longhorn', 7, false, false, true, 'Longhorn is a distributed block storage system for Kubernetes with snapshots and backups.', '1.7.2', '1.7.2', 1040, 'Apache-2.0', '["storage","block","backup"]', 'longhorn'),
  ('velero', 7, false, false, false, 'Velero backs up and restores Kubernetes cluster resources and persistent volumes.', '8.0.0', '1.15.0', 930, 'Apache-2.0', '["backup","restore","disaster recovery"]', 'vmware-tanzu'),
  ('kuberay-operator', 1, true, false, false, 'KubeRay operator runs Ray clusters on Kubernetes for distributed machine learning and LLM serving.', '1.2.2', '1.2.2', 540, 'Apache-2.0', '["ray","machine learning","llm","gpu","operator"]', 'kuberay'),
  ('gpu-operator', 1, true, false, false, 'NVIDIA GPU Operator automates the management of NVIDIA GPU drivers and device plugins in Kubernetes.', '24.9.0', '24.9.0', 780, 'Apache-2.0', '["nvidia","gpu","cuda","operator"]', 'nvidia'),
  ('mlflow', 1, false, true, false, 'MLflow is an open source platform for the machine learning lifecycle: tracking, models and registry.', '2.2.1', '2.17.2', 430, 'Apache-2.0', '["mlflow","machine learning","mlops"]', 'bitnami'),
  ('jupyterhub', 1, false, true, false, 'JupyterHub brings the power of notebooks to groups of users for data science and AI.', '8.1.5', '5.2.1', 510, 'Apache-2.0', '["jupyter","notebooks","data science"]', 'bitnami'),
  ('ollama', 1, false, false, false, 'Ollama runs large language models such as Llama and Mistral on Kubernetes with GPU support.', '0.65.0', '0.4.1', 610, 'MIT', '["llm","ollama","gpu","inference"]', 'ollama-helm'),
  ('kserve', 1, true, false, true, 'KServe provides a Kubernetes custom resource for serving machine learning models and LLMs.', '0.14.0', '0.14.0', 470, 'Apache-2.0', '["inference","model serving","llm","operator"]', 'kserve'),
  ('wordpress', 3, false, true, false, 'WordPress is the world''s most popular blogging and content management platform.', '23.1.29', '6.7.0', 1880, 'Apache-2.0', '["wordpress","cms","blog"]', 'bitnami'),
  ('memcached', 2, false, true, false, 'Memcached is a high-performance distributed memory object caching system.', '7.5.3', '1.6.32', 420, 'Apache-2.0', '["memcached","cache"]', 'bitnami'),
  ('etcd', 2, false, true, true, 'etcd is a distributed reliable key-value store for the most critical data of a distributed system.', '10.5.3', '3.5.17', 530, 'Apache-2.0', '["etcd","keyvalue","consensus"]', 'bitnami'),
  ('zookeeper', 8, false, true, false, 'Apache ZooKeeper provides a reliable, centralized register of configuration data and services.', '13.5.1', '3.9.3', 310, 'Apache-2.0', '["zookeeper","coordination"]', 'bitnami'),
  ('consul', 5, false, true, false, 'HashiCorp Consul is a service networking solution to connect and secure services.', '11.3.20', '1.20.1', 280, 'MPL-2.0', '["consul","service mesh","discovery"]', 'bitnami'),
  ('istio-base', 5, false, false, false, 'Istio base chart installs the cluster-wide resources of the Istio service mesh.', '1.24.0', '1.24.0', 690, 'Apache-2.0', '["istio","service mesh"]', 'istio'),
  ('mariadb', 2, false, true, false, 'MariaDB is an open source, community-developed SQL database server that is widely in use.', '20.0.0', '11.4.4', 760, 'Apache-2.0', '["mariadb","mysql","database","sql"]', 'bitnami'),
  ('influxdb', 2, false, true, false, 'InfluxDB is an open source time-series database for metrics, events and real-time analytics.', '6.3.21', '2.7.10', 350, 'Apache-2.0', '["influxdb","timeseries","database"]', 'bitnami'),
  ('tomcat', 3, false, true, false, 'Apache Tomcat is an open source web server and servlet container for Java code.', '11.2.25', '10.1.33', 190, 'Apache-2.0', '["tomcat","java","servlet"]', 'bitnami'),
  ('old-dashboard', 4, false, false, false, 'A deprecated Kubernetes dashboard chart kept for reference only.', '0.9.0', '0.9.0', 45, 'Apache-2.0', '["dashboard","legacy"]', 'legacy-charts')
) as v(name, category, is_operator, official, cncf, description, version, app_version, stars, license, keywords, repo)
on conflict (repository_name, name) do nothing;

update cloud.bitnami_packages set deprecated = true where name = 'old-dashboard' and not deprecated;

update cloud.bitnami_categories c set total = (select count(*) from cloud.bitnami_packages p where p.category = c.category_id)
where total is distinct from (select count(*) from cloud.bitnami_packages p where p.category = c.category_id);
