// Real engine only: every search RPC ranks through its index. Each RPC is called as a client calls it
// with auto_explain logging the plans of the statements it runs (nested statements included,
// delivered to this session as LOG notices); the test fails when a semantic branch reads its table
// instead of the HNSW index (or a full-text / cheapest-first branch instead of its GIN / btree
// index). Tables hold a few thousand rows, enough that a sequential scan of every vector is the
// slow path the index exists to avoid. PGlite has no auto_explain: skipped there (the same RPCs'
// results are covered on both engines by tests/functions/embedding-search.test.ts and the domain tests).
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onRealPostgres } from '../support/engine.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql
let plans: string[] = []
let domainId = ''

const DOMAIN = 'index-use.example.com'
const COPIES = { instances: 8, packages: 40, passages: 2500 }

/** A random 1536-dimensional vector expression, re-evaluated per row of `alias`. */
const randomVector = (alias: string) =>
  `(select array_agg(random() - 0.5)::extensions.vector(1536) from generate_series(1, 1536) where ${alias} is not null)`

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

/** Every plan node of the statements logged while fn ran, as "Index Scan using x on t" / "Seq Scan on t". */
async function nodesOf(fn: (c: postgres.Sql) => Promise<unknown>): Promise<{ nodes: string[]; rows: number }> {
  plans = []
  const result = (await fn(sql)) as unknown[]
  const nodes: string[] = []
  const walk = (n: PlanNode) => {
    nodes.push([n['Node Type'], n['Index Name'] ? `using ${n['Index Name']}` : '', n['Relation Name'] ? `on ${n['Relation Name']}` : ''].filter(Boolean).join(' '))
    for (const child of n.Plans ?? []) walk(child)
  }
  for (const text of plans) {
    const json = text.slice(text.indexOf('{'))
    walk((JSON.parse(json) as { Plan: PlanNode }).Plan)
  }
  return { nodes, rows: result.length }
}

const usesIndex = (nodes: string[], index: string) => nodes.some((n) => n.includes(`using ${index} `) || n.endsWith(`using ${index}`))
const scansTable = (nodes: string[], table: string) => nodes.filter((n) => n.startsWith('Seq Scan') && n.endsWith(` on ${table}`))

let vector = ''

describe.skipIf(!onRealPostgres)('search RPCs use their indexes on the real engine', () => {
  beforeAll(async () => {
    db = await startTestDatabase()
    const admin = postgres(db.url, { max: 1, onnotice: () => {} })
    // The HNSW indexes are built once after the load (as a bulk load should), with their own definitions.
    const hnsw = await admin<{ name: string; definition: string }[]>`
      select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
      where a.amname = 'hnsw' and i.indrelid in ('cloud.instances'::regclass, 'cloud.bitnami_packages'::regclass, 'sites.page_embeddings'::regclass)`
    expect(hnsw.length).toBe(5)
    for (const { name } of hnsw) await admin.unsafe(`drop index ${name}`)
    // Copies of the seeded instances and packages (new keys), each with random vectors, and one
    // domain's passages.
    const columns = async (table: string, skip: string[]) =>
      (await admin<{ column_name: string }[]>`
        select column_name from information_schema.columns
        where table_schema = 'cloud' and table_name = ${table} and is_generated = 'NEVER' and column_default is distinct from 'gen_random_uuid()'
        order by ordinal_position`).map((c) => c.column_name).filter((c) => !skip.includes(c))
    const instanceColumns = await columns('instances', ['instance_id', 'embedding', 'created_at', 'updated_at'])
    await admin.unsafe(`
      insert into cloud.instances (${instanceColumns.join(', ')}, instance_id, embedding)
      select ${instanceColumns.map((c) => `i.${c}`).join(', ')}, i.instance_id || '-copy-' || g, ${randomVector('g')}
      from cloud.instances i, generate_series(1, ${COPIES.instances}) g`)
    await admin.unsafe(`update cloud.instances i set embedding = ${randomVector('i.id')} where embedding is null`)
    // Package copies say other things (filler words), so a full-text query matches the seeded few.
    const packageColumns = await columns('bitnami_packages',
      ['name', 'normalized_name', 'repository_display_name', 'description', 'readme', 'keywords', 'description_embedding', 'readme_embedding', 'keywords_embedding', 'created_at', 'updated_at'])
    await admin.unsafe(`
      insert into cloud.bitnami_packages (${packageColumns.join(', ')}, name, repository_display_name, description, readme, keywords, description_embedding, readme_embedding, keywords_embedding)
      select ${packageColumns.map((c) => `p.${c}`).join(', ')}, 'filler-' || g || '-' || md5(p.package_id::text), 'Filler', 'filler package ' || g, 'filler readme', '[]'::jsonb,
             ${randomVector('g')}, ${randomVector('g')}, ${randomVector('g')}
      from cloud.bitnami_packages p, generate_series(1, ${COPIES.packages}) g`)
    const [{ id }] = await admin<{ id: string }[]>`
      insert into sites.domains (user_id, domain) values (tests.create_supabase_user('index_use_owner'), ${DOMAIN}) returning id`
    domainId = id
    await admin.unsafe(`
      with page as (insert into sites.scraped_pages (domain_id, url, title, status) values ('${domainId}', 'https://${DOMAIN}/', 'Home', 'scraped') returning id)
      insert into sites.page_embeddings (page_id, domain_id, chunk_index, chunk_text, embedding)
      select page.id, '${domainId}', g,
             case when g % 100 = 0 then 'gpu servers and postgres operators, passage ' || g else 'passage ' || g || ' on subject ' || g % 100 end,
             ${randomVector('g')}
      from page, generate_series(1, ${COPIES.passages}) g`)
    await admin.unsafe(`set maintenance_work_mem = '256MB'`)
    for (const { definition } of hnsw) await admin.unsafe(definition)
    // As after any bulk load: statistics, and the GIN indexes' pending lists merged (VACUUM).
    for (const table of ['cloud.instances', 'cloud.bitnami_packages', 'sites.page_embeddings', 'sites.domains', 'private.package_search_words']) await admin.unsafe(`vacuum analyze ${table}`)
    await admin.end()

    // The session whose calls are explained: auto_explain on every statement, nested ones too.
    sql = postgres(db.url, {
      max: 1,
      onnotice: (n) => {
        if (n.severity === 'LOG' && String(n.message).includes('"Plan"')) plans.push(String(n.message))
      },
    })
    await sql.unsafe(`load 'auto_explain'`)
    await sql.unsafe(`set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_format = json;
      set client_min_messages = log`)
    ;[{ vector }] = await sql<{ vector: string }[]>`select ${sql.unsafe(randomVector('1'))}::text as vector`
  }, 900_000)
  afterAll(async () => {
    await sql?.end()
    await db?.stop()
  })

  it('cloud.search_instances: the HNSW index without filters, and k rows', async () => {
    const { nodes, rows } = await nodesOf((c) => c`select * from cloud.search_instances(${vector}::extensions.vector, 10)`)
    expect(usesIndex(nodes, 'instances_embedding_hnsw'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'instances')).toEqual([])
    expect(rows).toBe(10)
  })

  it('cloud.search_instances: the HNSW index with filters (vCPU, hourly price), and k rows', async () => {
    const { nodes, rows } = await nodesOf((c) => c`
      select * from cloud.search_instances(query_embedding => ${vector}::extensions.vector, match_count => 10, min_vcpu => 2, max_price_hourly => 1000)`)
    expect(usesIndex(nodes, 'instances_embedding_hnsw'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'instances')).toEqual([])
    expect(rows).toBe(10)
  })

  it('cloud.search_instances: a selective filter still answers k rows when k rows match', async () => {
    const [{ provider, n }] = await sql<{ provider: string; n: number }[]>`
      select provider, count(*)::int as n from cloud.instances where available and embedding is not null group by provider order by count(*) limit 1`
    const { rows } = await nodesOf((c) => c`select * from cloud.search_instances(${vector}::extensions.vector, 10, ${provider})`)
    expect(rows).toBe(Math.min(10, n))
  })

  it('cloud.search_instances: normalised filters (GPU model in another spelling, country code) read indexes, and k rows', async () => {
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from cloud.instances where available and embedding is not null and upper(gpu_model) like '%A100%'`
    const gpu = await nodesOf((c) => c`select * from cloud.search_instances(${vector}::extensions.vector, 10, gpu_model_filter => 'nvidia a100')`)
    expect(usesIndex(gpu.nodes, 'instances_embedding_hnsw') || usesIndex(gpu.nodes, 'instances_gpu_model_key_idx'), gpu.nodes.join('\n')).toBe(true)
    expect(scansTable(gpu.nodes, 'instances')).toEqual([])
    expect(gpu.rows).toBe(Math.min(10, n))
    const country = await nodesOf((c) => c`select * from cloud.search_instances(${vector}::extensions.vector, 10, country_filter => 'de')`)
    expect(usesIndex(country.nodes, 'instances_embedding_hnsw'), country.nodes.join('\n')).toBe(true)
    expect(scansTable(country.nodes, 'instances')).toEqual([])
    expect(country.rows).toBe(10)
    const cheapest = await nodesOf((c) => c`select * from cloud.search_instances(match_count => 10, gpu_model_filter => 'A100', continent_filter => 'eu')`)
    expect(scansTable(cheapest.nodes, 'instances')).toEqual([])
    expect(cheapest.rows).toBe(10)
  })

  it('cloud.search_instances without an embedding: cheapest first from the price index, no scan of the table', async () => {
    const { nodes, rows } = await nodesOf((c) => c`select * from cloud.search_instances(match_count => 10)`)
    expect(usesIndex(nodes, 'instances_price_monthly_idx'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'instances')).toEqual([])
    expect(rows).toBe(10)
  })

  it('cloud.search_packages (hybrid): the three HNSW indexes and the full-text index', async () => {
    const { nodes, rows } = await nodesOf((c) => c`select * from cloud.search_packages('postgresql operator', ${vector}::extensions.vector, 10)`)
    for (const index of ['bitnami_packages_description_embedding_hnsw', 'bitnami_packages_readme_embedding_hnsw', 'bitnami_packages_keywords_embedding_hnsw', 'bitnami_packages_search_tsv_idx']) {
      expect(usesIndex(nodes, index), `${index}:\n${nodes.join('\n')}`).toBe(true)
    }
    expect(scansTable(nodes, 'bitnami_packages')).toEqual([])
    expect(rows).toBe(10)
  })

  it('cloud.search_packages (full text only): the full-text index, no scan of the table', async () => {
    const { nodes } = await nodesOf((c) => c`select * from cloud.search_packages('postgresql', null, 10)`)
    expect(usesIndex(nodes, 'bitnami_packages_search_tsv_idx'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'bitnami_packages')).toEqual([])
  })

  it('cloud.search_packages (misspelt, text only): the trigram index of the vocabulary, then the full-text index', async () => {
    // "postgress" is no word of any package: the relaxed pass looks up the nearest name / keyword
    // words (private.package_search_words, GIN trigram) and searches with them.
    const { nodes, rows } = await nodesOf((c) => c`select * from cloud.search_packages('postgress operatr', null, 10)`)
    expect(usesIndex(nodes, 'package_search_words_trgm_idx'), nodes.join('\n')).toBe(true)
    expect(usesIndex(nodes, 'bitnami_packages_search_tsv_idx'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'bitnami_packages')).toEqual([])
    expect(scansTable(nodes, 'package_search_words')).toEqual([])
    expect(rows).toBeGreaterThan(0)
  })

  it('sites.search_embeddings (question + embedding): the HNSW and full-text indexes of the passages', async () => {
    const { nodes, rows } = await nodesOf((c) => c`select * from sites.search_embeddings('gpu servers', ${vector}::extensions.vector, ${DOMAIN}, 10)`)
    expect(usesIndex(nodes, 'idx_page_embeddings_vector'), nodes.join('\n')).toBe(true)
    expect(usesIndex(nodes, 'page_embeddings_fts_idx'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'page_embeddings')).toEqual([])
    expect(rows).toBe(10)
  })

  it('sites.search_embeddings (text only): the full-text index, then the HNSW index from the anchor passage', async () => {
    const { nodes, rows } = await nodesOf((c) => c`select * from sites.search_embeddings('postgres operators', ${DOMAIN}, 10)`)
    expect(usesIndex(nodes, 'page_embeddings_fts_idx'), nodes.join('\n')).toBe(true)
    expect(usesIndex(nodes, 'idx_page_embeddings_vector'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'page_embeddings')).toEqual([])
    expect(rows).toBe(10)
  })

  it('sites.search_embeddings (text only, no full-text hit): the trigram index, no scan of the passages, k rows', async () => {
    // A misspelling no dictionary stems to a passage's words: the fallback ranks by trigram word similarity.
    const { nodes, rows } = await nodesOf((c) => c`select * from sites.search_embeddings('postgress operatrs', ${DOMAIN}, 10)`)
    expect(usesIndex(nodes, 'page_embeddings_chunk_text_trgm_idx'), nodes.join('\n')).toBe(true)
    expect(scansTable(nodes, 'page_embeddings')).toEqual([])
    expect(rows).toBe(10)
  })

  it('private.match_vectors and private.hybrid_search: the HNSW index of the table searched', async () => {
    const match = await nodesOf((c) => c`select * from private.match_vectors('cloud.instances', 'id', 'embedding', ${vector}::extensions.vector, 10)`)
    expect(usesIndex(match.nodes, 'instances_embedding_hnsw'), match.nodes.join('\n')).toBe(true)
    expect(scansTable(match.nodes, 'instances')).toEqual([])
    expect(match.rows).toBe(10)
    const hybrid = await nodesOf((c) => c`
      select * from private.hybrid_search('sites.page_embeddings', 'id', 'fts', 'embedding', 'gpu servers', ${vector}::extensions.vector, 10)`)
    expect(usesIndex(hybrid.nodes, 'idx_page_embeddings_vector'), hybrid.nodes.join('\n')).toBe(true)
    expect(usesIndex(hybrid.nodes, 'page_embeddings_fts_idx'), hybrid.nodes.join('\n')).toBe(true)
    expect(scansTable(hybrid.nodes, 'page_embeddings')).toEqual([])
    expect(hybrid.rows).toBe(10)
  })
})
