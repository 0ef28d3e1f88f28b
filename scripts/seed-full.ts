// `npm run seed:full [-- --db-url <url>] [-- --no-embed]`: tops the catalog up to the volume seed 000
// documents (seed/full/catalog.sql, deterministic), then drains the embedding queue with the
// configured provider (local embedder offline) so every vector exists. Run it against the running
// local stack (`npm start`) or any database the migrations have been applied to.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { embeddingProvider } from '../functions/_shared/embeddings/provider.ts'
import { runEmbedWorker } from '../functions/embed/worker.ts'
import { localDbUrl, ROOT, stackSettings } from '../stack/config.ts'
import { postgresRunner } from '../stack/sql-runner.ts'

const { values } = parseArgs({ options: { 'db-url': { type: 'string' }, 'no-embed': { type: 'boolean', default: false } } })
const url = values['db-url'] ?? process.env.DATABASE_URL ?? localDbUrl(stackSettings())

const started = Date.now()
const runner = postgresRunner(url)
await runner.exec(readFileSync(join(ROOT, 'seed', 'full', 'catalog.sql'), 'utf8'))
const [counts] = await runner.query(`
  select (select count(*) from cloud.providers)::int as providers, (select count(*) from cloud.regions)::int as regions,
         (select count(*) from cloud.instances)::int as instances, (select count(*) from cloud.bitnami_categories)::int as categories,
         (select count(*) from cloud.bitnami_operator_capabilities)::int as capabilities,
         (select count(*) from cloud.bitnami_packages)::int as packages`)
await runner.close()
console.log(`catalog: ${JSON.stringify(counts)} (${((Date.now() - started) / 1000).toFixed(1)} s)`)

if (!values['no-embed']) {
  const sql = postgres(url, { max: 2, onnotice: () => {} })
  const provider = embeddingProvider()
  let total = 0
  for (;;) {
    const run = await runEmbedWorker(sql, provider, { maxJobs: 2048, maxSeconds: 60, chunkTokens: 8000, chunkOverlap: 200 })
    total += run.written
    console.log(`embeddings: +${run.written} (${total} so far, ${run.requests} requests, ${((Date.now() - started) / 1000).toFixed(0)} s)`)
    if (run.claimed === 0 || run.rate_limited_for_seconds !== undefined) break
  }
  await sql.end()
}
