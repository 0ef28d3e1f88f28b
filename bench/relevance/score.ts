// Scores the labelled query set (bench/relevance/queries.ts) against a catalog database: each
// question asked the way a client asks, through the catalog function's routes (GET
// /catalog/instances?q=..., GET /catalog/packages?q=...; the local embedder unless OPENAI_API_KEY is
// set by the caller), and beside it a plain full-text baseline on the same database:
//   packages  websearch_to_tsquery('english', q) over cloud.bitnami_packages.search_tsv, ordered by
//             ts_rank (then stars), deprecated charts left out (as the route does by default)
//   offers    the question's words OR'ed (websearch_to_tsquery('english', 'w1 or w2 ...'): all of them
//             AND'ed match nothing for most questions) over the offer's own text (its search_text: name,
//             type, provider, CPU, memory, disk, GPU, price) plus its regions' cities, countries and
//             continents, available offers only, ordered by ts_rank (ties by id)
// MRR counts the first result at the question's top grade (3); nDCG@10 uses every grade.
// Packages are also asked through cloud.search_packages with the text alone (no embedding, as the
// anon role), as a supabase-js caller without an embedder would: the text_only figures.
//
// Run directly against a database that holds the full seed volume (read-only: the baseline's
// documents live in a temporary table):
//   node bench/relevance/score.ts --db-url postgresql://...   [--json]
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { mean, ndcg, reciprocalRank } from './metrics.ts'
import { groundTruthSql, type OfferQuestion, type PackageQuestion, QUESTIONS } from './queries.ts'

export const TARGET_MRR = 0.8
const K = 10
const TOP = 3

export interface QuestionScore {
  kind: 'offers' | 'packages'
  q: string
  /** Rank (1-based) of the first result at grade 3 in the route's first 10, null when none. */
  rank: number | null
  rr: number
  ndcg: number
  baseline_rank: number | null
  baseline_rr: number
  baseline_ndcg: number
  /** The route's first three results as "label (grade)". */
  top: string[]
  /** What the route says it understood (the offer answer's `query`), when it says. */
  understood?: unknown
  /** The route's error answer (status and code): the question counts as a miss. */
  error?: string
  /** Packages: the same through cloud.search_packages with the query text alone. */
  text_only_rank?: number | null
  text_only_rr?: number
  text_only_ndcg?: number
}

export interface Summary {
  questions: number; mrr: number; ndcg_at_10: number; hits_at_1: number; errors: number; baseline_mrr: number; baseline_ndcg_at_10: number
  /** Packages only: cloud.search_packages with the text alone. */
  text_only_mrr?: number; text_only_ndcg_at_10?: number
}

export interface RelevanceFigures {
  target_mrr: number
  offers: Summary
  packages: Summary
  overall: Summary
  seconds: number
  questions: QuestionScore[]
}

const r3 = (x: number) => Math.round(x * 1000) / 1000
const rankOf = (grades: number[]) => {
  const i = grades.findIndex((g) => g >= TOP)
  return i < 0 ? null : i + 1
}

function summarize(scores: QuestionScore[]): Summary {
  const textOnly = scores.length > 0 && scores.every((s) => s.text_only_rr !== undefined)
  return {
    questions: scores.length,
    mrr: r3(mean(scores.map((s) => s.rr))),
    ndcg_at_10: r3(mean(scores.map((s) => s.ndcg))),
    hits_at_1: scores.filter((s) => s.rank === 1).length,
    errors: scores.filter((s) => s.error).length,
    baseline_mrr: r3(mean(scores.map((s) => s.baseline_rr))),
    baseline_ndcg_at_10: r3(mean(scores.map((s) => s.baseline_ndcg))),
    ...(textOnly ? { text_only_mrr: r3(mean(scores.map((s) => s.text_only_rr!))), text_only_ndcg_at_10: r3(mean(scores.map((s) => s.text_only_ndcg!))) } : {}),
  }
}

type Route = (path: string) => Promise<Response>

/** The route's answer, or its error as "<status> <code>" (a 4xx/5xx scores as an empty answer). */
async function ask<T>(route: Route, path: string): Promise<{ body?: T; error?: string }> {
  const res = await route(path)
  const body = await res.json()
  if (res.status !== 200) return { error: `${res.status} ${body?.error?.code ?? JSON.stringify(body)}` }
  return { body: body as T }
}

/** The offer baseline's OR query: each word an alternative (websearch syntax; '-' and quotes dropped). */
export const orQuery = (q: string) => q.replace(/["-]/g, ' ').split(/\s+/).filter((w) => w && w.toLowerCase() !== 'or').join(' or ')

interface OfferRow { id: string; name: string | null; gpu_count: number; gpu_model: string | null; price_hourly: string; price_currency: string; regions: unknown }

async function scoreOffer(sql: postgres.Sql, route: Route, question: OfferQuestion): Promise<QuestionScore> {
  const truth = new Map((await sql.unsafe<{ id: string; grade: number }[]>(groundTruthSql(question))).map((row) => [row.id, row.grade]))
  if (![...truth.values()].some((g) => g >= TOP)) throw new Error(`"${question.q}": no offer at grade 3 in this database (labels out of date?)`)
  const ideal = [...truth.values()]
  const { body = { instances: [] }, error } = await ask<{ instances: OfferRow[]; query?: unknown }>(route, `/catalog/instances?q=${encodeURIComponent(question.q)}&limit=${K}`)
  const grades = body.instances.map((o) => truth.get(o.id) ?? 0)
  const baseline = await sql.unsafe<{ id: string }[]>(
    `select d.id from relevance_offer_docs d, websearch_to_tsquery('english', $1) query
     where d.doc @@ query order by ts_rank(d.doc, query) desc, d.id limit ${K}`, [orQuery(question.q)])
  const baselineGrades = baseline.map((o) => truth.get(o.id) ?? 0)
  return {
    kind: 'offers', q: question.q,
    rank: rankOf(grades), rr: reciprocalRank(grades, TOP), ndcg: r3(ndcg(grades, ideal, K)),
    baseline_rank: rankOf(baselineGrades), baseline_rr: reciprocalRank(baselineGrades, TOP), baseline_ndcg: r3(ndcg(baselineGrades, ideal, K)),
    top: body.instances.slice(0, 3).map((o, i) => `${o.name ?? o.id} ${o.price_currency.trim()} ${Number(o.price_hourly)}/h (${grades[i]})`),
    ...(body.query === undefined ? {} : { understood: body.query }),
    ...(error ? { error } : {}),
  }
}

async function scorePackage(sql: postgres.Sql, route: Route, question: PackageQuestion): Promise<QuestionScore> {
  const names = Object.keys(question.grades)
  const counts = await sql.unsafe<{ name: string; n: number }[]>(
    `select name, count(*)::int as n from cloud.bitnami_packages where not deprecated and name = any($1::text[]) group by name`, [names])
  const ideal = counts.flatMap((c) => Array<number>(Math.min(c.n, K)).fill(question.grades[c.name]))
  if (!counts.some((c) => question.grades[c.name] === TOP)) throw new Error(`"${question.q}": no package at grade 3 in this database`)
  const grade = (name: string) => question.grades[name] ?? 0
  const { body = { packages: [] }, error } = await ask<{ packages: { name: string }[] }>(route, `/catalog/packages?q=${encodeURIComponent(question.q)}&limit=${K}`)
  const grades = body.packages.map((p) => grade(p.name))
  const baseline = await sql.unsafe<{ name: string }[]>(
    `select p.name from cloud.bitnami_packages p, websearch_to_tsquery('english', $1) query
     where not p.deprecated and p.search_tsv @@ query order by ts_rank(p.search_tsv, query) desc, p.stars desc, p.package_id limit ${K}`, [question.q])
  const baselineGrades = baseline.map((p) => grade(p.name))
  const textOnly = await sql.begin(async (tx) => {
    await tx.unsafe('set local role anon')
    return await tx.unsafe<{ name: string }[]>(`select name from cloud.search_packages(query_text => $1, query_embedding => null, match_count => ${K})`, [question.q])
  })
  const textOnlyGrades = textOnly.map((p) => grade(p.name))
  return {
    kind: 'packages', q: question.q,
    rank: rankOf(grades), rr: reciprocalRank(grades, TOP), ndcg: r3(ndcg(grades, ideal, K)),
    baseline_rank: rankOf(baselineGrades), baseline_rr: reciprocalRank(baselineGrades, TOP), baseline_ndcg: r3(ndcg(baselineGrades, ideal, K)),
    top: body.packages.slice(0, 3).map((p, i) => `${p.name} (${grades[i]})`),
    ...(error ? { error } : {}),
    text_only_rank: rankOf(textOnlyGrades), text_only_rr: reciprocalRank(textOnlyGrades, TOP), text_only_ndcg: r3(ndcg(textOnlyGrades, ideal, K)),
  }
}

/**
 * Scores every question against the database at `url` (an admin connection: ground truth and
 * baselines), asking the catalog function's routes, which read SUPABASE_DB_URL (set here to `url`).
 */
export async function scoreRelevance(url: string, log: (line: string) => void = () => {}): Promise<RelevanceFigures> {
  const started = performance.now()
  const previousUrl = process.env.SUPABASE_DB_URL
  process.env.SUPABASE_DB_URL = url
  const { app } = await import('../../functions/catalog/app.ts')
  const { closeDb } = await import('../../functions/_shared/db.ts')
  const route: Route = async (path) => await app.request(path)
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  const scores: QuestionScore[] = []
  try {
    await sql.unsafe(`create temporary table relevance_offer_docs as
      select i.id, i.price_hourly,
             to_tsvector('english', coalesce(i.search_text, '') || ' ' || coalesce((
               select string_agg(distinct concat_ws(' ', r.city, r.country, r.continent), ' ')
               from cloud.regions r where r.provider = i.provider and i.regions ? r.region_id), '')) as doc
      from cloud.instances i where i.available`)
    for (const question of QUESTIONS) {
      const score = question.kind === 'offers' ? await scoreOffer(sql, route, question) : await scorePackage(sql, route, question)
      scores.push(score)
      log(`relevance: ${score.kind} "${score.q}": rank ${score.rank ?? '-'} (baseline ${score.baseline_rank ?? '-'}), nDCG@10 ${score.ndcg}${score.error ? `, answered ${score.error}` : ''}`)
    }
  } finally {
    await sql.end()
    await closeDb()
    // The lane's later figures start stacks of their own: leave the environment as it was.
    if (previousUrl === undefined) delete process.env.SUPABASE_DB_URL
    else process.env.SUPABASE_DB_URL = previousUrl
  }
  return {
    target_mrr: TARGET_MRR,
    offers: summarize(scores.filter((s) => s.kind === 'offers')),
    packages: summarize(scores.filter((s) => s.kind === 'packages')),
    overall: summarize(scores),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    questions: scores,
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { 'db-url': { type: 'string' }, json: { type: 'boolean', default: false } } })
  if (!values['db-url']) throw new Error('--db-url <postgresql://...> of a database with the full seed volume')
  delete process.env.OPENAI_API_KEY
  const figures = await scoreRelevance(values['db-url'], values.json ? () => {} : (line) => console.error(line))
  if (values.json) console.log(JSON.stringify(figures, null, 2))
  else {
    const { questions, ...summary } = figures
    console.log(JSON.stringify(summary, null, 2))
    for (const s of questions.filter((s) => s.rank !== 1)) console.log(`miss: ${s.kind} "${s.q}" rank ${s.rank ?? '-'}${s.error ? ` (answered ${s.error})` : ''}: ${s.top.join('; ')}${s.understood ? ` understood ${JSON.stringify(s.understood)}` : ''}`)
  }
  process.exit(0)
}
