// The pure parts of the pipeline: chunking, request packing, Retry-After, the local embedder.
import { getEncoding } from 'js-tiktoken'
import { describe, expect, it } from 'vitest'
import { hashEmbedding } from '../../functions/_shared/embeddings/local-embedder.ts'
import { retryAfterSeconds } from '../../functions/_shared/embeddings/openai-embedder.ts'
import { chunkText, countTokens, MODEL_MAX_INPUT_TOKENS } from '../../functions/_shared/embeddings/tokens.ts'
import { packRequests } from '../../functions/embed/batching.ts'
import { combineChunks } from '../../functions/embed/worker.ts'

const enc = getEncoding('cl100k_base')

describe('chunkText', () => {
  const text = Array.from({ length: 400 }, (_, i) => `word${i} kubernetes`).join(' ')

  it('keeps a text that fits as one chunk', () => {
    expect(chunkText('short text', 8000, 200)).toEqual([{ text: 'short text', tokens: countTokens('short text') }])
  })

  it('cuts on token boundaries with exactly `overlap` shared tokens and covers the whole text', () => {
    const chunks = chunkText(text, 100, 20)
    expect(chunks.length).toBeGreaterThan(3)
    for (const c of chunks) expect(c.tokens).toBeLessThanOrEqual(100)
    for (let i = 1; i < chunks.length; i++) {
      const prev = enc.encode(chunks[i - 1].text)
      const next = enc.encode(chunks[i].text)
      expect(next.slice(0, 20)).toEqual(prev.slice(-20))
    }
    expect(enc.encode(chunks.at(-1)!.text).at(-1)).toEqual(enc.encode(text).at(-1))
  })

  it('never exceeds the model limit of 8,191 tokens, whatever is asked', () => {
    const huge = 'lorem ipsum dolor '.repeat(9000)
    for (const c of chunkText(huge, 50_000, 200)) expect(c.tokens).toBeLessThanOrEqual(MODEL_MAX_INPUT_TOKENS)
  })
})

describe('packRequests', () => {
  it('puts at most 2,048 inputs in a request', () => {
    const items = Array.from({ length: 5000 }, () => ({ tokens: 5 }))
    expect(packRequests(items).map((r) => r.length)).toEqual([2048, 2048, 904])
  })

  it('puts at most 300,000 tokens in a request', () => {
    const items = Array.from({ length: 100 }, () => ({ tokens: 8000 }))
    const requests = packRequests(items)
    expect(requests.map((r) => r.length)).toEqual([37, 37, 26])
    for (const r of requests) expect(r.reduce((n, i) => n + i.tokens, 0)).toBeLessThanOrEqual(300_000)
  })
})

describe('retryAfterSeconds', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after-ms': '1500' }))).toBe(2)
    expect(retryAfterSeconds(new Headers({ 'retry-after': '30' }))).toBe(30)
    const inAMinute = new Date(Date.now() + 60_000).toUTCString()
    expect(retryAfterSeconds(new Headers({ 'retry-after': inAMinute }))).toBeGreaterThanOrEqual(58)
    expect(retryAfterSeconds(new Headers())).toBeUndefined()
  })
})

describe('local embedder', () => {
  const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0)

  it('is deterministic, 1536-dimensional and unit length', () => {
    const a = hashEmbedding('GPU instances with 8x H100 in Frankfurt', 1536)
    expect(a).toEqual(hashEmbedding('GPU instances with 8x H100 in Frankfurt', 1536))
    expect(a).toHaveLength(1536)
    expect(Math.hypot(...a)).toBeCloseTo(1, 10)
    expect(Math.hypot(...hashEmbedding('', 1536))).toBeCloseTo(1, 10)
  })

  it('puts a paraphrase closer than an unrelated text', () => {
    const text = hashEmbedding('Cheapest cloud GPU servers for training large language models', 1536)
    const paraphrase = hashEmbedding('which cloud server with a GPU is cheapest to train a language model?', 1536)
    const unrelated = hashEmbedding('Recipe for a lemon cake with fresh berries', 1536)
    expect(cos(text, paraphrase)).toBeGreaterThan(cos(text, unrelated) + 0.2)
  })

  it('averages chunk vectors by tokens into one unit vector', () => {
    const v = combineChunks([[1, 0], [0, 1]], [3, 1])
    expect(Math.hypot(...v)).toBeCloseTo(1, 10)
    expect(v[0]).toBeCloseTo(3 / Math.hypot(3, 1), 10)
  })
})
