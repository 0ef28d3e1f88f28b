// Figure 1: vector search at the full seed volume (16,695 instances, 13,435 packages x 3 vectors:
// ~57k vectors). The populated database is built once per change of its inputs (the migrated
// template's inputs, seed/full/catalog.sql, the local embedder and the embedding worker) and cached:
//   pglite    a data directory in .temp/bench-full/pglite-<hash>
//   postgres  a database fd_bench_full_<hash> on the server (the `bench` cluster keeps it between runs)
// Older builds are removed. Both are filled by the same deterministic catalog seed and local embedder,
// so the two engines search identical vectors.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { embeddingProvider, embedQuery, toVectorLiteral } from '../functions/_shared/embeddings/provider.ts'
import { runEmbedWorker } from '../functions/embed/worker.ts'
import { readProjectConfig, ROOT } from '../stack/config.ts'
import { openPglite, serveSocket, socketPort } from '../stack/database.ts'
import { migrate } from '../stack/migrator.ts'
import { bootstrapPlatform } from '../stack/platform.ts'
import { pgliteRunner } from '../stack/sql-runner.ts'
import { adminClient, ensureTemplate, templateDatabase } from '../tests/support/template.ts'
import { adminUrl, databaseUrl, engine } from './engines.ts'
import { PASSAGE_DOMAIN, PASSAGES, searchRpcFigures, SITES_PASSAGES_SQL } from './search-rpcs.ts'
import { percentile } from './stats.ts'

const CACHE_DIR = join(ROOT, '.temp', 'bench-full')

/** Hash of everything the full-volume database is made of. */
function fullVolumeHash(): string {
  const hash = createHash('sha256').update(templateDatabase()) // carries the hash of migrations, seed, bootstrap, lockfile
  const embeddings = join(ROOT, 'functions', '_shared', 'embeddings')
  const files = [
    join(ROOT, 'seed', 'full', 'catalog.sql'), join(ROOT, 'scripts', 'seed-full.ts'), join(ROOT, 'functions', 'embed', 'worker.ts'),
    join(ROOT, 'functions', 'embed', 'batching.ts'), ...readdirSync(embeddings).sort().map((f) => join(embeddings, f)),
  ]
  for (const file of files) if (existsSync(file)) hash.update(file.slice(ROOT.length)).update(readFileSync(file))
  // The sites passages: the SQL that adds them, not the rest of bench/search-rpcs.ts (editing a figure
  // does not rebuild the database).
  hash.update(SITES_PASSAGES_SQL)
  return hash.digest('hex').slice(0, 16)
}

async function drainEmbeddings(url: string, log: (l: string) => void): Promise<void> {
  const sql = postgres(url, { max: 2, onnotice: () => {} })
  const provider = embeddingProvider()
  let written = 0
  for (;;) {
    const run = await runEmbedWorker(sql, provider, { maxJobs: 2048, maxSeconds: 120, chunkTokens: 8000, chunkOverlap: 200 })
    written += run.written
    log(`full volume: ${written} vectors`)
    if (run.claimed === 0) break
  }
  await sql.end()
}

export async function ensurePgliteFull(log: (l: string) => void): Promise<string> {
  const name = `pglite-${fullVolumeHash()}` // once: the inputs may change while it builds
  const dir = join(CACHE_DIR, name)
  if (existsSync(join(dir, 'PG_VERSION'))) return dir
  log(`building the full-volume database on PGlite (once per change of its inputs; cached in ${dir.slice(ROOT.length + 1)})`)
  mkdirSync(CACHE_DIR, { recursive: true })
  const building = `${dir}.building`
  rmSync(building, { recursive: true, force: true })
  const db = await openPglite({ dataDir: building })
  const runner = pgliteRunner(db)
  await bootstrapPlatform(runner, readProjectConfig().exposedSchemas)
  await migrate(runner, readProjectConfig().seedPaths)
  await db.exec(readFileSync(join(ROOT, 'seed', 'full', 'catalog.sql'), 'utf8'))
  const socket = await serveSocket(db, '127.0.0.1', 0)
  await drainEmbeddings(`postgresql://postgres:postgres@127.0.0.1:${socketPort(socket)}/postgres`, log)
  await socket.stop()
  log(`full volume: sites passages (${PASSAGES} in ${PASSAGE_DOMAIN})`)
  await db.exec(SITES_PASSAGES_SQL)
  // PGlite runs no autovacuum: give the planner statistics for the bulk-loaded tables.
  await db.exec('analyze')
  await db.close()
  renameSync(building, dir)
  for (const old of readdirSync(CACHE_DIR)) if (old !== name) rmSync(join(CACHE_DIR, old), { recursive: true, force: true })
  return dir
}

export async function ensurePostgresFull(log: (l: string) => void): Promise<string> {
  const name = `fd_bench_full_${fullVolumeHash()}`
  await ensureTemplate()
  const admin = adminClient()
  try {
    await admin`select pg_advisory_lock(hashtext('fd_bench_full'))`
    const [found] = await admin`select 1 from pg_database where datname = ${name}`
    if (!found) {
      log(`building the full-volume database on PostgreSQL (once per change of its inputs; cached as database ${name})`)
      const building = `${name}_building`
      await admin.unsafe(`drop database if exists "${building}" with (force)`)
      await admin.unsafe(`create database "${building}" template "${templateDatabase()}"`)
      // scripts/seed-full.ts: the catalog top-up and the embedding queue drained with the local embedder.
      const env = { ...process.env }
      delete env.OPENAI_API_KEY
      const seeded = spawnSync(process.execPath, ['scripts/seed-full.ts', '--db-url', databaseUrl(adminUrl!, building)], { cwd: ROOT, env, stdio: ['ignore', 2, 2] })
      if (seeded.status !== 0) throw new Error(`scripts/seed-full.ts failed (exit ${seeded.status})`)
      const built = postgres(databaseUrl(adminUrl!, building), { max: 1, onnotice: () => {} })
      const [{ pending }] = await built<{ pending: number }[]>`select count(*)::int as pending from private.embedding_jobs where status <> 'done'`
      if (pending > 0) throw new Error(`${pending} embedding jobs left undone in ${building}`)
      log(`full volume: sites passages (${PASSAGES} in ${PASSAGE_DOMAIN})`)
      await built.unsafe(SITES_PASSAGES_SQL)
      // After a bulk load, as PGlite's build does: statistics (and the visibility map) now, not when autovacuum gets to it.
      await built.unsafe('vacuum analyze')
      await built.end()
      await admin.unsafe(`alter database "${building}" rename to "${name}"`)
      for (const { datname } of await admin<{ datname: string }[]>`select datname from pg_database where datname like 'fd\_bench\_full\_%' and datname <> ${name}`) {
        await admin.unsafe(`drop database "${datname}" with (force)`)
      }
    }
  } finally {
    await admin`select pg_advisory_unlock(hashtext('fd_bench_full'))`.catch(() => {})
    await admin.end()
  }
  return databaseUrl(adminUrl!, name)
}

/** What the figures need of a database session, on either engine. */
export interface Session {
  query<T>(text: string, params?: unknown[]): Promise<T[]>
  /** Runs `text` in a transaction after `setup` (SET LOCAL ...); times the query alone. */
  timedIn<T>(setup: string, text: string, params: unknown[]): Promise<{ ms: number; rows: T[] }>
  exec(text: string): Promise<void>
  /** Runs fn in a transaction that is rolled back afterwards (the cached database stays as it was). */
  rolledBack<T>(fn: (tx: Pick<Session, 'query' | 'exec'>) => Promise<T>): Promise<T>
  close(): Promise<void>
}

const ROLLBACK = new Error('rollback')

function pgliteSession(db: PGlite): Session {
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
    timedIn: <T>(setup: string, text: string, params: unknown[]) => db.transaction(async (tx) => {
      await tx.exec(setup)
      const t = performance.now()
      const { rows } = await tx.query<T>(text, params)
      return { ms: performance.now() - t, rows }
    }),
    exec: async (text) => void (await db.exec(text)),
    rolledBack: async <T>(fn: (tx: Pick<Session, 'query' | 'exec'>) => Promise<T>) => {
      let out: T | undefined
      await db.transaction(async (tx) => {
        out = await fn({ query: async <R>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows, exec: async (text) => void (await tx.exec(text)) })
        await tx.rollback()
      })
      return out as T
    },
    close: () => db.close(),
  }
}

export function postgresSession(url: string): Session {
  // One connection, prepared statements (as PostgREST and the functions' postgres.js use them).
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  const run = async <T>(s: postgres.Sql | postgres.TransactionSql, text: string, params: unknown[]) =>
    (await s.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as T[]
  return {
    query: (text, params = []) => run(sql, text, params),
    timedIn: async <T>(setup: string, text: string, params: unknown[]) => (await sql.begin(async (tx) => {
      for (const statement of setup.split(';')) if (statement.trim()) await tx.unsafe(statement)
      const t = performance.now()
      const rows = await run<T>(tx, text, params)
      return { ms: performance.now() - t, rows }
    })) as { ms: number; rows: T[] },
    exec: async (text) => void (await sql.unsafe(text)),
    rolledBack: async <T>(fn: (tx: Pick<Session, 'query' | 'exec'>) => Promise<T>) => {
      let out: T | undefined
      try {
        await sql.begin(async (tx) => {
          out = await fn({ query: (text, params = []) => run(tx, text, params), exec: async (text) => void (await tx.unsafe(text)) })
          throw ROLLBACK
        })
      } catch (error) {
        if (error !== ROLLBACK) throw error
      }
      return out as T
    },
    close: () => sql.end(),
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now()
  const value = await fn()
  return { ms: performance.now() - t, value }
}

export const QUERIES = [
  '8x NVIDIA H100 GPU server for training', 'cheap 2 vCPU 4 GB general purpose instance', 'memory optimized 64 vCPU 512 GB',
  'A100 80GB single GPU for inference', 'AMD MI300X large memory GPU', 'L4 GPU small inference box', 'RTX 4090 gaming GPU cloud',
  'compute optimized 16 vCPU', 'H200 141 GB GPU cluster node', 'T4 GPU budget inference', '32 vCPU 128 GB AMD EPYC',
  'L40S 48 GB GPU rendering', '1 vCPU 1 GB tiny instance', '96 vCPU memory heavy database server', 'A10 24GB GPU',
  'RTX 6000 Ada workstation GPU', '4x A100 training node', '2x H100 NVLink server', '8 vCPU 32 GB general purpose', 'GPU server in Europe',
]

/** The plan nodes of a query under `setup`, outermost first ("Limit > Index Scan using instances_embedding_hnsw on instances"). */
async function planOf(db: Session, setup: string, text: string, params: unknown[]): Promise<string> {
  const { rows } = await db.timedIn<Record<string, unknown>>(setup, `explain (format json) ${text}`, params)
  let plan = rows[0]['QUERY PLAN'] as unknown
  if (typeof plan === 'string') plan = JSON.parse(plan)
  const nodes: string[] = []
  for (let node = (plan as [{ Plan: Record<string, any> }])[0].Plan; node; node = node.Plans?.[0]) {
    nodes.push([node['Node Type'], node['Index Name'] ? `using ${node['Index Name']}` : '', node['Relation Name'] ? `on ${node['Relation Name']}` : ''].filter(Boolean).join(' '))
  }
  return nodes.join(' > ')
}

const r = (x: number) => Math.round(x * 100) / 100

export async function vectorSearchFigures(log: (l: string) => void): Promise<Record<string, unknown>> {
  let db: Session
  let newSession: (() => Session) | undefined
  if (engine === 'pglite') {
    const pglite = await openPglite({ dataDir: await ensurePgliteFull(log) })
    await pglite.exec('analyze cloud.instances; analyze cloud.bitnami_packages')
    db = pgliteSession(pglite)
  } else {
    const url = await ensurePostgresFull(log)
    db = postgresSession(url)
    newSession = () => postgresSession(url)
  }
  const vectors = await Promise.all(QUERIES.map(async (q) => toVectorLiteral(await embedQuery(q))))
  const [{ instances, distinct_instance_vectors, packages, package_vectors }] = await db.query<{ instances: number; distinct_instance_vectors: number; packages: number; package_vectors: number }>(
    `select (select count(*) from cloud.instances where embedding is not null)::int as instances,
            (select count(distinct md5(embedding::text)) from cloud.instances)::int as distinct_instance_vectors,
            (select count(*) from cloud.bitnami_packages where description_embedding is not null)::int as packages,
            (select count(description_embedding) + count(readme_embedding) + count(keywords_embedding) from cloud.bitnami_packages)::int as package_vectors`)
  const [{ index_mb }] = await db.query<{ index_mb: number }>(`select round(pg_relation_size('cloud.instances_embedding_hnsw') / 1048576.0)::int as index_mb`)

  const knn = `select id, embedding operator(extensions.<=>) $1::extensions.vector as distance
    from cloud.instances where embedding is not null order by embedding operator(extensions.<=>) $1::extensions.vector limit 10`
  // The exact baseline: the same query with index scans off. Its own text, and planned for each run,
  // so no statement or plan cached under other settings (a prepared HNSW plan) can stand in for it.
  const exactKnn = `${knn} /* exact */`
  const HNSW = `set local hnsw.ef_search = 100`
  const EXACT = `set local enable_indexscan = off; set local plan_cache_mode = force_custom_plan`
  const plans: Record<string, string> = { knn: await planOf(db, HNSW, knn, [vectors[0]]), exact: await planOf(db, EXACT, exactKnn, [vectors[0]]) }
  // One untimed pass over every query first: the timed figures are the steady state, not the engine
  // paging the index and tables into memory (that cold cost is reported apart, as cold_first_query_ms).
  const cold = await timed(() => db.query(knn, [vectors[0]]))
  for (const [i, v] of vectors.entries()) {
    await db.query(knn, [v])
    await db.query(`select * from cloud.search_instances($1::extensions.vector, 10, 'hetzner', null, 1)`, [v])
    await db.query(`select * from cloud.search_packages($1, $2::extensions.vector, 10)`, [QUERIES[i], v])
    await db.query(`select * from cloud.search_packages($1, null, 10)`, [QUERIES[i]])
  }
  const hnswMs: number[] = []
  const exactMs: number[] = []
  let recall = 0
  let distanceRecall = 0
  const truths: { id: string; distance: number }[][] = []
  // recall@10 by id, and by distance: the ann-benchmarks definition, where a result counts when it is
  // no farther than the true 10th neighbour. Many instances share a vector (the same offer in several
  // regions), so rows tied at the 10th distance are equally right answers and an exact scan keeps an
  // arbitrary few of them.
  const score = (rows: { id: string; distance: number }[], truth: { id: string; distance: number }[]) => {
    const ids = new Set(truth.map((r) => r.id))
    const tenth = Math.max(...truth.map((r) => Number(r.distance)))
    return { byId: rows.filter((r) => ids.has(r.id)).length / 10, byDistance: rows.filter((r) => Number(r.distance) <= tenth + 1e-9).length / 10 }
  }
  for (const v of vectors) {
    const approx = await db.timedIn<{ id: string; distance: number }>(HNSW, knn, [v])
    const exact = await db.timedIn<{ id: string; distance: number }>(EXACT, exactKnn, [v])
    hnswMs.push(approx.ms)
    exactMs.push(exact.ms)
    truths.push(exact.rows)
    const { byId, byDistance } = score(approx.rows, exact.rows)
    recall += byId
    distanceRecall += byDistance
  }

  // Filtered: Hetzner GPU offers are ~1.6% of instances.
  const filteredMs: number[] = []
  let filteredRows = 0
  for (const v of vectors) {
    const r = await timed(() => db.query(`select * from cloud.search_instances($1::extensions.vector, 10, 'hetzner', null, 1)`, [v]))
    filteredMs.push(r.ms)
    filteredRows += r.value.length
  }

  const hybridMs: number[] = []
  const textOnlyMs: number[] = []
  for (const [i, v] of vectors.entries()) {
    hybridMs.push((await timed(() => db.query(`select * from cloud.search_packages($1, $2::extensions.vector, 10)`, [QUERIES[i], v]))).ms)
    textOnlyMs.push((await timed(() => db.query(`select * from cloud.search_packages($1, null, 10)`, [QUERIES[i]]))).ms)
  }
  // Diagnostic: each semantic ranker of the hybrid search as a statement of its own, under the settings
  // the function sets (with the query vector and limit known to the planner), over the first 5 queries.
  const RANKER = `set local hnsw.ef_search = 100; set local hnsw.iterative_scan = 'relaxed_order'; set local hnsw.max_scan_tuples = 100000`
  const rankers: Record<string, { plan: string; distinct_vectors: number; p50_ms: number; max_ms: number }> = {}
  for (const column of ['description_embedding', 'readme_embedding', 'keywords_embedding']) {
    const text = `select p.package_id from cloud.bitnami_packages p where p.${column} is not null and not p.deprecated
      order by p.${column} operator(extensions.<=>) $1::extensions.vector limit 20`
    const ms: number[] = []
    for (const v of vectors.slice(0, 5)) ms.push((await db.timedIn(RANKER, text, [v])).ms)
    const [{ n }] = await db.query<{ n: number }>(`select count(distinct md5(${column}::text))::int as n from cloud.bitnami_packages`)
    rankers[column.replace('_embedding', '')] = { plan: await planOf(db, RANKER, text, [vectors[0]]), distinct_vectors: n, p50_ms: r(percentile(ms, 50)), max_ms: r(Math.max(...ms)) }
  }

  // Diagnostic, not the shipped configuration: the filtered search with JIT compilation off in the
  // session (the real engine compiles its plan: the function's generic plan costs over jit_above_cost).
  const filteredNoJitMs: number[] = []
  for (const v of vectors) {
    filteredNoJitMs.push((await db.timedIn(`set local jit = off`, `select * from cloud.search_instances($1::extensions.vector, 10, 'hetzner', null, 1) /* no jit */`, [v])).ms)
  }

  // Index builds, in a transaction rolled back afterwards: a btree on one column (the baseline), then
  // the instances' HNSW index built again in one pass beside the one the embedding pipeline grew row
  // by row; with the grown one dropped, the same 20 queries on the rebuilt one.
  const built = await db.rolledBack(async (tx) => {
    await tx.exec(`set local maintenance_work_mem = '1GB'`)
    const btree = await timed(() => tx.exec(`create index bench_price_btree on cloud.instances (price_hourly)`))
    const hnsw = await timed(() => tx.exec(`create index bench_instances_hnsw on cloud.instances using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64)`))
    await tx.exec(`drop index cloud.instances_embedding_hnsw`)
    await tx.exec(`set local hnsw.ef_search = 100`)
    const ms: number[] = []
    let byId = 0
    let byDistance = 0
    for (const [i, v] of vectors.entries()) {
      const t = await timed(() => tx.query<{ id: string; distance: number }>(`${knn} /* rebuilt */`, [v]))
      ms.push(t.ms)
      const s = score(t.value, truths[i])
      byId += s.byId
      byDistance += s.byDistance
    }
    return { btree_ms: btree.ms, hnsw_ms: hnsw.ms, ms, byId, byDistance }
  })
  const searchRpcs = await searchRpcFigures(db, QUERIES, vectors, newSession, log)
  await db.close()

  return {
    search_rpcs: searchRpcs,
    rows: { instances, distinct_instance_vectors, packages_with_description_vector: packages, vectors: instances + package_vectors },
    instances_hnsw_index_mb: index_mb,
    plans,
    knn_top10: {
      queries: vectors.length,
      cold_first_query_ms: r(cold.ms),
      hnsw_p50_ms: r(percentile(hnswMs, 50)), hnsw_p95_ms: r(percentile(hnswMs, 95)),
      baseline_exact_p50_ms: r(percentile(exactMs, 50)), baseline_exact_p95_ms: r(percentile(exactMs, 95)),
      recall_at_10: r(recall / vectors.length),
      recall_at_10_by_distance: r(distanceRecall / vectors.length),
    },
    filtered_top10_1_6_percent: { p50_ms: r(percentile(filteredMs, 50)), p95_ms: r(percentile(filteredMs, 95)), average_rows: r(filteredRows / vectors.length) },
    hybrid_packages: {
      p50_ms: r(percentile(hybridMs, 50)), p95_ms: r(percentile(hybridMs, 95)),
      baseline_full_text_only_p50_ms: r(percentile(textOnlyMs, 50)), baseline_full_text_only_p95_ms: r(percentile(textOnlyMs, 95)),
    },
    diagnostics: {
      hybrid_rankers: rankers,
      filtered_with_jit_off: { p50_ms: r(percentile(filteredNoJitMs, 50)), p95_ms: r(percentile(filteredNoJitMs, 95)) },
    },
    index_build: { hnsw_instances_seconds: r(built.hnsw_ms / 1000), baseline_btree_seconds: r(built.btree_ms / 1000) },
    rebuilt_index_top10: {
      hnsw_p50_ms: r(percentile(built.ms, 50)), hnsw_p95_ms: r(percentile(built.ms, 95)),
      recall_at_10: r(built.byId / vectors.length), recall_at_10_by_distance: r(built.byDistance / vectors.length),
    },
  }
}
