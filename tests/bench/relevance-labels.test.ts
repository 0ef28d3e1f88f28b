// The labelled query set of the relevance bench (bench/relevance/queries.ts) cannot rot silently:
// every labelled package name is a chart the seed holds (the default seed has every chart name the
// full volume repackages), and every offer question's ground truth runs on this engine and, over the
// full volume of offers (the regions and instances of seed/full/catalog.sql, loaded here on top of the
// default seed; its packages part is left out to keep the test quick), finds offers at grade 3.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { groundTruthSql, OFFER_QUESTIONS, PACKAGE_QUESTIONS, QUESTIONS } from '../../bench/relevance/queries.ts'
import { ROOT } from '../../stack/config.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await startTestDatabase()
  const full = readFileSync(join(ROOT, 'seed', 'full', 'catalog.sql'), 'utf8')
  const packages = full.indexOf('\n-- Packages:')
  await db.sql.exec(packages > 0 ? full.slice(0, packages) : full)
  const [{ n }] = (await db.sql.query<{ n: number }>(`select count(*)::int as n from cloud.instances`)).rows
  expect(n).toBe(16695)
}, 300_000)
afterAll(async () => {
  await db.stop()
})

describe('the labelled query set', () => {
  it('has at least 40 questions, about half offers and half packages, none twice', () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(40)
    expect(OFFER_QUESTIONS.length).toBeGreaterThanOrEqual(18)
    expect(PACKAGE_QUESTIONS.length).toBeGreaterThanOrEqual(18)
    const asked = QUESTIONS.map((q) => `${q.kind}:${q.q.toLowerCase()}`)
    expect(new Set(asked).size).toBe(asked.length)
  })

  it('labels only package names the seed holds, each question with an expected answer (grade 3)', async () => {
    const { rows } = await db.sql.query<{ name: string }>(`select distinct name from cloud.bitnami_packages where not deprecated`)
    const held = new Set(rows.map((r) => r.name))
    const missing = PACKAGE_QUESTIONS.flatMap((q) => Object.keys(q.grades).filter((name) => !held.has(name)).map((name) => `${q.q}: ${name}`))
    expect(missing).toEqual([])
    for (const q of PACKAGE_QUESTIONS) expect(Object.values(q.grades), q.q).toContain(3)
  })

  it('every offer ground truth runs and finds available offers at grade 3 over the full volume', async () => {
    const empty: string[] = []
    for (const q of OFFER_QUESTIONS) {
      const { rows } = await db.sql.query<{ grade: number; n: number }>(`select grade, count(*)::int as n from (${groundTruthSql(q)}) t group by grade`)
      const by = Object.fromEntries(rows.map((r) => [r.grade, r.n]))
      if (!by[3]) empty.push(q.q)
      // A cheapest question: the cheapest offer(s) at 3, the rest of the ten cheapest at 2.
      if (q.cheapest && by[3]) expect(by[3] + (by[2] ?? 0), q.q).toBeLessThanOrEqual(Math.max(10, by[3]))
    }
    expect(empty).toEqual([])
  })

  it('grades the cheapest European A100 3 and nothing that is not an available European A100 above 1', async () => {
    const q = OFFER_QUESTIONS.find((x) => x.q === 'cheapest A100 in Europe')!
    const { rows } = await db.sql.query<{ grade: number; gpu_model: string; available: boolean; european: boolean; usd: string; cheapest_usd: string }>(`
      with t as (${groundTruthSql(q)}),
      priced as (
        select i.id, i.gpu_model, i.available, i.price_hourly / coalesce(cr.per_usd, 1) as usd,
               exists (select 1 from cloud.regions r where r.provider = i.provider and i.regions ? r.region_id and r.continent = 'Europe') as european
        from cloud.instances i left join cloud.currency_rates cr on cr.currency = i.price_currency)
      select t.grade, p.gpu_model, p.available, p.european, p.usd::text,
             (select min(usd) from priced where gpu_model = 'A100' and available and european)::text as cheapest_usd
      from t join priced p using (id)`)
    const top = rows.filter((r) => r.grade === 3)
    expect(top.length).toBeGreaterThan(0)
    for (const r of top) expect(r.usd).toBe(r.cheapest_usd)
    expect(rows.filter((r) => r.grade >= 2 && !(r.gpu_model === 'A100' && r.available && r.european))).toEqual([])
    expect(rows.filter((r) => !r.available)).toEqual([])
  })
})
