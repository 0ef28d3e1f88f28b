// Deterministic offline embedder: feature hashing of normalised, lightly stemmed words, word
// bigrams and character trigrams into a fixed dimension, signed, L2-normalised. No model, no
// network: texts that share words and word forms are close, so semantic search works in tests and
// offline development. Hand-written because no maintained package does feature-hashed text
// vectors without pulling in a model.
import type { EmbeddingProvider, EmbeddingResult } from './provider.ts'
import { countTokens } from './tokens.ts'

const STOPWORDS = new Set(
  ('a an and are as at be been being but by can could did do does for from had has have he her his i if in into is it its ' +
    'me my no not of on or our she so than that the their them then there these they this to too up us was we were what ' +
    'when where which while who whom why will with would you your').split(' '),
)

function stem(word: string): string {
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'edly', 'ed', 'ies', 'es', 'ly', 's']) {
    if (word.length - suffix.length >= 3 && word.endsWith(suffix)) {
      return suffix === 'ies' ? `${word.slice(0, -3)}y` : word.slice(0, -suffix.length)
    }
  }
  return word
}

export function words(text: string): string[] {
  const normalised = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  return (normalised.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).map(stem)
}

// FNV-1a, 32 bit, over UTF-16 code units; seed varies the hash family (index vs sign).
function fnv1a(s: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export function hashEmbedding(text: string, dimensions: number): number[] {
  const v = new Float64Array(dimensions)
  const add = (feature: string, weight: number) => {
    const index = fnv1a(feature, 0) % dimensions
    const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1
    v[index] += sign * weight
  }
  const ws = words(text)
  ws.forEach((w, i) => {
    add(`w:${w}`, 1)
    if (i > 0) add(`b:${ws[i - 1]} ${w}`, 0.5)
    const padded = `#${w}#`
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.2)
  })
  const norm = Math.hypot(...v)
  if (norm === 0) {
    // No words (empty or punctuation only): a fixed unit vector, never a zero vector (cosine NaN).
    v[0] = 1
    return Array.from(v)
  }
  return Array.from(v, (x) => x / norm)
}

export class LocalEmbedder implements EmbeddingProvider {
  readonly name = 'local'
  readonly model: string
  private readonly dimensions: number

  constructor(dimensions: number) {
    this.dimensions = dimensions
    this.model = `local-feature-hash-v1-${dimensions}`
  }

  async embed(inputs: string[]): Promise<EmbeddingResult> {
    return {
      vectors: inputs.map((text) => hashEmbedding(text, this.dimensions)),
      tokens: inputs.reduce((sum, text) => sum + countTokens(text), 0),
    }
  }
}
