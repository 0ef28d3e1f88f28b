// OpenAI embeddings through the official SDK. Retries are off: the job queue owns retries and
// backoff, and a 429's Retry-After is passed up so the queue waits exactly that long.
import OpenAI from 'openai'
import { type EmbeddingProvider, type EmbeddingResult, ProviderError } from './provider.ts'

export interface OpenAIEmbedderOptions {
  apiKey: string
  baseURL?: string
  model: string
}

export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'))
  if (ms > 0) return Math.ceil(ms / 1000)
  const value = headers?.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

export class OpenAIEmbedder implements EmbeddingProvider {
  readonly name = 'openai'
  readonly model: string
  private readonly client: OpenAI

  constructor(options: OpenAIEmbedderOptions) {
    this.model = options.model
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: 120_000 })
  }

  async embed(inputs: string[]): Promise<EmbeddingResult> {
    try {
      const res = await this.client.embeddings.create({ model: this.model, input: inputs, encoding_format: 'float' })
      const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding)
      if (vectors.length !== inputs.length) throw new ProviderError(502, `expected ${inputs.length} embeddings, got ${vectors.length}`)
      return { vectors, tokens: res.usage?.total_tokens ?? 0 }
    } catch (error) {
      if (error instanceof ProviderError) throw error
      if (error instanceof OpenAI.APIError) {
        throw new ProviderError(error.status ?? 0, error.message, retryAfterSeconds(error.headers ?? undefined))
      }
      throw new ProviderError(0, (error as Error).message)
    }
  }
}
