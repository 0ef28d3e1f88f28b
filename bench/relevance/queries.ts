// The labelled query set of the relevance figure (issue 18 point 3): questions as people type them,
// with graded expected results that hold over the full seed volume (seed/full/catalog.sql on top of
// seed/100_catalog.sql). Grades: 3 = the expected answer, 2 = a right answer, 1 = acceptable, 0 = not.
//
// Offers are never labelled by id: each question carries a SQL predicate over the offer `i`
// (cloud.instances), evaluated by groundTruthSql() on the database being scored. `usd_hourly` and
// `usd_monthly` are the offer's prices in USD (converted with cloud.currency_rates; the seed sells
// Hetzner in EUR), and `located(cond)` is "one of the offer's regions satisfies cond" (alias r =
// cloud.regions). Only available offers count (the search's default). For a question that asks for
// the cheapest, the offers at the lowest USD hourly price get 3, the next ones among the 10 cheapest
// 2, every other match 1; otherwise every match gets 3. `partial` (optional) marks near misses 1.
//
// Packages are labelled by chart name (any publishing repository: the full seed repackages the same
// charts under ~700 repositories; a repackaged postgresql is still a postgresql chart). Every name
// exists in seed/100_catalog.sql (checked by tests/bench/relevance-labels.test.ts).

export interface OfferQuestion {
  kind: 'offers'
  q: string
  /** SQL boolean over i (cloud.instances), usd_hourly, usd_monthly and located(...). */
  match: string
  cheapest?: boolean
  /** SQL boolean: a near miss worth grade 1. */
  partial?: string
}

export interface PackageQuestion {
  kind: 'packages'
  q: string
  /** chart name -> grade (1..3); at least one name at 3. */
  grades: Record<string, 1 | 2 | 3>
}

export type Question = OfferQuestion | PackageQuestion

const located = (cond: string) => `exists (select 1 from cloud.regions r where r.provider = i.provider and i.regions ? r.region_id and ${cond})`
const europe = located(`r.continent = 'Europe'`)
const gpu = (model: string) => `i.gpu_model = '${model}'`

export const OFFER_QUESTIONS: OfferQuestion[] = [
  { kind: 'offers', q: 'cheapest A100 in Europe', match: `${gpu('A100')} and ${europe}`, cheapest: true, partial: gpu('A100') },
  { kind: 'offers', q: '8x H100 under $30/h', match: `${gpu('H100')} and i.gpu_count = 8 and usd_hourly <= 30` },
  { kind: 'offers', q: '16 vcpu 64GB in Germany', match: `i.cpu_cores = 16 and i.memory_gb = 64 and ${located(`r.country = 'Germany'`)}`,
    partial: `i.cpu_cores >= 16 and i.memory_gb >= 64 and ${located(`r.country = 'Germany'`)}` },
  { kind: 'offers', q: 'gpu server in Frankfurt', match: `i.gpu_count > 0 and ${located(`r.city = 'Frankfurt'`)}`, partial: `i.gpu_count > 0 and ${located(`r.country = 'Germany'`)}` },
  { kind: 'offers', q: 'cheapest H100', match: gpu('H100'), cheapest: true },
  { kind: 'offers', q: 'H200 in Asia', match: `${gpu('H200')} and ${located(`r.continent = 'Asia'`)}`, partial: gpu('H200') },
  { kind: 'offers', q: 'cheapest 2 vcpu 4gb', match: 'i.cpu_cores = 2 and i.memory_gb = 4', cheapest: true },
  { kind: 'offers', q: 'RTX 4090 in the US', match: `${gpu('RTX 4090')} and ${located(`r.country = 'United States'`)}`, partial: gpu('RTX 4090') },
  { kind: 'offers', q: 'L4 GPU under $1/h', match: `${gpu('L4')} and usd_hourly <= 1`, partial: gpu('L4') },
  { kind: 'offers', q: '4x A100 in Germany', match: `${gpu('A100')} and i.gpu_count = 4 and ${located(`r.country = 'Germany'`)}`,
    partial: `${gpu('A100')} and i.gpu_count = 4` },
  { kind: 'offers', q: 'cheapest MI300X', match: gpu('MI300X'), cheapest: true },
  { kind: 'offers', q: 'T4 in Tokyo', match: `${gpu('T4')} and ${located(`r.city = 'Tokyo'`)}`, partial: `${gpu('T4')} and ${located(`r.country = 'Japan'`)}` },
  { kind: 'offers', q: '64 vcpu 512 GB memory', match: 'i.cpu_cores = 64 and i.memory_gb = 512', partial: 'i.cpu_cores >= 64 and i.memory_gb >= 512' },
  { kind: 'offers', q: 'cheapest server in London', match: located(`r.city = 'London'`), cheapest: true },
  { kind: 'offers', q: 'hetzner gpu', match: `i.provider = 'hetzner' and i.gpu_count > 0` },
  { kind: 'offers', q: '2x L40S in the Netherlands', match: `${gpu('L40S')} and i.gpu_count = 2 and ${located(`r.country = 'Netherlands'`)}`,
    partial: `${gpu('L40S')} and i.gpu_count = 2` },
  { kind: 'offers', q: 'cheapest 8 vcpu 32gb in Europe', match: `i.cpu_cores = 8 and i.memory_gb = 32 and ${europe}`, cheapest: true },
  { kind: 'offers', q: 'A10 under $1000/month', match: `${gpu('A10')} and usd_monthly <= 1000`, partial: gpu('A10') },
  { kind: 'offers', q: 'H100 in Singapore', match: `${gpu('H100')} and ${located(`r.city = 'Singapore'`)}`, partial: gpu('H100') },
  { kind: 'offers', q: 'cheapest 1 vcpu 1 gb instance', match: 'i.cpu_cores = 1 and i.memory_gb = 1', cheapest: true },
  { kind: 'offers', q: 'NVIDIA A100 80GB in Europe', match: `${gpu('A100')} and ${europe}`, partial: gpu('A100') },
  { kind: 'offers', q: 'gpu server in europe under $2 per hour', match: `i.gpu_count > 0 and usd_hourly <= 2 and ${europe}`,
    partial: `i.gpu_count > 0 and ${europe}` },
  { kind: 'offers', q: 'a100 in DE', match: `${gpu('A100')} and ${located(`r.country = 'Germany'`)}`, partial: gpu('A100') },
  { kind: 'offers', q: 'lambda labs H100', match: `i.provider = 'lambdalabs' and ${gpu('H100')}`, partial: gpu('H100') },
  // Looser phrasings: no "in", spelled-out units, a model number without its family, a sort in words.
  { kind: 'offers', q: 'h100 frankfurt', match: `${gpu('H100')} and ${located(`r.city = 'Frankfurt'`)}`, partial: `${gpu('H100')} and ${located(`r.country = 'Germany'`)}` },
  { kind: 'offers', q: '8 x A100 server', match: `${gpu('A100')} and i.gpu_count = 8`, partial: gpu('A100') },
  { kind: 'offers', q: 'at least 32 cores and 128gb ram in europe', match: `i.cpu_cores >= 32 and i.memory_gb >= 128 and ${europe}`,
    partial: 'i.cpu_cores >= 32 and i.memory_gb >= 128' },
  { kind: 'offers', q: 'cheap 4090 in usa', match: `${gpu('RTX 4090')} and ${located(`r.country = 'United States'`)}`, cheapest: true, partial: gpu('RTX 4090') },
  { kind: 'offers', q: 'A100 under 2 dollars an hour', match: `${gpu('A100')} and usd_hourly <= 2`, partial: gpu('A100') },
  { kind: 'offers', q: 'MI300X under 5000 per month', match: `${gpu('MI300X')} and usd_monthly <= 5000`, partial: gpu('MI300X') },
  { kind: 'offers', q: 'H100 GPUs in germany, cheapest first', match: `${gpu('H100')} and ${located(`r.country = 'Germany'`)}`, cheapest: true, partial: gpu('H100') },
]

export const PACKAGE_QUESTIONS: PackageQuestion[] = [
  { kind: 'packages', q: 'postgres', grades: { postgresql: 3, 'postgresql-ha': 2, 'cloudnative-pg': 2 } },
  { kind: 'packages', q: 'postgresql', grades: { postgresql: 3, 'postgresql-ha': 2, 'cloudnative-pg': 2 } },
  { kind: 'packages', q: 'postgres operator', grades: { 'cloudnative-pg': 3, 'postgresql-ha': 1, postgresql: 1 } },
  { kind: 'packages', q: 'k8s ingress controller', grades: { 'ingress-nginx': 3, traefik: 3, nginx: 1 } },
  { kind: 'packages', q: 'redis cluster', grades: { redis: 3 } },
  { kind: 'packages', q: 'prometheus monitoring', grades: { prometheus: 3, 'kube-prometheus-stack': 3, grafana: 1 } },
  { kind: 'packages', q: 'kafka', grades: { kafka: 3, 'strimzi-kafka-operator': 2 } },
  { kind: 'packages', q: 'promethus', grades: { prometheus: 3, 'kube-prometheus-stack': 2 } },
  { kind: 'packages', q: 'mongo', grades: { mongodb: 3 } },
  { kind: 'packages', q: 'cert manager', grades: { 'cert-manager': 3 } },
  { kind: 'packages', q: 'mysql', grades: { mysql: 3, mariadb: 2 } },
  { kind: 'packages', q: 'kafka operator', grades: { 'strimzi-kafka-operator': 3, kafka: 1 } },
  { kind: 'packages', q: 'grafana dashboards', grades: { grafana: 3, 'kube-prometheus-stack': 1 } },
  { kind: 'packages', q: 's3 object storage', grades: { minio: 3 } },
  { kind: 'packages', q: 'gitops', grades: { 'argo-cd': 3, flux2: 3 } },
  { kind: 'packages', q: 'secrets management', grades: { vault: 3 } },
  { kind: 'packages', q: 'log aggregation', grades: { loki: 3, 'fluent-bit': 1, elasticsearch: 1 } },
  { kind: 'packages', q: 'letsencrypt certificates', grades: { 'cert-manager': 3 } },
  { kind: 'packages', q: 'message queue', grades: { rabbitmq: 3, nats: 2, kafka: 1 } },
  { kind: 'packages', q: 'kubernetes backup', grades: { velero: 3, longhorn: 1 } },
  { kind: 'packages', q: 'run llm on gpu', grades: { ollama: 3, kserve: 2, 'kuberay-operator': 2, 'gpu-operator': 1 } },
  { kind: 'packages', q: 'jupyter notebooks', grades: { jupyterhub: 3 } },
  { kind: 'packages', q: 'elastic search', grades: { elasticsearch: 3 } },
  { kind: 'packages', q: 'nvidia gpu operator', grades: { 'gpu-operator': 3 } },
  { kind: 'packages', q: 'rabitmq', grades: { rabbitmq: 3 } },
  { kind: 'packages', q: 'ci server', grades: { jenkins: 3 } },
  { kind: 'packages', q: 'keycloak sso', grades: { keycloak: 3 } },
  { kind: 'packages', q: 'pg operator', grades: { 'cloudnative-pg': 3, 'postgresql-ha': 1, postgresql: 1 } },
  { kind: 'packages', q: 'argocd', grades: { 'argo-cd': 3 } },
  { kind: 'packages', q: 'grafana loki logging', grades: { loki: 3, grafana: 2, 'fluent-bit': 1 } },
  { kind: 'packages', q: 'ingress', grades: { 'ingress-nginx': 3, traefik: 3, nginx: 1 } },
  { kind: 'packages', q: 'cassandra nosql', grades: { cassandra: 3, mongodb: 1 } },
]

export const QUESTIONS: Question[] = [...OFFER_QUESTIONS, ...PACKAGE_QUESTIONS]

/**
 * Every labelled offer of an offer question with its grade (grade > 0 only), as one statement.
 * Columns: id uuid, grade int.
 */
export function groundTruthSql(question: OfferQuestion): string {
  const partial = question.partial ?? 'false'
  const grade = question.cheapest
    ? `case when not full_match then 1 when usd_hourly = min(usd_hourly) filter (where full_match) over () then 3
            when row_number() over (partition by full_match order by usd_hourly, id) <= 10 then 2 else 1 end`
    : 'case when full_match then 3 else 1 end'
  return `with priced as (
      select i.*, i.price_hourly / coalesce(cr.per_usd, 1) as usd_hourly, i.price_monthly / coalesce(cr.per_usd, 1) as usd_monthly
      from cloud.instances i left join cloud.currency_rates cr on cr.currency = i.price_currency
      where i.available
    ),
    matched as (
      select i.id, i.usd_hourly, coalesce((${question.match}), false) as full_match
      from priced i
      where (${question.match}) or (${partial})
    )
    select id, (${grade})::int as grade from matched`
}
