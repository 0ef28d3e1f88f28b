// Package search finds what people type (issue 18 point 2): word prefixes and synonyms
// (postgres / postgresql / pg, k8s / kubernetes, ...) in the full text, name and keyword boosts, a
// trigram spelling fallback, and text-only queries ranked through the RPC itself (a supabase-js
// client has no embedding model). Over the seeded catalog, on both engines: the RPC as anon (what
// supabase-js runs) and GET /catalog/packages (hybrid with the local embedder).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { app } from '../../functions/catalog/app.ts'
import { app as embedApp } from '../../functions/embed/app.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'package-search-test-secret-with-at-least-32-characters'
let db: TestDatabase

interface Hit {
  name: string
  description: string
  is_operator: boolean
  category: number
  deprecated: boolean
  score: number
}

/** cloud.search_packages as anon with the query text only (no embedding), named arguments. */
async function rpc(query: string | null, args: Record<string, unknown> = {}): Promise<Hit[]> {
  const names = Object.keys(args)
  const named = names.map((n, i) => `, ${n} => $${i + 2}`).join('')
  return await db.sql.transaction(async (tx) => {
    await tx.exec('set local role anon')
    const { rows } = await tx.query<Hit>(
      `select name, description, is_operator, category, deprecated, score
       from cloud.search_packages(query_text => $1${named})`,
      [query, ...names.map((n) => args[n])],
    )
    return rows.map((r) => ({ ...r, score: Number(r.score) }))
  })
}

async function route(query: string, extra = ''): Promise<Hit[]> {
  const res = await app.request(`/catalog/packages?q=${encodeURIComponent(query)}${extra}`)
  expect(res.status).toBe(200)
  return (await res.json()).packages
}

const names = (hits: Hit[]) => hits.map((h) => h.name)

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
  process.env.JWT_SECRET = SECRET
  delete process.env.OPENAI_API_KEY // the local embedder
  const key = await signRoleKey('service_role', SECRET)
  for (;;) {
    const res = await embedApp.request('/embed', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${key}` } })
    expect(res.status).toBe(200)
    if ((await res.json()).claimed === 0) break
  }
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('cloud.search_packages with query text only (what a supabase-js client can send)', () => {
  it('answers ranked packages, best first, not an empty list', async () => {
    const hits = await rpc('redis', { match_count: 5 })
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0].name).toBe('redis')
    const scores = hits.map((h) => h.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    expect(scores.every((s) => s > 0)).toBe(true)
  })

  it('finds the same packages for postgres, postgresql and pg', async () => {
    const postgresql = await rpc('postgresql')
    expect(names(postgresql)).toEqual(expect.arrayContaining(['postgresql', 'postgresql-ha', 'cloudnative-pg']))
    expect(postgresql[0].name).toBe('postgresql')
    expect(names(await rpc('postgres'))).toEqual(names(postgresql))
    // pg: the same packages (cloudnative-pg's name says pg: second here)
    const pg = await rpc('pg')
    expect(names(pg).sort()).toEqual(names(postgresql).sort())
    expect(pg[0].name).toBe('postgresql')
    // and a word's beginning (typing as you go)
    expect((await rpc('postg'))[0].name).toBe('postgresql')
  })

  it('ranks a postgres operator first for "postgres operator", not another operator', async () => {
    const hits = await rpc('postgres operator')
    expect(hits[0].name).toBe('cloudnative-pg')
    expect(names(hits).indexOf('cloudnative-pg')).toBeLessThan(names(hits).indexOf('strimzi-kafka-operator') >>> 0)
  })

  it('finds kubernetes packages for k8s', async () => {
    const hits = await rpc('k8s', { match_count: 50 })
    expect(hits.length).toBeGreaterThanOrEqual(10)
    expect(names(hits).sort()).toEqual(names(await rpc('kubernetes', { match_count: 50 })).sort())
    const { rows } = await db.sql.query<{ name: string }>(
      `select name from cloud.bitnami_packages where name = any($1) and (description || ' ' || readme) !~* 'kubernetes'`, [names(hits)])
    expect(rows).toEqual([])
    expect((await rpc('k8s postgres operator'))[0].name).toBe('cloudnative-pg')
  })

  it('finds a package from a misspelt name (trigram fallback)', async () => {
    expect((await rpc('postgress'))[0].name).toBe('postgresql')
    expect((await rpc('promethus'))[0].name).toBe('prometheus')
    expect((await rpc('elasticsaerch'))[0].name).toBe('elasticsearch')
    expect((await rpc('postgress operator'))[0].name).toBe('cloudnative-pg')
  })

  it('ranks a match on the package name above a mention in the description', async () => {
    // "Grafana" is in the descriptions of loki and kube-prometheus-stack (more stars) too.
    const grafana = await rpc('grafana')
    expect(grafana[0].name).toBe('grafana')
    expect(names(grafana)).toEqual(expect.arrayContaining(['loki', 'kube-prometheus-stack']))
    // ingress-nginx has more stars; the exact name goes first, the name that contains the word next,
    // a package whose description says "NGINX" after both.
    const nginx = names(await rpc('nginx'))
    expect(nginx.slice(0, 2)).toEqual(['nginx', 'ingress-nginx'])
  })

  it('keeps the filters: operator only, category, official', async () => {
    expect(names(await rpc('postgres', { operator_only: true }))).toEqual(['cloudnative-pg'])
    const streaming = await rpc('operator', { category_filter: 8 })
    expect(names(streaming)).toEqual(['strimzi-kafka-operator'])
    const official = await rpc('postgres', { official_only: true })
    expect(names(official).sort()).toEqual(['postgresql', 'postgresql-ha'])
    expect(await rpc('postgres', { category_filter: 4 })).toEqual([])
  })

  it('leaves deprecated packages out unless asked, in the fallback too', async () => {
    expect(names(await rpc('dashboard', { match_count: 50 }))).not.toContain('old-dashboard')
    expect(names(await rpc('dashbord', { match_count: 50 }))).not.toContain('old-dashboard')
    expect(names(await rpc('legacy dashboard', { match_count: 50 }))).not.toContain('old-dashboard')
    expect(names(await rpc('dashboard', { match_count: 50, exclude_deprecated: false }))).toContain('old-dashboard')
    expect((await rpc('legacy dashbord', { exclude_deprecated: false }))[0].name).toBe('old-dashboard')
  })

  it('answers nothing for a query of no searchable word, and the most starred packages for no query', async () => {
    expect(await rpc('the and of')).toEqual([])
    expect(await rpc('zzqxv')).toEqual([])
    const popular = await rpc(null, { match_count: 3 })
    expect(names(popular)).toEqual(['kube-prometheus-stack', 'ingress-nginx', 'cert-manager'])
  })
})

describe('GET /catalog/packages (hybrid: the same full text fused with the embeddings)', () => {
  it('finds postgres packages for postgres and a postgres operator first for "postgres operator"', async () => {
    expect((await route('postgres'))[0].name).toBe('postgresql')
    expect((await route('postgres operator'))[0].name).toBe('cloudnative-pg')
    expect((await route('k8s postgres operator'))[0].name).toBe('cloudnative-pg')
  })

  it('finds a misspelt package and keeps the filters', async () => {
    expect((await route('promethus'))[0].name).toBe('prometheus')
    const operators = await route('postgres', '&operator_only=true')
    expect(operators.length).toBeGreaterThan(0)
    for (const p of operators) expect(p.is_operator).toBe(true)
    expect(operators[0].name).toBe('cloudnative-pg')
  })
})
