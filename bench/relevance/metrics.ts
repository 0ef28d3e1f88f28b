// Ranking metrics of the relevance figure (bench/relevance/score.ts), on graded labels (0 = not
// relevant ... 3 = the expected answer):
//   reciprocal rank  1 / the rank of the first result at the question's top grade (0 when none in the list)
//   nDCG@k           DCG of the returned grades over DCG of the ideal ordering of all labelled grades,
//                    DCG = sum over ranks i = 1..k of (2^grade - 1) / log2(i + 1)

/** 1 / rank of the first result whose grade is at least `grade` (0 if there is none). */
export function reciprocalRank(grades: readonly number[], grade: number): number {
  const i = grades.findIndex((g) => g >= grade)
  return i < 0 ? 0 : 1 / (i + 1)
}

/** Discounted cumulative gain of the first k grades (exponential gain). */
export function dcg(grades: readonly number[], k: number): number {
  let sum = 0
  for (const [i, g] of grades.slice(0, k).entries()) sum += (2 ** g - 1) / Math.log2(i + 2)
  return sum
}

/**
 * nDCG@k: `grades` are the returned results' grades in order; `ideal` every relevant item's grade
 * (any order, at least the k best). 0 when nothing is relevant at all.
 */
export function ndcg(grades: readonly number[], ideal: readonly number[], k: number): number {
  const best = dcg([...ideal].sort((a, b) => b - a), k)
  return best === 0 ? 0 : dcg(grades, k) / best
}

export const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)
