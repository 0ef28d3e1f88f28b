// `npm run bench`: measures the system on this machine, each figure beside a baseline measured in
// the same run on the same engine (ratios survive a noisy machine), and writes BENCHMARKS.md +
// bench/results.json. Never part of `npm test`.
//
//   npm run bench [-- --engine=pglite|postgres|both] [-- --only=boot,rest,stripe,embedding,vector,relevance,payments,crawler]
//
// --engine (default both): PGlite, real PostgreSQL, or both. The real engine is BENCH_DATABASE_URL or
//   TEST_DATABASE_URL when set (an admin URL of a PostgreSQL 17 with pgvector; the bench creates and
//   drops databases on it and keeps the full-volume one), else the provisioned cluster `bench`
//   (scripts/pg/cluster.ts; started for the run and stopped afterwards unless it was running).
// --only re-measures those figures and keeps the others from the last bench/results.json.
// --skip-full leaves out the figures on the full-volume database (vector, relevance).
// --report writes BENCHMARKS.md from bench/results.json without measuring.
// Each engine runs in a child process of its own (bench/lane.ts), one after the other.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { runningUrl, startCluster, stopCluster } from '../scripts/pg/cluster.ts'
import { ROOT } from '../stack/config.ts'
import { ENGINES, renderBenchmarks, type Engine } from './report.ts'

const FIGURES = { boot: 'boot', rest: 'rest_path', stripe: 'stripe_webhooks', embedding: 'embedding_pipeline', vector: 'vector_search', relevance: 'relevance', payments: 'agent_payments', crawler: 'crawler' } as const
type Figure = keyof typeof FIGURES

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'both' }, only: { type: 'string' }, 'skip-full': { type: 'boolean', default: false }, report: { type: 'boolean', default: false } } })
const resultsPath = join(ROOT, 'bench', 'results.json')
if (values.report) {
  // --report: BENCHMARKS.md again from bench/results.json, measuring nothing.
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderBenchmarks(JSON.parse(readFileSync(resultsPath, 'utf8'))))
  process.exit(0)
}
if (!['pglite', 'postgres', 'both'].includes(values.engine!)) throw new Error(`--engine=${values.engine}: pglite, postgres or both`)
const engines: Engine[] = values.engine === 'both' ? ENGINES : [values.engine as Engine]
const only = values.only?.split(',').filter(Boolean) as Figure[] | undefined
for (const f of only ?? []) if (!(f in FIGURES)) throw new Error(`--only: unknown figure ${f} (${Object.keys(FIGURES).join(', ')})`)
const wanted = (Object.keys(FIGURES) as Figure[]).filter((f) => (!only || only.includes(f)) && !((f === 'vector' || f === 'relevance') && values['skip-full']))
const partial = wanted.length < Object.keys(FIGURES).length || engines.length < ENGINES.length
const log = (line: string) => console.error(`[bench] ${line}`)
const started = performance.now()

// Earlier figures are kept for what this run does not measure (results of the one-engine layout
// before the real engine was added are PGlite's).
let previous: Record<string, any> = {}
if (partial && existsSync(resultsPath)) {
  previous = JSON.parse(readFileSync(resultsPath, 'utf8'))
  if (!previous.pglite && previous.boot) {
    const { machine, at, ...figures } = previous
    previous = { machine, at, pglite: figures, agent_payments: figures.agent_payments }
    delete previous.pglite.agent_payments
  }
}

const packageVersion = (name: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string
async function pgliteVersion() {
  const { PGlite } = await import('@electric-sql/pglite')
  const pg = new PGlite()
  const [{ version }] = (await pg.query<{ version: string }>('select version()')).rows
  await pg.close()
  return version.split(' ').slice(0, 2).join(' ')
}

// The real engine's server: given, or the provisioned `bench` cluster.
let server: string | undefined
let source = ''
let ownCluster = false
if (engines.includes('postgres')) {
  server = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL
  source = process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'the provisioned cluster `bench` (scripts/pg/cluster.ts)'
  if (!server) {
    ownCluster = !runningUrl('bench')
    server = await startCluster('bench')
  }
  log(`real engine: ${server.replace(/\/\/[^@]*@/, '//')}`)
}

async function serverInfo(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [{ version }] = await sql<{ version: string }[]>`select version()`
    const [ext] = await sql<{ default_version: string }[]>`select default_version from pg_available_extensions where name = 'vector'`
    const names = ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size',
      'max_connections', 'max_parallel_workers_per_gather', 'max_parallel_maintenance_workers', 'jit']
    const rows = await sql<{ name: string; setting: string }[]>`select name, current_setting(name) as setting from pg_settings where name = any(${names}) order by array_position(${names}::text[], name)`
    return {
      version: version.split(' ').slice(0, 2).join(' '), version_full: version.split(' on ')[0], pgvector: ext?.default_version ?? 'not installed', source,
      settings: Object.fromEntries(rows.map((r) => [r.name, r.setting])),
    }
  } finally {
    await sql.end()
  }
}

async function runLane(engine: Engine, figures: Figure[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(os.tmpdir(), `bench-${engine}-`))
  const out = join(dir, 'results.json')
  const env = { ...process.env }
  // The lane's engine comes from TEST_DATABASE_URL (tests/support/engine.ts); DATABASE_URL would
  // point the stack elsewhere.
  delete env.TEST_DATABASE_URL
  delete env.DATABASE_URL
  if (engine === 'postgres') env.TEST_DATABASE_URL = server
  log(`${engine}: ${figures.join(', ')}`)
  const child = spawn(process.execPath, ['bench/lane.ts', `--figures=${figures.join(',')}`, `--out=${out}`], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const results = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {}
  rmSync(dir, { recursive: true, force: true })
  if (code !== 0) throw new Error(`the ${engine} lane failed (exit ${code}); figures it finished: ${Object.keys(results).join(', ') || 'none'}`)
  return results
}

const results: Record<string, any> = { ...previous }
try {
  results.machine = {
    cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version,
    versions: {
      postgres: await pgliteVersion(), pglite: packageVersion('@electric-sql/pglite'), pglite_pgvector: packageVersion('@electric-sql/pglite-pgvector'),
      supabase_lite: packageVersion('@supabase/lite'), supabase_js: packageVersion('@supabase/supabase-js'), hono: packageVersion('hono'), deno: packageVersion('deno'),
    },
  }
  if (server) results.postgres_server = await serverInfo(server)
  const measured: Record<string, Figure[]> = {}
  for (const [i, engine] of engines.entries()) {
    // Payments touch no database: measured once, in the first lane.
    const figures = wanted.filter((f) => f !== 'payments' || i === 0)
    const lane = await runLane(engine, figures)
    if (lane.agent_payments) results.agent_payments = lane.agent_payments
    delete lane.agent_payments
    results[engine] = { ...results[engine], ...lane }
    measured[engine] = figures
  }
  results.at = new Date().toISOString()
  results.this_run = { ...measured, partial, seconds: Math.round((performance.now() - started) / 1000) }
} finally {
  if (ownCluster) stopCluster('bench')
}

writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderBenchmarks(results))
log(`wrote BENCHMARKS.md and bench/results.json (${results.this_run.seconds} s)`)
process.exit(0)
