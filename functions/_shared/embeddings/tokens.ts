// Token counting and token-aware chunking with the tokenizer of OpenAI's embedding models
// (cl100k_base), so inputs stay within the model's 8,191-token limit.
import { Tiktoken } from 'js-tiktoken/lite'
import cl100k_base from 'js-tiktoken/ranks/cl100k_base'

let encoder: Tiktoken | undefined
const tokenizer = () => (encoder ??= new Tiktoken(cl100k_base))

export const MODEL_MAX_INPUT_TOKENS = 8191

export function countTokens(text: string): number {
  return tokenizer().encode(text).length
}

export interface Chunk {
  text: string
  tokens: number
}

/**
 * Splits text into chunks of at most maxTokens tokens, consecutive chunks sharing `overlap`
 * tokens. A text that fits is one chunk. Chunk boundaries fall on token boundaries.
 */
export function chunkText(text: string, maxTokens = 8000, overlap = 200): Chunk[] {
  const limit = Math.min(maxTokens, MODEL_MAX_INPUT_TOKENS)
  const tokens = tokenizer().encode(text)
  if (tokens.length <= limit) return [{ text, tokens: tokens.length }]
  const step = Math.max(1, limit - Math.min(overlap, limit - 1))
  const chunks: Chunk[] = []
  for (let start = 0; start < tokens.length; start += step) {
    const slice = tokens.slice(start, start + limit)
    chunks.push({ text: tokenizer().decode(slice), tokens: slice.length })
    if (start + limit >= tokens.length) break
  }
  return chunks
}
