// The relevance section of BENCHMARKS.md (rendered by bench/report.ts from bench/results.json):
// MRR and nDCG@10 per kind and overall on each engine beside the full-text baseline, then every
// question whose expected answer did not come first.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { QuestionScore, RelevanceFigures, Summary } from './score.ts'

type Engine = 'pglite' | 'postgres'

const f = (x: number) => x.toFixed(3)
const summaryCells = (s: Summary | undefined) =>
  s ? [`${f(s.baseline_mrr)} / ${f(s.baseline_ndcg_at_10)}`, `**${f(s.mrr)}** / ${f(s.ndcg_at_10)}`, `${s.hits_at_1} of ${s.questions}${s.errors ? ` (${s.errors} errors)` : ''}`] : ['-', '-', '-']

const describe = (s: QuestionScore) => `rank ${s.rank ?? '-'}${s.error ? ` (answered ${s.error})` : ''}`

/** Markdown for the relevance figures of each engine present in `r` ('' when none). */
export function relevanceSection(r: any, labels: Record<Engine, string>): string {
  const engines = (['pglite', 'postgres'] as Engine[]).filter((e) => r[e]?.relevance)
  if (engines.length === 0) return ''
  const fig = (e: Engine) => r[e].relevance as RelevanceFigures
  const any = fig(engines[engines.length - 1])
  const rows = (['offers', 'packages', 'overall'] as const).map((kind) =>
    `| ${kind} (${any[kind].questions}) | ${engines.flatMap((e) => summaryCells(fig(e)[kind])).join(' | ')} |`)

  // Misses: every question whose expected answer was not first on some engine.
  const byQuestion = new Map<string, Partial<Record<Engine, QuestionScore>>>()
  for (const e of engines) for (const s of fig(e).questions) byQuestion.set(`${s.kind}: "${s.q}"`, { ...byQuestion.get(`${s.kind}: "${s.q}"`), [e]: s })
  const misses = [...byQuestion].filter(([, by]) => engines.some((e) => by[e] && by[e]!.rank !== 1)).map(([question, by]) => {
    const last = by[engines[engines.length - 1]] ?? by[engines[0]]!
    const ranks = engines.map((e) => (by[e] ? `${labels[e]} ${describe(by[e]!)}` : `${labels[e]} -`)).join(', ')
    const understood = last.understood ? `; understood as ${JSON.stringify(last.understood)}` : ''
    return `- ${question}: ${ranks}; baseline rank ${last.baseline_rank ?? '-'}; first answers (grade): ${last.top.join('; ') || 'none'}${understood}`
  })

  return `
Search relevance at the full seed volume: the labelled query set (\`bench/relevance/queries.ts\`: ${any.offers.questions} offer and
${any.packages.questions} package questions, as people type them) asked as a client asks, through the catalog function's routes
(\`GET /catalog/instances?q=\`, \`GET /catalog/packages?q=\`, local embedder), on the full-volume database of each engine. Offers are
graded by SQL ground truth (3 = the cheapest matching offer when the question asks for the cheapest, else any offer matching every
constraint; 2 = the rest of the ten cheapest; 1 = another match or a near miss), packages by chart name (3 = the chart asked for).
MRR counts the first result at grade 3 within the first 10; nDCG@10 uses every grade. Baseline, same database and run: packages
\`websearch_to_tsquery('english', q)\` over \`search_tsv\` ordered by \`ts_rank\`; offers the question's words OR'ed over the offer's
text and its regions' cities, countries and continents, ordered by \`ts_rank\` (\`bench/relevance/score.ts\`). Target: MRR >= ${any.target_mrr}.

| questions | ${engines.map((e) => `${labels[e]}: baseline MRR / nDCG@10 | ${labels[e]}: MRR / nDCG@10 | ${labels[e]}: expected answer first`).join(' | ')} |
|---|${engines.map(() => '---|---|---|').join('')}
${rows.join('\n')}
${textOnlyLine(engines, fig, labels)}${misses.length ? `
Questions whose expected answer did not come first (rank of the first grade-3 result, '-' = not in the first 10):

${misses.join('\n')}
` : ''}`
}

/** Packages asked through cloud.search_packages with the text alone (no embedding), per engine. */
function textOnlyLine(engines: Engine[], fig: (e: Engine) => RelevanceFigures, labels: Record<Engine, string>): string {
  const cells = engines.filter((e) => fig(e).packages.text_only_mrr !== undefined)
    .map((e) => `${labels[e]} MRR ${f(fig(e).packages.text_only_mrr!)} / nDCG@10 ${f(fig(e).packages.text_only_ndcg_at_10!)}`)
  return cells.length ? `
Packages through \`cloud.search_packages\` with the query text alone (no embedding, as a supabase-js caller without an embedder): ${cells.join('; ')}.
` : ''
}

/** The Targets table's rows: overall MRR >= target on each engine measured. */
export function relevanceTargets(): [name: string, engine: Engine, value: (e: any) => string, holds: (e: any) => boolean][] {
  const value = (e: any) => `${f(e.relevance.overall.mrr)} (offers ${f(e.relevance.offers.mrr)}, packages ${f(e.relevance.packages.mrr)}; baseline ${f(e.relevance.overall.baseline_mrr)})`
  const holds = (e: any) => e.relevance.overall.mrr >= e.relevance.target_mrr
  return [
    ['search relevance: MRR >= 0.8 on the labelled query set (overall; per kind and full-text baseline in brackets)', 'pglite', value, holds],
    ['search relevance: MRR >= 0.8 on the labelled query set (overall; per kind and full-text baseline in brackets)', 'postgres', value, holds],
  ]
}
