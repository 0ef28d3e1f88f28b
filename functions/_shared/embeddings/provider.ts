// Embedding providers behind one interface, chosen by environment:
//   OPENAI_API_KEY set  -> OpenAI (EMBEDDING_MODEL, default text-embedding-3-small, 1536 dims;
//                          OPENAI_BASE_URL overrides the endpoint, e.g. a loopback server in tests)
//   otherwise           -> the deterministic local embedder (same dimension), so search works offline.
import { env } from '../env.ts'
import { LocalEmbedder } from './local-embedder.ts'
import { OpenAIEmbedder } from './openai-embedder.ts'

export const EMBEDDING_DIMENSIONS = 1536

export interface EmbeddingResult {
  vectors: number[][]
  /** Tokens the provider counted (or our own count for the local embedder). */
  tokens: number
}

export interface EmbeddingProvider {
  /** Short provider name recorded with each request: 'openai' | 'local'. */
  readonly name: string
  /** Model name stored with every vector; a change re-embeds. */
  readonly model: string
  embed(inputs: string[]): Promise<EmbeddingResult>
}

/** A failed provider request. status 0 = network; retryAfterSeconds from Retry-After(-ms). */
export class ProviderError extends Error {
  readonly status: number
  readonly retryAfterSeconds?: number

  constructor(status: number, message: string, retryAfterSeconds?: number) {
    super(message)
    this.name = 'ProviderError'
    this.status = status
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export function embeddingProvider(): EmbeddingProvider {
  const apiKey = env('OPENAI_API_KEY')
  if (!apiKey) return new LocalEmbedder(EMBEDDING_DIMENSIONS)
  return new OpenAIEmbedder({
    apiKey,
    baseURL: env('OPENAI_BASE_URL'),
    model: env('EMBEDDING_MODEL') ?? 'text-embedding-3-small',
  })
}

/** The embedding of one search query, with the same provider the stored vectors used. */
export async function embedQuery(text: string, provider = embeddingProvider()): Promise<number[]> {
  const { vectors } = await provider.embed([text])
  return vectors[0]
}

/** pgvector's text form, at float4 precision (what the column stores anyway). */
export function toVectorLiteral(vector: number[]): string {
  return `[${vector.map((x) => Number(x.toPrecision(7))).join(',')}]`
}
