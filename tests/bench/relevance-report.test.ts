// The relevance section of BENCHMARKS.md (bench/relevance/report.ts): the MRR / nDCG table per kind
// and engine beside the baseline, and the questions whose expected answer did not come first.
import { describe, expect, it } from 'vitest'
import { relevanceSection, relevanceTargets } from '../../bench/relevance/report.ts'
import type { QuestionScore, RelevanceFigures, Summary } from '../../bench/relevance/score.ts'

const summary = (over: Partial<Summary>): Summary => ({ questions: 1, mrr: 1, ndcg_at_10: 1, hits_at_1: 1, errors: 0, baseline_mrr: 0, baseline_ndcg_at_10: 0, ...over })
const hit: QuestionScore = { kind: 'packages', q: 'kafka', rank: 1, rr: 1, ndcg: 1, baseline_rank: 1, baseline_rr: 1, baseline_ndcg: 1, top: ['kafka (3)'] }
const miss: QuestionScore = {
  kind: 'offers', q: 'cheapest A100 in Europe', rank: 4, rr: 0.25, ndcg: 0.5, baseline_rank: null, baseline_rr: 0, baseline_ndcg: 0,
  top: ['8x NVIDIA A100 USD 29.36/h (1)'], understood: { sort: 'price' },
}
const figures = (questions: QuestionScore[], mrr: number): RelevanceFigures => ({
  target_mrr: 0.8, seconds: 1, questions,
  offers: summary({ mrr: 0.25, ndcg_at_10: 0.5, hits_at_1: 0 }), packages: summary({ baseline_mrr: 1 }),
  overall: summary({ questions: 2, mrr, ndcg_at_10: 0.75, hits_at_1: 1, baseline_mrr: 0.5, baseline_ndcg_at_10: 0.5 }),
})
const labels = { pglite: 'PGlite', postgres: 'PostgreSQL 17' }

describe('the relevance section', () => {
  it('is empty when no engine measured it', () => {
    expect(relevanceSection({ pglite: {} }, labels)).toBe('')
  })

  it('tabulates MRR and nDCG@10 per kind on each engine beside the baseline, and lists the misses only', () => {
    const md = relevanceSection({ pglite: { relevance: figures([miss, hit], 0.625) }, postgres: { relevance: figures([{ ...miss, rank: null, error: '500 internal_error' }, hit], 0.5) } }, labels)
    expect(md).toContain('| overall (2) | 0.500 / 0.500 | **0.625** / 0.750 | 1 of 2 | 0.500 / 0.500 | **0.500** / 0.750 | 1 of 2 |')
    expect(md).toContain('| offers (1) | 0.000 / 0.000 | **0.250** / 0.500 | 0 of 1 |')
    expect(md).toContain('- offers: "cheapest A100 in Europe": PGlite rank 4, PostgreSQL 17 rank - (answered 500 internal_error); baseline rank -; first answers (grade): 8x NVIDIA A100 USD 29.36/h (1); understood as {"sort":"price"}')
    expect(md).not.toContain('"kafka"')
    expect(md).not.toContain('query text alone')
  })

  it('adds the packages asked through the RPC with their text alone, where measured', () => {
    const withTextOnly = figures([hit], 1)
    withTextOnly.packages = summary({ text_only_mrr: 0.5, text_only_ndcg_at_10: 0.25 })
    const md = relevanceSection({ pglite: { relevance: figures([hit], 1) }, postgres: { relevance: withTextOnly } }, labels)
    expect(md).toContain('with the query text alone (no embedding, as a supabase-js caller without an embedder): PostgreSQL 17 MRR 0.500 / nDCG@10 0.250.')
  })

  it('holds the target on the overall MRR of each engine', () => {
    const [pglite, postgres] = relevanceTargets()
    expect([pglite[1], postgres[1]]).toEqual(['pglite', 'postgres'])
    expect(pglite[3]({ relevance: figures([hit], 0.8) })).toBe(true)
    expect(pglite[3]({ relevance: figures([miss], 0.79) })).toBe(false)
    expect(pglite[2]({ relevance: figures([miss], 0.79) })).toBe('0.790 (offers 0.250, packages 1.000; baseline 0.500)')
  })
})
