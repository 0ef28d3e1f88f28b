// One engine's lane of `npm run bench` (started by bench/run.ts in a child process of its own, so
// the engine, the environment and the event loop are this lane's alone):
//   node bench/lane.ts --figures=boot,rest,... --out=<file.json>
// The engine is PGlite, or real PostgreSQL when TEST_DATABASE_URL is set (see bench/engines.ts).
// Writes { <figure key>: figures } to --out.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createClient } from '@supabase/supabase-js'
import postgres from 'postgres'
import Stripe from 'stripe'
import { closeDb } from '../functions/_shared/db.ts'
import { stripeClient, stripeCrypto } from '../functions/_shared/stripe.ts'
import { app as embedApp } from '../functions/embed/app.ts'
import { ROOT } from '../stack/config.ts'
import { openPglite } from '../stack/database.ts'
import { signRoleKey } from '../stack/keys.ts'
import { startOpenAILoopback } from '../tests/support/openai-loopback.ts'
import { adminClient, ensureTemplate } from '../tests/support/template.ts'
import { startTestDatabase } from '../tests/support/test-db.ts'
import { agentPaymentFigures } from './agent-payments.ts'
import { crawlerFigures } from './crawler.ts'
import { adminUrl, databaseUrl, engine, stackOnClone } from './engines.ts'
import { relevanceFigures } from './relevance/figure.ts'
import { measure } from './stats.ts'
import { vectorSearchFigures } from './vector-search.ts'

const { values } = parseArgs({ options: { figures: { type: 'string', default: '' }, out: { type: 'string' } } })
const figures = new Set(values.figures!.split(',').filter(Boolean))
const log = (line: string) => console.error(`[bench ${engine}] ${line}`)
const results: Record<string, unknown> = {}
const save = () => values.out && writeFileSync(values.out, JSON.stringify(results))

await ensureTemplate()

// Boot: the stack as `npm start` runs it (PGlite: a fresh data dir; PostgreSQL: `--db-url` to a
// fresh, empty database), cold (bootstrap, migrations, seed) and warm (the same again).
// Baseline = a fresh empty database answering its first query: PGlite's initdb alone, or
// CREATE DATABASE and a first connection on the real server.
async function bootOnce(env: Record<string, string>): Promise<{ healthy_ms: number; peak_rss_mb: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, ['stack/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, SUPABASE_LOCAL_API_PORT: '0', SUPABASE_LOCAL_DB_PORT: '0', ...env },
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
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const peak_rss_mb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
  child.kill('SIGINT')
  await new Promise((r) => child.once('exit', r))
  return { healthy_ms, peak_rss_mb }
}

if (figures.has('boot')) {
  log('boot')
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-boot-'))
    const t = performance.now()
    const bare = await openPglite({ dataDir: join(dir, 'bare') })
    await bare.query('select 1')
    const baseline_ms = Math.round(performance.now() - t)
    await bare.close()
    const cold = await bootOnce({ SUPABASE_LOCAL_DATA_DIR: join(dir, 'stack') })
    const warm = await bootOnce({ SUPABASE_LOCAL_DATA_DIR: join(dir, 'stack') })
    rmSync(dir, { recursive: true, force: true })
    results.boot = { baseline: 'PGlite initdb alone', baseline_ms, cold, warm }
  } else {
    const name = `fd_bench_boot_${process.pid}`
    const admin = adminClient()
    await admin.unsafe(`drop database if exists "${name}" with (force)`)
    const t = performance.now()
    await admin.unsafe(`create database "${name}"`)
    const first = postgres(databaseUrl(adminUrl!, name), { max: 1 })
    await first`select 1`
    const baseline_ms = Math.round(performance.now() - t)
    await first.end()
    const env = { DATABASE_URL: databaseUrl(adminUrl!, name) }
    const cold = await bootOnce(env)
    const warm = await bootOnce(env)
    await admin.unsafe(`drop database if exists "${name}" with (force)`)
    await admin.end()
    results.boot = { baseline: 'CREATE DATABASE and a first query', baseline_ms, cold, warm }
  }
  save()
}

// REST path: supabase-js through the gateway vs the same RLS-scoped read over the wire protocol.
if (figures.has('rest')) {
  log('rest path')
  const { stack, stop } = await stackOnClone()
  const client = createClient(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
  const { data, error } = await client.auth.signUp({ email: 'bench@example.test', password: 'bench-password-123' })
  if (error) throw error
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
  await stop()
  results.rest_path = { baseline_wire_protocol: wire, supabase_js_gateway: rest }
  save()
}

// Stripe webhooks through the gateway: signed events per second with 16 in flight, and a duplicate
// storm (1,000 deliveries of 50 events) that must credit each event once.
if (figures.has('stripe')) {
  log('stripe webhooks')
  const secret = 'whsec_bench_secret'
  process.env.STRIPE_WEBHOOK_SECRET = secret
  const { stack, stop } = await stackOnClone()
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
  const UNIQUE = 1000
  const verifyOnly = await measure(UNIQUE, 16, async (i) => {
    const payload = JSON.stringify(makeEvent(100000 + i))
    await stripeClient().webhooks.constructEventAsync(payload, signer.webhooks.generateTestHeaderString({ payload, secret }), secret, 300, stripeCrypto)
  })
  const unique = await measure(UNIQUE, 16, (i) => deliver(makeEvent(i)))
  const storm = await measure(1000, 16, (i) => deliver(makeEvent(10000 + (i % 50))))
  const [{ balance }] = await sql`select balance::int from billing.user_credits where user_id = ${user}`
  await sql.end()
  await stop()
  const expected = (UNIQUE + 50) * 100
  results.stripe_webhooks = {
    in_flight: 16, baseline_signature_check_only: verifyOnly, through_gateway: unique, duplicate_storm: { ...storm, distinct_events: 50, deliveries: 1000 },
    balance_cents: balance, expected_balance_cents: expected, double_credits: balance - expected,
  }
  save()
}

// Embedding pipeline: provider requests for 10,000 texts vs one request per row, and a re-run.
if (figures.has('embedding')) {
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
    vectors_per_second: +(first.written / seconds).toFixed(0), unchanged_rerun_requests: rerun.requests,
  }
  save()
}

// Vector search at the full seed volume (built once per change of its inputs, cached).
if (figures.has('vector')) {
  log('vector search at full volume')
  delete process.env.OPENAI_API_KEY // the local embedder: deterministic, offline
  results.vector_search = await vectorSearchFigures(log)
  save()
}

// Relevance: the labelled query set (bench/relevance/queries.ts) asked through the catalog routes on
// the full-volume database (the vector figure's, cached), MRR and nDCG@10 beside a full-text baseline.
if (figures.has('relevance')) {
  log('relevance of the catalog search (labelled query set)')
  results.relevance = await relevanceFigures(log)
  save()
}

// Agent payments: offline X-PAYMENT verification throughput (no database: engine-free).
if (figures.has('payments')) {
  log('agent payments')
  results.agent_payments = await agentPaymentFigures()
  save()
}

// Crawler: a loopback site of 1,000 pages through the stack's scrape function, then an unchanged re-crawl.
if (figures.has('crawler')) {
  results.crawler = await crawlerFigures(log)
  save()
}

save()
process.exit(0)
