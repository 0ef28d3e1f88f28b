// `npm run bench`: measures the system on this machine, each figure beside a baseline measured in
// the same run (ratios survive a noisy machine), and writes BENCHMARKS.md + bench/results.json.
// Never part of `npm test`. Figures for domains not built yet are listed as pending.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@supabase/supabase-js'
import postgres from 'postgres'
import Stripe from 'stripe'
import { closeDb } from '../functions/_shared/db.ts'
import { app as embedApp } from '../functions/embed/app.ts'
import { stripeClient, stripeCrypto } from '../functions/_shared/stripe.ts'
import { ROOT } from '../stack/config.ts'
import { openPglite } from '../stack/database.ts'
import { signRoleKey } from '../stack/keys.ts'
import { startStack } from '../stack/stack.ts'
import { startOpenAILoopback } from '../tests/support/openai-loopback.ts'
import { ensureTemplate, openTemplateClone } from '../tests/support/template.ts'
import { startTestDatabase } from '../tests/support/test-db.ts'
import { measure } from './stats.ts'
import { agentPaymentFigures } from './agent-payments.ts'
import { crawlerFigures } from './crawler.ts'
import { vectorSearchFigures } from './vector-search.ts'

// `--only boot,rest,stripe,embedding,vector,payments,crawler` re-measures those figures and keeps the
// others from the last bench/results.json (same machine); no flag measures everything.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',')
const want = (name: string) => !only || only.includes(name)
const previous = only && existsSync(join(ROOT, 'bench', 'results.json')) ? JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) : {}
const packageVersion = (name: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string
async function versions() {
  const { PGlite } = await import('@electric-sql/pglite')
  const pg = new PGlite()
  const [{ version }] = (await pg.query<{ version: string }>('select version()')).rows
  await pg.close()
  return {
    postgres: version.split(' ').slice(0, 2).join(' '), pglite: packageVersion('@electric-sql/pglite'), pglite_pgvector: packageVersion('@electric-sql/pglite-pgvector'),
    supabase_lite: packageVersion('@supabase/lite'), supabase_js: packageVersion('@supabase/supabase-js'), hono: packageVersion('hono'), deno: packageVersion('deno'),
  }
}
const os = await import('node:os')
const results: Record<string, unknown> = {
  ...previous,
  machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version, versions: await versions() },
  at: new Date().toISOString(),
}
const log = (line: string) => console.error(`[bench] ${line}`)
await ensureTemplate()

// 7. Boot: the stack as `npm start` runs it, cold (fresh data dir) and warm; baseline = PGlite alone.
async function bootOnce(dataDir: string): Promise<{ healthy_ms: number; peak_rss_mb: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, ['stack/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, SUPABASE_LOCAL_DATA_DIR: dataDir, SUPABASE_LOCAL_API_PORT: '0', SUPABASE_LOCAL_DB_PORT: '0' },
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', () => {})
  let apiUrl: string | undefined
  while (!apiUrl) {
    apiUrl = /API_URL="([^"]+)"/.exec(out)?.[1]
    if (child.exitCode !== null) throw new Error(`stack exited: ${out}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  while ((await fetch(`${apiUrl}/functions/v1/health`).then((r) => r.status).catch(() => 0)) !== 200) await new Promise((r) => setTimeout(r, 20))
  const healthy_ms = Math.round(performance.now() - started)
  const status = await import('node:fs').then((fs) => fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))
  const peak_rss_mb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
  child.kill('SIGINT')
  await new Promise((r) => child.once('exit', r))
  return { healthy_ms, peak_rss_mb }
}
if (want('boot')) {
  log('boot')
  const dir = mkdtempSync(join(tmpdir(), 'bench-boot-'))
  const t = performance.now()
  const bare = await openPglite({ dataDir: join(dir, 'bare') })
  await bare.query('select 1')
  const baseline_ms = Math.round(performance.now() - t)
  await bare.close()
  const cold = await bootOnce(join(dir, 'stack'))
  const warm = await bootOnce(join(dir, 'stack'))
  rmSync(dir, { recursive: true, force: true })
  results.boot = { baseline_pglite_initdb_ms: baseline_ms, cold, warm, cold_vs_baseline: +(cold.healthy_ms / baseline_ms).toFixed(2) }
}

// 6. REST path: supabase-js through the gateway vs the same RLS-scoped read over the wire protocol.
if (want('rest')) {
  log('rest path')
  const stack = await startStack({ pglite: await openTemplateClone(), settings: { apiPort: 0, dbPort: 0 }, scheduler: false })
  const client = createClient(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
  const { data } = await client.auth.signUp({ email: 'bench@example.test', password: 'bench-password-123' })
  const userId = data.user!.id
  const sql = postgres(stack.status.DB_URL, { max: 4 })
  const claims = JSON.stringify({ sub: userId, role: 'authenticated' })
  const wire = await measure(300, 4, () =>
    sql.begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true), set_config('request.jwt.claim.sub', ${userId}, true)`
      return await tx`select * from public.profiles`
    }))
  const rest = await measure(300, 4, async () => {
    const { error } = await client.from('profiles').select('*')
    if (error) throw error
  })
  await sql.end()
  await stack.stop()
  results.rest_path = { baseline_wire_protocol: wire, supabase_js_gateway: rest, p95_ratio: +(rest.p95_ms / wire.p95_ms).toFixed(2), throughput_ratio: +(rest.per_second / wire.per_second).toFixed(2) }
}

// 4. Stripe webhooks through the gateway: signed events per second and p99, a duplicate storm.
if (want('stripe')) {
  log('stripe webhooks')
  const secret = 'whsec_bench_secret'
  process.env.STRIPE_WEBHOOK_SECRET = secret
  const stack = await startStack({ pglite: await openTemplateClone(), settings: { apiPort: 0, dbPort: 0 }, scheduler: false })
  const sql = postgres(stack.status.DB_URL, { max: 2 })
  const [{ id: user }] = await sql`select tests.create_supabase_user('bench_buyer') as id`
  const signer = new Stripe('sk_test_bench')
  const makeEvent = (i: number) => ({
    id: `evt_bench_${i}`, object: 'event', created: Math.floor(Date.now() / 1000), type: 'checkout.session.completed', livemode: false,
    data: { object: { id: `cs_bench_${i}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 100, currency: 'usd',
      metadata: { user_id: user, purchase_id: `bench-${i}`, credit_cents: '100' } } },
  })
  const deliver = async (evt: unknown) => {
    const payload = JSON.stringify(evt)
    const header = signer.webhooks.generateTestHeaderString({ payload, secret })
    const res = await fetch(`${stack.status.FUNCTIONS_URL}/stripe-webhook`, { method: 'POST', body: payload, headers: { 'stripe-signature': header } })
    await res.text()
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`)
  }
  const verifyOnly = await measure(500, 8, async (i) => {
    const payload = JSON.stringify(makeEvent(100000 + i))
    await stripeClient().webhooks.constructEventAsync(payload, signer.webhooks.generateTestHeaderString({ payload, secret }), secret, 300, stripeCrypto)
  })
  const unique = await measure(500, 8, (i) => deliver(makeEvent(i)))
  const storm = await measure(1000, 16, (i) => deliver(makeEvent(10000 + (i % 50))))
  const [{ balance }] = await sql`select balance::int from billing.user_credits where user_id = ${user}`
  await sql.end()
  await closeDb()
  await stack.stop()
  results.stripe_webhooks = {
    baseline_signature_check_only: verifyOnly, through_gateway: unique, duplicate_storm: { ...storm, distinct_events: 50, deliveries: 1000 },
    balance_cents: balance, expected_balance_cents: (500 + 50) * 100, double_credits: balance - (500 + 50) * 100,
  }
}

// 2. Embedding pipeline: provider requests for 10,000 texts vs one request per row, and a re-run.
if (want('embedding')) {
  log('embedding pipeline')
  const db = await startTestDatabase()
  const openai = await startOpenAILoopback()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET: 'bench-secret-with-at-least-32-characters-xx', OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL })
  await db.sql.exec(`delete from private.embedding_jobs;
    create table public.bench_docs (id bigint generated always as identity primary key, body text, embedding extensions.vector(1536));
    select private.register_embedding('public.bench_docs', 'id', 'body', 'embedding');
    drop index public.bench_docs_embedding_hnsw;
    insert into public.bench_docs (body) select 'benchmark text number ' || i || ' about cloud gpus' from generate_series(1, 10000) i;`)
  const key = await signRoleKey('service_role', process.env.JWT_SECRET!)
  const run = async () => {
    const res = await embedApp.request('/embed', { method: 'POST', body: '{"max_seconds": 140}', headers: { authorization: `Bearer ${key}` } })
    return await res.json()
  }
  const t = performance.now()
  const first = await run()
  const seconds = +((performance.now() - t) / 1000).toFixed(1)
  await db.sql.exec('update public.bench_docs set body = body')
  const rerun = await run()
  await closeDb()
  await openai.close()
  await db.stop()
  delete process.env.OPENAI_API_KEY
  results.embedding_pipeline = {
    baseline_one_request_per_row: 10000, pipeline_requests: first.requests, written: first.written, seconds,
    vectors_per_second: +(first.written / seconds).toFixed(0), request_ratio: +(first.requests / 10000).toFixed(4), unchanged_rerun_requests: rerun.requests,
  }
}

// 1. Vector search at the full seed volume (built once, cached).
if (want('vector') && !process.argv.includes('--skip-full')) {
  log('vector search at full volume')
  delete process.env.OPENAI_API_KEY // the local embedder: deterministic, offline
  results.vector_search = await vectorSearchFigures(log)
}

// 5. Agent payments: offline X-PAYMENT verification throughput.
if (want('payments')) {
  log('agent payments')
  results.agent_payments = await agentPaymentFigures()
}

// 3. Crawler: a loopback site of 1,000 pages, then an unchanged re-crawl.
if (want('crawler')) {
  results.crawler = await crawlerFigures(log)
}

delete results.pending

writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
const r = results as any
const md = `# Benchmarks

Measured by \`npm run bench\` on this machine (${r.machine.cpus} cores, ${r.machine.cpu_model}, ${r.machine.memory_gb} GiB; Node ${r.machine.node}; ${Object.entries(r.machine.versions).map(([k, v]) => `${k} ${v}`).join(', ')}) at ${r.at}. Every figure
stands beside a baseline measured in the same run; compare ratios, not absolute numbers, across machines.
Raw figures: \`bench/results.json\`.${only ? ` This run re-measured: ${only.join(', ')}; the other figures are from the previous full run.` : ''}

| figure | baseline (same run) | measured | ratio |
|---|---|---|---|
| Cold boot to first healthy answer (fresh data dir: bootstrap, ${'migrations'}, seed) | PGlite initdb alone: ${r.boot.baseline_pglite_initdb_ms} ms | ${r.boot.cold.healthy_ms} ms, peak RSS ${r.boot.cold.peak_rss_mb} MB | ${r.boot.cold_vs_baseline}x |
| Warm boot to first healthy answer | (same) | ${r.boot.warm.healthy_ms} ms, peak RSS ${r.boot.warm.peak_rss_mb} MB | ${(r.boot.warm.healthy_ms / r.boot.baseline_pglite_initdb_ms).toFixed(2)}x |
| REST read of an RLS table (supabase-js via gateway, 4 in flight) | same query over the wire protocol: ${r.rest_path.baseline_wire_protocol.per_second}/s, p95 ${r.rest_path.baseline_wire_protocol.p95_ms} ms | ${r.rest_path.supabase_js_gateway.per_second}/s, p95 ${r.rest_path.supabase_js_gateway.p95_ms} ms | p95 ${r.rest_path.p95_ratio}x, throughput ${r.rest_path.throughput_ratio}x |
| Stripe webhooks through the gateway (signed, 8 in flight) | signature check alone: ${r.stripe_webhooks.baseline_signature_check_only.per_second}/s | ${r.stripe_webhooks.through_gateway.per_second}/s, p99 ${r.stripe_webhooks.through_gateway.p99_ms} ms | ${(r.stripe_webhooks.through_gateway.per_second / r.stripe_webhooks.baseline_signature_check_only.per_second).toFixed(3)}x |
| Duplicate storm: 1,000 deliveries of 50 events (16 in flight) | expected balance ${r.stripe_webhooks.expected_balance_cents} cents | ${r.stripe_webhooks.duplicate_storm.per_second}/s, p99 ${r.stripe_webhooks.duplicate_storm.p99_ms} ms; double credits: **${r.stripe_webhooks.double_credits}** | target 0 |
| Embedding pipeline, 10,000 texts (loopback OpenAI) | one request per row: ${r.embedding_pipeline.baseline_one_request_per_row} requests | ${r.embedding_pipeline.pipeline_requests} requests, ${r.embedding_pipeline.vectors_per_second} vectors/s | ${r.embedding_pipeline.request_ratio}x requests |
| X-PAYMENT offline verification, valid header (decode, group, rules, ed25519) | bare ed25519 verify: ${r.agent_payments.baseline_bare_ed25519_verify.per_second}/s | ${r.agent_payments.valid.per_second}/s, p99 ${r.agent_payments.valid.p99_ms} ms | ${(r.agent_payments.valid.per_second / r.agent_payments.baseline_bare_ed25519_verify.per_second).toFixed(2)}x |
| X-PAYMENT offline verification, invalid: wrong receiver / bad signature | (same) | ${r.agent_payments.invalid_wrong_receiver.per_second}/s / ${r.agent_payments.invalid_bad_signature.per_second}/s | ${(r.agent_payments.invalid_wrong_receiver.per_second / r.agent_payments.baseline_bare_ed25519_verify.per_second).toFixed(2)}x / ${(r.agent_payments.invalid_bad_signature.per_second / r.agent_payments.baseline_bare_ed25519_verify.per_second).toFixed(2)}x |
| Crawl of a 1,000-page loopback site (4 connections; extraction, writes, passages) | the 1,000 GETs alone: ${r.crawler.baseline_gets_only.pages_per_second} pages/s | ${r.crawler.first_crawl.pages_per_second} pages/s (${r.crawler.first_crawl.seconds} s), at most ${r.crawler.max_concurrent_requests} requests in flight | ${(r.crawler.first_crawl.pages_per_second / r.crawler.baseline_gets_only.pages_per_second).toFixed(3)}x; target >= 50 pages/s |
| Re-crawl of the unchanged site | first crawl: ${r.crawler.first_crawl.embedding_jobs} embedding jobs | ${Math.round(r.crawler.recrawl.unchanged_share * 100)}% answered 304 / unchanged, ${r.crawler.recrawl.embedding_jobs} embedding jobs, ${r.crawler.recrawl.pages_per_second} pages/s | targets 100%, 0 |
| Embedding re-run with unchanged text | - | ${r.embedding_pipeline.unchanged_rerun_requests} requests | target 0 |

${r.vector_search ? `Vector search at the full seed volume (${r.vector_search.rows.instances} instance vectors, HNSW m=16 ef_construction=64, ef_search=100, local embedder), timed in-process in PGlite after one untimed warm-up pass over the queries (the first, cold query: ${r.vector_search.knn_top10.cold_first_query_ms} ms):

| figure | baseline (same run) | measured | ratio |
|---|---|---|---|
| top-10 cosine search, p50 / p95 | exact scan: ${r.vector_search.knn_top10.baseline_exact_p50_ms} / ${r.vector_search.knn_top10.baseline_exact_p95_ms} ms | HNSW: ${r.vector_search.knn_top10.hnsw_p50_ms} / ${r.vector_search.knn_top10.hnsw_p95_ms} ms | p95 ${(r.vector_search.knn_top10.hnsw_p95_ms / r.vector_search.knn_top10.baseline_exact_p95_ms).toFixed(3)}x |
| recall@10 of HNSW vs exact | exact = 1.0 | ${r.vector_search.knn_top10.recall_at_10} | target >= 0.98 |
| filtered top-10 (Hetzner GPUs, ~1.6% of rows), p50 / p95 | - | ${r.vector_search.filtered_top10_1_6_percent.p50_ms} / ${r.vector_search.filtered_top10_1_6_percent.p95_ms} ms, ${r.vector_search.filtered_top10_1_6_percent.average_rows} rows on average | target 10 rows |
| hybrid package search, p50 / p95 | full text only: ${r.vector_search.hybrid_packages.baseline_full_text_only_p50_ms} / ${r.vector_search.hybrid_packages.baseline_full_text_only_p95_ms} ms | ${r.vector_search.hybrid_packages.p50_ms} / ${r.vector_search.hybrid_packages.p95_ms} ms | target p95 < 50 ms |
| index build (instances) | btree on one column: ${r.vector_search.index_build.baseline_btree_seconds} s | HNSW: ${r.vector_search.index_build.hnsw_instances_seconds} s | ${(r.vector_search.index_build.hnsw_instances_seconds / r.vector_search.index_build.baseline_btree_seconds).toFixed(0)}x |
` : ''}
`
const targets: [string, string, boolean][] = [
  ['recall@10 of HNSW >= 0.98', String(r.vector_search?.knn_top10.recall_at_10), r.vector_search?.knn_top10.recall_at_10 >= 0.98],
  ['vector search p95 < 20 ms (in the database)', `${r.vector_search?.knn_top10.hnsw_p95_ms} ms`, r.vector_search?.knn_top10.hnsw_p95_ms < 20],
  ['filtered top-10 (~2% selectivity) returns 10 rows', String(r.vector_search?.filtered_top10_1_6_percent.average_rows), r.vector_search?.filtered_top10_1_6_percent.average_rows === 10],
  ['hybrid package search p95 < 50 ms', `${r.vector_search?.hybrid_packages.p95_ms} ms`, r.vector_search?.hybrid_packages.p95_ms < 50],
  ['embedding re-run with unchanged text: 0 requests', String(r.embedding_pipeline.unchanged_rerun_requests), r.embedding_pipeline.unchanged_rerun_requests === 0],
  ['crawler >= 50 pages/s with <= 4 connections per host', `${r.crawler.first_crawl.pages_per_second} pages/s, ${r.crawler.max_concurrent_requests} in flight at most`, r.crawler.first_crawl.pages_per_second >= 50 && r.crawler.max_concurrent_requests <= 4],
  ['unchanged re-crawl: 100% 304 / unchanged', `${Math.round(r.crawler.recrawl.unchanged_share * 100)}%`, r.crawler.recrawl.unchanged_share === 1],
  ['unchanged re-crawl: 0 embedding requests', String(r.crawler.recrawl.embedding_jobs), r.crawler.recrawl.embedding_jobs === 0],
  ['Stripe duplicate storm: 0 double credits', String(r.stripe_webhooks.double_credits), r.stripe_webhooks.double_credits === 0],
]
const targetTable = `\n## Targets\n\n| target | measured | holds |\n|---|---|---|\n${targets.map(([name, value, holds]) => `| ${name} | ${value} | ${holds ? 'yes' : '**no**'} |`).join('\n')}\n`
writeFileSync(join(ROOT, 'BENCHMARKS.md'), md + targetTable)
log('wrote BENCHMARKS.md and bench/results.json')
process.exit(0)
