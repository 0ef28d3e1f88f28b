// The relevance figure's metrics (bench/relevance/metrics.ts) on small cases computed by hand.
import { describe, expect, it } from 'vitest'
import { dcg, mean, ndcg, reciprocalRank } from '../../bench/relevance/metrics.ts'

describe('reciprocal rank', () => {
  it('is 1 / the rank of the first result at the asked grade, lower grades passed over', () => {
    expect(reciprocalRank([3, 0], 3)).toBe(1)
    expect(reciprocalRank([0, 1, 3, 3], 3)).toBeCloseTo(1 / 3, 12)
    expect(reciprocalRank([2, 2, 2], 2)).toBe(1)
  })
  it('is 0 when no result reaches the grade, or nothing came back', () => {
    expect(reciprocalRank([2, 1, 0], 3)).toBe(0)
    expect(reciprocalRank([], 3)).toBe(0)
  })
})

describe('DCG and nDCG@k', () => {
  it('DCG: (2^grade - 1) / log2(rank + 1), summed over the first k', () => {
    // 7/1 + 3/log2(3) + 0/2 + 1/log2(5) = 7 + 1.892789 + 0 + 0.430677
    expect(dcg([3, 2, 0, 1], 4)).toBeCloseTo(9.323466, 5)
    expect(dcg([3, 2, 0, 1], 2)).toBeCloseTo(8.892789, 5)
  })
  it('nDCG: 1 for the ideal order, less when the best answer comes second', () => {
    expect(ndcg([3, 2, 1], [1, 3, 2], 10)).toBe(1)
    // (3 + 7/log2 3) / (7 + 3/log2 3) = 7.416508 / 8.892789
    expect(ndcg([2, 3], [3, 2], 2)).toBeCloseTo(0.833990, 5)
    // the one relevant item at rank 2: (7 / log2 3) / 7
    expect(ndcg([0, 3], [3], 10)).toBeCloseTo(0.630930, 5)
  })
  it('nDCG: only the k best of the ideal count, and nothing relevant anywhere gives 0', () => {
    // 12 relevant items at grade 1, ten of them returned: ideal DCG@10 is that of ten 1s.
    expect(ndcg(Array(10).fill(1), Array(12).fill(1), 10)).toBe(1)
    expect(ndcg([0, 0], [], 10)).toBe(0)
    expect(ndcg([], [3, 3], 10)).toBe(0)
  })
  it('mean of an empty list is 0', () => {
    expect(mean([])).toBe(0)
    expect(mean([1, 0, 0.5])).toBeCloseTo(0.5, 12)
  })
})
