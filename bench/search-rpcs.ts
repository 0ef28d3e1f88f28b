// Figure 1b: every search RPC at the full seed volume, called the way a client calls it (the RPC in
// SQL, one connection with prepared statements, as PostgREST does), beside the raw index query it
// is built on, measured in the same run: p50 / p95 over 100 calls (20 queries x 5 rounds, after one
// untimed warm-up round), the first call in a new connection (real engine) and recall@10 against an
// exact scan for the instance search.
import type { Session } from './vector-search.ts'
import { percentile } from './stats.ts'

/** The domain of the sites passages (50,000 of them) and the other one (the rest). */
export const PASSAGE_DOMAIN = 'docs.bench.test'
export const OTHER_DOMAIN = 'other.bench.test'
export const PASSAGES = 50_000

/**
 * Sites passages for the full-volume database: one page per catalog package (its description,
 * README and keywords as three passages) and per instance (its description), each passage with
 * the vector the embedding pipeline built for the same text with the same model (so it is marked
 * embedded, and no job is left). 50,000 passages in PASSAGE_DOMAIN, the rest in OTHER_DOMAIN; the
 * HNSW index is built once, after the load.
 */
export const SITES_PASSAGES_SQL = `
  drop index sites.idx_page_embeddings_vector;
  create temporary table bench_sources on commit drop as
    select row_number() over (order by kind, source_id, chunk_index) as n, * from (
      select 'package' as kind, p.package_id as source_id, 'https://${PASSAGE_DOMAIN}/packages/' || p.package_id as url, p.name as title,
             c.chunk_index, c.chunk_text, c.embedding
      from cloud.bitnami_packages p,
           lateral (values (0, p.description, p.description_embedding), (1, p.readme, p.readme_embedding), (2, p.keywords_text, p.keywords_embedding))
             as c(chunk_index, chunk_text, embedding)
      where c.embedding is not null and btrim(coalesce(c.chunk_text, '')) <> ''
      union all
      select 'instance', i.id, 'https://${PASSAGE_DOMAIN}/instances/' || i.provider || '/' || i.instance_id, i.name, 0, i.search_text, i.embedding
      from cloud.instances i
      where i.embedding is not null and btrim(coalesce(i.search_text, '')) <> '') s;
  insert into auth.users (id, email, aud, role, created_at, updated_at)
  values ('00000000-0000-4000-8000-00000000b001', 'bench-sites-owner@bench.invalid', 'authenticated', 'authenticated', now(), now());
  insert into sites.domains (user_id, domain, name)
  select '00000000-0000-4000-8000-00000000b001', d.domain, d.domain from (values ('${PASSAGE_DOMAIN}'), ('${OTHER_DOMAIN}')) d(domain);
  create temporary table bench_pages on commit drop as
    select distinct on (s.kind, s.source_id) s.kind, s.source_id, s.url, s.title,
           (select d.id from sites.domains d where d.domain = case when s.n <= ${PASSAGES} then '${PASSAGE_DOMAIN}' else '${OTHER_DOMAIN}' end) as domain_id,
           gen_random_uuid() as page_id
    from bench_sources s order by s.kind, s.source_id, s.n;
  insert into sites.scraped_pages (id, domain_id, url, title, status, scraped_at)
  select p.page_id, p.domain_id, replace(p.url, '${PASSAGE_DOMAIN}', (select domain from sites.domains where id = p.domain_id)), p.title, 'scraped', now()
  from bench_pages p;
  insert into sites.page_embeddings (page_id, domain_id, chunk_index, chunk_text, embedding)
  select p.page_id, p.domain_id, s.chunk_index, s.chunk_text, s.embedding
  from bench_sources s join bench_pages p on p.kind = s.kind and p.source_id = s.source_id;
  delete from private.embedding_jobs where target_schema = 'sites' and target_table = 'page_embeddings';
  insert into private.embedding_state (target_schema, target_table, target_id, vector_column, content_hash, model)
  select 'sites', 'page_embeddings', e.id::text, 'embedding', private.text_sha256(e.chunk_text),
         (select s.model from private.embedding_state s where s.target_table = 'instances' limit 1)
  from sites.page_embeddings e;
  set maintenance_work_mem = '512MB';
  create index idx_page_embeddings_vector on sites.page_embeddings using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64);
  reset maintenance_work_mem;`

export interface RpcFigure {
  rpc: string
  calls: number
  p50_ms: number
  p95_ms: number
  baseline: string
  baseline_p50_ms: number
  baseline_p95_ms: number
  first_call_ms: number | null
  average_rows: number
  recall_at_10?: number
  recall_at_10_by_distance?: number
}

interface Case {
  key: string
  rpc: string
  text: string
  params: (vector: string, query: string) => unknown[]
  baseline: string
  baselineSetup: string
  baselineText: string
  baselineParams: (vector: string, query: string) => unknown[]
  /** Exact truth for recall@10 (rows with id and distance), if measured. */
  exact?: string
}

const r = (x: number) => Math.round(x * 100) / 100
const twoWords = (q: string) => q.split(' ').slice(0, 2).join(' ')
/** Each word of 3 letters or more with its 2nd and 3rd letters swapped ("NVIDIA H100" -> "NIVDIA H010"). */
const misspelt = (q: string) => q.split(' ').map((w) => (w.length >= 3 ? w[0] + w[2] + w[1] + w.slice(3) : w)).join(' ')
const INDEX = `set local hnsw.ef_search = 100; set local hnsw.iterative_scan = 'relaxed_order'; set local enable_seqscan = off; set local jit = off`
// The packages' rankers: the planner would read the `not deprecated` btree and sort rather than walk the HNSW index.
const INDEX_NO_SORT = `${INDEX}; set local enable_sort = off`
const TRIGRAM = `set local pg_trgm.word_similarity_threshold = 0.3; set local enable_seqscan = off; set local jit = off`
const EXACT = `set local enable_indexscan = off; set local enable_bitmapscan = off; set local plan_cache_mode = force_custom_plan`

const FILTERS3 = `i.available and i.gpu_count >= 1 and i.price_monthly <= 5000 and exists (
    select 1 from cloud.regions r where r.provider = i.provider and i.regions ? r.region_id and r.continent = 'Europe')`

function cases(domainId: string): Case[] {
  const knnInstances = `select id, embedding operator(extensions.<=>) $1::extensions.vector as distance from cloud.instances
    where embedding is not null order by embedding operator(extensions.<=>) $1::extensions.vector limit 10`
  const knnFiltered = `with m as materialized (select i.id, i.embedding operator(extensions.<=>) $1::extensions.vector as distance from cloud.instances i
    where i.embedding is not null and ${FILTERS3} order by i.embedding operator(extensions.<=>) $1::extensions.vector limit 10) select * from m order by distance`
  const knnPackages = `select package_id from cloud.bitnami_packages where description_embedding is not null and not deprecated
    order by description_embedding operator(extensions.<=>) $1::extensions.vector limit 20`
  const knnPassages = `with m as materialized (select id, embedding operator(extensions.<=>) $1::extensions.vector as distance from sites.page_embeddings
    where domain_id = '${domainId}' and embedding is not null order by embedding operator(extensions.<=>) $1::extensions.vector limit 40) select * from m order by distance`
  const ftsPackages = `select package_id from cloud.bitnami_packages where search_tsv @@ websearch_to_tsquery('english', $1) and not deprecated
    order by ts_rank_cd(search_tsv, websearch_to_tsquery('english', $1)) desc limit 20`
  const trigramPassages = `select id, extensions.word_similarity($1, chunk_text) from sites.page_embeddings
    where domain_id = '${domainId}' and $1 operator(extensions.<%) chunk_text order by 2 desc, id limit 10`
  const ftsPassages = `select id from sites.page_embeddings where domain_id = '${domainId}' and fts @@ websearch_to_tsquery('english', $1)
    order by ts_rank_cd(fts, websearch_to_tsquery('english', $1)) desc limit 40`
  return [
    { key: 'search_instances', rpc: 'cloud.search_instances(query_embedding, 10)', text: `select * from cloud.search_instances($1::extensions.vector, 10)`,
      params: (v) => [v], baseline: 'raw HNSW top-10', baselineSetup: INDEX, baselineText: knnInstances, baselineParams: (v) => [v], exact: knnInstances },
    { key: 'search_instances_3_filters', rpc: 'cloud.search_instances(query_embedding, 10, min_gpu_count 1, max_price_monthly 5000, continent Europe)',
      text: `select * from cloud.search_instances(query_embedding => $1::extensions.vector, match_count => 10, min_gpu_count => 1, max_price_monthly => 5000, continent_filter => 'Europe')`,
      params: (v) => [v], baseline: 'raw HNSW top-10, same filters (iterative scan)', baselineSetup: INDEX, baselineText: knnFiltered, baselineParams: (v) => [v], exact: knnFiltered },
    { key: 'search_instances_hetzner_gpus', rpc: "cloud.search_instances(query_embedding, 10, 'hetzner', min_gpu_count 1) (~1.6% of rows)",
      text: `select * from cloud.search_instances($1::extensions.vector, 10, 'hetzner', null, 1)`,
      params: (v) => [v], baseline: 'raw HNSW top-10', baselineSetup: INDEX, baselineText: knnInstances, baselineParams: (v) => [v] },
    { key: 'search_instances_cheapest', rpc: 'cloud.search_instances(match_count 10, min_gpu_count 1) (no embedding: cheapest first)',
      text: `select * from cloud.search_instances(match_count => 10, min_gpu_count => 1)`, params: () => [],
      baseline: 'raw btree top-10 by price', baselineSetup: 'set local jit = off',
      baselineText: `select id from cloud.instances where available and gpu_count >= 1 order by price_monthly nulls last, id limit 10`, baselineParams: () => [] },
    { key: 'search_packages_hybrid', rpc: 'cloud.search_packages(query_text, query_embedding, 10)', text: `select * from cloud.search_packages($2, $1::extensions.vector, 10)`,
      params: (v, q) => [v, q], baseline: 'raw HNSW top-20 (description)', baselineSetup: INDEX_NO_SORT, baselineText: knnPackages, baselineParams: (v) => [v] },
    { key: 'search_packages_text', rpc: 'cloud.search_packages(query_text, null, 10)', text: `select * from cloud.search_packages($1, null, 10)`,
      params: (_v, q) => [q], baseline: 'raw full-text top-20 (GIN)', baselineSetup: 'set local jit = off', baselineText: ftsPackages, baselineParams: (_v, q) => [q] },
    { key: 'search_embeddings', rpc: `sites.search_embeddings(query, query_embedding, '${PASSAGE_DOMAIN}', 10) (${PASSAGES} passages)`,
      text: `select * from sites.search_embeddings($2, $1::extensions.vector, '${PASSAGE_DOMAIN}', 10)`,
      params: (v, q) => [v, q], baseline: 'raw HNSW top-40 in the domain', baselineSetup: INDEX, baselineText: knnPassages, baselineParams: (v) => [v] },
    // Text only: the query's first two words (full-text hits, so the anchor passage exists; without
    // any hit the function falls back to trigram similarity over the domain's passages, not measured here).
    { key: 'search_embeddings_text', rpc: `sites.search_embeddings(query, '${PASSAGE_DOMAIN}', 10) (two-word queries)`, text: `select * from sites.search_embeddings($1, '${PASSAGE_DOMAIN}', 10)`,
      params: (_v, q) => [twoWords(q)], baseline: 'raw full-text top-40 in the domain (GIN)', baselineSetup: 'set local jit = off', baselineText: ftsPassages, baselineParams: (_v, q) => [twoWords(q)] },
    // Text only, misspelt (one letter pair swapped in each word): no full-text hit, so the trigram
    // fallback ranks by word similarity through the GIN trigram index.
    { key: 'search_embeddings_trigram', rpc: `sites.search_embeddings(query, '${PASSAGE_DOMAIN}', 10) (misspelt two-word queries: trigram fallback)`,
      text: `select * from sites.search_embeddings($1, '${PASSAGE_DOMAIN}', 10)`,
      params: (_v, q) => [misspelt(twoWords(q))], baseline: 'raw trigram top-10 in the domain (GIN, word_similarity >= 0.3)', baselineSetup: TRIGRAM,
      baselineText: trigramPassages, baselineParams: (_v, q) => [misspelt(twoWords(q))] },
    { key: 'match_vectors', rpc: "private.match_vectors('cloud.instances', 'id', 'embedding', query_embedding, 10)",
      text: `select * from private.match_vectors('cloud.instances', 'id', 'embedding', $1::extensions.vector, 10)`,
      params: (v) => [v], baseline: 'raw HNSW top-10', baselineSetup: INDEX, baselineText: knnInstances, baselineParams: (v) => [v], exact: knnInstances },
    { key: 'hybrid_search', rpc: "private.hybrid_search('sites.page_embeddings', 'id', 'fts', 'embedding', query, query_embedding, 10)",
      text: `select * from private.hybrid_search('sites.page_embeddings', 'id', 'fts', 'embedding', $2, $1::extensions.vector, 10)`,
      params: (v, q) => [v, q], baseline: 'raw HNSW top-40 in the domain', baselineSetup: INDEX, baselineText: knnPassages, baselineParams: (v) => [v] },
  ]
}

/**
 * The figures. `newSession` opens a new connection to the same database (real engine; the first
 * call there pays for loading pgvector, plpgsql and the catalog caches), or is absent (PGlite: one
 * connection only).
 */
export async function searchRpcFigures(
  db: Session, queries: string[], vectors: string[], newSession?: () => Session, log: (l: string) => void = () => {}, only?: string[],
): Promise<Record<string, RpcFigure>> {
  const [domain] = await db.query<{ id: string }>(`select id from sites.domains where domain = $1`, [PASSAGE_DOMAIN])
  if (!domain) throw new Error(`no passages: ${PASSAGE_DOMAIN} is missing from the full-volume database`)
  const out: Record<string, RpcFigure> = {}
  const ROUNDS = 5
  for (const c of cases(domain.id).filter((x) => !only || only.includes(x.key))) {
    log(`search rpcs: ${c.key}`)
    let first: number | null = null
    if (newSession) {
      const firsts: number[] = []
      for (let i = 0; i < 3; i++) {
        const fresh = newSession()
        await fresh.query('select 1')
        const t = performance.now()
        await fresh.query(c.text, c.params(vectors[i], queries[i]))
        firsts.push(performance.now() - t)
        await fresh.close()
      }
      first = r(percentile(firsts, 50))
    }
    for (const [i, v] of vectors.entries()) {
      await db.query(c.text, c.params(v, queries[i]))
      await db.timedIn(c.baselineSetup, c.baselineText, c.baselineParams(v, queries[i]))
    }
    const ms: number[] = []
    const baseMs: number[] = []
    let rows = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, v] of vectors.entries()) {
        const t = performance.now()
        const got = await db.query(c.text, c.params(v, queries[i]))
        ms.push(performance.now() - t)
        rows += got.length
        baseMs.push((await db.timedIn(c.baselineSetup, c.baselineText, c.baselineParams(v, queries[i]))).ms)
      }
    }
    const figure: RpcFigure = {
      rpc: c.rpc, calls: ms.length, p50_ms: r(percentile(ms, 50)), p95_ms: r(percentile(ms, 95)),
      baseline: c.baseline, baseline_p50_ms: r(percentile(baseMs, 50)), baseline_p95_ms: r(percentile(baseMs, 95)),
      first_call_ms: first, average_rows: r(rows / ms.length),
    }
    if (c.exact) {
      // recall@10 by id and by distance (a row no farther than the true 10th neighbour counts).
      let byId = 0
      let byDistance = 0
      for (const v of vectors) {
        const truth = (await db.timedIn<{ id: string; distance: number }>(EXACT, `${c.exact} /* exact */`, [v])).rows
        const got = await db.query<{ id: string; similarity: number }>(c.text, c.params(v, ''))
        const ids = new Set(truth.map((t) => t.id))
        const tenth = Math.max(...truth.map((t) => Number(t.distance)))
        byId += got.filter((g) => ids.has(g.id)).length / Math.max(truth.length, 1)
        byDistance += got.filter((g) => 1 - Number(g.similarity) <= tenth + 1e-9).length / Math.max(truth.length, 1)
      }
      figure.recall_at_10 = r(byId / vectors.length)
      figure.recall_at_10_by_distance = r(byDistance / vectors.length)
    }
    out[c.key] = figure
  }
  return out
}
